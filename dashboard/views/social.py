"""Social CRM: what customers say about the brand and its competitors, how they feel, and how fast we answer."""

import streamlit as st

from access import audit, rls
from dashboard import auth, filters, safe, show
from dashboard import queries as q
from dashboard.charts import social as charts
from dashboard.formatting import caption, delta, scorer_sentence
from dashboard.queries import social
from etl.corrections import correct
from etl.kpi import brand_health, net_sentiment, share_of_voice
from etl.sentiment import LABELS
from i18n import N_, _, ngettext, worded
from i18n.formats import count, duration, language_name, percent

BRANDS, PLATFORMS = "social_brands", "social_platforms"  # what a click on a brand or platform chose
LANGUAGES = "social_languages"  # the languages the page is narrowed to (none chosen: all)
SAVED = "social_corrected"  # the mention whose label a person corrected on the last run
LABEL_SOURCES = {"person": N_("person"), "model": N_("model"), "lexicon": N_("lexicon")}



def pick_brands(values: list) -> None:
    """A click on brands filters the mentions table to them."""
    st.session_state[BRANDS] = tuple(sorted({str(v) for v in values}))


def pick_platforms(values: list) -> None:
    """A click on platforms filters the mentions table to them."""
    st.session_state[PLATFORMS] = tuple(sorted({str(v) for v in values}))


def language_label(code: str, split) -> str:
    """'Ukrainian (1,234)': a language filter's option with its mentions in the period."""
    mentions = split.loc[split["language"] == code, "mentions"]
    return f"{language_name(code)} ({count(mentions.sum())})"


def language_sentence(split) -> str:
    """How the languages were found, and how many mentions were too short to tell (all languages of the period,
    whatever the language filter)."""
    unknown = int(split.loc[split["language"] == social.UNKNOWN, "mentions"].sum())
    said = _("Each mention's language is the source's, else detected offline from its text (langdetect, with a "
             "dictionary check among Cyrillic languages).")
    if not unknown:
        return said
    return " ".join((said, ngettext("{count} mention is too short to tell its language.",
                                    "{count} mentions are too short to tell their language.", unknown)
                     .format(count=count(unknown))))


def not_scored_sentence(unscored: int) -> str:
    """How many mentions no scorer reads, and what that means for the figures."""
    return ngettext("{count} mention is not scored: no scorer reads its language (English and Ukrainian are read), "
                    "or it is too short to tell its language. It counts among the mentions and the share of voice, "
                    "but in no sentiment figure.",
                    "{count} mentions are not scored: no scorer reads their language (English and Ukrainian are "
                    "read), or they are too short to tell their language. They count among the mentions and the "
                    "share of voice, but in no sentiment figure.", unscored).format(count=count(unscored))


def correction_form(worst, principal) -> None:
    """Let a person correct the label of one of the mentions in the table: kept for the next ETL run, which learns
    from it, and in the audit trail."""
    with st.expander(_("Correct a label")), st.form("social_correct", clear_on_submit=True):
        ids = worst["mention_id"].tolist()
        texts = dict(zip(ids, worst["text"].fillna("")))
        picked = st.selectbox(_("Mention"), ids, key="social_correct_mention",
                              format_func=lambda i: f"{i}: {texts[i][:80]}")
        # the shown names are the options (no format_func), so a test sets the radio by what it shows
        names = {charts.label_name(label): label for label in LABELS}
        label = names[st.radio(_("Label"), list(names), key="social_correct_label", horizontal=True)]
        saved = st.form_submit_button(_("Save the label"))
        st.caption(_("People's labels count as a person's from the next ETL run on: the scorer learns from them, "
                     "per language. Kept in the audit trail as {user}.").format(user=safe.md(principal.username)))
    if saved and picked:
        row = worst.set_index("mention_id").loc[picked]
        with rls.scoped(q.engine(), auth.visible(chosen.departments), principal.role) as conn:
            correct(conn, picked, row["department_id"], label, principal.username, row["label"])
            audit.record(conn, principal.username, "mention_label", f"mention {picked}",
                         detail=f"{row['label']} -> {label}")
        st.cache_data.clear()
        st.session_state[SAVED] = picked
        st.rerun()


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
    scored = positive + mine["neutral"].sum() + negative  # net sentiment counts scored mentions only
    return {"mentions": by_brand["mentions"].sum(), "voice": share_of_voice(mentions, tracked),
            "net": net_sentiment(positive, negative, scored), "health": brand_health(positive, negative)}


st.title(_("Social CRM"))
chosen = filters.require("mart_mentions", _("The loaded data has no social mentions, so there is nothing to show "
                                            "here."))
split = social.by_language(chosen)
languages = tuple(st.pills(_("Languages"), split["language"].tolist(), selection_mode="multi", key=LANGUAGES,
                           format_func=lambda code: language_label(code, split)) or ())
brands = social.by_brand(chosen, languages)
if brands.empty:
    st.info(_("No mention was posted in this period under these filters."))
    st.stop()
colours = charts.brand_colours(brands["brand"].tolist())
own = own_brands(brands)[0]
who = safe.md(", ".join(own["brand"])) if not own.empty else _("all brands")
baseline = filters.compared(chosen)
now = card_values(brands)
before = card_values(social.by_brand(baseline, languages)) if baseline is not None else {}
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
sources = social.label_sources(chosen, languages=languages)
st.markdown(scorer_sentence(social.scorer(), dict(zip(sources["label_source"], sources["mentions"]))))
per_language = social.scorers_by_language()
if len(per_language) > 1:
    st.caption(_("The measure above is that of {language}, the language people labelled most; each language has "
                 "its own scorer (“Scorer per language”, below the most negative mentions).").format(
        language=language_name(per_language["language"].iloc[0])))
if brands["not_scored"].sum():
    st.caption(not_scored_sentence(int(brands["not_scored"].sum())))

grain = chosen.grain
buckets = charts.by_grain(social.daily(chosen, languages=languages), grain)
show.chart(charts.volume(buckets, colours, grain, chosen.start, chosen.end), buckets, "mentions-by-brand",
           "social_volume", on_click=filters.drill)
if charts.cut_buckets(buckets["period"], grain, chosen.start, chosen.end).any():
    st.caption(_("Faded bars: weeks the period cuts, so they hold fewer days.") if grain == "week" else
               _("Faded bars: months the period cuts, so they hold fewer days."))
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
platforms = social.by_platform(chosen, languages=languages)
show.chart(charts.platforms(platforms), platforms, "mentions-by-platform", "social_platforms_chart",
           on_click=pick_platforms)
st.caption(_("Click a brand or a platform to see its most negative mentions below."))
show.chart(charts.languages(split), split, "mentions-by-language", "social_languages_chart")
st.caption(language_sentence(split))

st.subheader(_("What they talk about"))
topics, negative_terms = social.topics(chosen, languages=languages), social.negative_terms(chosen, languages=languages)
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
st.caption(_("Words of three letters or more in any script, as their dictionary form (доставка, доставки and "
             "доставку count as one), without handles, links, brand names and common English and Ukrainian words; "
             "each counted once per mention."))
kinds = social.by_category(chosen, languages=languages)
if not kinds.empty:
    show.chart(charts.category_bars(kinds), kinds, "categories", "social_categories")
    st.caption(_("Complaint: negative, or naming a refund, a delay or a breakage without praise; question: asks "
                 "something; praise: positive; other: the rest. By rules, in English and Ukrainian."))

st.subheader(_("Most negative mentions"))
picked_brands, picked_platforms = st.session_state.get(BRANDS, ()), st.session_state.get(PLATFORMS, ())
if picked_brands or picked_platforms:
    note, undo = st.columns([4, 1])
    note.caption(clicked_note(picked_brands, picked_platforms))
    undo.button(_("Show every brand and platform"), key="social_show_all", on_click=show_everything)
worst = social.most_negative(chosen, picked_brands, picked_platforms, languages=languages)
worst["label_source"] = worded(worst["label_source"], LABEL_SOURCES)
worst["language"] = worst["language"].map(language_name)
show.table(worst, {"posted_date": (_("Posted"), "date"), "brand": (_("Brand"), "text"),
                   "platform": (_("Platform"), "text"), "language": (_("Language"), "text"),
                   "author": (_("Author"), "text"),
                   "customer_id": (_("Customer"), "text"), "topic": (_("Topic"), "text"),
                   "sentiment": (_("Score"), "number"), "label_source": (_("Labelled by"), "text"),
                   "text": (_("Text"), "text")}, "most-negative-mentions", "social_worst")
st.caption(_("Lowest score first: people's labels score -1 x their confidence; the scorer's from -1 to 1."))
principal = auth.current()
if principal is not None and principal.may("label_mentions") and not worst.empty:
    correction_form(worst, principal)
if st.session_state.pop(SAVED, None):
    st.success(_("Saved. The mention carries this label from the next ETL run on, and the scorer learns from it."))
fixed = social.corrections(chosen)
if not fixed.empty:
    st.caption(ngettext("People corrected {count} label on this page; each counts as a person's label from the "
                        "next ETL run on.",
                        "People corrected {count} labels on this page; each counts as a person's label from the "
                        "next ETL run on.", len(fixed)).format(count=count(len(fixed))))
if len(per_language) > 1:  # one language: the sentence at the top says it all
    with st.expander(_("Scorer per language")):
        show.table(per_language.assign(language=per_language["language"].map(language_name),
                                       scorer=worded(per_language["scorer"], LABEL_SOURCES)),
                   {"language": (_("Language"), "text"), "scorer": (_("Scored by"), "text"),
                    "labelled": (_("People's labels"), "count"), "test_rows": (_("Measured on"), "count"),
                    "accuracy": (_("Accuracy"), "percent"), "macro_f1": (_("Macro-F1"), "number"),
                    "lexicon_accuracy": (_("Lexicon accuracy"), "percent")},
                   "scorer-per-language", "social_scorers")
        st.caption(_("Each language gets its own scorer: a model learned from its people's labels when it agrees "
                     "with them more often than the language's lexicon on the later 30% of them (measured on "
                     "labels later in time than those it learned from); with fewer than 30 labels, the lexicon."))

replies = social.responses(chosen, languages=languages)
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
