"""Run bookkeeping in etl_runs: a run is "running" while it works, and its outcome commits with its rows.

A run killed before its commit leaves a "running" row behind; the next run, once it holds the writer lock
(so no other run can be alive), closes such rows as "aborted". A run killed after its commit is already
"success" (or "warning"): the bookkeeping and the data are one transaction.
"""

from datetime import datetime

from sqlalchemy import Connection, Engine, func, insert, select, update

from etl.db import masked
from etl.schema import etl_runs

LOADED = ("success", "warning")
"""Statuses of runs whose rows are in the warehouse: the latest of them is what the app shows."""
ABORTED_MESSAGE = ("the process ended before the run finished (stopped or killed); its transaction never "
                   "committed, so the warehouse kept the data it had")


def close_abandoned(engine: Engine) -> list[int]:
    """Mark runs left "running" by a process that ended as aborted; call only while holding the writer lock."""
    with engine.begin() as conn:
        stale = conn.execute(select(etl_runs.c.run_id).where(etl_runs.c.status == "running")).scalars().all()
        if stale:
            conn.execute(update(etl_runs).where(etl_runs.c.run_id.in_(stale)).values(
                status="aborted", finished_at=datetime.now(), message=ABORTED_MESSAGE))
    return list(stale)


def start_run(engine: Engine, source, origin: tuple[str | None, str | None]) -> int:
    """A new "running" row, committed at once so others see the run; returns its id."""
    with engine.begin() as conn:
        result = conn.execute(insert(etl_runs).values(
            source=source.name, currency=getattr(source, "currency", None), started_at=datetime.now(),
            status="running", source_path=origin[0], data_dir=origin[1]))
        return result.inserted_primary_key[0]


def finish_run(conn: Connection, run_id: int, status: str, counts: dict[str, int], message: str) -> None:
    """Close a run with its outcome; inside the load's transaction for a run that loaded."""
    conn.execute(update(etl_runs).where(etl_runs.c.run_id == run_id).values(
        finished_at=datetime.now(), status=status, message=masked(message)[:2000], **counts))


def fail_run(engine: Engine, run_id: int, counts: dict[str, int], message: str) -> None:
    """Record a failed run in its own small transaction (its load was rolled back)."""
    with engine.begin() as conn:
        finish_run(conn, run_id, "failed", {**counts, "rows_loaded": 0, "rows_unchanged": 0}, message)


def mark_refreshed(engine: Engine, run_id: int) -> None:
    """Note that forecasts and alerts were refreshed after this load, so the time shown covers the whole run."""
    with engine.begin() as conn:
        conn.execute(update(etl_runs).where(etl_runs.c.run_id == run_id).values(refreshed_at=datetime.now()))


def latest_loaded(engine: Engine) -> dict | None:
    """The latest run whose rows are in the warehouse (source, source_path, data_dir, ...), or None."""
    with engine.connect() as conn:
        last = conn.execute(select(func.max(etl_runs.c.run_id)).where(etl_runs.c.status.in_(LOADED))).scalar()
        if last is None:
            return None
        return dict(conn.execute(select(etl_runs).where(etl_runs.c.run_id == last)).mappings().one())
