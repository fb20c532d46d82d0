"""Alerts: what is wrong, where it starts, which departments it reaches, and what people did about it."""

import streamlit as st

from access import audit, rls
from alerts.engine import act
from dashboard import auth, filters, safe
from dashboard import queries as q
from dashboard.charts import alerts as charts
from dashboard.formatting import count, impact_amount, money, money_format
from dashboard.queries import alerts

st.title("Alerts")
chosen = filters.require()
principal = auth.current()
scope = auth.visible(chosen.departments)
currency = q.currency()
where = "that start in or affect the chosen departments" if chosen.departments else \
    "that start in or reach your departments" if scope is not None else "across the company"

open_alerts = alerts.listing(scope, ("open", "acknowledged"))
cards = st.columns(4)
for column, severity in zip(cards, ("high", "medium", "low")):
    column.metric(f"{severity.title()} severity", count((open_alerts["severity"] == severity).sum()), border=True)
cards[3].metric("Money at risk", money(open_alerts["impact_amount"].sum(), currency), border=True,
                help="Sales at risk and open orders held up, summed over the open alerts that can put a figure on it.")
if open_alerts.empty:
    st.success(f"No open alert {where}.")
else:
    st.plotly_chart(charts.by_severity(alerts.counts(scope)), width="stretch")
    st.caption(f"Open alerts {where}, evaluated after every ETL run and by `python -m alerts evaluate`.")

show_resolved = st.toggle("Show resolved alerts too", key="alerts_resolved")
listing = alerts.listing(scope, ("open", "acknowledged", "resolved") if show_resolved else ("open", "acknowledged"))
if listing.empty:
    st.stop()
st.dataframe(listing[["alert_id", "severity", "status", "title", "origin", "impact_amount", "as_of"]],
             hide_index=True, column_config={
                 "alert_id": "Alert", "severity": "Severity", "status": "Status", "title": "What",
                 "origin": "Starts in",
                 "impact_amount": st.column_config.NumberColumn("At risk", format=money_format(currency)),
                 "as_of": st.column_config.DateColumn("Data day")})
st.caption("Alerts describe the data's latest day: the sidebar's period and regions do not narrow them, its "
           "departments do (an alert counts where it starts and everywhere it reaches).")

titles = dict(zip(listing["alert_id"], listing["title"]))
picked = st.selectbox("Alert", list(titles), format_func=lambda a: f"#{a} {titles[a]}", key="alert_picked")
alert = listing.set_index("alert_id").loc[picked]
st.subheader(safe.md(alert["title"]))
st.markdown(f"**{alert['severity'].title()}** · {safe.md(alert['status'])} · starts in {safe.md(alert['origin'])} · "
            f"{safe.md(alert['message'])}")
chain = alerts.impacts(picked, scope)
if len(chain) > 1:
    st.plotly_chart(charts.impact_chain(chain), width="stretch")
st.dataframe(chain.assign(amount=[impact_amount(a, u, currency) for a, u in zip(chain["amount"], chain["unit"])])[
    ["step", "area", "department", "description", "amount"]], hide_index=True, column_config={
    "step": "Step", "area": "Area", "department": "Department", "description": "What happens", "amount": "Amount"})

if principal.may("act_on_alerts"):
    with st.form("alert_action", clear_on_submit=True):
        note = st.text_input("Comment", key="alert_comment")
        buttons = st.columns(3)
        acknowledge = buttons[0].form_submit_button("Acknowledge", disabled=alert["status"] != "open")
        resolve = buttons[1].form_submit_button("Resolve", disabled=alert["status"] == "resolved")
        comment = buttons[2].form_submit_button("Comment")
    st.caption(f"Kept in the alert's history and the audit trail as {safe.md(principal.username)}.")
    if acknowledge or resolve or comment:
        action = "acknowledge" if acknowledge else "resolve" if resolve else "comment"
        try:
            with rls.scoped(q.engine(), scope, principal.role) as conn:  # on PostgreSQL the policies check it too
                act(conn, int(picked), action, principal.username, note or None)
                audit.record(conn, principal.username, f"alert_{action}", f"alert {int(picked)}", detail=note or None)
            st.cache_data.clear()
            st.rerun()
        except ValueError as error:
            st.error(str(error)[0].upper() + str(error)[1:] + ".")

st.markdown("**History**")
st.dataframe(alerts.history(picked, scope).fillna({"comment": ""}), hide_index=True, column_config={
    "at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"), "actor": "Who", "action": "What",
    "comment": "Comment"})
