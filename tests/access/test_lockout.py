"""The lockout under parallel guesses: each attempt is counted before its password is checked, so 20 guesses at
once check at most five passwords and the right one is refused afterwards, on SQLite and PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from access import users
from access.users import MAX_FAILURES, AccessError
from etl.db import ensure_schema, get_engine
from tests.access.test_users import PASSWORD, actions


@pytest.fixture(params=["sqlite", "postgres"])
def warehouse(request):
    """An empty warehouse on each database with one user, mia."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    engine = get_engine(url)
    ensure_schema(engine)
    users.add_user(engine, "mia", "executive", (), PASSWORD, "cli:test")
    yield engine
    engine.dispose()


@pytest.fixture
def checked(monkeypatch):
    """The passwords checked against a real hash (not the dummy one spent on refusals), counted across threads."""
    seen, guard, verify = [], threading.Lock(), users._verify

    def counting(password_hash, password):
        if password_hash != users._DUMMY_HASH:
            with guard:
                seen.append(password)
        return verify(password_hash, password)

    monkeypatch.setattr(users, "_verify", counting)
    return seen


def _guess(engine, password: str) -> str:
    try:
        return users.authenticate(engine, "mia", password).username
    except AccessError as error:
        return str(error)


def test_twenty_parallel_guesses_check_at_most_five_and_then_the_right_password_is_refused(warehouse, checked):
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda i: _guess(warehouse, f"guess number {i}"), range(20)))
    assert len(checked) == MAX_FAILURES
    assert answers.count("Unknown username or wrong password.") == MAX_FAILURES
    assert sum(a.startswith("Too many failed sign-ins") for a in answers) == 20 - MAX_FAILURES
    assert _guess(warehouse, PASSWORD).startswith("Too many failed sign-ins: this account is locked until")
    assert len(checked) == MAX_FAILURES  # the right password was never checked during the lock
    trail = [action for _actor, action, _outcome in actions(warehouse)]
    assert trail.count("account_locked") == 1 and trail.count("sign_in_failed") == 21


def test_a_locked_account_spends_a_password_check_like_a_wrong_password(warehouse, monkeypatch):
    for _ in range(MAX_FAILURES):
        _guess(warehouse, "a wrong guess")
    hashes = []
    verify = users._verify
    monkeypatch.setattr(users, "_verify", lambda h, p: hashes.append(h) or verify(h, p))
    assert _guess(warehouse, PASSWORD).startswith("Too many failed sign-ins")
    assert hashes == [users._DUMMY_HASH]  # one argon2 check, as long as a wrong password's
