"""The BI cockpit: signs the user in, routes to the pages their role opens, and draws the shared sidebar filters.
Nothing else lives here."""

import logging
import uuid
from pathlib import Path

import streamlit as st

from dashboard import auth, warmup
from dashboard import queries as q
from dashboard.filters import draw_language, draw_sidebar
from i18n import _

log = logging.getLogger("dashboard")
ICON = Path(__file__).parent / "assets" / "icon.png"  # local, so the browser fetches nothing from outside
LAYOUT = Path(__file__).parent / "assets" / "layout.css"  # cards that wrap instead of truncating at 800 px


def pages(principal) -> list:
    """The pages the principal's role opens; before sign-in every page, so the page a link names is still the one
    shown once the visitor has signed in."""
    opened = [
        st.Page("views/overview.py", title=_("Executive overview"), icon=":material/dashboard:"),
        st.Page("views/retention.py", title=_("Customer retention"), icon=":material/group:"),
        st.Page("views/efficiency.py", title=_("Process efficiency"), icon=":material/speed:"),
        st.Page("views/pipeline.py", title=_("CRM pipeline"), icon=":material/filter_alt:"),
        st.Page("views/social.py", title=_("Social CRM"), icon=":material/forum:"),
        st.Page("views/geography.py", title=_("Geography"), icon=":material/public:"),
        st.Page("views/forecast.py", title=_("Sales forecast"), icon=":material/trending_up:"),
        st.Page("views/alerts.py", title=_("Alerts"), icon=":material/notifications:"),
    ]
    if principal is None or principal.may("operate_etl"):
        opened.append(st.Page("views/operations.py", title=_("Data operations"), icon=":material/database:"))
    if principal is None or principal.may("manage_users"):
        opened.append(st.Page("views/admin.py", title=_("Admin"), icon=":material/admin_panel_settings:"))
    return opened


def first_page(opened: list):
    """The page the app opens on: the CRM pipeline on a warehouse of deals only, Social CRM on one of social
    mentions only, else the executive overview."""
    orders = q.has_rows("mart_order_fulfilment")
    deals_only = not orders and q.has_rows("mart_opportunities")
    mentions_only = not orders and not deals_only and q.has_rows("mart_mentions")
    wanted = "pipeline" if deals_only else "social" if mentions_only else "overview"
    return next(page for page in opened if page.url_path == wanted)


def root(first):
    """The hidden page at the app's root address, which opens ``first`` at its own address with the link's query
    parameters. Streamlit serves its default page at the root only, so a default page of our own would have no
    address: a link to /pipeline would find no page on a warehouse whose first page is the pipeline."""

    def open_first() -> None:
        st.switch_page(first, query_params={key: st.query_params.get_all(key) for key in st.query_params})

    return st.Page(open_first, title=first.title, url_path="start", default=True, visibility="hidden")


st.set_page_config(page_title="BI Cockpit", page_icon=str(ICON), layout="wide")
warmup.start()  # once per server process, while the first visitor signs in
st.html(LAYOUT)
draw_language()  # the URL's ?lang=, the sidebar switch, or the browser's language
principal = auth.resume()
shown = principal is not None and not principal.denial()
opened = pages(principal)
start = root(first_page(opened))
navigation = st.navigation([start, *opened], position="sidebar" if shown else "hidden")
if navigation is start:
    navigation.run()  # opens the first page at its own address; nothing below runs
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
