"""What is in the warehouse: recent runs, row counts, rejected rows and data freshness, as DataFrames."""

import pandas as pd
from sqlalchemy import Engine, desc, func, select

from etl.db import has_table
from etl.lock import is_locked
from etl.runs import LOADED
from etl.schema import CANONICAL_TABLES, MART_TABLES, etl_runs, event_time_column, rejected_rows


def last_successful_run(engine: Engine) -> int | None:
    """The latest run whose rows are loaded (success or warning), or None when the warehouse was never loaded."""
    if not has_table(engine, etl_runs.name):
        return None
    with engine.connect() as conn:
        return conn.execute(select(func.max(etl_runs.c.run_id)).where(etl_runs.c.status.in_(LOADED))).scalar()


INTERRUPTED = "interrupted"
INTERRUPTED_MESSAGE = ("its process ended before the run finished (stopped or killed), so nothing it loaded was "
                       "committed; the next run records it as aborted")


def recent_runs(engine: Engine, limit: int = 10) -> pd.DataFrame:
    """The latest ETL runs, newest first: run_id, source, started_at, finished_at, seconds, status, rows and message.

    A run still marked "running" while no process holds the writer lock was killed: its status is "interrupted".
    Empty values are None, never NaN (pandas would read a NULL message beside texts as a float NaN).
    """
    runs = _read_runs(engine, limit)
    running = [r["run_id"] for r in runs if r["status"] == "running"]
    if running and not is_locked(engine):
        # Read again after seeing the lock free: a run that was alive has committed its outcome by now, so a run
        # still "running" lost its process (one started since then holds the lock and is not in ``running``).
        still = {r["run_id"] for r in _read_runs(engine, limit) if r["status"] == "running"} & set(running)
        for run in runs:
            if run["run_id"] in still:
                run.update(status=INTERRUPTED, message=INTERRUPTED_MESSAGE)
    columns = [c.name for c in etl_runs.columns] + ["seconds"]
    return pd.DataFrame(runs, columns=columns, dtype=object)


def _read_runs(engine: Engine, limit: int) -> list[dict]:
    """The latest runs as dicts, each with the seconds it took (None while it has not finished)."""
    query = select(etl_runs).order_by(desc(etl_runs.c.run_id)).limit(limit)
    with engine.connect() as conn:
        runs = [dict(row) for row in conn.execute(query).mappings()]
    for run in runs:
        finished = run["finished_at"]
        run["seconds"] = (finished - run["started_at"]).total_seconds() if finished is not None else None
    return runs


def table_overview(engine: Engine) -> pd.DataFrame:
    """One row per warehouse table: rows, rejected rows in the last run and overall, latest event time."""
    with engine.connect() as conn:
        last_run = conn.execute(select(func.max(etl_runs.c.run_id))).scalar()
        rejected = dict(conn.execute(
            select(rejected_rows.c.table_name, func.count()).group_by(rejected_rows.c.table_name)).all())
        rejected_last = dict(conn.execute(
            select(rejected_rows.c.table_name, func.count()).where(rejected_rows.c.run_id == last_run)
            .group_by(rejected_rows.c.table_name)).all())
        rows = []
        for table in CANONICAL_TABLES + MART_TABLES:
            when = event_time_column(table)
            latest = conn.execute(select(func.max(when))).scalar() if when is not None else None
            rows.append({
                "table": table.name,
                "rows": conn.execute(select(func.count()).select_from(table)).scalar_one(),
                "rejected_last_run": rejected_last.get(table.name, 0),
                "rejected_all_runs": rejected.get(table.name, 0),
                "latest": pd.to_datetime(latest) if latest is not None else pd.NaT,
            })
    return pd.DataFrame(rows)
