"""Users in the warehouse: argon2 password hashes, roles, departments, sign-in with a lockout.

Five failed sign-ins in a row lock an account for 15 minutes. An unknown username and a wrong password get
the same answer and take the same time, so the form does not tell which usernames exist.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, case, delete, func, insert, or_, select, update

from access import audit
from access.roles import MANAGER, ROLES, Principal
from etl.db import ensure_schema
from etl.schema import departments, user_departments, user_sessions, users
from i18n import N_, _

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
REFUSED = N_("Unknown username or wrong password.")  # translated where raised
_hasher = PasswordHasher()  # argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile)
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))  # verified against for unknown users: equal timing


class AccessError(Exception):
    """A refused user operation, in one sentence that says what to do (in the session's language on a page; the
    command line is English)."""


@dataclass(frozen=True)
class Account:
    """One user as the admin sees it."""

    username: str
    role: str | None
    departments: tuple[str, ...]
    is_disabled: bool
    locked_until: datetime | None
    last_sign_in_at: datetime | None


def check_password(password: str) -> None:
    """Refuse a password too short to resist guessing."""
    if len(password) < MIN_PASSWORD:
        raise AccessError(_("The password has {length} characters: use at least {minimum}.").format(
            length=len(password), minimum=MIN_PASSWORD))


def random_password() -> str:
    """A fresh random password (20 URL-safe characters, ~120 bits)."""
    return secrets.token_urlsafe(15)


def _check_user(conn: Connection, username: str, role: str | None, depts: tuple[str, ...]) -> None:
    if not USERNAME.fullmatch(username):
        raise AccessError(_("The username '{username}' is not valid: use letters, digits and . _ @ - (at most 64).")
                          .format(username=username))
    if role is not None and role not in ROLES:
        raise AccessError(_("The role '{role}' is unknown: use one of {roles}.").format(role=role,
                                                                                       roles=", ".join(ROLES)))
    if depts and role != MANAGER:
        raise AccessError(_("Departments are for managers only: the role {role} already sees every department.")
                          .format(role=role))
    known = set(conn.execute(select(departments.c.department_id)).scalars())
    unknown = sorted(set(depts) - known)
    if unknown and known:
        raise AccessError(_("The department '{department}' is not in the warehouse: use one of {departments}.")
                          .format(department=unknown[0], departments=", ".join(sorted(known))))


def add_user(engine: Engine, username: str, role: str | None, depts: tuple[str, ...], password: str,
             actor: str) -> None:
    """Create a user with a role, a manager's departments and an argon2 hash of the password."""
    ensure_schema(engine)
    check_password(password)
    now = datetime.now()
    with engine.begin() as conn:
        _check_user(conn, username, role, depts)
        if conn.execute(select(users.c.username).where(users.c.username == username)).first():
            raise AccessError(_("The user '{username}' exists already: change it with the admin page or "
                                "reset-password.").format(username=username))
        conn.execute(insert(users).values(username=username, password_hash=_hasher.hash(password), role=role,
                                          is_disabled=False, failed_attempts=0, created_at=now, updated_at=now))
        _write_departments(conn, username, depts)
        audit.record(conn, actor, "user_added", username, detail=_describe(role, depts), at=now)


def change_user(engine: Engine, username: str, role: str | None, depts: tuple[str, ...], actor: str) -> None:
    """Give a user another role or other departments; their open sessions see it at their next click."""
    with engine.begin() as conn:
        _require(conn, username)
        _check_user(conn, username, role, depts)
        conn.execute(update(users).where(users.c.username == username).values(role=role, updated_at=datetime.now()))
        _write_departments(conn, username, depts)
        audit.record(conn, actor, "user_changed", username, detail=_describe(role, depts))


def set_disabled(engine: Engine, username: str, disabled: bool, actor: str) -> None:
    """Disable a user (their sessions end at once) or enable them again."""
    now = datetime.now()
    with engine.begin() as conn:
        _require(conn, username)
        conn.execute(update(users).where(users.c.username == username).values(is_disabled=disabled, updated_at=now))
        if disabled:
            end_sessions(conn, username, "revoked", now)
        audit.record(conn, actor, "user_disabled" if disabled else "user_enabled", username, at=now)


def reset_password(engine: Engine, username: str, password: str, actor: str) -> None:
    """Set a new password, lift a lockout and end the user's sessions."""
    check_password(password)
    now = datetime.now()
    with engine.begin() as conn:
        _require(conn, username)
        conn.execute(update(users).where(users.c.username == username).values(
            password_hash=_hasher.hash(password), failed_attempts=0, locked_until=None, updated_at=now))
        end_sessions(conn, username, "revoked", now)
        audit.record(conn, actor, "password_reset", username, at=now)


def accounts(engine: Engine) -> list[Account]:
    """Every user, sorted by name."""
    ensure_schema(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.username)).mappings().all()
        depts = conn.execute(select(user_departments)).all()
    mine = {r.username: [] for r in rows}
    for username, department_id in depts:
        mine.setdefault(username, []).append(department_id)
    return [Account(r["username"], r["role"], tuple(sorted(mine[r["username"]])), bool(r["is_disabled"]),
                    r["locked_until"], r["last_sign_in_at"]) for r in rows]


def has_users(engine: Engine) -> bool:
    """Whether any user exists."""
    ensure_schema(engine)
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(users)).scalar())


def authenticate(engine: Engine, username: str, password: str, now: datetime | None = None) -> Principal:
    """The principal for a correct username and password; AccessError (and an audit event) otherwise.

    Each attempt is counted before its password is checked, in one atomic statement committed first, so parallel
    guesses cannot all pass the lock: at most MAX_FAILURES of them are ever checked. A locked account and an
    unknown name spend the time of a password check too, so the answer's timing tells nothing."""
    now = now or datetime.now()
    with engine.begin() as conn:
        row, refusal = _reserve_attempt(conn, username, password, now)
    if refusal is None:
        correct = _verify(row["password_hash"], password)
        with engine.begin() as conn:  # the outcome and its audit event are committed before answering
            refusal = _settle_attempt(conn, row, correct, password, now)
            signed_in = None if refusal else principal(conn, username)
    if refusal:
        raise AccessError(refusal)  # in the session's language (see _reserve_attempt and _settle_attempt)
    return signed_in


def _reserve_attempt(conn: Connection, username: str, password: str, now: datetime) -> tuple[dict | None, str | None]:
    """Count this attempt as a failure until it proves otherwise, locking the account when it is the last one
    allowed; the user's row, and why the attempt is refused before any check (unknown name, locked account)."""
    mine = users.c.username == username
    last = users.c.failed_attempts + 1 >= MAX_FAILURES
    reserved = conn.execute(update(users).where(mine, or_(users.c.locked_until.is_(None), users.c.locked_until <= now))
                            .values(failed_attempts=case((last, 0), else_=users.c.failed_attempts + 1),
                                    locked_until=case((last, now + LOCKOUT), else_=users.c.locked_until)))
    row = conn.execute(select(users).where(mine)).mappings().first()
    if row is not None and reserved.rowcount == 1:
        return dict(row), None
    _verify(_DUMMY_HASH, password)  # the time a check takes, so neither case answers faster than a wrong password
    if row is None:
        audit.record(conn, username, "sign_in_failed", username, audit.REFUSED, "unknown username", now)
        return None, _(REFUSED)
    audit.record(conn, username, "sign_in_failed", username, audit.REFUSED, "account locked", now)
    return None, _("Too many failed sign-ins: this account is locked until {time}. Try again then, or ask an "
                   "administrator.").format(time=f"{row['locked_until']:%H:%M}")


def _settle_attempt(conn: Connection, row: dict, correct: bool, password: str, now: datetime) -> str | None:
    """Record a checked attempt: a wrong password stays counted (and says so if it locked the account); a right one
    clears the count and any lock it set. Why it is refused, or None."""
    username, mine = row["username"], users.c.username == row["username"]
    if not correct:
        audit.record(conn, username, "sign_in_failed", username, audit.REFUSED, "wrong password", now)
        if row["locked_until"] == now + LOCKOUT:  # this attempt was the last one allowed
            audit.record(conn, username, "account_locked", username, audit.REFUSED,
                         f"{MAX_FAILURES} failed sign-ins: locked for {LOCKOUT.seconds // 60} minutes", now)
        return _(REFUSED)
    values = {"failed_attempts": 0, "locked_until": None}
    if row["is_disabled"]:
        conn.execute(update(users).where(mine).values(**values))
        audit.record(conn, username, "sign_in_failed", username, audit.REFUSED, "account disabled", now)
        return _("This account is disabled: ask an administrator.")
    if _hasher.check_needs_rehash(row["password_hash"]):
        values["password_hash"] = _hasher.hash(password)
    conn.execute(update(users).where(mine).values(**values, last_sign_in_at=now))
    return None


def principal(conn: Connection, username: str, session_id: str | None = None) -> Principal:
    """The principal of a user as the warehouse holds them now."""
    role = conn.execute(select(users.c.role).where(users.c.username == username)).scalar()
    depts = conn.execute(select(user_departments.c.department_id).where(user_departments.c.username == username)
                         .order_by(user_departments.c.department_id)).scalars().all()
    return Principal(username, role, tuple(depts), session_id)


def principal_of(engine: Engine, username: str) -> Principal:
    """The principal of a user, read from the warehouse (no password check: for sessions and tests)."""
    with engine.connect() as conn:
        _require(conn, username)
        return principal(conn, username)


def end_sessions(conn: Connection, username: str, reason: str, now: datetime) -> None:
    """End every open session of a user."""
    conn.execute(update(user_sessions).where(user_sessions.c.username == username, user_sessions.c.ended_at.is_(None))
                 .values(ended_at=now, end_reason=reason))


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return password_hash is not None and _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _require(conn: Connection, username: str) -> None:
    if not conn.execute(select(users.c.username).where(users.c.username == username)).first():
        raise AccessError(_("There is no user '{username}': list them with python -m access list-users.")
                          .format(username=username))


def _write_departments(conn: Connection, username: str, depts: tuple[str, ...]) -> None:
    conn.execute(delete(user_departments).where(user_departments.c.username == username))
    if depts:
        conn.execute(insert(user_departments), [{"username": username, "department_id": d} for d in sorted(set(depts))])


def _describe(role: str | None, depts: tuple[str, ...]) -> str:
    return f"role {role or 'none'}" + (f", departments {', '.join(sorted(set(depts)))}" if depts else "")
