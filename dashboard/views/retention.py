"""Customer retention: cohorts, churn, RFM segments, lifetime value, customers at risk and a 360° view."""

from datetime import timedelta

import streamlit as st

from dashboard import auth, filters, safe
from dashboard import queries as q
from dashboard.charts import customers as charts
from dashboard.formatting import count, money, money_format, percent
from dashboard.queries import customers, sales, social
from etl.kpi import (
    AT_RISK_SEGMENTS,
    CAPTIONS,
    CHURN_DAYS,
    MAX_LIFETIME_YEARS,
    customer_lifetime_value,
    expected_lifetime,
    ratio,
    retention_matrix,
    rfm_frame,
)

st.title("Customer retention")
chosen = filters.require("mart_customer_month", "This warehouse has no sales to known customers, so there is no "
                         "retention to show: load orders with customer ids (the demo, or a source with orders).")
currency = q.currency()

bases = customers.customer_bases(chosen)
cards = st.columns(5)
cards[0].metric("Retention rate", percent(bases["rate"]), help=CAPTIONS["retention_rate"], border=True)
cards[1].metric("Customers at start", count(bases["start"]), border=True,
                help="S: customers with a sale in the 90 days before the period.")
cards[2].metric("Customers at end", count(bases["end"]), border=True,
                help="E: customers with a sale in the 90 days up to the period's last day.")
cards[3].metric("New or won back", count(bases["new"]), border=True,
                help="N = E - customers in both bases: first-time buyers and earlier customers who came back.")
cards[4].metric("Churned", count(bases["churned"]), border=True,
                help="Customers at start without a sale in the 90 days up to the period's last day.")
first_day = q.date_bounds()[0]
history_note = (f" The data starts on {first_day:%d %b %Y}, less than 90 days before the period: the base at its "
                "start is measured on fewer days." if chosen.start - timedelta(days=CHURN_DAYS) < first_day else "")
st.caption(f"{count(bases['first_time'])} customers bought for the first time in the period.{history_note}")

st.plotly_chart(charts.cohort_heatmap(retention_matrix(customers.cohorts(chosen))), width="stretch")
st.caption(CAPTIONS["cohorts"] + " The cohorts of the months the period touches are shown.")
st.plotly_chart(charts.churn(customers.monthly_churn(chosen)), width="stretch")
st.caption("Churned in a month = last sale three months before, none since (the 90-day rule by month).")

rfm = rfm_frame(customers.rfm(chosen), chosen.end)
if rfm.empty:
    st.info("No customer bought anything in this period, so there are no RFM segments.")
    st.stop()
totals = sales.period_kpis(chosen)
margin_rate = ratio(totals["gross_margin"], totals["net_revenue"])
churn = customers.annual_churn(chosen)
rfm["clv"] = customer_lifetime_value(rfm, (chosen.end - chosen.start).days + 1, margin_rate, churn["churn"])
segments = rfm.groupby("segment").agg(customers=("customer_id", "size"), monetary=("monetary", "sum")).reset_index()
left, right = st.columns(2)
left.plotly_chart(charts.rfm_segments(segments, currency), width="stretch")
left.caption(CAPTIONS["rfm"])
right.plotly_chart(charts.clv_histogram(rfm["clv"], currency), width="stretch")
churn_note = (f" Annual churn rate used: {percent(churn['churn'])} of {count(churn['base'])} customers, an "
              f"expected lifetime of {expected_lifetime(churn['churn']):.1f} years"
              if churn["churn"] is not None else
              " The data holds no customer active a year before the period's end, so the lifetime is capped at "
              f"{MAX_LIFETIME_YEARS:.0f} years")
right.caption(CAPTIONS["clv"] + churn_note
              + ("; the source has no costs, so margin counts as 100%." if margin_rate is None else "."))

st.subheader("Valuable customers at risk")
at_risk = rfm[rfm["segment"].isin(AT_RISK_SEGMENTS)].sort_values("monetary", ascending=False)
columns = ["customer_id", "name", "region", "segment", "recency_days", "frequency", "monetary", "clv"]
st.dataframe(at_risk[columns], hide_index=True, column_config={
    "customer_id": "Customer", "name": "Name", "region": "Region", "segment": "Segment",
    "recency_days": st.column_config.NumberColumn("Days since last sale", format="%d"),
    "frequency": st.column_config.NumberColumn("Orders", format="%d"),
    "monetary": st.column_config.NumberColumn("Net revenue", format=money_format(currency)),
    "clv": st.column_config.NumberColumn("CLV", format=money_format(currency, 0)),
})
st.caption(f"{count(len(at_risk))} customers in the segments {', '.join(AT_RISK_SEGMENTS)}, worth "
           f"{money(at_risk['monetary'].sum(), currency)} in the period.")
safe.download_csv("Download customers at risk (CSV)", at_risk[columns], "customers-at-risk.csv", "download_at_risk",
                  auth.current().username, q.engine())

st.subheader("Customer 360°")
search = st.text_input("Find a customer (id or name)", key="customer_search")
options = customers.customer_options(chosen, search)
if options.empty:
    st.info("No customer matches that search.")
    st.stop()
names = dict(zip(options["customer_id"], options["name"]))
picked = st.selectbox("Customer", list(names), format_func=lambda c: f"{names[c]} ({c})", key="customer_360")
events = customers.timeline(picked)
scores = rfm[rfm["customer_id"] == picked]
if not scores.empty:
    s = scores.iloc[0]
    st.markdown(f"**RFM** recency {int(s['r_score'])} · frequency {int(s['f_score'])} · monetary "
                f"{int(s['m_score'])} — *{s['segment']}*; {int(s['frequency'])} orders, "
                f"{money(s['monetary'], currency)} in the period, CLV {money(s['clv'], currency)}.")
if events.empty:
    st.info("Nothing is recorded for this customer.")
else:
    st.plotly_chart(charts.timeline(events, currency), width="stretch")
    st.dataframe(events, hide_index=True, column_config={
        "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"), "event": "Event", "detail": "Detail",
        "amount": st.column_config.NumberColumn("Amount", format=money_format(currency))})

said = social.customer_mentions(picked, chosen)  # Social CRM: what this customer said in public, and how it was read
if not said.empty:
    st.markdown(f"**Social mentions** ({count(len(said))}): what the customer posted, with its sentiment.")
    st.dataframe(said, hide_index=True, key="customer_mentions", column_config={
        "posted_date": st.column_config.DateColumn("Posted"), "brand": "Brand", "platform": "Platform",
        "label": "Sentiment", "label_source": "Labelled by",
        "sentiment": st.column_config.NumberColumn("Score", format="%.2f"), "text": "Text"})
