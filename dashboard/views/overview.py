"""Executive overview: the company's KPIs for the period against the chosen comparison, the revenue trend (a click
drills into a month or a week) and revenue by department (a click filters every page to the department)."""

from dataclasses import replace
from datetime import timedelta

import streamlit as st

from dashboard import auth, filters, show
from dashboard import queries as q
from dashboard.charts import sales as charts
from dashboard.formatting import caption, overview_cards
from dashboard.queries import alerts, sales
from etl.kpi import CAPTIONS
from i18n import _, ngettext
from i18n.formats import count, money, period

st.title(_("Executive overview"))
chosen = filters.require("mart_order_fulfilment", _("The warehouse holds no orders yet, so there are no sales "
                                                    "figures to show."))

currency = q.currency()
baseline, not_comparable = filters.comparison(chosen)
now, before = sales.period_kpis(chosen), None if not_comparable else sales.period_kpis(baseline)
dates = {"period": period(chosen.start, chosen.end), "baseline": period(baseline.start, baseline.end)}
if chosen.compare == "yoy":
    st.caption(_("{period}, compared with the same period last year, {baseline}.").format(**dates))
    against = _("The change is against the same period last year, {baseline}.").format(**dates)
else:
    st.caption(_("{period}, compared with the previous period, {baseline}.").format(**dates))
    against = _("The change is against the previous period, {baseline}.").format(**dates)
if not_comparable:
    st.caption(not_comparable)
    against = not_comparable

with st.container(horizontal=True):  # the cards wrap onto a second row on a narrow screen rather than truncate
    for card in overview_cards(now, before, currency, CAPTIONS, against):
        st.metric(card.label, card.value, card.delta, help=card.help, border=True, width="content")
open_alerts = alerts.open_count(auth.visible(chosen.departments))
if open_alerts:
    st.page_link("views/alerts.py", icon=":material/notifications:",
                 label=ngettext("{count} open alert needs attention", "{count} open alerts need attention",
                                open_alerts).format(count=count(open_alerts)))

grain = chosen.grain
with_lead_in = replace(chosen, start=chosen.start - timedelta(days=6))  # a full week behind the first average
points = charts.trend_points(sales.daily_revenue(with_lead_in), chosen.start, chosen.end, grain)
show.chart(charts.revenue_trend(points, currency, grain), charts.trend_table(points, grain), "net_revenue_trend",
           "overview_trend", on_click=filters.drill)
drill_hint = {"month": _("Click a month to see its weeks."), "week": _("Click a week to see its days."),
              "day": _("Click a day to see that day alone.")}[grain]
st.caption(f"{caption('net_revenue')} {drill_hint}")

by_department = sales.revenue_by_department(chosen)
if by_department.empty:
    st.info(_("The chosen departments and regions record no sales in this period."))
else:
    show.chart(charts.revenue_by_department(by_department, currency), charts.department_table(by_department),
               "net_revenue_by_department", "overview_departments", on_click=filters.pick_departments)
    st.caption(" ".join([caption("gross_margin"),
                         _("Returns in the period: {amount}.").format(amount=money(now["returns"], currency)),
                         _("Click a department to show only it on every page.")]))
