"""Every query the app runs: functions with bound parameters that return DataFrames, read from the marts.

This module holds what all of them share; the queries themselves live in one module per subject
(``sales``, ``forecast``, ...). All of them go through ``read``, which caches results with
``st.cache_data`` keyed by the SQL, its parameters and the latest successful ETL run, so a new load is
seen at once and nothing reruns SQL needlessly. Date and timestamp columns come back parsed (SQLite
returns them as text).
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Date, DateTime, Engine, Select, desc, func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from etl.db import database_url, get_engine, has_table
from etl.schema import departments, etl_runs, mart_order_fulfilment


@dataclass(frozen=True)
class Filters:
    """The sidebar's global filters: an inclusive date range and departments (empty = all)."""

    start: date
    end: date
    departments: tuple[str, ...] = ()

    def previous(self) -> "Filters":
        """The period of the same length just before this one, with the same departments."""
        length = self.end - self.start
        end = self.start - pd.Timedelta(days=1)
        return Filters(end - length, end, self.departments)


def engine() -> Engine:
    """The warehouse engine (DATABASE_URL, .streamlit/secrets.toml or the default SQLite file)."""
    return get_engine(database_url())


def data_version() -> int:
    """The id of the latest successful ETL run (0 before the first), the key that invalidates caches."""
    try:
        with engine().connect() as conn:
            run = conn.execute(select(func.max(etl_runs.c.run_id)).where(etl_runs.c.status == "success")).scalar()
    except (OperationalError, ProgrammingError):  # the warehouse has no tables yet
        return 0
    return run or 0


def read(statement: Select) -> pd.DataFrame:
    """Run a statement (cached per data version) and return a frame with its date columns parsed."""
    compiled = statement.compile(dialect=engine().dialect)
    params = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in compiled.params.items()))
    return _read_cached(database_url(), data_version(), compiled.string, params, statement)


@st.cache_data(show_spinner=False, max_entries=1024)
def _read_cached(url: str, version: int, sql: str, params: tuple, _statement: Select) -> pd.DataFrame:
    """Cached on (url, version, sql, params); the statement itself is not hashed."""
    with get_engine(url).connect() as conn:
        frame = pd.DataFrame(conn.execute(_statement).mappings().all(),
                             columns=[c.name for c in _statement.selected_columns])
    for column in _statement.selected_columns:
        if isinstance(column.type, (Date, DateTime)) and column.name in frame:
            frame[column.name] = pd.to_datetime(frame[column.name], format="ISO8601")
    return frame


def has_data() -> bool:
    """Whether the warehouse has been loaded (the marts exist and hold sales)."""
    if data_version() == 0 or not has_table(engine(), mart_order_fulfilment.name):
        return False
    return read(select(func.count().label("orders")).select_from(mart_order_fulfilment)).iloc[0, 0] > 0


def currency() -> str | None:
    """The ISO currency code of the latest successful load (None when the source did not say)."""
    frame = read(select(etl_runs.c.currency).where(etl_runs.c.status == "success")
                 .order_by(desc(etl_runs.c.run_id)).limit(1))
    return None if frame.empty else frame.iloc[0, 0]


def department_options() -> pd.DataFrame:
    """Departments that have sales or orders: department_id, name, kind; sorted by name."""
    used = select(mart_order_fulfilment.c.department_id).distinct()
    return read(select(departments.c.department_id, departments.c.name, departments.c.kind)
                .where(departments.c.department_id.in_(used)).order_by(departments.c.name))


def date_bounds() -> tuple[date, date] | None:
    """First and last order date in the warehouse, or None when there are no orders."""
    frame = read(select(func.min(mart_order_fulfilment.c.order_date).label("first"),
                        func.max(mart_order_fulfilment.c.order_date).label("last")))
    if frame.empty or pd.isna(frame.iloc[0, 0]):
        return None
    return pd.to_datetime(frame.iloc[0, 0]).date(), pd.to_datetime(frame.iloc[0, 1]).date()


def where_period(statement: Select, table, date_column: str, filters: Filters) -> Select:
    """Restrict a statement on a mart to the filters' period and departments."""
    column = table.c[date_column]
    statement = statement.where(column >= filters.start, column <= filters.end)
    if filters.departments:
        statement = statement.where(table.c.department_id.in_(filters.departments))
    return statement
