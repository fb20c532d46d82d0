"""Social CRM: what customers say about the brand and its competitors, how they feel, and how fast we answer."""

import streamlit as st

from dashboard import filters, safe, show
from dashboard.charts import social as charts
from dashboard.formatting import caption, delta, scorer_sentence
from dashboard.queries import social
from etl.kpi import brand_health, net_sentiment, share_of_voice
from i18n import N_, _, ngettext, worded
from i18n.formats import count, duration, percent

BRANDS, PLATFORMS = "social_brands", "social_platforms"  # what a click on a brand or platform chose
LABEL_SOURCES = {"person": N_("person"), "model": N_("model"), "lexicon": N_("lexicon")}



def pick_brands(values: list) -> None:
    """A click on brands filters the mentions table to them."""
    st.session_state[BRANDS] = tuple(sorted({str(v) for v in values}))


def pick_platforms(values: list) -> None:
    """A click on platforms filters the mentions table to them."""
    st.session_state[PLATFORMS] = tuple(sorted({str(v) for v in values}))


def show_everything() -> None:
    """Undo the clicks: the mentions table shows every brand and platform again."""
    st.session_state[BRANDS], st.session_state[PLATFORMS] = (), ()


def clicked_note(brands: tuple[str, ...], platforms: tuple[str, ...]) -> str:
    """The sentence that says which brands and platforms a click chose."""
    shown = {"brands": safe.md(", ".join(brands)), "platforms": safe.md(", ".join(platforms))}
    if brands and platforms:
        return _("Chosen by a click on the charts: brand {brands}, platform {platforms}.").format(**shown)
    if brands:
        return _("Chosen by a click on the charts: brand {brands}.").format(**shown)
    return _("Chosen by a click on the charts: platform {platforms}.").format(**shown)


def own_brands(by_brand) -> tuple:
    """The brand(s) the cards are about: the company's own, or every brand when none is marked as its own."""
    own = by_brand[by_brand["is_own_brand"].astype(bool)]
    return own, (own if not own.empty else by_brand)


def card_values(by_brand) -> dict:
    """The cards' figures from the mentions per brand of a period."""
    mine = own_brands(by_brand)[1]
    tracked = by_brand.loc[by_brand["is_tracked"].astype(bool), "mentions"].sum()
    positive, negative, mentions = mine["positive"].sum(), mine["negative"].sum(), mine["mentions"].sum()
    return {"mentions": by_brand["mentions"].sum(), "voice": share_of_voice(mentions, tracked),
            "net": net_sentiment(positive, negative, mentions), "health": brand_health(positive, negative)}


st.title(_("Social CRM"))
chosen = filters.require("mart_mentions", _("The loaded data has no social mentions, so there is nothing to show "
                                            "here."))
brands = social.by_brand(chosen)
if brands.empty:
    st.info(_("No mention was posted in this period under these filters."))
    st.stop()
colours = charts.brand_colours(brands["brand"].tolist())
own = own_brands(brands)[0]
who = safe.md(", ".join(own["brand"])) if not own.empty else _("all brands")
baseline = filters.compared(chosen)
now = card_values(brands)
before = card_values(social.by_brand(baseline)) if baseline is not None else {}
cards = st.columns(4)
cards[0].metric(_("Mentions"), count(now["mentions"]), delta(now["mentions"], before.get("mentions")), border=True,
                delta_color="off", help=_("Mentions posted in the period."))
cards[1].metric(_("Share of voice ({brands})").format(brands=who), percent(now["voice"]),
                delta(now["voice"], before.get("voice"), points=True), border=True, help=caption("share_of_voice"))
cards[2].metric(_("Net sentiment"), percent(now["net"]), delta(now["net"], before.get("net"), points=True),
                border=True, help=caption("net_sentiment"))
cards[3].metric(_("Brand-health index"), percent(now["health"]), delta(now["health"], before.get("health"),
                                                                       points=True),
                border=True, help=caption("brand_health"))
sources = social.label_sources(chosen)
st.markdown(scorer_sentence(social.scorer(), dict(zip(sources["label_source"], sources["mentions"]))))

grain = chosen.grain
buckets = charts.by_grain(social.daily(chosen), grain)
show.chart(charts.volume(buckets, colours, grain), buckets, "mentions-by-brand", "social_volume",
           on_click=filters.drill)
left, right = st.columns([1, 2])
show.chart(charts.voice(brands, colours), charts.voice_data(brands), "share-of-voice", "social_voice",
           on_click=pick_brands, where=left)
left.caption(caption("share_of_voice"))
net = charts.trend_data(buckets, "net_sentiment")
show.chart(charts.sentiment_trend(net, colours, "net_sentiment", grain), net, "net-sentiment", "social_net",
           on_click=filters.drill, where=right)
right.caption(caption("net_sentiment"))
health = charts.trend_data(buckets, "brand_health")
show.chart(charts.sentiment_trend(health, colours, "brand_health", grain), health, "brand-health", "social_health",
           on_click=filters.drill)
st.caption(" ".join((caption("brand_health"),
                     _("Periods with under a third of the usual mentions of a brand are left out of both lines."),
                     caption("sentiment_source"))))
platforms = social.by_platform(chosen)
show.chart(charts.platforms(platforms), platforms, "mentions-by-platform", "social_platforms_chart",
           on_click=pick_platforms)
st.caption(_("Click a brand or a platform to see its most negative mentions below."))

st.subheader(_("What they talk about"))
topics, negative_terms = social.topics(chosen), social.negative_terms(chosen)
left, right = st.columns(2)
if topics.empty:
    left.info(_("The mentions in this period carry no topics."))
else:
    show.chart(charts.topic_bars(topics), topics, "topics", "social_topics", where=left)
if negative_terms.empty:
    right.info(_("No negative mention in this period."))
else:
    show.chart(charts.bars(negative_terms, "term", "mentions", _("Words in negative mentions"),
                           charts.LABEL_COLOURS["negative"]), negative_terms, "negative-words", "social_words",
               where=right)
st.caption(_("Words of three letters or more, without handles, links, brand names and common English words; "
             "each counted once per mention."))

st.subheader(_("Most negative mentions"))
picked_brands, picked_platforms = st.session_state.get(BRANDS, ()), st.session_state.get(PLATFORMS, ())
if picked_brands or picked_platforms:
    note, undo = st.columns([4, 1])
    note.caption(clicked_note(picked_brands, picked_platforms))
    undo.button(_("Show every brand and platform"), key="social_show_all", on_click=show_everything)
worst = social.most_negative(chosen, picked_brands, picked_platforms)
worst["label_source"] = worded(worst["label_source"], LABEL_SOURCES)
show.table(worst, {"posted_date": (_("Posted"), "date"), "brand": (_("Brand"), "text"),
                   "platform": (_("Platform"), "text"), "author": (_("Author"), "text"),
                   "customer_id": (_("Customer"), "text"), "topic": (_("Topic"), "text"),
                   "sentiment": (_("Score"), "number"), "label_source": (_("Labelled by"), "text"),
                   "text": (_("Text"), "text")}, "most-negative-mentions", "social_worst")
st.caption(_("Lowest score first: people's labels score -1 x their confidence; the scorer's from -1 to 1."))

replies = social.responses(chosen)
if replies.empty:
    st.info(_("The data has no replies to mentions, so there is no first-response time to show."))
else:
    show.chart(charts.response_bars(replies, colours), replies, "first-response", "social_replies",
               on_click=pick_brands)
    overall = (replies["average_hours"] * replies["replied"]).sum() / replies["replied"].sum()
    answered = ngettext("Over all brands: {hours} on average, {replied} of {mentions} mention answered.",
                        "Over all brands: {hours} on average, {replied} of {mentions} mentions answered.",
                        int(replies["mentions"].sum())).format(
        hours=duration(overall, "hours"), replied=count(replies["replied"].sum()),
        mentions=count(replies["mentions"].sum()))
    st.caption(" ".join((caption("mention_response"), answered)))
