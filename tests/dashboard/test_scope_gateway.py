"""Every query a manager's pages run stays within their departments, checked at the gateway.

While a manager browses every page they may open (the default view and a full year, the customer 360 of a customer
whom other departments serve too, the forecast, the alerts), every statement that reaches the warehouse through
``dashboard.queries`` is recorded. Each is then run again on a copy of the warehouse from which every row the
manager may not see is deleted (tests/access/pruned.py, the same rules as PostgreSQL's row-level security): a
statement scoped correctly returns the same rows on both, so a new page or query that forgets its department
predicate fails here without anyone having to think of it.
"""

import shutil
import uuid
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, make_url, text
from streamlit.testing.v1 import AppTest

from access import rls
from dashboard import queries
from dashboard.filters import PERIOD
from etl.db import get_engine
from tests.access.pruned import prune
from tests.conftest import POSTGRES_ADMIN_URL
from tests.dashboard.conftest import APP, signed_in
from tests.dashboard.matrix import PAGES
from tests.warehouses import copy_to_postgres

MANAGER_PAGES = [p for p in PAGES if p not in ("admin", "operations")]


@pytest.fixture(scope="module")
def warehouse(matrix_warehouse, tmp_path_factory):
    """A private copy of the matrix's demo warehouse, and a department whose customers other departments serve."""
    folder = tmp_path_factory.mktemp("gateway")
    url = matrix_warehouse("demo")
    shutil.copy(url.removeprefix("sqlite:///"), folder / "warehouse.db")
    return f"sqlite:///{folder / 'warehouse.db'}", folder


def _crossed_customer(url: str) -> tuple[str, str, str]:
    """A sales department, one of its customers with the most tickets and mentions of other departments, and their
    name: the customer 360 that leaked them."""
    with get_engine(url).connect() as conn:
        return tuple(conn.execute(text(
            "SELECT c.department_id, c.customer_id, c.name FROM customers c JOIN tickets t ON t.customer_id = "
            "c.customer_id AND t.department_id <> c.department_id GROUP BY c.department_id, c.customer_id, c.name "
            "ORDER BY count(*) DESC, c.customer_id LIMIT 1")).one())


@pytest.fixture
def recorded(monkeypatch):
    """The statements the pages read through the gateway as a user (not read_shape's facts about the warehouse),
    with the scope and role they ran under; the query cache is emptied first, so every statement runs."""
    seen, execute = [], queries._execute

    def recording(warehouse, statement, scope, role):
        frame = execute(warehouse, statement, scope, role)
        if role != rls.WHOLE_WAREHOUSE:
            seen.append((statement, scope, role, frame.copy()))  # pages add columns to what they read
        return frame

    queries._read_cached.clear()
    monkeypatch.setattr(queries, "_execute", recording)
    return seen


def _browse(principal, customer: tuple[str, str, str], full_year: bool = True) -> None:
    """Every page a manager opens, in the default view (and over a full year), and the customer 360 of ``customer``."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["principal"] = principal
    at.run()
    last = at.session_state[PERIOD][1]
    for period in (None, (last - timedelta(days=364), last))[:2 if full_year else 1]:
        for page in MANAGER_PAGES:
            if period:
                at.session_state[PERIOD] = period
            at.switch_page(f"views/{page}.py").run()
            assert not at.exception, (page, [e.message for e in at.exception])
    at.switch_page("views/retention.py").run()
    at.text_input(key="customer_search").input(customer[1]).run()
    assert at.selectbox(key="customer_360").value == customer[1]
    assert not at.exception


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two frames hold the same rows, whatever order the database returned them in, and however it ordered
    a sum of floats (PostgreSQL's parallel aggregation changes the last digits)."""
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return False
    floats = [c for c in a.columns if pd.api.types.is_float_dtype(a[c]) or pd.api.types.is_float_dtype(b[c])]
    keys = [c for c in a.columns if c not in floats]

    def ordered(frame: pd.DataFrame) -> pd.DataFrame:
        text = frame[keys].astype(str).assign(**{c: frame[c].astype(float).round(6) for c in floats})
        return frame.loc[text.sort_values(list(text.columns)).index].reset_index(drop=True)

    a, b = ordered(a), ordered(b)
    return (a[keys].astype(str).equals(b[keys].astype(str))
            and all(np.allclose(a[c].astype(float), b[c].astype(float), rtol=1e-9, equal_nan=True) for c in floats))


def test_every_statement_a_manager_reads_stays_within_their_departments(warehouse, recorded, monkeypatch):
    url, folder = warehouse
    department, customer_id, name = _crossed_customer(url)
    monkeypatch.setenv("DATABASE_URL", url)
    _browse(signed_in(url, "manager", (department,)), (department, customer_id, name))
    monkeypatch.undo()  # recording stops: what follows reads for the check
    assert len(recorded) > 60  # every page's queries, the customer 360's timeline among them
    compiled = [queries._compiled(statement, get_engine(url).dialect) for statement, *_ran in recorded]
    assert any(("customer_id_1", customer_id) in params for _sql, params in compiled)  # the customer 360's timeline
    sql = [text for text, _params in compiled]

    shutil.copy(folder / "warehouse.db", folder / "pruned.db")
    prune(folder / "pruned.db", (department,))
    whole, pruned = get_engine(url), get_engine(f"sqlite:///{folder / 'pruned.db'}")
    leaks = []
    for (statement, scope, role, _frame), query in zip(recorded, sql):
        assert scope == (department,) and role == "manager"
        seen = queries._execute(whole, statement, scope, role)
        allowed = queries._execute(pruned, statement, scope, role)
        if not _same(seen, allowed):
            leaks.append(f"{len(seen)} rows instead of {len(allowed)}: {query[:400]}")
    assert not leaks, "\n".join(leaks)


def test_the_pruned_copy_keeps_exactly_the_managers_rows(warehouse):
    """The check itself: the copy keeps the department's orders and the customers they serve, and nothing of another
    department's tickets."""
    url, folder = warehouse
    department, customer_id, _name = _crossed_customer(url)
    shutil.copy(folder / "warehouse.db", folder / "check.db")
    prune(folder / "check.db", (department,))
    count = "SELECT count(*) FROM {table} WHERE {where}"
    with get_engine(url).connect() as before, get_engine(f"sqlite:///{folder / 'check.db'}").connect() as after:
        for table, where in (("orders", "department_id = :d"), ("tickets", "department_id = :d"),
                             ("tickets", "department_id <> :d"), ("inventory", "1 = 1"),
                             ("customers", "customer_id = :c")):
            sql = text(count.format(table=table, where=where))
            kept = after.execute(sql, {"d": department, "c": customer_id}).scalar()
            expected = 0 if "<>" in where or table == "inventory" else before.execute(
                sql, {"d": department, "c": customer_id}).scalar()
            assert kept == expected, (table, where)
        assert before.execute(text("SELECT count(*) FROM tickets WHERE customer_id = :c AND department_id <> :d"),
                              {"c": customer_id, "d": department}).scalar() > 0


@pytest.fixture(scope="module")
def app_role(warehouse, module_postgres_url):
    """The demo warehouse copied into PostgreSQL, with the application role and its policies (access.rls.setup):
    the owner's URL and the role's; the role is dropped afterwards."""
    postgres_url = module_postgres_url
    copy_to_postgres(warehouse[0], postgres_url)
    role = f"cockpit_app_{uuid.uuid4().hex[:8]}"
    owner = get_engine(postgres_url)
    rls.setup(owner, role)
    yield postgres_url, make_url(postgres_url).set(username=role).render_as_string(hide_password=False)
    with owner.begin() as conn:
        conn.execute(text(f'DROP OWNED BY "{role}"'))
    owner.dispose()
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("role", ["executive", "manager"])
def test_every_page_as_the_application_role_reads_what_the_owner_reads_under_the_same_scope(
        role, warehouse, app_role, recorded, monkeypatch):
    """The app connected as the non-owner role (COCKPIT_APP_DATABASE_URL), so row-level security is in force: every
    page works for an executive and a manager, and every statement returns what the owner (whom the policies do not
    limit) reads under the same scope; none is empty where the owner's is not."""
    owner_url, app_url = app_role
    department, customer_id, name = _crossed_customer(warehouse[0])
    monkeypatch.setenv("DATABASE_URL", owner_url)
    monkeypatch.setenv("COCKPIT_APP_DATABASE_URL", app_url)
    principal = signed_in(owner_url, role, (department,) if role == "manager" else ())
    _browse(principal, (department, customer_id, name), full_year=False)
    monkeypatch.undo()  # recording stops: what follows reads for the check
    assert len(recorded) > 40 and sum(not frame.empty for *_ran, frame in recorded) > 30
    owner = get_engine(owner_url)
    differ = [f"{len(frame)} rows instead of {len(expected)}: {queries._compiled(statement, owner.dialect)[0][:300]}"
              for statement, scope, reader, frame in recorded
              if not _same(frame, expected := queries._execute(owner, statement, scope, reader))]
    assert not differ, "\n".join(differ)
