"""Server-side sessions that expire: after 30 idle minutes or 12 hours, whichever comes first.

The token lives in the server's Streamlit session state and in the browser's HttpOnly, SameSite=Strict session
cookie (dashboard/remember.py, so a reload or a new tab stays signed in); the warehouse keeps only its sha-256, so a
copy of the user_sessions table opens no session. Every rerun resumes the session from the warehouse, so a disabled
user, a changed role or a reset password takes effect at the user's next click.
"""

import hashlib
import os
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import OperationalError

from access import audit
from access.roles import Principal
from access.users import principal
from etl.schema import user_sessions, users

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most once a minute, not on every rerun
BUSY_MS, SQLITE_TIMEOUT_MS = 200, 60_000  # the touch waits 0.2 s for SQLite's write lock; etl.db's engines 60 s


def idle_limit() -> timedelta:
    """How long a session may sit unused (COCKPIT_SESSION_IDLE_MINUTES, default 30)."""
    return timedelta(minutes=float(os.environ.get("COCKPIT_SESSION_IDLE_MINUTES", 30)))


def age_limit() -> timedelta:
    """How long a session may last at most (COCKPIT_SESSION_HOURS, default 12)."""
    return timedelta(hours=float(os.environ.get("COCKPIT_SESSION_HOURS", 12)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(engine: Engine, signed_in: Principal, now: datetime | None = None) -> Principal:
    """Open a session for a principal that just signed in; returns it with its session token."""
    now, token = now or datetime.now(), secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(insert(user_sessions).values(session_id=_digest(token), username=signed_in.username,
                                                  created_at=now, last_seen_at=now))
        audit.record(conn, signed_in.username, "sign_in", signed_in.username, detail=f"role {signed_in.role}", at=now)
    return Principal(signed_in.username, signed_in.role, signed_in.departments, token)


def resume(engine: Engine, token: str, now: datetime | None = None) -> Principal | None:
    """The principal of a live session, read afresh; None when it ended, expired or its user was disabled."""
    now = now or datetime.now()
    with engine.begin() as conn:
        row = conn.execute(select(user_sessions, users.c.is_disabled)
                           .join(users, users.c.username == user_sessions.c.username)
                           .where(user_sessions.c.session_id == _digest(token))).mappings().first()
        if row is None or row["ended_at"] is not None:
            return None
        if row["is_disabled"]:
            _end(conn, row["session_id"], "revoked", now)
            return None
        if now - row["last_seen_at"] > idle_limit() or now - row["created_at"] > age_limit():
            _end(conn, row["session_id"], "expired", now)
            audit.record(conn, row["username"], "session_expired", row["username"], at=now)
            return None
        signed_in = principal(conn, row["username"], token)
    if now - row["last_seen_at"] > TOUCH_EVERY:
        _touch(engine, row["session_id"], now)
    return signed_in


def _touch(engine: Engine, session_id: str, now: datetime) -> None:
    """Note the session as used; best effort: while an ETL load holds SQLite's write lock, skip it, not wait."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {BUSY_MS}")
        try:
            conn.execute(update(user_sessions).where(user_sessions.c.session_id == session_id)
                         .values(last_seen_at=now))
            conn.commit()
        except OperationalError:
            conn.rollback()
        finally:
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_TIMEOUT_MS}")


def end(engine: Engine, token: str, now: datetime | None = None) -> None:
    """Sign out: end the session and record it."""
    now = now or datetime.now()
    with engine.begin() as conn:
        username = conn.execute(select(user_sessions.c.username)
                                .where(user_sessions.c.session_id == _digest(token))).scalar()
        if username is not None:
            _end(conn, _digest(token), "signed_out", now)
            audit.record(conn, username, "sign_out", username, at=now)


def _end(conn, session_id: str, reason: str, now: datetime) -> None:
    still_open = user_sessions.c.ended_at.is_(None)
    conn.execute(update(user_sessions).where(user_sessions.c.session_id == session_id, still_open)
                 .values(ended_at=now, end_reason=reason))
