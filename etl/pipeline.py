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
from sqlalchemy import Connection, Engine, delete, insert, select, update

from etl.db import ensure_schema
from etl.errors import EtlError
from etl.load import clear, write
from etl.marts import build_marts
from etl.schema import (
    CANONICAL_TABLES,
    etl_cursors,
    etl_run_tables,
    etl_runs,
    metadata,
    primary_key,
    rejected_rows,
)
from etl.sources import RawTable, payloads
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
            if replace:  # bulk-load empty tables, then build their indexes once instead of row by row
                clear(conn, CANONICAL_TABLES)
                for table in tables:
                    for index in table.indexes:
                        index.drop(conn)
            for i, table in enumerate(tables):
                _report(progress, f"load {table.name}", len(tables) + i, total)
                _load_table(conn, summary, table, raw[table.name], checked[table.name], replace)
            if replace:
                for table in tables:
                    for index in table.indexes:
                        index.create(conn)
            _save_cursors(conn, summary.run_id, source)
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
        rejected = len(result.reasons) + len(raw[table.name].rejected)
        summary.tables.append(TableStats(table.name, raw[table.name].rows_read, len(result.accepted), rejected,
                                         time.perf_counter() - started))
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
    write(conn, table, result.accepted, "insert" if replace else "keep" if raw.on_conflict == "keep" else "upsert")
    rejected = [raw.rejected]
    if len(result.reasons):
        rejected.append(pd.DataFrame({
            "source_ref": [raw.source_ref(i) for i in result.reasons.index],
            "reason": result.reasons.to_numpy(),
            "payload": payloads(raw.frame.loc[result.reasons.index]),
        }))
    rows = pd.concat([r for r in rejected if len(r)], ignore_index=True) if any(len(r) for r in rejected) else None
    if rows is not None:
        conn.execute(insert(rejected_rows), rows.assign(run_id=summary.run_id, table_name=table.name)
                     .to_dict("records"))
    stats = next(s for s in summary.tables if s.table == table.name)
    stats.seconds += time.perf_counter() - started


def _save_cursors(conn: Connection, run_id: int, source) -> None:
    """Store how far an incremental source got, in the same transaction as its rows."""
    cursors = source.cursors() if hasattr(source, "cursors") else {}
    for name, value in cursors.items():
        key = (etl_cursors.c.source == source.name) & (etl_cursors.c.input == name)
        conn.execute(delete(etl_cursors).where(key))
        conn.execute(insert(etl_cursors).values(source=source.name, input=name, value=value, run_id=run_id))


def stored_cursors(engine: Engine, source_name: str) -> dict[str, str]:
    """The cursor values an incremental source reached in earlier runs (empty before the first)."""
    ensure_schema(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(etl_cursors.c.input, etl_cursors.c.value)
                            .where(etl_cursors.c.source == source_name)).all()
    return dict(rows)


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
