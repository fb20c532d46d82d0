"""The page matrix: every page, on every kind of warehouse, under every filter a user can choose.

Warehouses: the small demo, Online Retail, the CRM sample, Olist, Northwind (a PostgreSQL warehouse), an
empty one, CRM-only and ERP-only cuts of the demo, and the airline tweets (social mentions only);
tests/warehouses.py builds each once per session.
The hostile warehouse names everything with markup (tests/dashboard/hostile.py); no page may render it.
Filters: the default view, each department alone, each region alone, a full year, a period without data and
a single day. Each page must draw without an exception or an error box and without "nan", "None" or "inf"
on a card or in a table cell; tests/dashboard/test_invariants.py checks the figures themselves.
"""

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.filters import DEPARTMENTS
from i18n import LANGUAGE_KEY
from tests.dashboard.conftest import APP, signed_in
from tests.dashboard.hostile import markup_leaks
from tests.dashboard.matrix import PAGES, WAREHOUSES, busiest_department, matrix_filters

BAD_TEXT = ("nan", "None", "inf", "NaT")
CYRILLIC = re.compile("[а-яіїєґ]", re.IGNORECASE)


def _bad_cells(frame: pd.DataFrame) -> list[str]:
    """Text cells that read as a missing or broken value."""
    found = []
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            found += [f"{column}={v}" for v in values.dropna().astype(str) if v.strip() in BAD_TEXT]
    return found


def _problems(at: AppTest) -> list[str]:
    """What is wrong on the page as drawn: exceptions, error boxes, broken values on cards or in tables."""
    problems = [f"exception: {e.message}" for e in at.exception]
    problems += [f"error box: {e.value}" for e in at.error]
    problems += [f"card {m.label}: {m.value}" for m in at.metric if any(b in str(m.value) for b in BAD_TEXT)]
    for table in at.dataframe:
        problems += [f"table cell {cell}" for cell in _bad_cells(table.value)]
    return problems + markup_leaks(at)


def _failures(url: str, page: str, principal, states) -> dict[str, list[str]]:
    """Draw the page as this principal under each (label, session state) filter; what went wrong, by filter."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["principal"] = principal
    failures = {}
    for label, state in states:
        for key, value in state.items():
            at.session_state[key] = value
        at.switch_page(f"views/{page}.py").run()
        problems = _problems(at)
        if state.get(LANGUAGE_KEY) == "uk" and not any(CYRILLIC.search(t.value) for t in at.title):
            problems.append(f"title not translated: {[t.value for t in at.title]}")
        if problems:
            failures[label] = problems[:3]
    return failures


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("name", WAREHOUSES)
def test_page_draws_under_every_filter(name, page, matrix_warehouse, monkeypatch):
    url = matrix_warehouse(name)
    monkeypatch.setenv("DATABASE_URL", url)
    failures = _failures(url, page, signed_in(url), matrix_filters(url))  # an admin: every page opens
    assert not failures, f"{name}/{page}: {failures}"


@pytest.mark.parametrize("page", [p for p in PAGES if p not in ("admin", "operations")])
@pytest.mark.parametrize("name", ["demo", "online_retail"])
def test_page_draws_for_a_manager_of_one_department(name, page, matrix_warehouse, monkeypatch):
    url = matrix_warehouse(name)
    monkeypatch.setenv("DATABASE_URL", url)
    department = busiest_department(url)  # Sales South on the demo, UK Sales on Online Retail
    offered = [(label, state) for label, state in matrix_filters(url)  # the sidebar offers a manager only theirs
               if not set(state.get(DEPARTMENTS, [])) - {department}]
    failures = _failures(url, page, signed_in(url, "manager", (department,)), offered)
    assert not failures, f"{name}/{page} as manager of {department}: {failures}"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("name", WAREHOUSES)
def test_page_draws_in_ukrainian(name, page, matrix_warehouse, monkeypatch):
    """Every page in Ukrainian, in the default view and the edge filters (a period without data, a single day):
    the same checks as in English, and the page's title translated (written in Cyrillic letters)."""
    url = matrix_warehouse(name)
    monkeypatch.setenv("DATABASE_URL", url)
    edges = [(label, state) for label, state in matrix_filters(url) if label.startswith(("default", "no data",
                                                                                           "single day"))]
    ukrainian = [(label, {LANGUAGE_KEY: "uk", **state}) for label, state in edges]
    failures = _failures(url, page, signed_in(url), ukrainian)
    assert not failures, f"{name}/{page} in Ukrainian: {failures}"
