"""CRM pipeline: the open pipeline at the period's end, and the deals created, won and lost in the period."""

import streamlit as st

from dashboard import filters
from dashboard import queries as q
from dashboard.charts import operations as charts
from dashboard.formatting import count, duration, money, money_format, percent
from dashboard.queries import pipeline
from etl.kpi import CAPTIONS, MIN_DECIDED_DEALS, ratio

st.title("CRM pipeline")
chosen = filters.require("mart_opportunities", "The loaded data has no deals (opportunities), so there is no "
                         "pipeline to show: load a CRM source such as `make demo-crm`.")
currency = q.currency()

stages = pipeline.open_pipeline(chosen)
totals = pipeline.period_totals(chosen).iloc[0]
cards = st.columns(5)
cards[0].metric("Open pipeline", money(stages["value"].sum(), currency), border=True,
                help=f"{count(stages['deals'].sum())} deals open on {chosen.end:%d %b %Y}. "
                     + CAPTIONS["weighted_pipeline"])
cards[1].metric("Weighted pipeline", money(stages["weighted"].sum(), currency), border=True,
                help=CAPTIONS["weighted_pipeline"])
cards[2].metric("Deals created", count(totals["created"]), border=True, help="Deals created in the period.")
cards[3].metric("Win rate", percent(ratio(totals["won"], totals["won"] + totals["lost"])), border=True,
                help=CAPTIONS["win_rate"])
cards[4].metric("Sales cycle", duration(totals["avg_cycle_days"], digits=0), border=True,
                help=CAPTIONS["sales_cycle"])

if stages.empty:
    st.info(f"No deal was open on {chosen.end:%d %b %Y}.")
else:
    st.plotly_chart(charts.funnel(stages, currency), width="stretch")
    st.caption(f"Deals open on {chosen.end:%d %b %Y} by stage. {CAPTIONS['weighted_pipeline']}")

if totals["won"] + totals["lost"] == 0:
    st.info("No deal was won or lost in this period, so there are no win rates or sales cycles to show.")
    st.stop()
left, right = st.columns(2)
left.plotly_chart(charts.win_rates(pipeline.win_rates(chosen, "department"), "Win rate by department"),
                  width="stretch")
owners = pipeline.win_rates(chosen, "owner")
ranked = owners[owners["won"] + owners["lost"] >= MIN_DECIDED_DEALS]
right.plotly_chart(charts.win_rates(ranked.head(15), f"Win rate by owner (top 15, at least {MIN_DECIDED_DEALS} "
                                                     "decided deals)"), width="stretch")
st.caption(CAPTIONS["win_rate"])
st.dataframe(owners, hide_index=True, column_config={
    "name": "Owner", "won": "Won", "lost": "Lost",
    "win_rate": st.column_config.NumberColumn("Win rate", format="percent"),
    "won_value": st.column_config.NumberColumn("Won value", format=money_format(currency, 0))})
st.plotly_chart(charts.sales_cycle(pipeline.cycle_lengths(chosen)), width="stretch")
st.caption(CAPTIONS["sales_cycle"])
