"""Customer retention: cohorts, churn, RFM segments, lifetime value, customers at risk and a 360° view."""

from datetime import timedelta

import streamlit as st

from dashboard import filters, safe, show
from dashboard import queries as q
from dashboard.charts import customers as charts
from dashboard.charts import partial_month_note
from dashboard.formatting import caption, delta
from dashboard.queries import customers, sales, social
from etl.kpi import (
    AT_RISK_SEGMENTS,
    CHURN_DAYS,
    MAX_LIFETIME_YEARS,
    OTHER_SEGMENT,
    RFM_SEGMENTS,
    customer_lifetime_value,
    expected_lifetime,
    ratio,
    retention_matrix,
    rfm_frame,
)
from i18n import _, ngettext, worded
from i18n.formats import count, day, money, number, percent

SEGMENTS = [name for name, _recency, _frequency in RFM_SEGMENTS] + [OTHER_SEGMENT]
SHOWN_SEGMENTS = "retention_segments"  # the customer table's segments (a click on the RFM chart sets them)

st.title(_("Customer retention"))
chosen = filters.require("mart_customer_month", _(
    "This warehouse has no sales to known customers, so there is no retention to show: retention needs this "
    "company's orders with their customer ids."))
currency = q.currency()


def pick_segments(values: list) -> None:
    """A click on RFM segments shows their customers in the table below the chart."""
    st.session_state[SHOWN_SEGMENTS] = [s for s in SEGMENTS if s in values]


def drill_month(values: list) -> None:
    """A click on a month of the (monthly) churn chart narrows the period to that month."""
    filters.drill(values, "month")


baseline = filters.compared(chosen)
bases = customers.customer_bases(chosen)
before = customers.customer_bases(baseline) if baseline else {}
cards = st.columns(5)
cards[0].metric(_("Retention rate"), percent(bases["rate"]), delta(bases["rate"], before.get("rate"), points=True),
                help=caption("retention_rate"), border=True)
cards[1].metric(_("Customers at start"), count(bases["start"]), delta(bases["start"], before.get("start")),
                border=True, help=_("S: customers with a sale in the {days} days before the period.").format(
                    days=count(CHURN_DAYS)))
cards[2].metric(_("Customers at end"), count(bases["end"]), delta(bases["end"], before.get("end")), border=True,
                help=_("E: customers with a sale in the {days} days up to the period's last day.").format(
                    days=count(CHURN_DAYS)))
cards[3].metric(_("New or won back"), count(bases["new"]), delta(bases["new"], before.get("new")), border=True,
                help=_("N = E - customers in both bases: first-time buyers and earlier customers who came back."))
cards[4].metric(_("Churned"), count(bases["churned"]), delta(bases["churned"], before.get("churned")), border=True,
                delta_color="inverse", help=_("Customers at start without a sale in the {days} days up to the "
                                              "period's last day.").format(days=count(CHURN_DAYS)))
first_day, data_end = q.date_bounds()
bought = ngettext("{count} customer bought for the first time in the period.",
                "{count} customers bought for the first time in the period.",
                bases["first_time"]).format(count=count(bases["first_time"]))
if chosen.start - timedelta(days=CHURN_DAYS) < first_day:
    bought += " " + _("The data starts on {day}, less than {days} days before the period: the base at its start is "
                    "measured on fewer days.").format(day=day(first_day), days=count(CHURN_DAYS))
if bases["new"]:  # N counts first-time buyers and customers back after a pause: say which, so the figures agree
    bought += " " + ngettext(
        "Of the {count} customer counted as new or won back, {first} bought for the first time and {back} came back "
        "after {days} days or more without a sale.",
        "Of the {count} customers counted as new or won back, {first} bought for the first time and {back} came back "
        "after {days} days or more without a sale.", bases["new"]).format(
        count=count(bases["new"]), first=count(bases["new"] - bases["won_back"]), back=count(bases["won_back"]),
        days=count(CHURN_DAYS))
st.caption(bought)

cohorts = retention_matrix(customers.cohorts(chosen))
cut = partial_month_note(data_end)
if cohorts.empty:  # no cohort starts in the months the period touches: a sentence, not an empty box
    st.info(_("No customer made a first purchase in the months of this period, so there is no cohort to follow: "
              "choose a period that includes first purchases."))
else:
    show.chart(charts.cohort_heatmap(cohorts, data_end), cohorts.rename_axis(index="cohort_month").reset_index(),
               "cohort-retention", "retention_cohorts")
    st.caption(" ".join([caption("cohorts"), _("The cohorts of the months the period touches are shown."),
                         *([_("Cells marked * fall in the month the data's end cuts:") + " " + cut] if cut else [])]))
monthly = customers.monthly_churn(chosen)
show.chart(charts.churn(monthly, data_end), monthly, "monthly-churn", "retention_churn", on_click=drill_month)
faded = cut and chosen.end >= data_end.replace(day=1)  # the chart reaches the month the data's end cuts
st.caption(" ".join([_("Churned in a month = last sale three months before, none since (the 90-day rule by month). "
                       "Click a month to narrow the period to it."), *([_("The faded month:") + " " + cut] if faded
                                                                        else [])]))

rfm = rfm_frame(customers.rfm(chosen), chosen.end)
if rfm.empty:
    st.info(_("No customer bought anything in this period, so there are no RFM segments."))
    st.stop()
totals = sales.period_kpis(chosen)
margin_rate = ratio(totals["gross_margin"], totals["net_revenue"])
churn = customers.annual_churn(chosen)
enough_history = churn["days"] >= CHURN_DAYS  # a base seen on fewer days would make churn, and CLV, look rosier
rfm["clv"] = (customer_lifetime_value(rfm, (chosen.end - chosen.start).days + 1, margin_rate, churn["churn"])
              if enough_history else float("nan"))
rfm["segment_name"] = worded(rfm["segment"])
segments = rfm.groupby("segment").agg(customers=("customer_id", "size"), monetary=("monetary", "sum")).reset_index()
show.chart(charts.rfm_segments(segments, currency), segments, "rfm-segments", "retention_rfm", on_click=pick_segments)
st.caption(caption("rfm") + " " + _("Click a segment to list its customers below."))
if enough_history:
    show.chart(charts.clv_histogram(rfm["clv"], currency), rfm[["customer_id", "name", "clv"]],
               "customer-lifetime-value", "retention_clv")
else:
    st.info(_("Not enough history for lifetime value: the annual churn behind it would rest on the customers seen "
              "in {days} days a year before the period's end, and it needs {needed}. Choose a later period.").format(
        days=count(churn["days"]), needed=count(CHURN_DAYS)))
if not enough_history:
    churn_note = ""
elif churn["churn"] is not None:
    churn_note = _("Annual churn rate used: {rate} of {customers} customers seen in the {days} days a year before "
                   "the period's end, an expected lifetime of {years} years.").format(
        rate=percent(churn["churn"]), customers=count(churn["base"]), days=count(churn["days"]),
        years=number(expected_lifetime(churn["churn"]), 1))
else:
    churn_note = _("The data holds no customer active a year before the period's end, so the lifetime is capped at "
                   "{years} years.").format(years=number(MAX_LIFETIME_YEARS))
margin_note = " " + _("The source has no costs, so margin counts as 100%.") if margin_rate is None else ""
st.caption(caption("clv") + " " + churn_note + margin_note)

if SHOWN_SEGMENTS not in st.session_state:
    st.session_state[SHOWN_SEGMENTS] = list(AT_RISK_SEGMENTS)
at_risk_only = sorted(st.session_state[SHOWN_SEGMENTS]) == sorted(AT_RISK_SEGMENTS)
if at_risk_only:
    st.subheader(_("Valuable customers at risk"))
elif st.session_state[SHOWN_SEGMENTS]:
    st.subheader(_("Customers of the chosen segments"))
else:
    st.subheader(_("Customers active in the period"))
segment_names = {segment: _(segment) for segment in SEGMENTS}  # labels made in this run, in its language
shown = st.multiselect(_("Segments"), SEGMENTS, format_func=segment_names.get, key=SHOWN_SEGMENTS,
                       placeholder=_("All segments"),
                       help=_("Click a segment in the RFM chart to list its customers."))
listed = (rfm[rfm["segment"].isin(shown)] if shown else rfm).sort_values("monetary", ascending=False)
show.table(listed, {
    "customer_id": (_("Customer"), "text"), "name": (_("Name"), "text"), "region": (_("Region"), "text"),
    "segment_name": (_("Segment"), "text"), "recency_days": (_("Days since last sale"), "count"),
    "frequency": (_("Orders"), "count"), "monetary": (_("Net revenue"), "money"), "clv": (_("CLV"), "money0")},
    "customers-at-risk" if at_risk_only else "customers-by-segment", "retention_customers", currency=currency)
st.caption(ngettext("{count} customer in the segments {segments}, worth {money} in the period.",
                    "{count} customers in the segments {segments}, worth {money} in the period.", len(listed))
           .format(count=count(len(listed)), segments=", ".join(_(s) for s in (shown or SEGMENTS)),
                   money=safe.md(money(listed["monetary"].sum(), currency))))

st.subheader(_("Customer 360°"))
search = st.text_input(_("Find a customer (id or name)"), key="customer_search")
options = customers.customer_options(chosen, search)
if options.empty:
    st.info(_("No customer matches that search."))
    st.stop()
names = dict(zip(options["customer_id"], options["name"]))
picked = st.selectbox(_("Customer"), list(names), format_func=lambda c: f"{names[c]} ({c})", key="customer_360")
events = charts.describe_events(customers.timeline(picked, chosen))
scores = rfm[rfm["customer_id"] == picked]
if not scores.empty:
    s = scores.iloc[0]
    st.markdown(ngettext(
        "**RFM** recency {r} · frequency {f} · monetary {m} — *{segment}*; {orders} order, {revenue} in the period, "
        "CLV {clv}.",
        "**RFM** recency {r} · frequency {f} · monetary {m} — *{segment}*; {orders} orders, {revenue} in the period, "
        "CLV {clv}.", int(s["frequency"])).format(
        r=int(s["r_score"]), f=int(s["f_score"]), m=int(s["m_score"]), segment=safe.md(s["segment_name"]),
        orders=count(s["frequency"]), revenue=safe.md(money(s["monetary"], currency)),
        clv=safe.md(money(s["clv"], currency))))
if chosen.scope is not None:  # a manager's view, or departments chosen in the sidebar
    st.caption(_("Only what the departments in the filter record is shown: orders, invoices, tickets, interactions "
                 "and mentions of other departments are left out."))
if events.empty:
    st.info(_("Nothing is recorded for this customer."))
else:
    show.chart(charts.timeline(events, currency), events.drop(columns="kind"), "customer-timeline",
               "retention_timeline")
    show.table(events, {"date": (_("Date"), "date"), "event": (_("Event"), "text"), "detail": (_("Detail"), "text"),
                        "amount": (_("Amount"), "money")}, "customer-events", "customer_events", currency=currency)

said = social.customer_mentions(picked, chosen)  # Social CRM: what this customer said in public, and how it was read
if not said.empty:
    st.markdown(_("**Social mentions** ({count}): what the customer posted, with its sentiment.").format(
        count=count(len(said))))
    show.table(said.assign(label=worded(said["label"], charts.SENTIMENTS),
                           label_source=worded(said["label_source"], charts.LABEL_SOURCES)),
               {"posted_date": (_("Posted"), "date"), "brand": (_("Brand"), "text"),
                "platform": (_("Platform"), "text"), "label": (_("Sentiment"), "text"),
                "label_source": (_("Labelled by"), "text"), "sentiment": (_("Score"), "number"),
                "text": (_("Text"), "text")}, "customer-mentions", "customer_mentions")
