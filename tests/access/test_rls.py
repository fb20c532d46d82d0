"""PostgreSQL row-level security, queried as the application role itself (required in CI).

The warehouse is loaded as the owner; the app role then reads each protected table under four scopes: two
managers, an executive, and none. Managers see disjoint rows that add up to the executive's; each manager's
rows equal the executive's filtered to their department; no scope, or a scope never set, sees nothing.
"""

import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import create_engine, func, insert, make_url, select, text
from sqlalchemy.exc import DataError, ProgrammingError
from typer.testing import CliRunner

from access import rls
from access.cli import app
from alerts.config import load_config
from alerts.engine import act, evaluate
from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.schema import alerts, forecast_runs, forecast_series, mart_order_fulfilment, metadata, orders
from etl.sources import FrameSource
from etl.sources.demo import DemoSource
from tests.conftest import POSTGRES_ADMIN_URL
from tests.etl.test_pipeline import bad_frames
from tests.fixtures import incident_frames

pytestmark = pytest.mark.postgres


@pytest.fixture
def app_role(postgres_url):
    """A uniquely named application role with the policies on the test database; dropped afterwards."""
    role = f"cockpit_app_{uuid.uuid4().hex[:8]}"
    created = CliRunner().invoke(app, ["setup-postgres-rls", "--db", postgres_url, "--role", role],
                                 env={"COLUMNS": "400"})
    tables = sorted(rls.policies())
    assert created.exit_code == 0 and f"Role {role}: row-level security on {len(tables)} tables" in created.output
    engine = create_engine(make_url(postgres_url).set(username=role, password=None))
    yield engine, tables
    engine.dispose()
    owner = create_engine(postgres_url)
    with owner.begin() as conn:
        conn.execute(text(f'DROP OWNED BY "{role}"'))
    owner.dispose()
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def rows(engine, statement, scope, role=None) -> list:
    with rls.scoped(engine, scope, role) as conn:
        return sorted(conn.execute(statement).all())


def test_two_managers_see_disjoint_rows_that_add_up_to_the_executive(postgres_url, app_role):
    run_pipeline(DemoSource(seed=7, end_date=date(2025, 3, 31), scale=0.05), get_engine(postgres_url))
    reader, tables = app_role
    assert {"orders", "order_lines", "customers", "mart_order_fulfilment", "alerts", "forecasts",
            "rejected_rows"} <= set(tables)
    statement = select(orders.c.order_id, orders.c.department_id)
    everything = rows(reader, statement, None)
    with get_engine(postgres_url).connect() as conn:  # the owner, not subject to the policies
        assert len(everything) == conn.execute(select(func.count()).select_from(orders)).scalar() > 100
    departments = sorted({d for _, d in everything})
    first, second = departments[0], departments[1]
    mine, theirs = rows(reader, statement, (first,)), rows(reader, statement, (second,))
    assert mine and theirs and not set(mine) & set(theirs)
    assert mine == [r for r in everything if r[1] == first] and theirs == [r for r in everything if r[1] == second]
    per_department = [rows(reader, statement, (d,)) for d in departments]
    assert sorted(r for part in per_department for r in part) == everything
    assert rows(reader, statement, (first, second)) == sorted(mine + theirs)
    total = select(func.sum(mart_order_fulfilment.c.net_revenue))
    split = sum(rows(reader, total, (d,))[0][0] or 0 for d in departments)
    assert split == pytest.approx(rows(reader, total, None)[0][0])


def test_no_scope_sees_nothing_on_every_protected_table(postgres_url, app_role):
    run_pipeline(DemoSource(seed=7, end_date=date(2025, 3, 31), scale=0.05), get_engine(postgres_url))
    reader, tables = app_role
    for name in tables:
        count = select(func.count()).select_from(metadata.tables[name])
        assert rows(reader, count, ())[0][0] == 0, name
        with reader.connect() as conn:  # the scope never set in this transaction: default deny
            assert conn.execute(count).scalar() == 0, name
    with pytest.raises((DataError, ProgrammingError)), reader.begin() as conn:  # a malformed scope fails closed
        conn.execute(text("SELECT set_config('cockpit.departments', 'D1', true)"))
        conn.execute(select(func.count()).select_from(orders)).scalar()


def test_alerts_forecasts_and_rejected_rows_follow_the_scope(postgres_url, app_role):
    engine = get_engine(postgres_url)
    run_pipeline(FrameSource("scenario", incident_frames(), currency="GBP"), engine)
    run_pipeline(FrameSource("bad", bad_frames(), currency="GBP"), engine)
    evaluate(engine, load_config())
    now = datetime(2025, 1, 20)
    with engine.begin() as conn:
        run_id = conn.execute(insert(forecast_runs).values(started_at=now, status="success", horizon_days=7)
                              ).inserted_primary_key[0]
        conn.execute(insert(forecast_series), [
            {"run_id": run_id, "series_id": s, "level": s.split(":")[0], "member": s.split(":")[-1],
             "reason": "test", "history_days": 1} for s in ("total", "department:D1", "department:D2")])
    reader, _ = app_role
    alert_ids = select(alerts.c.alert_id)
    for scope in (None, ("LOG",), ("PRC",), ("D1", "D9")):  # reached, where it starts, one of two
        assert rows(reader, alert_ids, scope) == [(1,)]
    assert rows(reader, alert_ids, ("D9",)) == []
    chain = text("SELECT count(*) FROM alert_impacts")
    assert rows(reader, chain, None) == [(6,)]  # the whole chain, for a role that sees every department
    assert rows(reader, chain, ("SUP",)) == [(1,)]  # a manager: only the steps in their departments
    assert rows(reader, chain, ("D1", "D2")) == [(2,)]
    series = select(forecast_series.c.series_id)
    assert rows(reader, series, None) == [("department:D1",), ("department:D2",), ("total",)]
    assert rows(reader, series, ("D1",)) == [("department:D1",)]
    stock = text("SELECT count(*) FROM mart_inventory")
    assert rows(reader, stock, None)[0][0] > 0 and rows(reader, stock, ("D1", "D2", "SUP", "PRC", "LOG")) == [(0,)]
    rejected = text("SELECT count(*) FROM rejected_rows")
    assert rows(reader, rejected, None, "analyst")[0][0] > 0
    assert rows(reader, rejected, None, "executive") == [(0,)] == rows(reader, rejected, ("D1",), "manager")
    with rls.scoped(reader, ("D2",), "manager") as conn:  # a manager's alert action passes the policy
        act(conn, 1, "acknowledge", "mia", "on it")
    with rls.scoped(reader, ("D9",), "manager") as conn:  # out of scope: the row is not there to update
        assert conn.execute(text("UPDATE alerts SET status = 'resolved' WHERE alert_id = 1")).rowcount == 0
    with pytest.raises(ProgrammingError, match="row-level security"), rls.scoped(reader, ("D2",), "manager") as conn:
        act(conn, 1, "resolve", "mia", "not mine to clear")  # reached, not where it starts: acknowledge only
    with pytest.raises(ProgrammingError, match="row-level security"), rls.scoped(reader, ("D9",), "manager") as conn:
        act(conn, 1, "comment", "mia", "not mine")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM alerts WHERE alert_id = 1")).scalar() == "acknowledged"
        assert conn.execute(text("SELECT count(*) FROM alert_events WHERE actor = 'mia'")).scalar() == 1
    for forbidden in ("DELETE FROM orders", "UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log",
                      "INSERT INTO departments VALUES ('X', 'X', 'other')"):
        with pytest.raises(ProgrammingError, match="permission denied"), rls.scoped(reader, None, "admin") as conn:
            conn.execute(text(forbidden))


def test_a_manager_corrects_only_the_labels_of_mentions_they_see(postgres_url, app_role):
    from etl.corrections import correct
    from etl.schema import mention_labels
    from tests.social_fixtures import social_source

    run_pipeline(social_source(), get_engine(postgres_url))
    reader, _ = app_role
    with rls.scoped(reader, ("D1",), "manager") as conn:  # M7 belongs to D1
        correct(conn, "M7", "D1", "negative", "manager-d1", "positive")
    with pytest.raises(ProgrammingError, match="row-level security"), rls.scoped(reader, ("D1",), "manager") as conn:
        correct(conn, "M8", "D2", "neutral", "manager-d1", "negative")  # D2's mention: the policy refuses it
    assert rows(reader, select(mention_labels.c.mention_id, mention_labels.c.label), None, "admin") == [
        ("M7", "negative")]
    assert rows(reader, select(mention_labels.c.mention_id), ("D2",), "manager") == []
