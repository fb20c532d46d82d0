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
from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, literal, select

from etl.db import ensure_schema, masked
from etl.errors import EtlError
from etl.language import fill_languages
from etl.load import clear, write
from etl.lock import warehouse_lock
from etl.marts import build_marts
from etl.rejections import rules_of, split, verdict
from etl.runs import close_abandoned, fail_run, finish_run, start_run
from etl.schema import (
    CANONICAL_TABLES,
    etl_cursors,
    etl_run_tables,
    etl_runs,
    event_time_column,
    metadata,
    primary_key,
    rejected_rows,
    social_mentions,
)
from etl.sources import RawTable, payloads
from etl.validate import TimeWindow, Validated, normal_keys, validate
from i18n import ngettext

Progress = Callable[[str, int, int], None]
"""Called with (step label, steps done, steps in all) as the run advances."""


@dataclass
class TableStats:
    """What happened to one table in a run: read = loaded (new or changed) + unchanged + rejected."""

    table: str
    read: int
    loaded: int
    rejected: int
    seconds: float
    unchanged: int = 0
    deleted: int = 0  # rows that left the warehouse: the source no longer gives them, or marks them deleted


@dataclass
class RunSummary:
    """The outcome of one ETL run, as printed by the CLI and stored in etl_runs / etl_run_tables."""

    run_id: int
    source: str
    tables: list[TableStats] = field(default_factory=list)
    marts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    warning: str | None = None  # the root cause, when rejections cascade or pass the threshold

    @property
    def status(self) -> str:
        """success, or warning when too many rows were rejected."""
        return "warning" if self.warning else "success"

    @property
    def rows_read(self) -> int:
        """Rows read over all tables."""
        return sum(t.read for t in self.tables)

    @property
    def rows_loaded(self) -> int:
        """Rows inserted or changed over all tables."""
        return sum(t.loaded for t in self.tables)

    @property
    def rows_deleted(self) -> int:
        """Rows deleted because the source no longer gives them (or marks them deleted), dependants included."""
        return sum(t.deleted for t in self.tables)

    @property
    def rows_unchanged(self) -> int:
        """Rows that were already in the warehouse as they are."""
        return sum(t.unchanged for t in self.tables)

    @property
    def rows_rejected(self) -> int:
        """Rows rejected over all tables."""
        return sum(t.rejected for t in self.tables)

    def counts(self) -> dict[str, int]:
        """The row counts stored in etl_runs."""
        return {"rows_read": self.rows_read, "rows_loaded": self.rows_loaded, "rows_unchanged": self.rows_unchanged,
                "rows_rejected": self.rows_rejected}


def run_pipeline(source, engine: Engine, full_refresh: bool = False, progress: Progress | None = None, *,
                 allow_empty: bool = False, wait: float = 0.0, origin: tuple[str | None, str | None] = (None, None),
                 allow_deletes: bool = False) -> RunSummary:
    """Load a source into the warehouse and rebuild the marts, holding the writer lock; raises EtlError when the
    run fails. ``origin`` is (source path, data folder), kept so the app can offer the same run again."""
    ensure_schema(engine)
    with warehouse_lock(engine, wait, running_note(engine)):
        close_abandoned(engine)
        summary = RunSummary(start_run(engine, source, origin), source.name)
        started = time.perf_counter()
        try:
            _load(source, engine, full_refresh, progress, allow_empty, summary, started, allow_deletes)
            return summary
        except Exception as error:
            summary.seconds = time.perf_counter() - started
            fail_run(engine, summary.run_id, summary.counts(), str(error) or type(error).__name__)
            if isinstance(error, EtlError):
                raise
            raise EtlError(f"The ETL run {summary.run_id} failed ({type(error).__name__}: {masked(str(error))}); the "
                           "warehouse was left as it was: fix the cause and run again.") from error


def _load(source, engine: Engine, full_refresh: bool, progress: Progress | None, allow_empty: bool,
          summary: RunSummary, started: float, allow_deletes: bool = False) -> None:
    """Extract and validate, then write rows, marts and the run's outcome in one transaction."""
    raw = source.extract()
    unknown = sorted(set(raw) - {t.name for t in CANONICAL_TABLES})
    if unknown:
        raise EtlError(f"The source {source.name} provides unknown table(s) {', '.join(unknown)}: "
                       "name only the warehouse's canonical tables (see docs/architecture.md).")
    replace = full_refresh or getattr(source, "replace", False)
    tables = [t for t in CANONICAL_TABLES if t.name in raw]
    total = 2 * len(tables) + 1
    window = getattr(source, "window", None) or TimeWindow(datetime.now())  # the source's, where it sets one
    gone = {} if replace else _deletions(engine, raw, tables, allow_deletes)
    checked, found = _validate_all(engine, raw, tables, replace, summary, progress, total, window, gone)
    if replace and not allow_empty:
        _refuse_emptying(engine, tables, checked)
    summary.warning = verdict(found)
    with engine.begin() as conn:
        if replace:
            clear(conn, CANONICAL_TABLES)
        deleted: dict[str, int] = {}
        for name, rows in gone.items():
            _delete_rows(conn, metadata.tables[name], rows, deleted)
        _count_deleted(summary, deleted)
        empty = [t for t in tables if replace or _is_empty(conn, t)]
        for table in empty:  # bulk-load empty tables, then build their indexes once instead of row by row
            for index in table.indexes:
                index.drop(conn)
        for i, table in enumerate(tables):
            _report(progress, f"load {table.name}", len(tables) + i, total)
            _load_table(conn, summary, table, raw[table.name], checked[table.name], table in empty)
        for table in empty:
            for index in table.indexes:
                index.create(conn)
        _save_cursors(conn, summary.run_id, source)
        _report(progress, "build marts", total - 1, total)
        summary.marts = build_marts(conn)
        _record_tables(conn, summary)
        summary.seconds = time.perf_counter() - started
        finish_run(conn, summary.run_id, summary.status, summary.counts(), describe(summary))
    _report(progress, "done", total, total)


def _is_empty(conn: Connection, table) -> bool:
    return conn.execute(select(literal(1)).select_from(table).limit(1)).first() is None


def running_note(engine: Engine) -> str:
    """' (run 12 of demo, started 19:40)' for the run that holds the lock, as far as etl_runs tells."""
    with engine.connect() as conn:
        row = conn.execute(select(etl_runs.c.run_id, etl_runs.c.source, etl_runs.c.started_at)
                           .where(etl_runs.c.status == "running").order_by(etl_runs.c.run_id.desc()).limit(1)).first()
    return f" (run {row.run_id} of {row.source}, started {row.started_at:%Y-%m-%d %H:%M})" if row else ""


def _refuse_emptying(engine: Engine, tables, checked: dict[str, Validated]) -> None:
    """A replace that would leave a table empty that holds rows now must be asked for (--allow-empty)."""
    emptied = [t for t in tables if checked[t.name].accepted.empty]
    if not emptied:
        return
    with engine.connect() as conn:
        held = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in emptied}
    held = {name: rows for name, rows in held.items() if rows}
    if held:
        what = ", ".join(f"{name} ({rows_of(rows)})" for name, rows in held.items())
        raise EtlError(f"This full refresh would empty {what}, because the source gave no valid row for it; nothing "
                       "was changed: check the source, or pass --allow-empty to empty it on purpose.")


def _validate_all(engine, raw, tables, replace, summary, progress, total, window, gone=None):
    """Validate every table (parents first); returns the results and what the rejections amount to. Rows about to
    be deleted (``gone``) are no parents: a line of a deleted order is rejected, never loaded."""
    keys = {} if replace else _existing_keys(engine)
    for name, rows in (gone or {}).items():
        if name in keys and rows.shape[1] == 1:
            keys[name] = keys[name].difference(pd.Index(rows.iloc[:, 0]))
    checked, found, rejected_keys = {}, [], {}
    for i, table in enumerate(tables):
        _report(progress, f"validate {table.name}", i, total)
        started = time.perf_counter()
        parents = {t: keys.get(t, pd.Index([])) for t in _parent_tables(table)}
        result = validate(raw[table.name].frame, table, parents, window)
        if table.name == social_mentions.name:  # the contract: the source's language, else the detected one
            result = Validated(fill_languages(result.accepted, {} if replace else _known_languages(engine)),
                               result.reasons)
        checked[table.name] = result
        if len(primary_key(table)) == 1:
            key = primary_key(table)[0]
            keys[table.name] = keys.get(table.name, pd.Index([])).append(pd.Index(result.accepted[key])).unique()
            if len(result.reasons) and key in raw[table.name].frame:
                rejected_keys[table.name] = set(normal_keys(raw[table.name].frame.loc[result.reasons.index, key])
                                                .dropna().astype(str))
        by_source = len(raw[table.name].rejected)
        found.append(split(table.name, raw[table.name].rows_read, by_source, result.reasons, rejected_keys,
                           raw[table.name].source_ref))
        summary.tables.append(TableStats(table.name, raw[table.name].rows_read, len(result.accepted),
                                         len(result.reasons) + by_source, time.perf_counter() - started))
    return checked, found


def _known_languages(engine: Engine) -> dict[str, str]:
    """The language of every mention text the warehouse holds with one: a rerun detects only new texts."""
    m = social_mentions
    with engine.connect() as conn:
        rows = conn.execute(select(m.c.text, m.c.language).where(m.c.language.is_not(None), m.c.text.is_not(None))
                            .distinct())
        return {text: language for text, language in rows}


DELETE_SHARE = 0.10  # a run that would delete more of a table must be asked for (--allow-deletes)
BATCH = 500


def _key_text(frame: pd.DataFrame) -> pd.MultiIndex:
    """Key columns as comparable text tuples ('17850.0', 17850 and '17850' are one key)."""
    return pd.MultiIndex.from_arrays([normal_keys(frame[c]).astype(str).str.strip() for c in frame.columns])


def _deletions(engine: Engine, raw: dict[str, RawTable], tables, allow_deletes: bool) -> dict[str, pd.DataFrame]:
    """Per table, the stored keys to delete: rows an input with ``deletes: detect`` no longer gives (only rows dated
    from its previous cursor on, when it is incremental) and rows the source marks deleted (``deleted_when``).
    More than 10% of a table is refused unless ``allow_deletes``."""
    plans = {}
    with engine.connect() as conn:
        for table in tables:
            source, keys = raw[table.name], primary_key(table)
            parts = []
            if source.detect_deletes:
                stored = select(*[table.c[k] for k in keys])
                when = event_time_column(table)
                if source.since is not None and when is not None:
                    stored = stored.where(when >= source.since)
                held = pd.DataFrame(conn.execute(stored).all(), columns=keys)
                if len(held):
                    parts.append(held[~_key_text(held).isin(_key_text(source.frame[keys]))])
            if source.deleted is not None and len(source.deleted):
                held = pd.DataFrame(conn.execute(select(*[table.c[k] for k in keys])).all(), columns=keys)
                parts.append(held[_key_text(held).isin(_key_text(source.deleted))])  # as stored (types and all)
            rows = pd.concat(parts, ignore_index=True).drop_duplicates() if parts else pd.DataFrame()
            if rows.empty:
                continue
            total = conn.execute(select(func.count()).select_from(table)).scalar_one()
            if len(rows) > DELETE_SHARE * total and not allow_deletes:
                raise EtlError(f"This run would delete {rows_of(len(rows))} of {table.name}'s {total:,} "
                               f"({len(rows) / total:.0%}): the source no longer gives them or marks them deleted. "
                               "Nothing was changed: check that the source is complete (not a partial export), or "
                               "pass --allow-deletes to delete them.")
            plans[table.name] = rows
    return plans


def _children(table) -> list[tuple]:
    """(child table, its column, the referenced column of ``table``) for every foreign key pointing at it."""
    return [(child, column.name, fk.column.name) for child in CANONICAL_TABLES for column in child.columns
            for fk in column.foreign_keys if fk.column.table is table and child is not table]


def _delete_rows(conn: Connection, table, rows: pd.DataFrame, counts: dict[str, int]) -> None:
    """Delete rows by key with their dependants (children first), counting per table."""
    if rows.empty:
        return
    for child, column, referenced in _children(table):
        if referenced not in rows:
            continue
        values = rows[referenced].dropna().unique().tolist()
        keys = primary_key(child)
        found = [pd.DataFrame(conn.execute(select(*[child.c[k] for k in keys])
                                           .where(child.c[column].in_(values[i:i + BATCH]))).all(), columns=keys)
                 for i in range(0, len(values), BATCH)]
        if found:
            _delete_rows(conn, child, pd.concat(found, ignore_index=True), counts)
    keys = primary_key(table)
    statement = delete(table).where(*[table.c[k] == bindparam(f"key_{k}") for k in keys])
    conn.execute(statement, [{f"key_{k}": v for k, v in zip(keys, row)} for row in rows[keys].itertuples(index=False)])
    counts[table.name] = counts.get(table.name, 0) + len(rows)


def _count_deleted(summary: RunSummary, deleted: dict[str, int]) -> None:
    """Put each table's deleted rows on its line of the run (a dependant the source does not give gets one)."""
    for name, rows in deleted.items():
        stats = next((s for s in summary.tables if s.table == name), None)
        if stats is None:
            stats = TableStats(name, 0, 0, 0, 0.0)
            summary.tables.append(stats)
        stats.deleted += rows


def _parent_tables(table) -> set[str]:
    return {fk.column.table.name for c in table.columns for fk in c.foreign_keys}


def _existing_keys(engine: Engine) -> dict[str, pd.Index]:
    referenced = {name for t in CANONICAL_TABLES for name in _parent_tables(t)}
    with engine.connect() as conn:
        return {name: pd.Index(conn.execute(select(*metadata.tables[name].primary_key.columns)).scalars().all())
                for name in referenced}


def _load_table(conn: Connection, summary: RunSummary, table, raw: RawTable, result: Validated,
                empty: bool) -> None:
    """Write a table's accepted rows (plain inserts into an empty table) and its rejected rows."""
    started = time.perf_counter()
    mode = "insert" if empty else "keep" if raw.on_conflict == "keep" else "upsert"
    changed = write(conn, table, result.accepted, mode)
    rejected = [raw.rejected]
    if len(result.reasons):
        rejected.append(pd.DataFrame({
            "source_ref": [raw.source_ref(i) for i in result.reasons.index],
            "reason": result.reasons.to_numpy(),
            "payload": payloads(raw.frame.loc[result.reasons.index]),
        }))
    rows = pd.concat([r for r in rejected if len(r)], ignore_index=True) if any(len(r) for r in rejected) else None
    if rows is not None:
        conn.execute(insert(rejected_rows), rows.assign(run_id=summary.run_id, table_name=table.name,
                                                        rule=rules_of(rows["reason"])).to_dict("records"))
    stats = next(s for s in summary.tables if s.table == table.name)
    stats.loaded, stats.unchanged = changed, stats.loaded - changed
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
         "rows_unchanged": s.unchanged, "rows_rejected": s.rejected, "rows_deleted": s.deleted,
         "seconds": round(s.seconds, 3)}
        for s in summary.tables
    ])


def _report(progress: Progress | None, label: str, done: int, total: int) -> None:
    if progress:
        progress(label, done, total)


TABLE_WORDS = {  # table -> how one row and many are counted: '1 customer', '85 customers'
    "departments": ("{count} department", "{count} departments"),
    "employees": ("{count} employee", "{count} employees"),
    "customers": ("{count} customer", "{count} customers"),
    "products": ("{count} product", "{count} products"),
    "suppliers": ("{count} supplier", "{count} suppliers"),
    "interactions": ("{count} interaction", "{count} interactions"),
    "opportunities": ("{count} deal", "{count} deals"),
    "tickets": ("{count} ticket", "{count} tickets"),
    "social_mentions": ("{count} social mention", "{count} social mentions"),
    "orders": ("{count} order", "{count} orders"),
    "order_lines": ("{count} order line", "{count} order lines"),
    "invoices": ("{count} invoice", "{count} invoices"),
    "inventory": ("{count} stock snapshot", "{count} stock snapshots"),
    "purchase_orders": ("{count} purchase-order line", "{count} purchase-order lines"),
}


def counted(table: str, rows: int) -> str:
    """Rows of a table in words, singular or plural by the count: '1 customer', '8,800 deals', '2 mart_x rows'."""
    one, many = TABLE_WORDS.get(table, ("{count} " + table + " row", "{count} " + table + " rows"))
    return ngettext(one, many, rows).format(count=f"{rows:,}")


def rows_of(rows: int) -> str:
    """'1 row', '1,234 rows'."""
    return ngettext("{count} row", "{count} rows", rows).format(count=f"{rows:,}")


def held(summary: RunSummary) -> str:
    """What the run's tables hold after it, in words: '8,800 deals, 1 customer, ...' ('no rows' when none)."""
    parts = [counted(s.table, s.loaded + s.unchanged) for s in summary.tables if s.loaded + s.unchanged]
    return ", ".join(parts) or "no rows"


def describe(summary: RunSummary) -> str:
    """What a run loaded, in one line: tables with their rows, unchanged and rejected rows, the root cause."""
    deleted = f", {summary.rows_deleted:,} deleted" if summary.rows_deleted else ""
    text = (f"{held(summary)}; {summary.rows_loaded:,} new or changed, {summary.rows_unchanged:,} unchanged, "
            f"{summary.rows_rejected:,} rejected{deleted}, in {summary.seconds:.1f} s")
    return text + (f". {summary.warning}" if summary.warning else "")
