"""The pipeline's invariants: rows are conserved, reruns change nothing, a failed run changes nothing."""

import json

import pandas as pd
import pytest
from sqlalchemy import func, select

import etl.pipeline
from etl.errors import EtlError
from etl.pipeline import run_pipeline
from etl.schema import CANONICAL_TABLES, MART_TABLES, etl_runs, metadata, rejected_rows
from etl.sources import FrameSource
from tests.fixtures import five_orders_frames, five_orders_source


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every canonical and mart table as a sorted list of rows."""
    with engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr)
                for t in CANONICAL_TABLES + MART_TABLES}


def bad_frames() -> dict[str, pd.DataFrame]:
    """The five-order fixture plus one bad row of each kind, with the reason each must be rejected for."""
    frames = five_orders_frames()
    bad_orders = pd.DataFrame({
        "order_id": ["O6", "O7", "O1", "O8"], "customer_id": ["C9", "C1", "C1", "C2"],
        "department_id": ["D1", "D1", "D1", "D2"], "employee_id": [None] * 4,
        "kind": ["sale", "sold", "sale", "sale"], "status": ["open"] * 4,
        "ordered_at": ["2025-01-21 10:00", "2025-01-21 11:00", "2025-01-21 12:00", "not a date"],
    })
    frames["orders"] = pd.concat([frames["orders"].astype({"ordered_at": str}), bad_orders], ignore_index=True)
    bad_lines = pd.DataFrame({"order_id": ["O6", "O2"], "line_no": [1, 2], "product_id": ["P1", "P1"],
                              "quantity": [1, "abc"], "unit_price": [10.0, 10.0], "discount": [0.0, 0.0]})
    frames["order_lines"] = pd.concat([frames["order_lines"], bad_lines], ignore_index=True)
    return frames


EXPECTED_REASONS = {
    ("orders", "O6"): "customer_id must be a known customers key, got 'C9'",
    ("orders", "O7"): "kind must be sale or return, got 'sold'",
    ("orders", "O1"): "duplicate key (order_id); the first row with this key was kept",
    ("orders", "O8"): "ordered_at: cannot read 'not a date' as a timestamp",
    ("order_lines", "O6"): "order_id must be a known orders key, got 'O6'",
    ("order_lines", "O2"): "quantity: cannot read 'abc' as a number",
}


def test_bad_rows_are_rejected_with_their_reason_and_original_values(sqlite_engine):
    summary = run_pipeline(FrameSource("bad", bad_frames()), sqlite_engine)
    with sqlite_engine.connect() as conn:
        rows = conn.execute(select(rejected_rows)).mappings().all()
    got = {(r["table_name"], json.loads(r["payload"])["order_id"]): r["reason"] for r in rows}
    assert got == EXPECTED_REASONS
    refs = {(r["table_name"], json.loads(r["payload"])["order_id"]): r["source_ref"] for r in rows}
    assert refs[("orders", "O6")] == "bad/orders:6"  # sixth row of the orders frame
    assert json.loads(next(r["payload"] for r in rows if "abc" in r["payload"]))["quantity"] == "abc"
    stats = {s.table: s for s in summary.tables}
    assert (stats["orders"].read, stats["orders"].loaded, stats["orders"].rejected) == (9, 5, 4)
    assert (stats["order_lines"].read, stats["order_lines"].loaded, stats["order_lines"].rejected) == (8, 6, 2)


def test_rows_are_conserved_for_every_table(sqlite_engine):
    summary = run_pipeline(FrameSource("bad", bad_frames()), sqlite_engine)
    with sqlite_engine.connect() as conn:
        for s in summary.tables:
            in_warehouse = conn.execute(select(func.count()).select_from(metadata.tables[s.table])).scalar()
            rejected = conn.execute(select(func.count()).select_from(rejected_rows)
                                    .where(rejected_rows.c.table_name == s.table)).scalar()
            assert s.read == s.loaded + s.rejected, s.table
            assert (in_warehouse, rejected) == (s.loaded, s.rejected), s.table
        run = conn.execute(select(etl_runs)).mappings().one()
    # read: 2 departments + 2 employees + 2 customers + 2 products + 9 orders + 8 lines
    assert (run["status"], run["rows_read"], run["rows_loaded"], run["rows_rejected"]) == ("warning", 25, 19, 6)
    assert run["message"].endswith("4 orders rows rejected (1 for: customer_id must be a known customers key, got "
                                   "'C9', first at bad/orders:6) - 1 dependent row rejected (1 order_lines)")


@pytest.mark.parametrize("replace", [False, True], ids=["upsert", "replace"])
def test_rerun_of_the_same_input_changes_nothing(sqlite_engine, replace):
    run_pipeline(five_orders_source(replace), sqlite_engine)
    first = snapshot(sqlite_engine)
    run_pipeline(five_orders_source(replace), sqlite_engine)
    assert snapshot(sqlite_engine) == first
    assert len(first["orders"]) == 5


def test_upsert_updates_changed_rows_in_place(sqlite_engine):
    run_pipeline(five_orders_source(), sqlite_engine)
    frames = five_orders_frames()
    frames["orders"].loc[4, ["status", "delivered_at"]] = ["delivered", pd.Timestamp("2025-01-22 10:00")]
    run_pipeline(FrameSource("update", {"orders": frames["orders"]}), sqlite_engine)
    after = {r[0]: r for r in snapshot(sqlite_engine)["mart_order_fulfilment"]}
    assert len(after) == 5
    o5 = dict(zip([c.name for c in MART_TABLES[2].columns], after["O5"]))
    assert o5["status"] == "delivered" and o5["is_on_time"] == 1 and o5["cycle_days"] == pytest.approx(2 + 2 / 24)


def test_a_run_that_fails_half_way_leaves_the_warehouse_as_it_was(sqlite_engine, monkeypatch):
    run_pipeline(five_orders_source(), sqlite_engine)
    before = snapshot(sqlite_engine)
    real_write = etl.pipeline.write

    def failing_write(conn, table, frame, mode):
        if table.name == "order_lines":  # orders are already written by now
            raise RuntimeError("disk full")
        return real_write(conn, table, frame, mode)

    monkeypatch.setattr(etl.pipeline, "write", failing_write)
    frames = five_orders_frames()
    frames["orders"]["status"] = "cancelled"
    with pytest.raises(EtlError, match=r"failed \(RuntimeError: disk full\); the warehouse was left as it was"):
        run_pipeline(FrameSource("changed", frames, replace=True), sqlite_engine)
    assert snapshot(sqlite_engine) == before
    with sqlite_engine.connect() as conn:
        runs = conn.execute(select(etl_runs.c.status, etl_runs.c.message).order_by(etl_runs.c.run_id)).all()
    assert [r.status for r in runs] == ["success", "failed"] and runs[1].message == "disk full"


def test_a_source_with_an_unknown_table_stops_before_writing(sqlite_engine):
    with pytest.raises(EtlError, match="provides unknown table\\(s\\) ordrs: name only the warehouse's canonical"):
        run_pipeline(FrameSource("typo", {"ordrs": pd.DataFrame({"a": [1]})}), sqlite_engine)
