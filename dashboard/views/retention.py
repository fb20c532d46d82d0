"""Customer retention: cohorts, churn, RFM segments, lifetime value, customers at risk and a 360° view."""

from datetime import timedelta

import streamlit as st

from dashboard import filters
from dashboard import queries as q
from dashboard.charts import customers as charts
from dashboard.formatting import count, money, percent
from dashboard.queries import Filters, customers, sales, social
from etl.kpi import (
    AT_RISK_SEGMENTS,
    CAPTIONS,
    customer_lifetime_value,
    ratio,
    retention_matrix,
    retention_rate,
    rfm_frame,
)

st.title("Customer retention")
chosen = filters.require("mart_customer_month", "This warehouse has no sales to known customers, so there is no "
                         "retention to show: load orders with customer ids (the demo, or a source with orders).")
currency = q.currency()

figures = customers.retention_figures(chosen)
year = customers.retention_figures(Filters(chosen.end - timedelta(days=364), chosen.end, chosen.departments,
                                           chosen.regions))
rate, year_rate = retention_rate(figures["start"], figures["end"], figures["new"]), retention_rate(
    year["start"], year["end"], year["new"])
annual_churn = None if year_rate is None else max(0.0, 1 - year_rate)
cards = st.columns(4)
cards[0].metric("Retention rate", percent(rate), help=CAPTIONS["retention_rate"], border=True)
cards[1].metric("Customers at start", count(figures["start"]), border=True)
cards[2].metric("New customers", count(figures["new"]), border=True)
cards[3].metric("Churned", count(max(0, figures["start"] - (figures["end"] - figures["new"]))), border=True,
                help="Customers active before the period without a sale in its last 90 days.")

st.plotly_chart(charts.cohort_heatmap(retention_matrix(customers.cohorts(chosen))), width="stretch")
st.caption(CAPTIONS["cohorts"] + " Cohorts that start in the period are shown.")
st.plotly_chart(charts.churn(customers.monthly_churn(chosen)), width="stretch")
st.caption("Churned in a month = last sale three months before, none since (the 90-day rule by month).")

rfm = rfm_frame(customers.rfm(chosen), chosen.end)
if rfm.empty:
    st.info("No customer bought anything in this period, so there are no RFM segments.")
    st.stop()
totals = sales.period_kpis(chosen)
margin_rate = ratio(totals["gross_margin"], totals["net_revenue"])
rfm["clv"] = customer_lifetime_value(rfm, (chosen.end - chosen.start).days + 1, margin_rate, annual_churn)
segments = rfm.groupby("segment").agg(customers=("customer_id", "size"), monetary=("monetary", "sum")).reset_index()
left, right = st.columns(2)
left.plotly_chart(charts.rfm_segments(segments, currency), width="stretch")
left.caption(CAPTIONS["rfm"])
right.plotly_chart(charts.clv_histogram(rfm["clv"], currency), width="stretch")
right.caption(CAPTIONS["clv"] + f" Annual churn rate used: {percent(annual_churn)}"
              + ("; the source has no costs, so margin counts as 100%." if margin_rate is None else "."))

st.subheader("Valuable customers at risk")
at_risk = rfm[rfm["segment"].isin(AT_RISK_SEGMENTS)].sort_values("monetary", ascending=False)
columns = ["customer_id", "name", "region", "segment", "recency_days", "frequency", "monetary", "clv"]
st.dataframe(at_risk[columns], hide_index=True, column_config={
    "customer_id": "Customer", "name": "Name", "region": "Region", "segment": "Segment",
    "recency_days": st.column_config.NumberColumn("Days since last sale", format="%d"),
    "frequency": st.column_config.NumberColumn("Orders", format="%d"),
    "monetary": st.column_config.NumberColumn("Net revenue", format="%.2f"),
    "clv": st.column_config.NumberColumn("CLV", format="%.0f"),
})
st.caption(f"{count(len(at_risk))} customers in the segments {', '.join(AT_RISK_SEGMENTS)}, worth "
           f"{money(at_risk['monetary'].sum(), currency)} in the period.")
st.download_button("Download customers at risk (CSV)", at_risk[columns].to_csv(index=False).encode(),
                   file_name="customers-at-risk.csv", mime="text/csv")

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
    st.dataframe(events, hide_index=True, column_config={"date": st.column_config.DateColumn("Date"),
                                                         "amount": st.column_config.NumberColumn(format="%.2f")})

said = social.customer_mentions(picked)  # Social CRM: what this customer said in public, and how it was read
if not said.empty:
    st.markdown(f"**Social mentions** ({count(len(said))}): what the customer posted, with its sentiment.")
    st.dataframe(said, hide_index=True, key="customer_mentions", column_config={
        "posted_date": st.column_config.DateColumn("Posted"), "brand": "Brand", "platform": "Platform",
        "label": "Sentiment", "label_source": "Labelled by",
        "sentiment": st.column_config.NumberColumn("Score", format="%.2f"), "text": "Text"})
