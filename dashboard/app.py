"""The BI cockpit: signs the user in, routes to the pages their role opens, and draws the shared sidebar filters.
Nothing else lives here."""

from pathlib import Path

import streamlit as st

from dashboard import auth
from dashboard.filters import draw_sidebar

ICON = Path(__file__).parent / "assets" / "icon.png"  # local, so the browser fetches nothing from outside
st.set_page_config(page_title="BI Cockpit", page_icon=str(ICON), layout="wide")
principal = auth.require_sign_in()  # draws the sign-in form and stops until someone signs in
auth.draw_account(principal)
auth.stop_if_denied(principal)
pages = [
    st.Page("views/overview.py", title="Executive overview", icon=":material/dashboard:", default=True),
    st.Page("views/retention.py", title="Customer retention", icon=":material/group:"),
    st.Page("views/efficiency.py", title="Process efficiency", icon=":material/speed:"),
    st.Page("views/pipeline.py", title="CRM pipeline", icon=":material/filter_alt:"),
    st.Page("views/forecast.py", title="Sales forecast", icon=":material/trending_up:"),
    st.Page("views/alerts.py", title="Alerts", icon=":material/notifications:"),
]
if principal.may("operate_etl"):
    pages.append(st.Page("views/operations.py", title="Data operations", icon=":material/database:"))
if principal.may("manage_users"):
    pages.append(st.Page("views/admin.py", title="Admin", icon=":material/admin_panel_settings:"))
navigation = st.navigation(pages)
draw_sidebar()
navigation.run()
