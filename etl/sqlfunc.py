"""Calendar SQL functions that compile to the right expression on SQLite and on PostgreSQL.

Marts precompute calendar columns with these, so every query above the marts stays dialect-free.
"""

from sqlalchemy import Date, Float, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class day_of(FunctionElement):  # noqa: N801 - reads like the SQL function it compiles to
    """The calendar date of a timestamp."""

    type = Date()
    inherit_cache = True


class month_of(FunctionElement):  # noqa: N801
    """The first day of the timestamp's month."""

    type = Date()
    inherit_cache = True


class month_index(FunctionElement):  # noqa: N801
    """year * 12 + month - 1, so that month differences are plain subtraction."""

    type = Integer()
    inherit_cache = True


class days_between(FunctionElement):  # noqa: N801
    """Fractional days from the first timestamp to the second (NULL when either is NULL)."""

    type = Float()
    inherit_cache = True


def _args(compiler, element, **kw) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


@compiles(day_of, "sqlite")
def _day_sqlite(element, compiler, **kw):
    (x,) = _args(compiler, element, **kw)
    return f"date({x})"


@compiles(day_of, "postgresql")
def _day_pg(element, compiler, **kw):
    (x,) = _args(compiler, element, **kw)
    return f"CAST({x} AS DATE)"


@compiles(month_of, "sqlite")
def _month_sqlite(element, compiler, **kw):
    (x,) = _args(compiler, element, **kw)
    return f"date({x}, 'start of month')"


@compiles(month_of, "postgresql")
def _month_pg(element, compiler, **kw):
    (x,) = _args(compiler, element, **kw)
    return f"CAST(date_trunc('month', {x}) AS DATE)"


@compiles(month_index, "sqlite")
def _month_index_sqlite(element, compiler, **kw):
    (x,) = _args(compiler, element, **kw)
    return f"(CAST(strftime('%Y', {x}) AS INTEGER) * 12 + CAST(strftime('%m', {x}) AS INTEGER) - 1)"


@compiles(month_index, "postgresql")
def _month_index_pg(element, compiler, **kw):
    (x,) = _args(compiler, element, **kw)
    return f"CAST(EXTRACT(YEAR FROM {x}) * 12 + EXTRACT(MONTH FROM {x}) - 1 AS INTEGER)"


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    start, end = _args(compiler, element, **kw)
    return f"(julianday({end}) - julianday({start}))"


@compiles(days_between, "postgresql")
def _days_pg(element, compiler, **kw):
    start, end = _args(compiler, element, **kw)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)"
