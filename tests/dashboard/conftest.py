"""AppTest helpers: the app started against a given warehouse, signed in as a user of a given role.

Tests sign in the way the app itself does after the form: a user in the warehouse, a session from
``access.sessions.start``, and the principal seeded into ``st.session_state["principal"]``. The app resumes
that session from the warehouse on every run; there is no switch that turns sign-in off.
"""

import contextlib
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from streamlit.testing.v1 import AppTest

from access import sessions, users
from access.roles import Principal
from etl.db import get_engine

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def signed_in(url: str, role: str | None = "admin", departments: tuple[str, ...] = (),
              username: str | None = None) -> Principal:
    """A live session for a user of this role (created with a random password when missing)."""
    engine = get_engine(url)
    name = username or f"test-{role or 'norole'}" + "".join(f"-{d}" for d in departments)
    with contextlib.suppress(users.AccessError, IntegrityError):  # made already (maybe by another worker)
        users.add_user(engine, name, role, departments, users.random_password(), "tests")
    return sessions.start(engine, users.principal_of(engine, name))


@pytest.fixture
def app_on(monkeypatch):
    """Start the app on the warehouse at a URL, signed in (as an admin unless told), in English unless told
    (``language="uk"``), and run it once."""

    def start(url: str, role: str | None = "admin", departments: tuple[str, ...] = (), language: str = "en") -> AppTest:
        monkeypatch.setenv("DATABASE_URL", url)
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["lang"] = language
        at.session_state["principal"] = signed_in(url, role, departments)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return start


def metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    """The KPI cards on screen: label -> (value, delta); no delta reads as ''."""
    return {m.label: (m.value, m.delta) for m in at.metric}
