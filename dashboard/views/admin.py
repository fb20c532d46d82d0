"""Admin: users (add, change role and departments, disable, reset password) and the audit trail."""

import pandas as pd
import streamlit as st

from access import audit, users
from access.roles import ROLES
from dashboard import auth, safe, show
from dashboard import queries as q
from i18n import _, worded
from i18n.formats import count

TRAIL_ROWS = 2000  # the newest events the page shows and offers


def role_name(role: str | None) -> str:
    """A role in the session's language; '—' for none."""
    return _(auth.ROLE_NAMES[role]) if role in auth.ROLE_NAMES else role or "—"


def _done(message: str) -> None:
    st.session_state["admin_done"] = message
    st.rerun()


def _apply(done: str, action, *args) -> None:
    """Run a user change as the signed-in admin; a refusal is shown as its one sentence. ``done`` is the translated
    sentence that says it worked, with {user} for the user's name."""
    try:
        action(engine, *args, admin.username)
    except users.AccessError as error:
        st.error(str(error))
        return
    _done(done.format(user=safe.md(args[0])))


admin = auth.require("manage_users")
engine = q.engine()
st.title(_("Admin"))
if "admin_done" in st.session_state:
    st.success(st.session_state.pop("admin_done"))

st.header(_("Users"))
accounts = users.accounts(engine)
people = pd.DataFrame([{"user": a.username, "role": role_name(a.role), "departments": ", ".join(a.departments),
                        "state": _("disabled") if a.is_disabled else _("active"), "locked_until": a.locked_until,
                        "last_sign_in": a.last_sign_in_at} for a in accounts],
                      columns=["user", "role", "departments", "state", "locked_until", "last_sign_in"])
show.table(people, {"user": (_("User"), "text"), "role": (_("Role"), "text"),
                    "departments": (_("Departments"), "text"), "state": (_("State"), "text"),
                    "locked_until": (_("Locked until"), "datetime"), "last_sign_in": (_("Last sign-in"), "datetime")},
           "users", "admin_users")
options = q.department_options()
names = dict(zip(options["department_id"], options["name"]))
role_names = {None: _("no role (sees nothing)")} | {role: role_name(role) for role in ROLES}  # labels fixed per run

add, change, reset = st.tabs([_("Add a user"), _("Change a user"), _("Reset a password")])
with add, st.form("admin_add", clear_on_submit=True):
    username = st.text_input(_("Username"), key="admin_new_name")
    role = st.selectbox(_("Role"), ROLES, format_func=role_names.get, key="admin_new_role")
    departments = st.multiselect(_("Departments (managers only)"), list(names), format_func=lambda d: names.get(d, d),
                                 key="admin_new_departments", placeholder=_("Choose departments"))
    password = st.text_input(_("Password"), type="password", key="admin_new_password",
                             help=_("At least {minimum} characters; the user can be given a new one later.").format(
                                 minimum=users.MIN_PASSWORD))
    if st.form_submit_button(_("Add user")):
        _apply(_("Added: {user}."), users.add_user, username.strip(), role, tuple(departments), password)

picked_names = [a.username for a in accounts]
with change:
    picked = st.selectbox(_("User"), picked_names, key="admin_user")
    account = next(a for a in accounts if a.username == picked)
    with st.form("admin_change"):
        role = st.selectbox(_("Role"), [None, *ROLES], index=[None, *ROLES].index(account.role),
                            format_func=role_names.get, key=f"admin_role:{picked}")
        departments = st.multiselect(_("Departments (managers only)"), sorted(set(names) | set(account.departments)),
                                     default=list(account.departments), format_func=lambda d: names.get(d, d),
                                     key=f"admin_departments:{picked}", placeholder=_("Choose departments"))
        if st.form_submit_button(_("Save role and departments")):
            _apply(_("Saved the role and departments of: {user}."), users.change_user, picked, role,
                   tuple(departments))
    if picked != admin.username:
        if account.is_disabled and st.button(_("Enable this user"), key="admin_enable"):
            _apply(_("Enabled: {user}."), users.set_disabled, picked, False)
        if not account.is_disabled and st.button(_("Disable this user"), key="admin_disable"):
            _apply(_("Disabled (their sessions have ended): {user}."), users.set_disabled, picked, True)

with reset, st.form("admin_reset", clear_on_submit=True):
    whom = st.selectbox(_("User"), picked_names, key="admin_reset_user")
    password = st.text_input(_("New password"), type="password", key="admin_reset_password")
    if st.form_submit_button(_("Set password")):
        _apply(_("New password set (their sessions have ended): {user}."), users.reset_password, whom, password)

st.header(_("Audit trail"))
left, right = st.columns(2)
everyone = {None: _("everyone")} | {name: name for name in picked_names}
actor = left.selectbox(_("Who"), list(everyone), format_func=everyone.get, key="admin_audit_actor")
actions = {None: _("every action")} | {code: _(name) for code, name in audit.ACTIONS.items()}
action = right.selectbox(_("What"), list(actions), format_func=actions.get, key="admin_audit_action")
trail = audit.trail(engine, TRAIL_ROWS, actor, action)
trail["action"], trail["outcome"] = worded(trail["action"], audit.ACTIONS), worded(trail["outcome"], audit.OUTCOMES)
show.table(trail, {"at": (_("When"), "datetime"), "actor": (_("Who"), "text"), "action": (_("What"), "text"),
                   "target": (_("Target"), "text"), "outcome": (_("Outcome"), "text"),
                   "detail": (_("Detail"), "text")}, "audit-trail", "admin_audit")
st.caption(_("The newest {count} events that match; `python -m access audit` prints them in a terminal.").format(
    count=count(TRAIL_ROWS)))
