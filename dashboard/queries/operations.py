"""Data-operations queries: ETL runs, rows and freshness per table, rejected rows."""

import pandas as pd
from sqlalchemy import DateTime, cast, desc, func, null, select

from dashboard.queries import read, read_shape
from etl.runs import LOADED
from etl.schema import CANONICAL_TABLES, MART_TABLES, etl_run_tables, etl_runs, event_time_column, rejected_rows


def runs(limit: int = 50) -> pd.DataFrame:
    """The latest ETL runs, newest first: run_id, source, status, started_at, ended_at (after forecasts and
    alerts, where they ran), rows_read, rows_loaded, rows_unchanged, rows_rejected, message."""
    r = etl_runs
    ended = func.coalesce(r.c.refreshed_at, r.c.finished_at).label("ended_at")
    return read(select(r.c.run_id, r.c.source, r.c.status, r.c.started_at, ended, r.c.rows_read, r.c.rows_loaded,
                       r.c.rows_unchanged, r.c.rows_rejected, r.c.message).order_by(desc(r.c.run_id)).limit(limit))


def last_loaded() -> dict | None:
    """The latest run whose rows are in the warehouse: run_id, source, source_path, data_dir, ended_at (after its
    forecasts and alerts, where they ran); None before any."""
    r = etl_runs
    ended = func.coalesce(r.c.refreshed_at, r.c.finished_at).label("ended_at")
    frame = read(select(r.c.run_id, r.c.source, r.c.source_path, r.c.data_dir, ended).where(r.c.status.in_(LOADED))
                 .order_by(desc(r.c.run_id)).limit(1))
    return None if frame.empty else frame.iloc[0].to_dict()


def loaded_sources() -> pd.DataFrame:
    """Every source whose rows this warehouse holds, the latest loaded first: source_path ('demo' or a config
    file, wherever it lives) and data_dir of its latest loaded run."""
    r = etl_runs
    latest = (select(func.max(r.c.run_id).label("run_id")).where(r.c.status.in_(LOADED), r.c.source_path.is_not(None))
              .group_by(r.c.source_path).subquery())
    return read(select(r.c.source_path, r.c.data_dir).join(latest, latest.c.run_id == r.c.run_id)
                .order_by(desc(r.c.run_id)))


def tables() -> pd.DataFrame:
    """Per table: table, rows, latest (the newest event time, where the table has one)."""
    parts = []
    for table in CANONICAL_TABLES + MART_TABLES:
        when = event_time_column(table)
        latest = func.max(when) if when is not None else cast(null(), DateTime)
        parts.append(select(func.count().label("rows"), latest.label("latest")).select_from(table))
    frames = [read(p).assign(table=t.name) for p, t in zip(parts, CANONICAL_TABLES + MART_TABLES)]
    frame = pd.concat(frames, ignore_index=True)[["table", "rows", "latest"]]
    frame["latest"] = pd.to_datetime(frame["latest"], format="ISO8601")
    return frame


def run_tables(run_id: int) -> pd.DataFrame:
    """What one run did per table: table_name, rows_read, rows_loaded (new or changed), rows_unchanged,
    rows_rejected, seconds."""
    t = etl_run_tables
    return read(select(t.c.table_name, t.c.rows_read, t.c.rows_loaded, t.c.rows_unchanged, t.c.rows_rejected,
                       t.c.seconds).where(t.c.run_id == run_id))


def rejected_by_table(run_id: int) -> pd.DataFrame:
    """Rejected rows of a run per table: table_name, rows."""
    r = rejected_rows
    return read(select(r.c.table_name, func.count().label("rows")).where(r.c.run_id == run_id)
                .group_by(r.c.table_name).order_by(desc("rows")))


def rejected_summary(run_id: int | None = None) -> pd.DataFrame:
    """What the loaded data excludes and why: rejected rows of a run (default: the latest run whose rows are
    loaded) per table and rule, most first: table_name, rule, rows. The rule is the reason without the row's own
    values ("exact duplicate", a source rule's reason, "customer_id must be a known customers key"). Counts only, so
    every business page may say what the data leaves out whoever reads it (``read_shape``)."""
    r, runs_ = rejected_rows, etl_runs
    latest = select(func.max(runs_.c.run_id)).where(runs_.c.status.in_(LOADED)).scalar_subquery()
    rule = func.coalesce(r.c.rule, r.c.reason).label("rule")
    return read_shape(select(r.c.table_name, rule, func.count().label("rows"))
                .where(r.c.run_id == (latest if run_id is None else run_id))
                .group_by(r.c.table_name, rule).order_by(desc("rows"), r.c.table_name, rule))


def rejected(run_id: int, table: str | None, search: str, limit: int | None = 2000) -> pd.DataFrame:
    """Rejected rows of a run: table_name, source_ref, reason, payload; optionally one table and a text the
    reason or the original values contain."""
    r = rejected_rows
    statement = select(r.c.table_name, r.c.source_ref, r.c.reason, r.c.payload).where(r.c.run_id == run_id)
    if table:
        statement = statement.where(r.c.table_name == table)
    if search:
        pattern = f"%{search.lower()}%"
        statement = statement.where(func.lower(r.c.reason).like(pattern) | func.lower(r.c.payload).like(pattern))
    statement = statement.order_by(r.c.id)
    return read(statement.limit(limit) if limit else statement)
