"""Sign-in before anything else: the form, the session resumed on every rerun, sign-out, and role checks.

The principal lives in ``st.session_state["principal"]`` (with its session token) and is read afresh from the
warehouse on every rerun; a new tab, a reload or a bookmark resumes it from the HttpOnly session cookie
(dashboard/remember.py). An expired session, a disabled account or a changed role takes effect at the user's
next click, in every tab. Tests sign in by seeding that key with a principal
from ``access.sessions.start`` (see tests/dashboard/conftest.py); there is no switch that turns sign-in off.
"""

import streamlit as st

from access import scope, sessions, users
from access.roles import Principal
from access.scope import Scope
from dashboard import queries as q
from dashboard import remember
from i18n import N_, _

ROLE_NAMES = {"admin": N_("admin"), "analyst": N_("analyst"), "executive": N_("executive"), "manager": N_("manager")}
PRINCIPAL = q.PRINCIPAL
NOTICE = "auth_notice"
COOKIE_SCRIPT = "auth_cookie_script"  # the script the next run draws: keep (after a sign-in) or forget the cookie


def resume() -> Principal | None:
    """The signed-in principal, read afresh from the warehouse; None without a live session (an expired one leaves
    a notice for the sign-in form)."""
    _cookie_script()
    signed_in = st.session_state.get(PRINCIPAL)
    if signed_in is None:  # a reload, a new tab or a bookmark: the browser's session cookie, if it holds a live one
        kept = st.context.cookies.get(remember.COOKIE)
        resumed = sessions.resume(q.engine(), kept) if isinstance(kept, str) and kept else None
        if resumed is not None:
            st.session_state[PRINCIPAL] = resumed
        return resumed
    resumed = sessions.resume(q.engine(), signed_in.session_id or "")
    if resumed is not None:
        st.session_state[PRINCIPAL] = resumed
        return resumed
    st.session_state.pop(PRINCIPAL, None)
    st.session_state[NOTICE] = _("Your session has ended or expired: sign in again.")
    return None


def _cookie_script() -> None:
    """Draw, once, the script that has the server set the session cookie after a sign-in, or delete it after a
    sign-out (dashboard/remember.py); it runs in the page, invisible."""
    script = st.session_state.pop(COOKIE_SCRIPT, None)
    if script:
        st.html(script, unsafe_allow_javascript=True)


def sign_in() -> None:
    """Draw the sign-in form and stop the run; a successful sign-in reruns the app on the page the address named.
    The form: Username, Password, Sign in; a refusal is one sentence that does not say which was wrong."""
    _sign_in_form()
    _preload_charts()
    st.stop()


def _preload_charts() -> None:
    """An empty chart the visitor never sees (dashboard/assets/layout.css hides it): the browser fetches and starts
    Plotly's code while the visitor types, so the first page's charts draw as soon as they arrive."""
    import plotly.graph_objects as go

    with st.container(key="chart_preload"):
        st.plotly_chart(go.Figure(), key="chart_preload_figure", config={"displayModeBar": False})


def _sign_in_form() -> None:
    st.title("BI Cockpit")
    if NOTICE in st.session_state:
        st.info(st.session_state[NOTICE])
    if not users.has_users(q.engine()):
        st.info(_("No user exists yet: create one with `python -m access add-user NAME --role admin` "
                  "(make run creates admin and prints its password)."))
    with st.form("sign_in"):
        username = st.text_input(_("Username"), key="sign_in_username", autocomplete="username", max_chars=64)
        password = st.text_input(_("Password"), type="password", key="sign_in_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if not submitted:
        return
    try:
        signed_in = users.authenticate(q.engine(), username.strip(), password)
    except users.AccessError as error:
        st.error(str(error))  # worded in the session's language by access.users
        return
    st.session_state[PRINCIPAL] = started = sessions.start(q.engine(), signed_in)
    st.session_state[COOKIE_SCRIPT] = remember.keep_script(remember.ticket(started.session_id))
    st.session_state.pop(NOTICE, None)
    st.rerun()


def draw_account(principal: Principal) -> None:
    """Who is signed in, and the sign-out button, at the top of the sidebar."""
    role = _(ROLE_NAMES.get(principal.role, principal.role)) if principal.role else _("no role")
    where = f" · {', '.join(principal.departments)}" if principal.role == "manager" and principal.departments else ""
    st.sidebar.text(_("Signed in as {user} ({role})").format(user=principal.username, role=role + where))  # plain text
    if st.sidebar.button(_("Sign out"), key="sign_out"):
        sessions.end(q.engine(), principal.session_id or "")  # every tab and the cookie's token: ended
        st.session_state.clear()
        st.session_state[NOTICE] = _("You have signed out.")
        st.session_state[COOKIE_SCRIPT] = remember.forget_script()
        st.rerun()


def stop_if_denied(principal: Principal) -> None:
    """A user without a role, or a manager without a department, is told why and sees nothing else."""
    reason = principal.denial()
    if reason:
        st.title("BI Cockpit")
        st.warning(reason)  # worded in the session's language by Principal.denial
        st.stop()


def require(permission: str) -> Principal:
    """The principal, when their role grants the permission; otherwise say so and stop the page."""
    principal = current()
    if principal is None or not principal.may(permission):
        st.error(_("Your role does not open this page."))
        st.stop()
    return principal


def current() -> Principal | None:
    """The principal signed in on this run (None before sign-in)."""
    return q.principal()


def visible(chosen: tuple[str, ...] = ()) -> Scope:
    """The departments this run may read: the sidebar's choice within what the principal may see."""
    return scope.effective(current(), chosen)
