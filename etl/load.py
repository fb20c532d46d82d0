"""Loading: write validated rows inside the caller's transaction, by insert (replace) or upsert on the key.

SQLite takes a prepared INSERT (with ``ON CONFLICT DO UPDATE`` to upsert) through executemany. PostgreSQL
takes COPY: straight into the table to insert, or into a temporary staging table merged with
``INSERT ... ON CONFLICT`` to upsert.
"""

import contextlib
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow
from sqlalchemy import Connection, Date, DateTime, Float, Table

from etl.schema import primary_key

STORED_TIMESTAMP = pyarrow.timestamp("us")
"""Timestamps are written as text 'YYYY-MM-DD HH:MM:SS.ffffff' (Arrow's cast of microsecond timestamps): the
storage format SQLAlchemy itself uses on SQLite, so it reads them back, and a literal PostgreSQL's COPY takes."""


def to_rows(frame: pd.DataFrame, table: Table) -> Iterator[tuple]:
    """The frame's rows as DBAPI-ready tuples in the table's column order, missing values None. Made one at a time
    as the driver takes them: a list of millions of tuples would cost memory and garbage-collector passes."""
    return zip(*[_column_values(frame[c.name], c.type) for c in table.columns])


def _column_values(values: pd.Series, sql_type) -> list:
    missing = values.isna().to_numpy()
    if isinstance(sql_type, (DateTime, Date)):
        out = _stamp_text(values, pyarrow.date32() if isinstance(sql_type, Date) else STORED_TIMESTAMP)
    elif isinstance(sql_type, Float):
        out = values.to_numpy(dtype=float, na_value=np.nan).astype(object)
    else:
        out = values.to_numpy(dtype=object, copy=True)
    if missing.any():
        out[missing] = None
    return out.tolist()


def _stamp_text(values: pd.Series, arrow_type: pyarrow.DataType) -> np.ndarray:
    """Dates or timestamps as text through Arrow's cast (many times faster than strftime); wall time kept."""
    if values.dt.tz is not None:
        values = values.dt.tz_localize(None)
    stamps = pyarrow.array(values, from_pandas=True).cast(STORED_TIMESTAMP, safe=False)  # nanoseconds cut
    return stamps.cast(arrow_type).cast(pyarrow.string()).to_numpy(zero_copy_only=False)


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _conflict_clause(conn: Connection, table: Table, mode: str) -> str:
    """ON CONFLICT on the key: leave the row, or update it only where a value differs (so that an unchanged row
    counts as no change)."""
    keys = primary_key(table)
    others = [c.name for c in table.columns if c.name not in keys]
    target = ", ".join(_quote(conn, k) for k in keys)
    if not others or mode == "keep":
        return f"ON CONFLICT ({target}) DO NOTHING"
    updates = ", ".join(f"{_quote(conn, c)} = excluded.{_quote(conn, c)}" for c in others)
    distinct = "IS DISTINCT FROM" if conn.dialect.name == "postgresql" else "IS NOT"
    table_name = _quote(conn, table.name)
    differs = " OR ".join(f"{table_name}.{_quote(conn, c)} {distinct} excluded.{_quote(conn, c)}" for c in others)
    return f"ON CONFLICT ({target}) DO UPDATE SET {updates} WHERE {differs}"


def write(conn: Connection, table: Table, frame: pd.DataFrame, mode: str) -> int:
    """Write the frame's rows: ``insert`` into a table just emptied, or on the primary key ``upsert`` (update the
    row already there) or ``keep`` (leave the row already there as it is). Returns the rows inserted or changed;
    the others were already there as they are."""
    if frame.empty:
        return 0
    rows = to_rows(frame, table)
    names = ", ".join(_quote(conn, c.name) for c in table.columns)
    target = _quote(conn, table.name)
    if conn.dialect.name == "postgresql":
        if mode == "insert":
            copy_rows(conn, target, names, rows)
            return len(frame)
        return _copy_upsert(conn, table, rows, names, mode)
    marks = ", ".join("?" for _ in table.columns)
    conflict = "" if mode == "insert" else _conflict_clause(conn, table, mode)
    with contextlib.closing(conn.connection.dbapi_connection.cursor()) as cursor:  # the driver's own executemany
        cursor.executemany(f"INSERT INTO {target} ({names}) VALUES ({marks}) {conflict}", rows)  # takes an iterator
        return len(frame) if mode == "insert" else cursor.rowcount


def _copy_upsert(conn: Connection, table: Table, rows: Iterable[tuple], names: str, mode: str) -> int:
    target = _quote(conn, table.name)
    staging = _quote(conn, f"staging_{table.name}")
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {staging} (LIKE {target} INCLUDING DEFAULTS) ON COMMIT DROP")
    copy_rows(conn, staging, names, rows)
    result = conn.exec_driver_sql(
        f"INSERT INTO {target} ({names}) SELECT {names} FROM {staging} {_conflict_clause(conn, table, mode)}")
    conn.exec_driver_sql(f"DROP TABLE {staging}")
    return result.rowcount


def copy_rows(conn: Connection, target: str, names: str, rows: Iterable[tuple]) -> None:
    """COPY rows into a PostgreSQL table through psycopg (text format; the server parses each value)."""
    cursor = conn.connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def clear(conn: Connection, tables: list[Table]) -> None:
    """Empty the tables (children first), inside the caller's transaction."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("TRUNCATE " + ", ".join(_quote(conn, t.name) for t in tables))
        return
    for table in reversed(tables):
        conn.execute(table.delete())
