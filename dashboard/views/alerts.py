"""Alerts: what is wrong, where it starts, which departments it reaches, how much money is at risk, and what
people did about it. Titles, messages and impacts are worded here, in the session's language, from the facts the
rules stored (alerts/texts.py)."""

import pandas as pd
import streamlit as st

from access import audit, rls
from alerts.detect import EXPECTED_LOSS, MONEY_KINDS, ONE_OFF, YEARLY_REVENUE
from alerts.engine import ENGINE_ACTOR, act
from alerts.texts import Reader, Wording
from dashboard import auth, filters, safe, show
from dashboard import queries as q
from dashboard.charts import alerts as charts
from dashboard.queries import alerts
from i18n import N_, _
from i18n.formats import alert_formats, count, impact_amount, money

STATUSES = {"open": N_("open"), "acknowledged": N_("acknowledged"), "resolved": N_("resolved")}
AREAS = {"origin": N_("Starts here"), "procurement": N_("Procurement"), "logistics": N_("Logistics"),
         "sales": N_("Sales"), "support": N_("Support"), "marketing": N_("Marketing"), "finance": N_("Finance")}
ACTIONS = {"opened": N_("opened"), "updated": N_("updated"), "acknowledged": N_("acknowledged"),
           "resolved": N_("resolved"), "commented": N_("commented"), "notified": N_("notified"),
           "notify_failed": N_("notification failed")}


MONEY_KIND_HELP = {
    ONE_OFF: N_("Sales lost while products are out of stock, open orders held up, revenue under its usual level or "
                "its forecast: money lost once, summed over the open alerts that put a figure on it."),
    EXPECTED_LOSS: N_("Valuable customers who went quiet: each one's yearly revenue times the share of customers this "
                      "rule flagged before who did not buy again within 90 days."),
    YEARLY_REVENUE: N_("What the customers a problem touches (those who complained in public) bought in the last "
                       "year: revenue exposed, not a loss."),
}


def named(value: str, names: dict[str, str]) -> str:
    """A stored code (status, area, action) in the session's language; an unknown one as stored."""
    return _(names[value]) if value in names else value


st.title(_("Alerts"))
chosen = filters.require()
principal = auth.current()
scope = auth.visible(chosen.departments)
currency = q.currency()
reader = Reader(Wording(_, alert_formats(currency)))

split = alerts.severity_split(scope)
cards = st.columns(3)
for column, row in zip(cards, split.itertuples()):
    column.metric(charts.severity_label(row.severity), count(row.alerts), border=True)
at_risk = alerts.money_split(scope)
kinds = [k for k in MONEY_KINDS if k in set(at_risk["money_kind"])]
for column, kind in zip(st.columns(max(len(kinds), 1)), kinds):
    column.metric(charts.money_kind_name(kind), money(at_risk.loc[at_risk["money_kind"] == kind, "money"].sum(),
                                                      currency), border=True, help=_(MONEY_KIND_HELP[kind]))
if not split["alerts"].sum():
    st.success(_("No open alert that starts in or reaches the chosen departments.") if chosen.departments else
               _("No open alert that starts in or reaches your departments.") if scope is not None else
               _("No open alert across the company."))
else:
    if kinds:
        show.chart(charts.money_by_kind(at_risk, currency),
                   at_risk.assign(money_kind=at_risk["money_kind"].map(charts.money_kind_name),
                                  severity=at_risk["severity"].map(charts.severity_name)).rename(columns={
                       "money_kind": _("Kind"), "severity": _("Severity"), "alerts": _("Open alerts"),
                       "money": _("Money at risk")}), "alerts-money-by-kind", key="alerts_money_chart")
        st.caption(_("Each kind is its own total: a year's revenue, an expected loss and sales lost once are never "
                     "added together."))
    kind = (st.segmented_control(_("Money that flows"), kinds, default=kinds[0], format_func=charts.money_kind_name,
                                 key="alerts_flow_kind") if len(kinds) > 1 else kinds[0] if kinds else None)
    flows = alerts.flows(scope, money_kind=kind)
    show.chart(charts.impact_flow(flows, currency, _("Where the money at risk flows")),  # its columns say from, to
               flows.assign(severity=flows["severity"].map(charts.severity_name))[
                   ["origin", "affected", "severity", "money", "alerts", "impacts"]].rename(columns={
                       "origin": _("Starts in"), "affected": _("Reaches"), "severity": _("Severity"),
                       "money": _("Money at risk"), "alerts": _("Alerts"), "impacts": _("Impacts")}),
               "alerts-money-flow", key="alerts_flow_chart")
    if scope is not None:
        st.caption(_("Of each alert, the steps in your departments: what it costs other departments is theirs "
                     "to see (docs/security.md)."))
    by_origin = alerts.counts(scope)
    show.chart(charts.by_severity(by_origin), by_origin.assign(severity=by_origin["severity"].map(
        charts.severity_name))[["origin", "severity", "alerts"]].rename(columns={
            "origin": _("Starts in"), "severity": _("Severity"), "alerts": _("Open alerts")}),
               "alerts-by-origin", key="alerts_origin_chart", on_click=filters.pick_departments)
    st.caption(_("Open alerts, evaluated after every ETL run and by `python -m alerts evaluate`. Click a bar to "
                 "filter the page to the department an alert starts in."))

show_resolved = st.toggle(_("Show resolved alerts too"), key="alerts_resolved")
listing = alerts.listing(scope, (*alerts.OPEN, "resolved") if show_resolved else alerts.OPEN)
if listing.empty:
    st.stop()
listing = listing.assign(title=[reader.title(m, t) for m, t in zip(listing["message"], listing["title"])])
show.table(listing.assign(severity=listing["severity"].map(charts.severity_name),
                          status=listing["status"].map(lambda s: named(s, STATUSES)),
                          money_kind=[charts.money_kind_name(k) if pd.notna(m) else "" for k, m in
                                      zip(listing["money_kind"], listing["money"])]),
           {"alert_id": (_("Alert"), "text"), "severity": (_("Severity"), "text"), "status": (_("Status"), "text"),
            "title": (_("What"), "text"), "origin": (_("Starts in"), "text"),
            "money": (_("At risk"), "money0"), "money_kind": (_("Kind"), "text"), "as_of": (_("Data day"), "date")},
           "alerts", key="alerts_table", currency=currency)
st.caption(_("Alerts describe the data's latest day: the sidebar's period and regions do not narrow them, its "
             "departments do (an alert counts where it starts and everywhere it reaches)."))

titles = dict(zip(listing["alert_id"], listing["title"]))
picked = st.selectbox(_("Alert"), list(titles), format_func=lambda a: f"#{a} {titles[a]}", key="alert_picked")
alert = listing.set_index("alert_id").loc[picked]
st.subheader(safe.md(alert["title"]))
st.markdown(_("**{severity}** · {status} · starts in {origin} · {message}").format(
    severity=safe.md(charts.severity_label(alert["severity"])), status=safe.md(named(alert["status"], STATUSES)),
    origin=safe.md(alert["origin"]), message=safe.md(reader.message(alert["message"]))))
reach = alerts.flows(scope, int(picked))
if not reach.empty:
    show.chart(charts.impact_flow(reach, currency, _("Where this alert reaches, weighted by money at risk")),
               reach[["affected", "money", "impacts"]].rename(columns={
                   "affected": _("Reaches"), "money": _("Money at risk"), "impacts": _("Impacts")}),
               f"alert-{picked}-flow", key="alert_flow_chart")
chain = alerts.impacts(picked, scope)
show.table(chain.assign(area=chain["area"].map(lambda a: named(a, AREAS)),
                        description=[reader.impact(alert["message"], s, d)
                                     for s, d in zip(chain["step"], chain["description"])],
                        amount=[impact_amount(a, u, currency) for a, u in zip(chain["amount"], chain["unit"])]),
           {"step": (_("Step"), "text"), "area": (_("Area"), "text"), "department": (_("Department"), "text"),
            "description": (_("What happens"), "text"), "amount": (_("Amount"), "text")},
           f"alert-{picked}-chain", key="alert_chain_table")

if principal.may("act_on_alerts"):
    with st.form("alert_action", clear_on_submit=True):
        note = st.text_input(_("Comment"), key="alert_comment")
        buttons = st.columns(3)
        acknowledge = buttons[0].form_submit_button(_("Acknowledge"), disabled=alert["status"] != "open")
        may_resolve = principal.may_resolve(alert["origin_department_id"])
        resolve = buttons[1].form_submit_button(
            _("Resolve"), disabled=alert["status"] == "resolved" or not may_resolve,
            help=None if may_resolve else _("Only the department it starts in, or a role that sees every department, "
                                            "resolves an alert."))
        comment = buttons[2].form_submit_button(_("Add comment"))
    st.caption(_("Kept in the alert's history and the audit trail as {user}, the signed-in user.").format(
        user=safe.md(principal.username)))
    if acknowledge or (resolve and may_resolve) or comment:
        action = "acknowledge" if acknowledge else "resolve" if resolve else "comment"
        with rls.scoped(q.engine(), scope, principal.role) as conn:  # on PostgreSQL the policies check it too
            act(conn, int(picked), action, principal.username, note or None)
            audit.record(conn, principal.username, f"alert_{action}", f"alert {int(picked)}", detail=note or None)
        st.cache_data.clear()
        st.rerun()

st.markdown(_("**History**"))
history = alerts.history(picked, scope).fillna({"comment": ""})
show.table(history.assign(action=history["action"].map(lambda a: named(a, ACTIONS)),
                          comment=[reader.comment(c) if who == ENGINE_ACTOR else c
                                   for who, c in zip(history["actor"], history["comment"])]),
           {"at": (_("When"), "datetime"), "actor": (_("Who"), "text"), "action": (_("What"), "text"),
            "comment": (_("Comment"), "text")}, f"alert-{picked}-history", key="alert_history_table")
