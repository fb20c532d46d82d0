"""Times outside the plausible window (after the run's clock plus a day, before 1900, unless the source config moves
the bounds) are rejected row by row with a reason naming column, value and what to do, and never move an incremental
cursor; each case on SQLite and on PostgreSQL with the same expected outcome."""

import gzip
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from etl.db import get_engine
from etl.pipeline import run_pipeline, stored_cursors
from etl.schema import etl_cursors, invoices, opportunities, orders, rejected_rows
from etl.sources.configured import ConfigSource
from etl.sources.demo import DemoSource

RETAIL = Path(__file__).resolve().parents[2] / "etl" / "sources" / "online_retail.yaml"
HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
FIRST = [  # lines 2-5 of the export; line 5 is the poisoned one
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",
    "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom",
    "536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom",
    "999999,85123A,WHITE HANGING HEART T-LIGHT HOLDER,1,9999-12-31 23:59:00,2.55,17850.0,United Kingdom",
]
LATER = [  # lines 6-7: the next export adds two invoices
    "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047.0,United Kingdom",
    "536368,22960,JAM MAKING SET WITH JARS,6,2010-12-01 08:34:00,4.25,13047.0,United Kingdom",
]
AFTER = re.compile(r"^(\w+): (.+) lies after (\d{4}-\d\d-\d\d \d\d:\d\d), (a day|[\d,]+ days) past the run's clock: "
                   r"correct it in the source, or raise `timestamps\.(\w+)` in the source config \(docs/sources\.md\)$")


def export(folder: Path, lines: list[str]) -> Path:
    """The Online Retail export (gzipped CSV) with these lines; returns its folder."""
    folder.mkdir(exist_ok=True)
    (folder / "online_retail.csv.gz").write_bytes(gzip.compress("\n".join([HEADER, *lines, ""]).encode()))
    return folder


def rejected(url: str, table: str) -> list[tuple]:
    """(run, file:line, reason, rule, payload) of a table's rejected rows, in order."""
    r = rejected_rows
    with get_engine(url).connect() as conn:
        return [tuple(row) for row in conn.execute(select(r.c.run_id, r.c.source_ref, r.c.reason, r.c.rule, r.c.payload)
                                                   .where(r.c.table_name == table).order_by(r.c.id))]


def latest_in(reason: str, before: datetime, after: datetime, days: float = 1) -> tuple:
    """The parts of an 'after the window' reason, its bound checked against the run's clock (between two readings)."""
    found = AFTER.match(reason)
    assert found, reason
    bound = datetime.strptime(found[3], "%Y-%m-%d %H:%M")
    assert (before + timedelta(days=days)).replace(second=0, microsecond=0) <= bound <= after + timedelta(days=days)
    return found[1], found[2], found[4], found[5]


def test_a_line_dated_9999_is_rejected_and_the_next_run_still_loads_the_new_lines(warehouse, tmp_path):
    data = export(tmp_path / "data", FIRST)
    before = datetime.now()
    first = run_pipeline(ConfigSource(RETAIL, data), get_engine(warehouse))
    after = datetime.now()
    (_, ref, reason, rule, payload), = rejected(warehouse, "orders")
    assert ref == "online_retail.csv.gz:5" and rule == "ordered_at: later than the time window"
    assert latest_in(reason, before, after) == ("ordered_at", "9999-12-31 23:59:00", "a day", "days_ahead")
    assert json.loads(payload) == {"order_id": "999999", "customer_id": "17850", "department_id": "SALES-UK",
                                   "region": "United Kingdom", "country": "United Kingdom", "kind": "sale",
                                   "status": "completed", "ordered_at": "9999-12-31T23:59:00.000"}
    assert [(r[1], r[2]) for r in rejected(warehouse, "order_lines")] == [
        ("online_retail.csv.gz:5", "order_id must be a known orders key, got '999999'")]
    assert first.warning.startswith(f"1 orders row rejected (1 for: {reason}, first at online_retail.csv.gz:5) - 1 "
                                    "dependent row rejected (1 order_lines)")
    cursors = stored_cursors(get_engine(warehouse), "online_retail")
    assert cursors == {"lines": "2010-12-01T08:28:00"}  # not 9999: the poisoned line moved nothing

    export(data, FIRST + LATER)
    second = run_pipeline(ConfigSource(RETAIL, data, cursors=cursors), get_engine(warehouse))
    lines = next(s for s in second.tables if s.table == "order_lines")
    assert (lines.read, lines.loaded, lines.unchanged, lines.rejected) == (4, 2, 1, 1)  # from 08:28 on, the 9999 again
    assert stored_cursors(get_engine(warehouse), "online_retail") == {"lines": "2010-12-01T08:34:00"}
    with get_engine(warehouse).connect() as conn:
        loaded = conn.execute(select(orders.c.order_id, orders.c.ordered_at).order_by(orders.c.order_id)).all()
    assert [(o, f"{t:%Y-%m-%d %H:%M}") for o, t in loaded] == [
        ("536365", "2010-12-01 08:26"), ("536366", "2010-12-01 08:28"), ("536367", "2010-12-01 08:34"),
        ("536368", "2010-12-01 08:34")]


def test_a_cursor_stored_at_9999_before_the_window_existed_is_not_trusted(warehouse, tmp_path):
    data = export(tmp_path / "data", FIRST[:3])
    run_pipeline(ConfigSource(RETAIL, data), get_engine(warehouse))
    with get_engine(warehouse).begin() as conn:  # what a version without the window stored
        conn.execute(update(etl_cursors).values(value="9999-12-31T23:59:00"))
    export(data, FIRST[:3] + LATER)
    summary = run_pipeline(ConfigSource(RETAIL, data, cursors=stored_cursors(get_engine(warehouse), "online_retail")),
                           get_engine(warehouse))
    lines = next(s for s in summary.tables if s.table == "order_lines")
    assert (lines.read, lines.loaded, lines.unchanged, lines.rejected) == (5, 2, 3, 0)  # the whole export again
    assert stored_cursors(get_engine(warehouse), "online_retail") == {"lines": "2010-12-01T08:34:00"}


DEALS = """
name: deals
currency: USD
TIMESTAMPS
inputs:
  deals: {files: {path: deals.csv}}
tables:
  departments: {rows: [{department_id: D1, name: Sales, kind: sales}]}
  opportunities:
    input: deals
    columns: {opportunity_id: id, department_id: {value: D1}, stage: stage, amount: amount, created_at: created,
              closed_at: closed, is_won: won}
"""


def deals(folder: Path, rows: str, timestamps: str = "") -> ConfigSource:
    """A source of deals (id, stage, amount, created, closed, won) with an optional `timestamps` key."""
    folder.mkdir(exist_ok=True)
    (folder / "deals.csv").write_text("id,stage,amount,created,closed,won\n" + rows)
    (folder / "deals.yaml").write_text(DEALS.replace("TIMESTAMPS", timestamps))
    return ConfigSource(folder / "deals.yaml")


def test_a_won_deal_of_minus_550_and_a_date_in_year_1_are_rejected(warehouse, tmp_path):
    source = deals(tmp_path / "data", "D1,Won,1200,2024-03-01,2024-04-02,true\nD2,Won,-550,2024-03-05,2024-04-09,true\n"
                                      "D3,Lost,300,0001-01-01,2024-05-01,false\nD4,Engaging,800,2024-06-01,,\n")
    run_pipeline(source, get_engine(warehouse))
    with get_engine(warehouse).connect() as conn:
        kept = conn.execute(select(opportunities.c.opportunity_id, opportunities.c.amount)
                            .order_by(opportunities.c.opportunity_id)).all()
    assert [tuple(k) for k in kept] == [("D1", 1200.0), ("D4", 800.0)]
    assert [r[1:4] for r in rejected(warehouse, "opportunities")] == [
        ("deals.csv:3", "amount must not be negative, got -550.0", "amount must not be negative"),
        ("deals.csv:4", "created_at: 0001-01-01 00:00:00 lies before 1900-01-01: correct it in the source, or set an "
                        "earlier `timestamps.earliest` in the source config (docs/sources.md)",
         "created_at: earlier than the time window")]


def test_the_source_config_moves_the_window(warehouse, tmp_path):
    soon, too_far = date.today() + timedelta(days=300), date.today() + timedelta(days=402)
    rows = (f"D1,Won,100,1871-03-18,{soon},true\nD2,Lost,50,1849-12-31,1850-01-02,false\n"
            f"D3,Won,70,2024-01-01,{too_far},true\n")
    before = datetime.now()
    run_pipeline(deals(tmp_path / "data", rows, "timestamps: {earliest: 1850-01-01, days_ahead: 400}"),
                 get_engine(warehouse))
    after = datetime.now()
    with get_engine(warehouse).connect() as conn:
        kept = conn.execute(select(opportunities.c.opportunity_id, opportunities.c.created_at,
                                   opportunities.c.closed_at)).all()
    assert [tuple(k) for k in kept] == [("D1", datetime(1871, 3, 18), datetime.combine(soon, datetime.min.time()))]
    (_, ref2, early, *_), (_, ref3, late, *_) = rejected(warehouse, "opportunities")
    assert (ref2, early) == ("deals.csv:3", "created_at: 1849-12-31 00:00:00 lies before 1850-01-01: correct it in "
                                            "the source, or set an earlier `timestamps.earliest` in the source config "
                                            "(docs/sources.md)")
    assert ref3 == "deals.csv:4"
    assert latest_in(late, before, after, 400) == ("closed_at", f"{too_far} 00:00:00", "400 days", "days_ahead")


INVOICES = """
name: billing
inputs:
  invoices: {files: {path: invoices.csv}}
tables:
  departments: {rows: [{department_id: D1, name: Finance, kind: finance}]}
  invoices:
    input: invoices
    columns: {invoice_id: id, department_id: {value: D1}, issued_at: issued, due_at: due, amount: amount}
"""


def test_a_planned_date_may_lie_five_years_ahead_and_no_more(warehouse, tmp_path):
    today = date.today()
    (tmp_path / "invoices.csv").write_text(
        f"id,issued,due,amount\nI1,{today},{today + timedelta(days=30)},100\nI2,{today},9999-12-31,200\n"
        f"I3,{today + timedelta(days=3)},{today + timedelta(days=33)},300\n")
    (tmp_path / "billing.yaml").write_text(INVOICES)
    before = datetime.now()
    run_pipeline(ConfigSource(tmp_path / "billing.yaml"), get_engine(warehouse))
    after = datetime.now()
    with get_engine(warehouse).connect() as conn:
        kept = conn.execute(select(invoices.c.invoice_id, invoices.c.due_at)).all()
    assert [tuple(k) for k in kept] == [("I1", datetime.combine(today + timedelta(days=30), datetime.min.time()))]
    (_, ref2, due, rule2, _), (_, ref3, issued, rule3, _) = rejected(warehouse, "invoices")
    assert (ref2, rule2, ref3, rule3) == ("invoices.csv:3", "due_at: later than the time window", "invoices.csv:4",
                                          "issued_at: later than the time window")
    assert latest_in(due, before, after, 1827) == ("due_at", "9999-12-31 00:00:00", "1,827 days",
                                                   "planned_days_ahead")
    assert latest_in(issued, before, after) == ("issued_at", f"{today + timedelta(days=3)} 00:00:00", "a day",
                                                "days_ahead")


@pytest.mark.parametrize("end", [None, date.today() + timedelta(days=30)], ids=["yesterday", "in-30-days"])
def test_the_demo_keeps_its_own_clock_and_loads_every_row(sqlite_url, end):
    summary = run_pipeline(DemoSource(seed=5, end_date=end, scale=0.05), get_engine(sqlite_url))
    assert (summary.rows_rejected, summary.rows_loaded) == (0, summary.rows_read)
    last = end or date.today() - timedelta(days=1)
    with get_engine(sqlite_url).connect() as conn:
        ordered = conn.execute(select(func.max(orders.c.ordered_at))).scalar_one()
        issued, due = conn.execute(select(func.max(invoices.c.issued_at), func.max(invoices.c.due_at))).one()
    assert last - timedelta(days=3) <= ordered.date() <= last  # the history ends on the demo's last day
    assert due - issued == timedelta(days=30) and due > datetime.now()  # a planned date ahead of any clock
