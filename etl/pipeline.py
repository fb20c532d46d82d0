"""The ETL run: extract -> validate -> load (one transaction) -> marts, recorded in etl_runs.

Validation happens before the write transaction opens, so the warehouse is locked only while rows are
written. Any failure rolls the whole load back: the previous warehouse stays exactly as it was, and the
failed run is still recorded in etl_runs with its message.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, update

from etl.db import ensure_schema
from etl.errors import EtlError
from etl.load import clear, write
from etl.marts import build_marts
from etl.schema import CANONICAL_TABLES, etl_run_tables, etl_runs, metadata, primary_key, rejected_rows
from etl.sources import RawTable
from etl.validate import Validated, validate

Progress = Callable[[str, int, int], None]
"""Called with (step label, steps done, steps in all) as the run advances."""


@dataclass
class TableStats:
    """What happened to one table in a run."""

    table: str
    read: int
    loaded: int
    rejected: int
    seconds: float


@dataclass
class RunSummary:
    """The outcome of one ETL run, as printed by the CLI and stored in etl_runs / etl_run_tables."""

    run_id: int
    source: str
    tables: list[TableStats] = field(default_factory=list)
    marts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows_read(self) -> int:
        """Rows read over all tables."""
        return sum(t.read for t in self.tables)

    @property
    def rows_loaded(self) -> int:
        """Rows loaded over all tables."""
        return sum(t.loaded for t in self.tables)

    @property
    def rows_rejected(self) -> int:
        """Rows rejected over all tables."""
        return sum(t.rejected for t in self.tables)


def run_pipeline(source, engine: Engine, full_refresh: bool = False, progress: Progress | None = None) -> RunSummary:
    """Load a source into the warehouse and rebuild the marts; raises EtlError when the run fails."""
    ensure_schema(engine)
    summary = RunSummary(_start_run(engine, source.name, getattr(source, "currency", None)), source.name)
    started = time.perf_counter()
    try:
        raw = source.extract()
        unknown = sorted(set(raw) - {t.name for t in CANONICAL_TABLES})
        if unknown:
            raise EtlError(f"The source {source.name} provides unknown table(s) {', '.join(unknown)}: "
                           "name only the warehouse's canonical tables (see docs/architecture.md).")
        replace = full_refresh or getattr(source, "replace", False)
        tables = [t for t in CANONICAL_TABLES if t.name in raw]
        total = 2 * len(tables) + 1
        checked = _validate_all(engine, raw, tables, replace, summary, progress, total)
        with engine.begin() as conn:
            if replace:
                clear(conn, CANONICAL_TABLES)
            for i, table in enumerate(tables):
                _report(progress, f"load {table.name}", len(tables) + i, total)
                _load_table(conn, summary, table, raw[table.name], checked[table.name], replace)
            _report(progress, "build marts", total - 1, total)
            summary.marts = build_marts(conn)
            _record_tables(conn, summary)
        summary.seconds = time.perf_counter() - started
        _report(progress, "done", total, total)
        _finish_run(engine, summary, "success", _describe(summary))
        return summary
    except Exception as error:
        summary.seconds = time.perf_counter() - started
        _finish_run(engine, summary, "failed", str(error) or type(error).__name__)
        if isinstance(error, EtlError):
            raise
        raise EtlError(f"The ETL run {summary.run_id} failed ({type(error).__name__}: {error}); the warehouse "
                       "was left as it was: fix the cause and run again.") from error


def _validate_all(engine, raw, tables, replace, summary, progress, total) -> dict[str, Validated]:
    keys = {} if replace else _existing_keys(engine)
    checked = {}
    for i, table in enumerate(tables):
        _report(progress, f"validate {table.name}", i, total)
        started = time.perf_counter()
        parents = {t: keys.get(t, pd.Index([])) for t in _parent_tables(table)}
        result = validate(raw[table.name].frame, table, parents)
        checked[table.name] = result
        if len(primary_key(table)) == 1:
            key = primary_key(table)[0]
            keys[table.name] = keys.get(table.name, pd.Index([])).append(pd.Index(result.accepted[key])).unique()
        summary.tables.append(TableStats(table.name, len(raw[table.name].frame), len(result.accepted),
                                         len(result.reasons), time.perf_counter() - started))
    return checked


def _parent_tables(table) -> set[str]:
    return {fk.column.table.name for c in table.columns for fk in c.foreign_keys}


def _existing_keys(engine: Engine) -> dict[str, pd.Index]:
    referenced = {name for t in CANONICAL_TABLES for name in _parent_tables(t)}
    with engine.connect() as conn:
        return {name: pd.Index(conn.execute(select(*metadata.tables[name].primary_key.columns)).scalars().all())
                for name in referenced}


def _load_table(conn: Connection, summary: RunSummary, table, raw: RawTable, result: Validated,
                replace: bool) -> None:
    started = time.perf_counter()
    write(conn, table, result.accepted, "insert" if replace else "upsert")
    if len(result.reasons):
        payloads = raw.frame.loc[result.reasons.index].to_json(
            orient="records", lines=True, date_format="iso", default_handler=str).splitlines()
        conn.execute(insert(rejected_rows), [
            {"run_id": summary.run_id, "table_name": table.name, "source_ref": raw.source_ref(int(i)),
             "reason": reason, "payload": payload}
            for i, reason, payload in zip(result.reasons.index, result.reasons, payloads)
        ])
    stats = next(s for s in summary.tables if s.table == table.name)
    stats.seconds += time.perf_counter() - started


def _record_tables(conn: Connection, summary: RunSummary) -> None:
    conn.execute(insert(etl_run_tables), [
        {"run_id": summary.run_id, "table_name": s.table, "rows_read": s.read, "rows_loaded": s.loaded,
         "rows_rejected": s.rejected, "seconds": round(s.seconds, 3)} for s in summary.tables
    ])


def _report(progress: Progress | None, label: str, done: int, total: int) -> None:
    if progress:
        progress(label, done, total)


def _start_run(engine: Engine, source: str, currency: str | None) -> int:
    with engine.begin() as conn:
        result = conn.execute(insert(etl_runs).values(source=source, currency=currency, started_at=datetime.now(),
                                                      status="running"))
        return result.inserted_primary_key[0]


def _finish_run(engine: Engine, summary: RunSummary, status: str, message: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(etl_runs).where(etl_runs.c.run_id == summary.run_id).values(
            finished_at=datetime.now(), status=status, rows_read=summary.rows_read,
            rows_loaded=summary.rows_loaded if status == "success" else 0,
            rows_rejected=summary.rows_rejected, message=message[:2000]))


def _describe(summary: RunSummary) -> str:
    return (f"{summary.rows_loaded:,} rows loaded into {len(summary.tables)} tables, "
            f"{summary.rows_rejected:,} rejected, in {summary.seconds:.1f} s")
