"""Downloads only inside a session: the file is made by a click of a live session (one audit event), and its address
gives it once (dashboard/downloads.py); the browser side is in tests/test_browser.py."""

import asyncio
import io
import os
import time

import pandas as pd
import pytest
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

from access import audit, sessions
from dashboard import downloads
from dashboard.downloads import XSRF_COOKIE_NAME, SessionDownloads
from etl.db import get_engine
from tests.dashboard.page_tools import _element, clicked, media_managers


def _media_app(body: bytes, disposition: bytes | None):
    """A stand-in for Streamlit's media route: every request gets ``body``, as an attachment when told."""

    async def app(scope, receive, send):
        headers = [(b"content-type", b"text/csv")] + ([(b"content-disposition", disposition)] if disposition else [])
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body[:3], "more_body": True})
        await send({"type": "http.response.body", "body": body[3:]})

    return app


def _get(app, path: str, cookie: str | None = None) -> tuple[int, bytes]:
    """A GET of ``path`` through the app, with the browser's XSRF cookie when given."""
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    headers = [(b"cookie", f"{XSRF_COOKIE_NAME}={cookie}".encode())] if cookie else []
    asyncio.run(app({"type": "http", "method": "GET", "path": path, "headers": headers}, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_an_attachment_goes_only_to_the_browser_that_clicked_for_it(monkeypatch):
    body, token = b"a,b\n1,2\n", os.urandom(16)
    mine, theirs = generate_xsrf_token_string(token), generate_xsrf_token_string(os.urandom(16))
    app = SessionDownloads(_media_app(body, b'attachment; filename="x.csv"'))
    assert _get(app, "/media/abc.csv", mine) == (404, b"Not found")  # nobody clicked: no file for a guessed address
    downloads.issue(body, downloads.browser_token(generate_xsrf_token_string(token)))  # re-masked: the same token
    assert [_get(app, "/media/abc.csv", mine) for _ in range(2)] == [(200, body)] * 2  # the browser asks twice
    assert _get(app, "/media/abc.csv") == (404, b"Not found")  # a copied link, without the session's cookie
    assert _get(app, "/media/abc.csv", theirs) == (404, b"Not found")  # another browser
    later = time.monotonic() + downloads.TICKET_SECONDS + 1
    monkeypatch.setattr(downloads.time, "monotonic", lambda: later)
    assert _get(app, "/media/abc.csv", mine) == (404, b"Not found")  # a minute after the click


def test_other_media_and_other_paths_pass_untouched():
    image = SessionDownloads(_media_app(b"\x89PNG....", None))
    assert [_get(image, "/media/icon.png") for _ in range(2)] == [(200, b"\x89PNG....")] * 2
    page = SessionDownloads(_media_app(b"<html>", b"attachment"))
    assert _get(page, "/_stcore/health") == (200, b"<html>")


def test_a_click_makes_the_file_and_one_audit_event_and_an_ended_session_gets_nothing(app_on, full_url, monkeypatch):
    managers = media_managers(monkeypatch)
    at = app_on(full_url, "executive")
    warehouse = get_engine(full_url)
    assert audit.trail(warehouse, action="download").empty  # drawing the page offers the files, makes none
    button = _element(at.get("download_button"), "overview_departments_csv")
    assert len(pd.read_csv(io.BytesIO(clicked(managers[-1], button)))) > 0
    trail = audit.trail(warehouse, action="download")
    assert trail[["actor", "action"]].values.tolist() == [["test-executive", "download"]]
    sessions.end(warehouse, at.session_state["principal"].session_id)  # signed out in another tab
    with pytest.raises(MediaFileStorageError, match="session that offered it has ended"):
        clicked(managers[-1], button)
    assert len(audit.trail(warehouse, action="download")) == 1
