"""The BI cockpit: signs the user in, routes to the pages their role opens, and draws the shared sidebar filters.
Nothing else lives here."""

import logging
import uuid
from pathlib import Path

import streamlit as st

from dashboard import auth, i18n, warmup
from dashboard import queries as q
from dashboard.filters import draw_sidebar
from dashboard.i18n import _

log = logging.getLogger("dashboard")
ICON = Path(__file__).parent / "assets" / "icon.png"  # local, so the browser fetches nothing from outside
LAYOUT = Path(__file__).parent / "assets" / "layout.css"  # cards that wrap instead of truncating at 800 px


def pages(principal) -> list:
    """The pages the principal's role opens; before sign-in every page, so the page a link names is still the one
    shown once the visitor has signed in."""
    deals_only = not q.has_rows("mart_order_fulfilment") and q.has_rows("mart_opportunities")  # CRM-only warehouse
    mentions_only = not q.has_rows("mart_order_fulfilment") and not deals_only and q.has_rows("mart_mentions")
    opened = [
        st.Page("views/overview.py", title=_("Executive overview"), icon=":material/dashboard:",
                default=not (deals_only or mentions_only)),
        st.Page("views/retention.py", title=_("Customer retention"), icon=":material/group:"),
        st.Page("views/efficiency.py", title=_("Process efficiency"), icon=":material/speed:"),
        st.Page("views/pipeline.py", title=_("CRM pipeline"), icon=":material/filter_alt:", default=deals_only),
        st.Page("views/social.py", title=_("Social CRM"), icon=":material/forum:", default=mentions_only),
        st.Page("views/geography.py", title=_("Geography"), icon=":material/public:"),
        st.Page("views/forecast.py", title=_("Sales forecast"), icon=":material/trending_up:"),
        st.Page("views/alerts.py", title=_("Alerts"), icon=":material/notifications:"),
    ]
    if principal is None or principal.may("operate_etl"):
        opened.append(st.Page("views/operations.py", title=_("Data operations"), icon=":material/database:"))
    if principal is None or principal.may("manage_users"):
        opened.append(st.Page("views/admin.py", title=_("Admin"), icon=":material/admin_panel_settings:"))
    return opened


st.set_page_config(page_title="BI Cockpit", page_icon=str(ICON), layout="wide")
warmup.start()  # once per server process, while the first visitor signs in
st.html(LAYOUT)
i18n.choose()  # the URL's ?lang=, the sidebar switch, or the browser's language
principal = auth.resume()
shown = principal is not None and not principal.denial()
navigation = st.navigation(pages(principal), position="sidebar" if shown else "hidden")
if principal is None:
    auth.sign_in()  # draws the sign-in form and stops until someone signs in
auth.draw_account(principal)
auth.stop_if_denied(principal)
draw_sidebar()
try:
    navigation.run()
except Exception:  # anything unexpected: one sentence and a reference for the user, the traceback in the log
    reference = uuid.uuid4().hex[:8]
    log.exception("page %s failed (reference %s)", navigation.title, reference)
    st.error(_("This page could not be drawn because of an unexpected error (reference {reference}). The details "
               "are in the server log under that reference; please pass it on to whoever runs the cockpit.")
             .format(reference=reference))
