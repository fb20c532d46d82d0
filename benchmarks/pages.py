"""Page speed: each page's server-side run (AppTest) cold and warm, beside its own SQL run alone."""

import contextlib
import os
import statistics
import sys
import time

import streamlit as st
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from streamlit.testing.v1 import AppTest

from access import sessions, users
from dashboard.queries import _read_cached
from etl.db import PROJECT_ROOT, get_engine

APP = str(PROJECT_ROOT / "dashboard" / "app.py")
PAGES = sorted(p.stem for p in (PROJECT_ROOT / "dashboard" / "views").glob("*.py"))


def _admin_session(engine):
    """A live session of the benchmark's own admin user (made with a random password when missing)."""
    with contextlib.suppress(users.AccessError, IntegrityError):  # made already (maybe by another worker)
        users.add_user(engine, "benchmark", "admin", (), users.random_password(), "benchmarks")
    return sessions.start(engine, users.principal_of(engine, "benchmark"))


def _recorder(engine):
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    return statements, lambda: event.remove(engine, "before_cursor_execute", record)


def _sql_alone(engine, statements) -> float:
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        started = time.perf_counter()
        for statement, parameters in statements:
            cursor = raw.cursor()
            cursor.execute(statement, parameters)
            cursor.fetchall()
            cursor.close()
        return time.perf_counter() - started


def measure(url: str, repeats: int = 3) -> list[dict]:
    """Cold (caches cleared) and warm server-side run time of every page, the median of ``repeats`` tries each
    (a single try on a shared virtual machine varies by a few tenths of a second), and its SQL alone."""
    os.environ["DATABASE_URL"] = url
    engine = get_engine(url)
    principal = _admin_session(engine)
    main = sys.modules["__main__"]  # AppTest leaves the app there; a process pool started later would re-run it
    try:
        return [_measure_page(engine, principal, page, repeats) for page in PAGES]
    finally:
        sys.modules["__main__"] = main


def _measure_page(engine, principal, page: str, repeats: int) -> dict:
    colds, warms = [], []
    for _ in range(repeats):
        st.cache_data.clear()
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state["principal"] = principal  # signed in as an admin: every page opens
        at.run()  # the entry page with the sidebar, as a browser's first request does
        statements, stop = _recorder(engine)
        _read_cached.clear()
        started = time.perf_counter()
        at.switch_page(f"views/{page}.py").run()
        colds.append(time.perf_counter() - started)
        stop()
        assert not at.exception, [e.message for e in at.exception]
        started = time.perf_counter()
        at.run()
        warms.append(time.perf_counter() - started)
    result = {"page": page, "cold": statistics.median(colds), "warm": statistics.median(warms),
              "queries": len(statements), "sql": _sql_alone(engine, statements)}
    print(f"page {page}: cold {result['cold']:.2f} s, warm {result['warm']:.2f} s (medians of {repeats}), "
          f"{len(statements)} queries taking {result['sql']:.2f} s alone", flush=True)
    return result
