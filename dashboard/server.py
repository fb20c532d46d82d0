"""How the app is served: ``streamlit run dashboard/server.py`` (what `make run` does) runs dashboard/app.py
behind SessionDownloads, so a download's address gives its file only to the browser session whose click made it
(dashboard/downloads.py), and serves the route that sets the session cookie a reload or a new tab signs in with
(dashboard/remember.py).
Streamlit's own settings still come from .streamlit/config.toml."""

import streamlit as st
from starlette.middleware import Middleware

from dashboard import remember
from dashboard.downloads import SessionDownloads

app = st.App("app.py", routes=remember.ROUTES, middleware=[Middleware(SessionDownloads)])
