"""The BI cockpit: routes to the pages and draws the shared sidebar filters. Nothing else lives here."""

from pathlib import Path

import streamlit as st

from dashboard.filters import draw_sidebar

ICON = Path(__file__).parent / "assets" / "icon.png"  # local, so the browser fetches nothing from outside
st.set_page_config(page_title="BI Cockpit", page_icon=str(ICON), layout="wide")
pages = [
    st.Page("views/overview.py", title="Executive overview", icon=":material/dashboard:", default=True),
    st.Page("views/retention.py", title="Customer retention", icon=":material/group:"),
    st.Page("views/efficiency.py", title="Process efficiency", icon=":material/speed:"),
    st.Page("views/pipeline.py", title="CRM pipeline", icon=":material/filter_alt:"),
    st.Page("views/social.py", title="Social CRM", icon=":material/forum:"),
    st.Page("views/geography.py", title="Geography", icon=":material/public:"),
    st.Page("views/forecast.py", title="Sales forecast", icon=":material/trending_up:"),
    st.Page("views/alerts.py", title="Alerts", icon=":material/notifications:"),
    st.Page("views/operations.py", title="Data operations", icon=":material/database:"),
]
navigation = st.navigation(pages)
draw_sidebar()
navigation.run()
