"""Staying signed in across a reload, a new tab and a bookmark: the session token in a cookie.

Streamlit keeps its session state per browser tab and forgets it on a reload, so the session token (access/sessions.py;
the warehouse keeps only its sha-256) also goes into a cookie the browser sends with every request, the app's
websocket included. Only the server sets it: after a sign-in the page posts a one-time ticket, good for a minute, to
``/cockpit/session`` (a route of dashboard/server.py), and the answer sets the cookie HttpOnly (no script reads it),
SameSite=Strict (no other site's page sends it), Secure over HTTPS, for the session's longest life. Signing out asks
the same route to delete it; either way the session ends in the warehouse, so every tab holding the token is signed
out at its next click and the token, replayed, opens nothing.
"""

import json
import secrets
import threading
import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from access.sessions import age_limit

COOKIE = "cockpit_session"
PATH = "/cockpit/session"
TICKET_SECONDS = 60
_tickets: dict[str, tuple[str, float]] = {}  # ticket -> (session token, when the ticket expires)
_lock = threading.Lock()


def ticket(token: str) -> str:
    """A one-time ticket that lets the browser of this session fetch the cookie for ``token`` within a minute."""
    now, issued = time.monotonic(), secrets.token_urlsafe(24)
    with _lock:
        for stale in [t for t, (_token, expires) in _tickets.items() if expires < now]:
            del _tickets[stale]
        _tickets[issued] = (token, now + TICKET_SECONDS)
    return issued


def redeem(issued: str) -> str | None:
    """The session token a ticket was issued for, once; None for an unknown, used or expired ticket."""
    with _lock:
        token, expires = _tickets.pop(issued, (None, 0.0))
    return token if token is not None and expires >= time.monotonic() else None


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


async def session_cookie(request: Request) -> Response:
    """POST with a ticket: set the session cookie; DELETE: remove it. Anything else, or a bad ticket: 403."""
    response = Response(status_code=204)
    if request.method == "DELETE":
        response.delete_cookie(COOKIE, path="/", secure=_secure(request), httponly=True, samesite="strict")
        return response
    token = redeem(request.headers.get("x-cockpit-ticket", ""))
    if token is None:
        return Response(status_code=403)
    response.set_cookie(COOKIE, token, max_age=int(age_limit().total_seconds()), path="/", secure=_secure(request),
                        httponly=True, samesite="strict")
    return response


ROUTES = [Route(PATH, session_cookie, methods=["POST", "DELETE"])]


def keep_script(issued: str) -> str:
    """The page's script that trades the ticket for the cookie."""
    return (f"<script>fetch({json.dumps(PATH)}, {{method: 'POST', credentials: 'same-origin', "
            f"headers: {{'X-Cockpit-Ticket': {json.dumps(issued)}}}}});</script>")


def forget_script() -> str:
    """The page's script that has the cookie deleted after a sign-out."""
    return f"<script>fetch({json.dumps(PATH)}, {{method: 'DELETE', credentials: 'same-origin'}});</script>"
