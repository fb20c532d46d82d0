"""Admin: users (add, change role and departments, disable, reset password) and the audit trail."""

import pandas as pd
import streamlit as st

from access import audit, users
from access.roles import ROLES
from dashboard import auth, safe
from dashboard import queries as q

admin = auth.require("manage_users")
engine = q.engine()
st.title("Admin")


def _done(message: str) -> None:
    st.session_state["admin_done"] = message
    st.rerun()


def _apply(done: str, action, *args) -> None:
    """Run a user change as the signed-in admin; a refusal is shown as its one sentence."""
    try:
        action(engine, *args, admin.username)
    except users.AccessError as error:
        st.error(str(error))
        return
    _done(f"{done}: {safe.md(args[0])}.")


if "admin_done" in st.session_state:
    st.success(st.session_state.pop("admin_done"))

st.header("Users")
accounts = users.accounts(engine)
st.dataframe(pd.DataFrame([{"user": a.username, "role": a.role or "—", "departments": ", ".join(a.departments),
                            "state": "disabled" if a.is_disabled else "active",
                            "locked_until": a.locked_until, "last_sign_in": a.last_sign_in_at} for a in accounts]),
             hide_index=True, column_config={
                 "locked_until": st.column_config.DatetimeColumn("Locked until", format="YYYY-MM-DD HH:mm"),
                 "last_sign_in": st.column_config.DatetimeColumn("Last sign-in", format="YYYY-MM-DD HH:mm")})
options = q.department_options()
names = dict(zip(options["department_id"], options["name"]))

add, change, reset = st.tabs(["Add a user", "Change a user", "Reset a password"])
with add, st.form("admin_add", clear_on_submit=True):
    username = st.text_input("Username", key="admin_new_name")
    role = st.selectbox("Role", ROLES, key="admin_new_role")
    departments = st.multiselect("Departments (managers only)", list(names), format_func=lambda d: names.get(d, d),
                                 key="admin_new_departments")
    password = st.text_input("Password", type="password", key="admin_new_password",
                             help=f"At least {users.MIN_PASSWORD} characters; the user can be given a new one later.")
    if st.form_submit_button("Add user"):
        _apply("Added", users.add_user, username.strip(), role, tuple(departments), password)

picked_names = [a.username for a in accounts]
with change:
    picked = st.selectbox("User", picked_names, key="admin_user")
    account = next(a for a in accounts if a.username == picked)
    with st.form("admin_change"):
        role = st.selectbox("Role", [None, *ROLES], index=[None, *ROLES].index(account.role),
                            format_func=lambda r: r or "no role (sees nothing)", key=f"admin_role:{picked}")
        departments = st.multiselect("Departments (managers only)", sorted(set(names) | set(account.departments)),
                                     default=list(account.departments), format_func=lambda d: names.get(d, d),
                                     key=f"admin_departments:{picked}")
        if st.form_submit_button("Save role and departments"):
            _apply("Saved the role and departments of", users.change_user, picked, role, tuple(departments))
    if picked != admin.username:
        if account.is_disabled and st.button("Enable this user", key="admin_enable"):
            _apply("Enabled", users.set_disabled, picked, False)
        if not account.is_disabled and st.button("Disable this user", key="admin_disable"):
            _apply("Disabled (their sessions have ended)", users.set_disabled, picked, True)

with reset, st.form("admin_reset", clear_on_submit=True):
    whom = st.selectbox("User", picked_names, key="admin_reset_user")
    password = st.text_input("New password", type="password", key="admin_reset_password")
    if st.form_submit_button("Set password"):
        _apply("New password set (their sessions have ended)", users.reset_password, whom, password)

st.header("Audit trail")
left, right = st.columns(2)
actor = left.selectbox("Who", [None, *picked_names], format_func=lambda a: a or "everyone", key="admin_audit_actor")
action = right.text_input("Action (e.g. sign_in_failed, download, etl_run)", key="admin_audit_action")
trail = audit.trail(engine, 2000, actor, action.strip() or None)
st.dataframe(trail.drop(columns="event_id"), hide_index=True, column_config={
    "at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm:ss"), "actor": "Who", "action": "What",
    "target": "Target", "outcome": "Outcome", "detail": "Detail"})
st.caption("The newest 2,000 events that match; `python -m access audit` prints them in a terminal.")
safe.download_csv("Download the audit trail (CSV)", trail, "audit-trail.csv", "admin_audit_download",
                  admin.username, engine)
