"""Social CRM: what customers say about the brand and its competitors, how they feel, and how fast we answer."""

import streamlit as st

from dashboard import filters
from dashboard.charts import social as charts
from dashboard.formatting import count, duration, percent, scorer_sentence
from dashboard.queries import social
from etl.kpi import CAPTIONS, brand_health, net_sentiment, share_of_voice

st.title("Social CRM")
chosen = filters.require("mart_mentions", "The loaded data has no social mentions, so there is nothing to show "
                         "here: load a source with mentions, such as the demo or "
                         "`etl/sources/twitter_airline_sentiment.yaml`.")
brands = social.by_brand(chosen)
if brands.empty:
    st.info("No mention was posted in this period under these filters.")
    st.stop()
colours = charts.brand_colours(brands["brand"].tolist())
own = brands[brands["is_own_brand"].astype(bool)]
mine = own if not own.empty else brands
tracked = brands.loc[brands["is_tracked"].astype(bool), "mentions"].sum()
who = ", ".join(own["brand"]) if not own.empty else "all brands"
cards = st.columns(4)
cards[0].metric("Mentions", count(brands["mentions"].sum()), border=True, help="Mentions posted in the period.")
cards[1].metric(f"Share of voice ({who})", percent(share_of_voice(mine["mentions"].sum(), tracked)), border=True,
                help=CAPTIONS["share_of_voice"])
cards[2].metric("Net sentiment", percent(net_sentiment(mine["positive"].sum(), mine["negative"].sum(),
                                                       mine["mentions"].sum())),
                border=True, help=CAPTIONS["net_sentiment"])
cards[3].metric("Brand-health index", percent(brand_health(mine["positive"].sum(), mine["negative"].sum())),
                border=True, help=CAPTIONS["brand_health"])
sources = social.label_sources(chosen)
st.markdown(scorer_sentence(social.scorer(), dict(zip(sources["label_source"], sources["mentions"]))))

daily = social.daily(chosen)
st.plotly_chart(charts.volume(daily, colours), width="stretch")
left, right = st.columns([1, 2])
left.plotly_chart(charts.voice(brands, colours), width="stretch")
left.caption(CAPTIONS["share_of_voice"])
right.plotly_chart(charts.sentiment_trend(daily, colours, "net_sentiment"), width="stretch")
right.caption(CAPTIONS["net_sentiment"])
st.plotly_chart(charts.sentiment_trend(daily, colours, "brand_health"), width="stretch")
st.caption(CAPTIONS["brand_health"] + " Days (or weeks) with under a third of the usual mentions of a brand are left "
           "out of both lines. " + CAPTIONS["sentiment_source"])

st.subheader("What they talk about")
topics, negative_terms = social.topics(chosen), social.negative_terms(chosen)
left, right = st.columns(2)
if topics.empty:
    left.info("The mentions in this period carry no topics.")
else:
    left.plotly_chart(charts.topic_bars(topics), width="stretch")
if negative_terms.empty:
    right.info("No negative mention in this period.")
else:
    right.plotly_chart(charts.bars(negative_terms, "term", "mentions", "Top words in negative mentions",
                                   charts.LABEL_COLOURS["negative"]), width="stretch")
st.caption("Words of three letters or more, without handles, links, brand names and common English words; "
           "each counted once per mention.")

st.subheader("Most negative mentions")
worst = social.most_negative(chosen)
st.dataframe(worst, hide_index=True, column_config={
    "posted_date": st.column_config.DateColumn("Posted"), "brand": "Brand", "platform": "Platform",
    "author": "Author", "customer_id": "Customer", "topic": "Topic",
    "sentiment": st.column_config.NumberColumn("Score", format="%.2f"), "label_source": "Labelled by",
    "text": st.column_config.TextColumn("Text", width="large")})
st.caption("Lowest score first: people's labels score -1 x their confidence; the scorer's from -1 to 1.")

replies = social.responses(chosen)
if replies.empty:
    st.info("The data has no replies to mentions, so there is no first-response time to show.")
else:
    st.plotly_chart(charts.response_bars(replies, colours), width="stretch")
    overall = (replies["average_hours"] * replies["replied"]).sum() / replies["replied"].sum()
    st.caption(f"{CAPTIONS['mention_response']} Over all brands: {duration(overall, 'hours')} on average, "
               f"{count(replies['replied'].sum())} of {count(replies['mentions'].sum())} mentions answered.")
