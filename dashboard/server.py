"""How the app is served: ``streamlit run dashboard/server.py`` (what `make run` does) runs dashboard/app.py
behind SessionDownloads, so a download's address gives its file only to the browser session whose click made it
(dashboard/downloads.py).
Streamlit's own settings still come from .streamlit/config.toml."""

import streamlit as st
from starlette.middleware import Middleware

from dashboard.downloads import SessionDownloads

app = st.App("app.py", middleware=[Middleware(SessionDownloads)])
