"""CRM pipeline: value by stage, weighted pipeline, win rates by department and owner, sales cycle."""

import streamlit as st

from dashboard import filters
from dashboard import queries as q
from dashboard.charts import operations as charts
from dashboard.formatting import count, duration, money, percent
from dashboard.queries import pipeline
from etl.kpi import CAPTIONS, ratio

st.title("CRM pipeline")
chosen = filters.require("mart_opportunities", "The loaded data has no deals (opportunities), so there is no "
                         "pipeline to show: load a CRM source such as `make demo-crm`.")
currency = q.currency()

totals = pipeline.totals(chosen).iloc[0]
cards = st.columns(5)
cards[0].metric("Deals created", count(totals["deals"]), border=True)
cards[1].metric("Open pipeline", money(totals["open_value"], currency), border=True,
                help="Expected value of the open deals created in the period.")
cards[2].metric("Weighted pipeline", money(totals["weighted_pipeline"], currency), border=True,
                help=CAPTIONS["weighted_pipeline"])
cards[3].metric("Win rate", percent(ratio(totals["won"], totals["won"] + totals["lost"])), border=True,
                help=CAPTIONS["win_rate"])
cards[4].metric("Sales cycle", duration(totals["avg_cycle_days"], digits=0), border=True,
                help=CAPTIONS["sales_cycle"])

stages = pipeline.by_stage(chosen)
if stages.empty:
    st.info("No deal was created in this period.")
    st.stop()
st.plotly_chart(charts.funnel(stages, currency), width="stretch")
st.caption(f"Deals created in the period by their current stage. {CAPTIONS['weighted_pipeline']}")

left, right = st.columns(2)
left.plotly_chart(charts.win_rates(pipeline.win_rates(chosen, "department"), "Win rate by department"),
                  width="stretch")
owners = pipeline.win_rates(chosen, "owner")
right.plotly_chart(charts.win_rates(owners.head(15), "Win rate by owner (top 15)"), width="stretch")
st.caption(CAPTIONS["win_rate"])
st.dataframe(owners, hide_index=True, column_config={
    "name": "Owner", "won": "Won", "lost": "Lost",
    "win_rate": st.column_config.NumberColumn("Win rate", format="percent"),
    "won_value": st.column_config.NumberColumn("Won value", format="%.0f"), "open_deals": "Open deals"})

cycles = pipeline.cycle_lengths(chosen)
if not cycles.empty:
    st.plotly_chart(charts.sales_cycle(cycles), width="stretch")
    st.caption(CAPTIONS["sales_cycle"])
