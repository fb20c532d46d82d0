"""Downloads that only the signed-in browser session that clicked can fetch.

Streamlit serves a download button's file at ``/media/<id>`` to anyone who holds the address, with no cookie. Here
a file exists only after a signed-in session clicks (``safe.download_csv`` makes it then, and records the
download), and each click issues a ticket for exactly that content and that browser: the browser's Streamlit
token, the ``_streamlit_xsrf`` cookie the page was loaded with (the same token however Streamlit re-masks its
text). ``SessionDownloads``, the ASGI middleware the app is served with (dashboard/server.py), hands a downloadable file
out only to a request that carries the same browser token within a minute of the click; the address fetched
without the session's cookie, from another browser, or later, answers 404.
"""

import hashlib
import http.cookies
import threading
import time

from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string
from streamlit.web.server.starlette.starlette_server_config import XSRF_COOKIE_NAME

TICKET_SECONDS = 60  # the browser fetches a click's file at once (twice, as it happens); a ticket is worth a minute
_tickets: dict[tuple[str, str], float] = {}  # (the content's digest, the browser's token) -> when the ticket expires
_lock = threading.Lock()


def browser_token(cookie: str | None) -> str:
    """The browser's Streamlit token in its XSRF cookie's text ('' without one): stable for the browser's session,
    though the cookie's text changes at every page load."""
    token, _timestamp = decode_xsrf_token_string(cookie) if cookie else (None, None)
    return token.hex() if token else ""


def issue(content: bytes, browser: str) -> bytes:
    """Let the browser with this token fetch this content for a minute (a download button was clicked in its live
    session); returns the content. Without a browser token (tests, XSRF protection off) no fetch is allowed."""
    now = time.monotonic()
    with _lock:
        for key in [k for k, expires in _tickets.items() if expires < now]:
            del _tickets[key]
        if browser:
            _tickets[(hashlib.sha256(content).hexdigest(), browser)] = now + TICKET_SECONDS
    return content


def allowed(content: bytes, browser: str) -> bool:
    """Whether this browser holds an unexpired ticket for this content."""
    with _lock:
        return bool(browser) and _tickets.get((hashlib.sha256(content).hexdigest(), browser), 0) >= time.monotonic()


def _is_attachment(start: dict) -> bool:
    return start["status"] == 200 and any(name.lower() == b"content-disposition" and value.startswith(b"attachment")
                                          for name, value in start.get("headers", []))


def _request_browser(scope: dict) -> str:
    """The browser token of the request's XSRF cookie ('' without one)."""
    jar = http.cookies.SimpleCookie()
    for name, value in scope.get("headers", []):
        if name.lower() == b"cookie":
            jar.load(value.decode("latin-1"))
    return browser_token(jar[XSRF_COOKIE_NAME].value if XSRF_COOKIE_NAME in jar else None)


NOT_FOUND = ({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]},
             {"type": "http.response.body", "body": b"Not found"})


class SessionDownloads:
    """ASGI middleware: a media file served as an attachment (a download) goes out only to the browser that clicked
    for it, against the ticket ``issue`` gave; any other media file (images) passes untouched."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or "/media/" not in scope["path"]:
            await self.app(scope, receive, send)
            return
        held: dict = {"start": None, "body": [], "passing": False}

        async def hold(message: dict) -> None:
            if message["type"] == "http.response.start":
                held["start"], held["passing"] = message, not _is_attachment(message)
                if held["passing"]:
                    await send(message)
            elif held["passing"]:
                await send(message)
            else:
                held["body"].append(message.get("body", b""))

        await self.app(scope, receive, hold)
        if held["passing"] or held["start"] is None:
            return
        content = b"".join(held["body"])
        reply = ((held["start"], {"type": "http.response.body", "body": content})
                 if allowed(content, _request_browser(scope)) else NOT_FOUND)
        for message in reply:
            await send(message)
