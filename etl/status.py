"""What is in the warehouse: recent runs, row counts, rejected rows and data freshness, as DataFrames."""

import pandas as pd
from sqlalchemy import Engine, desc, func, select

from etl.db import has_table
from etl.runs import LOADED
from etl.schema import CANONICAL_TABLES, MART_TABLES, etl_runs, event_time_column, rejected_rows


def last_successful_run(engine: Engine) -> int | None:
    """The latest run whose rows are loaded (success or warning), or None when the warehouse was never loaded."""
    if not has_table(engine, etl_runs.name):
        return None
    with engine.connect() as conn:
        return conn.execute(select(func.max(etl_runs.c.run_id)).where(etl_runs.c.status.in_(LOADED))).scalar()


def recent_runs(engine: Engine, limit: int = 10) -> pd.DataFrame:
    """The latest ETL runs, newest first: run_id, source, started_at, finished_at, status, rows and message."""
    query = select(etl_runs).order_by(desc(etl_runs.c.run_id)).limit(limit)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all(), columns=[c.name for c in etl_runs.columns])


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
