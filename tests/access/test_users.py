"""Users, sign-in, lockout, sessions and the audit trail, on an empty SQLite warehouse."""

from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select

from access import audit, sessions, users
from access.roles import Principal
from access.users import AccessError
from etl.db import ensure_schema
from etl.schema import departments, user_sessions
from etl.schema import users as users_table

T0 = datetime(2026, 3, 2, 9, 0)
PASSWORD = "correct horse battery"


@pytest.fixture
def engine(sqlite_engine):
    """An empty warehouse with two departments and a manager of one of them."""
    ensure_schema(sqlite_engine)
    with sqlite_engine.begin() as conn:
        conn.execute(insert(departments), [{"department_id": "D1", "name": "Sales", "kind": "sales"},
                                           {"department_id": "D2", "name": "Support", "kind": "support"}])
    users.add_user(sqlite_engine, "mia", "manager", ("D1",), PASSWORD, "cli:test")
    return sqlite_engine


def actions(engine) -> list[tuple[str, str, str]]:
    trail = audit.trail(engine).iloc[::-1]
    return list(zip(trail["actor"], trail["action"], trail["outcome"]))


def test_the_hash_is_argon2_and_the_right_password_signs_in(engine):
    with engine.connect() as conn:
        stored = conn.execute(select(users_table.c.password_hash)).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert users.authenticate(engine, "mia", PASSWORD, T0) == Principal("mia", "manager", ("D1",))


def test_unknown_users_and_wrong_passwords_get_the_same_refusal(engine):
    for name, password in (("nobody", PASSWORD), ("mia", "wrong password"), ("mia", ""), ("MIA", PASSWORD)):
        with pytest.raises(AccessError, match="^Unknown username or wrong password.$"):
            users.authenticate(engine, name, password, T0)
    assert [a for a in actions(engine) if a[1] == "sign_in_failed"] == [
        ("nobody", "sign_in_failed", "refused"), ("mia", "sign_in_failed", "refused"),
        ("mia", "sign_in_failed", "refused"), ("MIA", "sign_in_failed", "refused")]


def test_five_failures_lock_for_fifteen_minutes_even_with_the_right_password(engine):
    for minute in range(4):
        with pytest.raises(AccessError, match="wrong password"):
            users.authenticate(engine, "mia", "guess", T0 + timedelta(minutes=minute))
    users.authenticate(engine, "mia", PASSWORD, T0 + timedelta(minutes=4))  # a success resets the count
    for second in range(5):
        with pytest.raises(AccessError, match="wrong password"):
            users.authenticate(engine, "mia", "guess", T0 + timedelta(minutes=5, seconds=second))
    for later in (timedelta(minutes=5, seconds=10), timedelta(minutes=19, seconds=59)):
        with pytest.raises(AccessError, match="locked until 09:20"):
            users.authenticate(engine, "mia", PASSWORD, T0 + later)
    assert users.authenticate(engine, "mia", PASSWORD, T0 + timedelta(minutes=20, seconds=5)).username == "mia"
    assert [a[1] for a in actions(engine)].count("account_locked") == 1


def test_reset_password_lifts_the_lock_and_a_disabled_user_is_refused(engine):
    for _ in range(5):
        with pytest.raises(AccessError):
            users.authenticate(engine, "mia", "guess")
    users.reset_password(engine, "mia", "a brand new secret", "cli:test")
    assert users.authenticate(engine, "mia", "a brand new secret").role == "manager"
    users.set_disabled(engine, "mia", True, "cli:test")
    with pytest.raises(AccessError, match="disabled"):
        users.authenticate(engine, "mia", "a brand new secret")
    with pytest.raises(AccessError, match="Unknown username"):  # the wrong password says nothing of the state
        users.authenticate(engine, "mia", "guess")


@pytest.mark.parametrize(("name", "role", "depts", "password", "message"), [
    ("mia", "analyst", (), PASSWORD, "exists already"),
    ("bad name", "analyst", (), PASSWORD, "not valid"),
    ("ann", "boss", (), PASSWORD, "role 'boss' is unknown"),
    ("ann", "analyst", ("D1",), PASSWORD, "for managers only"),
    ("ann", "manager", ("D9",), PASSWORD, "department 'D9' is not in the warehouse"),
    ("ann", "analyst", (), "short", "use at least 10"),
])
def test_bad_users_are_refused_in_one_sentence(engine, name, role, depts, password, message):
    with pytest.raises(AccessError, match=message):
        users.add_user(engine, name, role, depts, password, "cli:test")


def test_sessions_expire_when_idle_or_too_old_and_end_on_sign_out(engine):
    mia = users.authenticate(engine, "mia", PASSWORD, T0)
    live = sessions.start(engine, mia, T0)
    assert live.session_id and sessions.resume(engine, live.session_id, T0 + timedelta(minutes=29)) == live
    assert sessions.resume(engine, live.session_id, T0 + timedelta(minutes=58)) == live  # touched at 09:29
    assert sessions.resume(engine, live.session_id, T0 + timedelta(minutes=89)) is None  # 31 idle minutes
    assert sessions.resume(engine, live.session_id, T0 + timedelta(minutes=90)) is None  # stays ended
    kept = sessions.start(engine, mia, T0)
    for minutes in range(25, 720, 25):  # used every 25 minutes: only the 12-hour limit ends it
        assert sessions.resume(engine, kept.session_id, T0 + timedelta(minutes=minutes)) is not None
    assert sessions.resume(engine, kept.session_id, T0 + timedelta(hours=12, minutes=1)) is None
    third = sessions.start(engine, mia, T0)
    sessions.end(engine, third.session_id, T0 + timedelta(minutes=1))
    assert sessions.resume(engine, third.session_id, T0 + timedelta(minutes=2)) is None
    with engine.connect() as conn:
        reasons = conn.execute(select(user_sessions.c.end_reason).order_by(user_sessions.c.created_at)).scalars()
        stored = conn.execute(select(user_sessions.c.session_id)).scalars().all()
    assert sorted(reasons) == ["expired", "expired", "signed_out"]
    assert live.session_id not in stored  # only its sha-256 is kept
    assert Counter(a[1] for a in actions(engine)) == {"user_added": 1, "sign_in": 3, "session_expired": 2,
                                                      "sign_out": 1}


def test_a_session_sees_role_changes_and_ends_when_the_user_is_disabled(engine):
    live = sessions.start(engine, users.authenticate(engine, "mia", PASSWORD, T0), T0)
    users.change_user(engine, "mia", "manager", ("D1", "D2"), "admin")
    assert sessions.resume(engine, live.session_id, T0).departments == ("D1", "D2")
    users.change_user(engine, "mia", None, (), "admin")
    assert sessions.resume(engine, live.session_id, T0).allowed() == ()
    users.set_disabled(engine, "mia", True, "admin")
    assert sessions.resume(engine, live.session_id, T0) is None


def test_user_changes_are_in_the_audit_trail(engine):
    users.add_user(engine, "ann", "analyst", (), PASSWORD, "admin")
    users.change_user(engine, "ann", "manager", ("D2",), "admin")
    users.set_disabled(engine, "ann", True, "admin")
    users.set_disabled(engine, "ann", False, "admin")
    users.reset_password(engine, "ann", "another secret!", "admin")
    trail = audit.trail(engine).iloc[::-1]
    assert trail[["actor", "action", "target", "detail"]].values.tolist() == [
        ["cli:test", "user_added", "mia", "role manager, departments D1"],
        ["admin", "user_added", "ann", "role analyst"],
        ["admin", "user_changed", "ann", "role manager, departments D2"],
        ["admin", "user_disabled", "ann", ""], ["admin", "user_enabled", "ann", ""],
        ["admin", "password_reset", "ann", ""]]
    assert [a.username for a in users.accounts(engine)] == ["ann", "mia"]


def test_a_busy_warehouse_does_not_hold_up_a_session(engine):
    live = sessions.start(engine, users.authenticate(engine, "mia", PASSWORD, T0), T0)
    with engine.connect() as loader:  # an ETL load holding SQLite's write lock
        loader.exec_driver_sql("BEGIN IMMEDIATE")
        assert sessions.resume(engine, live.session_id, T0 + timedelta(minutes=5)) == live  # the touch is skipped
        loader.rollback()
    assert sessions.resume(engine, live.session_id, T0 + timedelta(minutes=34)) is None  # idle since 09:00
