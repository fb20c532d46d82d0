"""Every query the app runs: functions with bound parameters that return DataFrames, read from the marts.

This module is the app's one gateway to the warehouse. The queries themselves live in one module per subject
(``sales``, ``forecast``, ...) and scope themselves to the sidebar's departments (``where_scope``); all of them
go through ``read``, which runs them as the signed-in principal: on PostgreSQL inside a transaction whose
row-level security settings are the principal's departments and role (``access.rls.scoped``), so a query that
forgot its scope still sees only the principal's rows, and keyed in the cache by them, so one user's result is
never another's. ``read_shape`` is the one exception: the few facts about the warehouse as a whole that every
page needs (which tables and columns hold values, the date range, regions, which departments own a mart), none of
which is a row of any department. Results are cached with ``st.cache_data`` keyed by the SQL, its parameters, the
principal's scope and the latest ETL run, so a new load is seen at once. Date and timestamp columns come back
parsed (SQLite returns them as text).
"""

import calendar
import functools
import logging
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
import streamlit as st
from sqlalchemy import (
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    Numeric,
    Select,
    desc,
    exists,
    false,
    func,
    literal,
    select,
    union,
    union_all,
)
from sqlalchemy.exc import OperationalError, ProgrammingError

from access import rls
from access.roles import Principal
from access.scope import Scope, narrow, restrict
from etl import schema
from etl.db import app_database_url, ensure_schema, get_engine
from etl.runs import LOADED
from etl.schema import CANONICAL_TABLES, MART_TABLES, departments, etl_runs, mart_opportunities, mart_order_fulfilment

log = logging.getLogger(__name__)


COMPARISONS = ("previous", "yoy")
"""What changes compare a period with: the period just before it, or the same period a year before."""
CYCLES = {"this_month": 1, "last_month": 1, "qtd": 3, "ytd": 12, "last_12_months": 12, "last_year": 12}
"""How many calendar months a preset's period repeats after: its previous period is that many months before."""


@dataclass(frozen=True)
class Filters:
    """The sidebar's global filters: an inclusive date range, departments and regions (empty = all), and the
    departments the signed-in user may see (``allowed``: None for every department, () for none); ``compare``
    (one of COMPARISONS) and ``preset`` (the sidebar's period preset, 'custom' for chosen dates) say what changes
    compare the period with (see ``baseline``)."""

    start: date
    end: date
    departments: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    allowed: Scope = None
    compare: str = "previous"
    preset: str = "custom"

    @property
    def scope(self) -> Scope:
        """The departments every query reads: the chosen ones within the allowed (see access.scope.narrow)."""
        return narrow(self.allowed, self.departments)

    @property
    def grain(self) -> str:
        """How finely time charts split this period: 'month' beyond 92 days, 'week' from 28 days (so a calendar
        month drills into its weeks, and a week into its days), else 'day'."""
        days = (self.end - self.start).days + 1
        return "month" if days > 92 else "week" if days >= 28 else "day"

    def baseline(self) -> "Filters":
        """The period changes compare this one with, with the same departments, regions and scope.

        'yoy': the same days a year before (1-30 Nov 2026 -> 1-30 Nov 2025; 29 Feb -> 28 Feb). 'previous': the
        period just before, calendar-aligned where the period is: a month, quarter or year to date (preset) or
        whole calendar months step back by their cycle (1-26 Nov -> 1-26 Oct; November -> October; Q3 -> Q2), any
        other period by its own length (10-19 Nov -> 31 Oct-9 Nov). A month's last day stays a month's last day
        (February 2025 -> February 2024 through the 29th)."""
        months = 12 if self.compare == "yoy" else CYCLES.get(self.preset) or whole_months(self.start, self.end)
        if months:
            return replace(self, start=months_before(self.start, months),
                           end=months_before(self.end, months, month_end=True))
        length = self.end - self.start
        end = self.start - timedelta(days=1)
        return replace(self, start=end - length, end=end)


def whole_months(start: date, end: date) -> int:
    """How many calendar months the period covers when it is whole months (1 Jul - 30 Sep: 3), else 0."""
    if start.day != 1 or end.day != calendar.monthrange(end.year, end.month)[1]:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def months_before(day: date, months: int, month_end: bool = False) -> date:
    """The same day of the month ``months`` calendar months earlier, the month's last day where it is shorter
    (31 May -> 30 Apr; 29 Feb 2028 -> 28 Feb 2027); with ``month_end``, a month's last day maps to the earlier
    month's last day (28 Feb 2025 -> 29 Feb 2024), so whole months compare with whole months."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    days = calendar.monthrange(year, month + 1)[1]
    at_end = month_end and day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month + 1, days if at_end else min(day.day, days))


PRINCIPAL = "principal"
"""The session-state key of the signed-in principal (see dashboard/auth.py)."""


def engine() -> Engine:
    """The app's engine on the warehouse: COCKPIT_APP_DATABASE_URL (the application role of PostgreSQL's row-level
    security) when set, else DATABASE_URL, .streamlit/secrets.toml or the default SQLite file."""
    return _prepared(app_database_url())


def principal() -> Principal | None:
    """The principal signed in to this session (None before sign-in and outside the app)."""
    return st.session_state.get(PRINCIPAL)


@functools.cache
def _prepared(url: str) -> Engine:
    """The engine, with any table a newer version added created once (a warehouse loaded by an older version
    still opens); a read-only login that may not create tables is told in the log and goes on."""
    warehouse = get_engine(url)
    try:
        ensure_schema(warehouse)
    except (OperationalError, ProgrammingError) as error:
        log.warning("could not create missing warehouse tables (%s); pages needing them will say so", error)
    return warehouse


def data_version() -> int:
    """The id of the latest successful ETL run (0 before the first)."""
    return cache_key()[0]


def cache_key() -> tuple[int, int, int]:
    """What invalidates cached results: the latest loaded run (it commits with its rows, so every committed load
    changes it), and the latest run and the number of finished runs (so run bookkeeping is seen at once)."""
    r = etl_runs
    try:
        with engine().connect() as conn:
            row = conn.execute(select(func.max(r.c.run_id).filter(r.c.status.in_(LOADED)), func.max(r.c.run_id),
                                      func.count(r.c.finished_at))).one()
    except (OperationalError, ProgrammingError):  # the warehouse has no tables yet
        return 0, 0, 0
    return row[0] or 0, row[1] or 0, row[2] or 0


def read(statement: Select) -> pd.DataFrame:
    """Run a statement as the signed-in principal (cached per data version and scope) and return a frame with its
    date columns parsed. Without a principal, PostgreSQL's application role reads nothing its policies protect."""
    signed_in = principal()
    return _run(statement, ((), None) if signed_in is None else (signed_in.allowed(), signed_in.role))


def read_shape(statement: Select) -> pd.DataFrame:
    """Run a statement that states a fact about the warehouse as a whole, over every department's rows: whether a
    table or column holds values, the date range, the regions, which departments own a mart. Only the functions of
    this module and operations.rejected_summary use it, and none returns a row of any department."""
    return _run(statement, (None, rls.WHOLE_WAREHOUSE))


def _run(statement: Select, reader: tuple[Scope, str | None]) -> pd.DataFrame:
    warehouse = engine()
    sql, params = _compiled(statement, warehouse.dialect)
    rls_key = (rls.setting(reader[0]), reader[1] or "") if warehouse.dialect.name == "postgresql" else None
    return _read_cached(app_database_url(), cache_key(), sql, params, rls_key, statement, reader)


@functools.lru_cache(maxsize=256)
def _compiled(statement: Select, dialect) -> tuple[str, tuple]:
    """A statement's SQL and parameters; a statement built once (the table probes) is compiled once."""
    compiled = statement.compile(dialect=dialect)
    return compiled.string, tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                                         for k, v in compiled.params.items()))


@st.cache_data(show_spinner=False, max_entries=1024)
def _read_cached(url: str, version: tuple, sql: str, params: tuple, rls_key: tuple | None, _statement: Select,
                 _reader: tuple[Scope, str | None]) -> pd.DataFrame:
    """Cached on (url, version, sql, params, the reader's row-level security settings on PostgreSQL)."""
    return _execute(_prepared(url), _statement, *_reader)


def _execute(warehouse: Engine, statement: Select, scope: Scope, role: str | None) -> pd.DataFrame:
    """The statement's rows as a frame, read in a transaction limited to the scope on PostgreSQL."""
    with rls.scoped(warehouse, scope, role) as conn:
        frame = pd.DataFrame(conn.execute(statement).mappings().all(),
                             columns=[c.name for c in statement.selected_columns])
    for column in statement.selected_columns:
        if column.name not in frame:
            continue
        if isinstance(column.type, (Date, DateTime)):
            frame[column.name] = pd.to_datetime(frame[column.name], format="ISO8601")
        elif isinstance(column.type, (Float, Integer, Numeric)):
            frame[column.name] = pd.to_numeric(frame[column.name])
    return frame


def table_rows() -> dict[str, int]:
    """Rows per warehouse table (canonical tables and marts); empty before the first load."""
    if data_version() == 0:
        return {}
    counts = [select(literal(t.name).label("table"), func.count().label("rows")).select_from(t)
              for t in CANONICAL_TABLES + MART_TABLES]
    frame = read_shape(union_all(*counts))
    return dict(zip(frame["table"], frame["rows"].astype(int)))


def tables_with_rows() -> set[str]:
    """The warehouse tables that hold at least one row (each probe stops at its first row, unlike a count)."""
    if data_version() == 0:
        return set()
    frame = read_shape(_probes())
    return {table for table, filled in zip(frame["table"], frame["filled"]) if filled}


@functools.cache
def _probes() -> Select:
    return union_all(*[select(literal(t.name).label("table"), exists(select(literal(1)).select_from(t)).label("filled"))
                       for t in CANONICAL_TABLES + MART_TABLES])


def has_rows(*tables: str) -> bool:
    """Whether every named table holds rows."""
    filled = tables_with_rows()
    return all(t in filled for t in tables)


def has_values(table_name: str, column: str) -> bool:
    """Whether any row of a warehouse table has a value in the column, whatever the filters: whether the source
    records it at all (delivery dates, for instance)."""
    table = schema.metadata.tables[table_name]
    found = exists(select(literal(1)).select_from(table).where(table.c[column].is_not(None)))
    return bool(read_shape(select(found.label("found"))).iloc[0, 0])


def has_data() -> bool:
    """Whether the warehouse holds anything the pages can show (orders, deals or social mentions)."""
    return has_rows("mart_order_fulfilment") or has_rows("mart_opportunities") or has_rows("mart_mentions")


def currency() -> str | None:
    """The ISO currency code of the latest successful load (None when the source did not say)."""
    frame = read(select(etl_runs.c.currency).where(etl_runs.c.status.in_(LOADED))
                 .order_by(desc(etl_runs.c.run_id)).limit(1))
    return None if frame.empty else frame.iloc[0, 0]


def department_options() -> pd.DataFrame:
    """Every department: department_id, name, kind; sorted by name."""
    return read(select(departments.c.department_id, departments.c.name, departments.c.kind)
                .order_by(departments.c.name))


def owning_departments(table_name: str) -> dict[str, str]:
    """The departments that own rows of a mart: department_id -> name."""
    table = schema.metadata.tables[table_name]
    name = func.coalesce(departments.c.name, table.c.department_id).label("name")
    frame = read_shape(select(table.c.department_id, name).distinct()
                       .select_from(table.outerjoin(departments, departments.c.department_id == table.c.department_id)))
    return dict(zip(frame["department_id"], frame["name"]))


def region_options() -> list[str]:
    """Regions of orders, customers and deals, sorted."""
    statement = union(select(mart_order_fulfilment.c.region), select(mart_opportunities.c.region),
                      select(schema.customers.c.region).where(schema.customers.c.region.is_not(None)))
    return sorted(read_shape(statement).iloc[:, 0].dropna().tolist())


def date_bounds() -> tuple[date, date] | None:
    """First and last day with an order, a deal or a social mention, or None when there are none."""
    f, o = mart_order_fulfilment, mart_opportunities
    columns = (f.c.order_date, o.c.created_date, o.c.closed_date, schema.mart_mentions.c.posted_date)
    # one min() or max() per subquery: each reads one end of its column's index instead of the whole table
    ends = [select(func.min(c)).scalar_subquery().label(f"first_{i}") for i, c in enumerate(columns)] + [
        select(func.max(c)).scalar_subquery().label(f"last_{i}") for i, c in enumerate(columns)]
    found = pd.to_datetime(read_shape(select(*ends)).iloc[0], format="ISO8601").dropna()
    if found.empty:
        return None
    return found.min().date(), found.max().date()


def where_scope(statement: Select, table, filters: Filters) -> Select:
    """Restrict a statement on a table to the filters' department scope and regions, as bound predicates.

    A table without departments (stock) holds company-wide rows: only a user who may see every department
    reads them (default deny)."""
    if "department_id" in table.c:
        statement = restrict(statement, table.c.department_id, filters.scope)
    elif filters.allowed is not None:
        statement = statement.where(false())
    if filters.regions and "region" in table.c:
        statement = statement.where(table.c.region.in_(filters.regions))
    return statement


def where_period(statement: Select, table, date_column: str, filters: Filters) -> Select:
    """Restrict a statement on a mart to the filters' period, departments and regions (where it has them)."""
    column = table.c[date_column]
    return where_scope(statement.where(column >= filters.start, column <= filters.end), table, filters)
