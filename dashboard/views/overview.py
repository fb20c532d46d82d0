"""Executive overview: the company's KPIs for the period, the revenue trend and revenue by department."""

from dataclasses import replace
from datetime import timedelta

import streamlit as st

from dashboard import auth, filters
from dashboard import queries as q
from dashboard.charts import sales as charts
from dashboard.formatting import money, overview_cards
from dashboard.queries import alerts, sales
from etl.kpi import CAPTIONS

st.title("Executive overview")
chosen = filters.require("mart_order_fulfilment", "The warehouse holds no orders yet: load data with `make etl` "
                         "(the demo company) or `python -m etl run --source ...`, then reload this page.")

currency = q.currency()
now, before = sales.period_kpis(chosen), sales.period_kpis(chosen.previous())
st.caption(f"{chosen.start:%d %b %Y} – {chosen.end:%d %b %Y}, compared with "
           f"{chosen.previous().start:%d %b %Y} – {chosen.previous().end:%d %b %Y}.")

for column, card in zip(st.columns(5), overview_cards(now, before, currency, CAPTIONS)):
    column.metric(card.label, card.value, card.delta, help=card.help, border=True)
open_alerts = alerts.open_count(auth.visible(chosen.departments))
if open_alerts:
    st.page_link("views/alerts.py", label=f"{open_alerts} open alerts need attention", icon=":material/notifications:")

with_lead_in = replace(chosen, start=chosen.start - timedelta(days=6))  # a full week behind the first average
st.plotly_chart(charts.revenue_trend(sales.daily_revenue(with_lead_in), currency, chosen.start, chosen.end),
                width="stretch")
st.caption(CAPTIONS["net_revenue"])

by_department = sales.revenue_by_department(chosen)
if by_department.empty:
    st.info("The chosen departments and regions record no sales in this period.")
else:
    st.plotly_chart(charts.revenue_by_department(by_department, currency), width="stretch")
    st.caption(f"{CAPTIONS['gross_margin']} Returns in the period: {money(now['returns'], currency)}.")
