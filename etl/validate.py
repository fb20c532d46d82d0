"""Validation: cast each table to the warehouse types, then check it, collecting every failing row with reasons.

The checks come from the schema (types, NOT NULL, primary keys, foreign keys) plus the business rules in
``RULES``; pandera runs them lazily so all failures of all rows are reported, not just the first.
"""

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Table, Text

from etl.schema import primary_key

DEPARTMENT_KINDS = ["sales", "marketing", "support", "logistics", "procurement", "finance", "other"]
ORDER_KINDS = ["sale", "return"]
ORDER_STATUSES = ["open", "on_hold", "shipped", "delivered", "completed", "returned", "cancelled", "unknown"]
"""What each allowed value means is documented in etl/reference.py (and docs/sources.md)."""
LARGEST_NUMBER = 1e15
"""Numbers beyond +-1e15 are no business amount or quantity; they are rejected so a product of two stays finite."""
LARGEST_INTEGER = 2**31 - 1  # PostgreSQL's INTEGER
KEY_FLOAT = r"^(-?\d+)\.0+$"  # '1401.0' as a key: a whole number that passed through a float
RULES: dict[tuple[str, str], list[pa.Check]] = {
    ("departments", "kind"): [pa.Check.isin(DEPARTMENT_KINDS,
                                            error=f"kind must be one of {', '.join(DEPARTMENT_KINDS)}")],
    ("orders", "kind"): [pa.Check.isin(ORDER_KINDS, error="kind must be sale or return")],
    ("orders", "status"): [pa.Check.isin(ORDER_STATUSES, error=f"status must be one of {', '.join(ORDER_STATUSES)}")],
    ("order_lines", "quantity"): [pa.Check.ne(0, error="quantity must not be zero")],
    ("order_lines", "unit_price"): [pa.Check.ge(0, error="unit_price must not be negative")],
    ("order_lines", "discount"): [pa.Check.in_range(0, 1, error="discount must be between 0 and 1")],
    ("products", "unit_cost"): [pa.Check.ge(0, error="unit_cost must not be negative")],
    ("products", "list_price"): [pa.Check.ge(0, error="list_price must not be negative")],
    ("opportunities", "amount"): [pa.Check.ge(0, error="amount must not be negative")],
    ("inventory", "on_hand"): [pa.Check.ge(0, error="on_hand must not be negative")],
    ("purchase_orders", "quantity"): [pa.Check.gt(0, error="quantity must be positive")],
    ("tickets", "satisfaction"): [pa.Check.in_range(1, 5, error="satisfaction must be between 1 and 5")],
    ("social_mentions", "sentiment"): [pa.Check.in_range(-1, 1, error="sentiment must be between -1 and 1")],
    ("social_mentions", "label"): [pa.Check.isin(["negative", "neutral", "positive"],
                                                 error="label must be negative, neutral or positive")],
    ("social_mentions", "label_source"): [pa.Check.isin(["person", "model", "lexicon"],
                                                        error="label_source must be person, model or lexicon")],
    ("social_mentions", "language"): [pa.Check.str_matches(r"^[A-Za-z]{2}(?:[-_][A-Za-z0-9]+)?$",
                                                           error="language must be an ISO 639-1 code such as uk or "
                                                                 "en (a region after it, as in en-US, is dropped)")],
}


@dataclass(frozen=True)
class TimeWindow:
    """The times a run accepts: from ``earliest`` to its clock plus ``days_ahead``, or plus ``planned_days_ahead``
    for a date a plan sets (a column marked ``planned`` in the schema: promised_at, due_at, expected_at).

    One mistyped year outside it once moved an incremental cursor to 9999 (every later run read nothing), the
    freshness and the app's default period; a value outside is rejected with its row and moves no cursor. A source
    config may move the bounds with its ``timestamps`` key (docs/sources.md).
    """

    clock: datetime
    earliest: date = date(1900, 1, 1)
    days_ahead: float = 1.0
    planned_days_ahead: float = 1827.0  # five years: invoices due, deliveries promised, purchase orders expected

    def latest(self, planned: bool = False) -> pd.Timestamp:
        """The latest time accepted, for a planned date when ``planned``."""
        return pd.Timestamp(self.clock) + pd.Timedelta(days=self.planned_days_ahead if planned else self.days_ahead)

    def holds(self, stamps: pd.Series, planned: bool = False) -> pd.Series:
        """True where a time lies inside the window or is missing."""
        wall = _wall_time(stamps)
        return wall.isna() | ((wall >= pd.Timestamp(self.earliest)) & (wall <= self.latest(planned)))

    def reasons(self, stamps: pd.Series, column) -> pd.Series | None:
        """Reasons for the column's times outside the window, each saying what to do; None when all hold."""
        planned = bool(column.info.get("planned"))
        outside = ~self.holds(stamps, planned)
        if not outside.any():
            return None
        late = _wall_time(stamps) > self.latest(planned)
        key = "planned_days_ahead" if planned else "days_ahead"
        days = self.planned_days_ahead if planned else self.days_ahead
        after = (f"lies after {self.latest(planned):%Y-%m-%d %H:%M}, {'a day' if days == 1 else f'{days:,g} days'} "
                 f"past the run's clock: correct it in the source, or raise `timestamps.{key}` in the source config")
        before = (f"lies before {self.earliest:%Y-%m-%d}: correct it in the source, or set an earlier "
                  "`timestamps.earliest` in the source config")
        return pd.Series([f"{column.name}: {value} {after if is_late else before} (docs/sources.md)"
                          for value, is_late in zip(stamps[outside], late[outside])], index=stamps.index[outside])


def _wall_time(stamps: pd.Series) -> pd.Series:
    """Times as naive wall-clock time (a zone-aware column read through SQL keeps its own zone's time)."""
    return stamps.dt.tz_localize(None) if stamps.dt.tz is not None else stamps


@dataclass
class Validated:
    """A table split into rows to load and rows to reject (index -> reason)."""

    accepted: pd.DataFrame
    reasons: pd.Series  # index of the rejected rows -> "reason; reason"


def conform(raw: pd.DataFrame, table: Table, window: TimeWindow | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """Cast the columns to the table's types; returns the typed frame and the reasons of values that did not cast
    or lie beyond what the warehouse holds (times outside ``window``, by default one clocked now)."""
    window = window or TimeWindow(datetime.now())
    typed, problems = pd.DataFrame(index=raw.index), []
    for column in table.columns:
        values = raw[column.name] if column.name in raw else pd.Series(None, index=raw.index, dtype=object)
        if is_key(column):
            values = normal_keys(values)
        cast = _cast(values, column.type)
        failed = values.notna() & cast.isna()
        if failed.any():
            label = _type_label(column.type)
            problems.append(values[failed].map(lambda v, n=column.name, t=label: f"{n}: cannot read {v!r} as {t}"))
        out_of_bounds = _beyond_limits(cast, column, window)
        if out_of_bounds is not None:
            problems.append(out_of_bounds)
        typed[column.name] = cast
    return typed, _join_reasons(problems)


def is_key(column) -> bool:
    """Whether a column holds keys: text that is a primary key, a foreign key or named *_id."""
    return isinstance(column.type, String) and bool(column.primary_key or column.foreign_keys
                                                     or column.name.endswith("_id"))


def normal_keys(values: pd.Series) -> pd.Series:
    """Keys as text with integer-valued floats written as whole numbers (1401.0 and '1401.0' -> '1401')."""
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values == np.round(values))
        text = values.astype(object).where(values.notna()).map(repr, na_action="ignore")
        return text.where(~whole, values[whole].astype("int64").astype(str))
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("floating", "mixed-integer-float", "mixed"):
        values = values.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else v,
                            na_action="ignore")
    elif kind not in ("string", "empty"):
        return values
    text = values if kind == "string" else values.where(values.isna(), values.astype(str))
    dotted = text.str.contains(".0", regex=False).fillna(False).astype(bool)  # fast: most keys have no dot
    if not dotted.any():
        return text
    return text.where(~dotted, text[dotted].str.replace(KEY_FLOAT, r"\1", regex=True))


def _beyond_limits(cast: pd.Series, column, window: TimeWindow) -> pd.Series | None:
    """Reasons for values the warehouse cannot hold faithfully: too long, NUL bytes, infinite or absurd numbers,
    times outside the run's window."""
    name, sql_type = column.name, column.type
    if isinstance(sql_type, (DateTime, Date)):
        return window.reasons(cast, column)
    if isinstance(sql_type, Float):
        bad = cast.notna() & ~(cast.abs() <= LARGEST_NUMBER)
        reason = f"{name}: {{!r}} is not a finite number within +-1e15: fix the value in the source"
    elif isinstance(sql_type, Integer):
        bad = cast.notna() & (cast.abs() > LARGEST_INTEGER)
        reason = f"{name}: {{!r}} is beyond the largest whole number the warehouse holds ({LARGEST_INTEGER:,})"
    elif isinstance(sql_type, (String, Text)) and (pd.api.types.is_string_dtype(cast) or cast.dtype == object):
        return _text_beyond_limits(cast, name, getattr(sql_type, "length", None))
    else:
        return None
    return cast[bad].map(reason.format) if bad.any() else None


def _text_beyond_limits(values: pd.Series, name: str, length: int | None) -> pd.Series | None:
    """Reasons for text with a NUL byte or longer than the column holds: one pass in Arrow over the column, and a
    row-by-row look only when it finds one."""
    text = pyarrow.array(values if pd.api.types.is_string_dtype(values) else values.where(
        values.isna(), values.astype(str)), type=pyarrow.string(), from_pandas=True)
    nul = _flags(pyarrow.compute.match_substring(text, "\x00"))
    long = _flags(pyarrow.compute.greater(pyarrow.compute.utf8_length(text), length)) & ~nul if length else nul & False
    if not nul.any() and not long.any():
        return None
    reasons = pd.Series(f"{name}: contains a NUL byte (\\x00), which no database column holds: remove it",
                        index=values.index)[nul]
    return pd.concat([reasons, values[long].astype(str).map(
        lambda v: f"{name}: {v[:20]!r}... is {len(v):,} characters, longer than the {length} the column holds")])


def _flags(mask: pyarrow.Array) -> np.ndarray:
    """An Arrow boolean array as numpy booleans, missing as False."""
    return pyarrow.compute.fill_null(mask, False).to_numpy(zero_copy_only=False)


def _cast(values: pd.Series, sql_type) -> pd.Series:
    if isinstance(sql_type, (Float, Integer)):
        number = values if pd.api.types.is_numeric_dtype(values) and values.dtype != bool else to_number(
            values, pyarrow.int64() if isinstance(sql_type, Integer) else pyarrow.float64())
        if isinstance(sql_type, Integer):
            return number.where(number.isna() | (number == np.round(number))).astype("Int64")
        return number.astype(float)
    if isinstance(sql_type, (DateTime, Date)):
        stamps = values if pd.api.types.is_datetime64_any_dtype(values) else pd.to_datetime(
            values, errors="coerce", format="mixed")
        return stamps.dt.normalize() if isinstance(sql_type, Date) else stamps
    if isinstance(sql_type, Boolean):
        return values.map(_to_bool, na_action="ignore").astype(object)
    if pd.api.types.is_string_dtype(values):
        return values
    return values.astype(str).where(values.notna())


def to_number(values: pd.Series, arrow_type: pyarrow.DataType = pyarrow.float64()) -> pd.Series:
    """Values as numbers, missing where unreadable: Arrow's cast when every value reads as ``arrow_type`` (the
    common case, many times faster), pandas' parser when some do not (so each bad value is found and reported)."""
    try:
        parsed = pyarrow.compute.cast(pyarrow.array(values, from_pandas=True), arrow_type)
    except (pyarrow.ArrowInvalid, pyarrow.ArrowNotImplementedError, pyarrow.ArrowTypeError):
        return pd.to_numeric(values, errors="coerce")
    exact = {pyarrow.int64(): pd.Int64Dtype()}.get  # whole numbers stay exact (no float64 rounding of big ids)
    return parsed.to_pandas(types_mapper=exact).set_axis(values.index)


def _to_bool(value) -> bool | None:
    text = str(value).strip().lower()
    return {"true": True, "1": True, "yes": True, "t": True, "false": False, "0": False, "no": False,
            "f": False, "1.0": True, "0.0": False}.get(text)


def _type_label(sql_type) -> str:
    if isinstance(sql_type, Integer):
        return "a whole number"
    if isinstance(sql_type, Float):
        return "a number"
    if isinstance(sql_type, Date):
        return "a date"
    if isinstance(sql_type, DateTime):
        return "a timestamp"
    return "true/false" if isinstance(sql_type, Boolean) else "text"


def check(typed: pd.DataFrame, table: Table, parent_keys: dict[str, pd.Index]) -> Validated:
    """Run the schema's and the business rules' checks on a typed table, all rows at once."""
    schema = _schema(table, parent_keys)
    try:
        schema.validate(typed, lazy=True)
        return Validated(typed, pd.Series(dtype=object))
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases.dropna(subset=["index"])
        reasons = _readable(cases, table).groupby(cases["index"].astype(int)).agg(_unique_join)
        return Validated(typed.drop(index=reasons.index), reasons)


def _schema(table: Table, parent_keys: dict[str, pd.Index]) -> pa.DataFrameSchema:
    columns = {}
    for column in table.columns:
        rules = list(RULES.get((table.name, column.name), []))
        for fk in column.foreign_keys:
            keys = pyarrow.array(parent_keys[fk.column.table.name].to_numpy(dtype=object), type=pyarrow.string())
            rules.append(pa.Check(lambda s, k=keys: _known(s, k),
                                  error=f"{column.name} must be a known {fk.column.table.name} key"))
        nullable = column.nullable and not column.primary_key
        columns[column.name] = pa.Column(nullable=nullable, checks=rules, coerce=False)
    return pa.DataFrameSchema(columns, unique=primary_key(table), report_duplicates="exclude_first")


def _known(values: pd.Series, keys: pyarrow.Array) -> pd.Series:
    """True where the value is empty or one of the keys (Arrow's hash lookup: fast on millions of rows)."""
    found = pyarrow.compute.is_in(pyarrow.array(values, type=pyarrow.string(), from_pandas=True), value_set=keys)
    return values.isna() | found.to_numpy(zero_copy_only=False)


def _readable(cases: pd.DataFrame, table: Table) -> pd.Series:
    key = ", ".join(primary_key(table))
    messages = []
    for column, check_name, value in zip(cases["column"], cases["check"], cases["failure_case"]):
        if check_name == "not_nullable":
            messages.append(f"{column} is empty")
        elif check_name == "multiple_fields_uniqueness" or check_name == "field_uniqueness":
            messages.append(f"duplicate key ({key}); the first row with this key was kept")
        else:
            messages.append(f"{check_name}, got {value!r}")
    return pd.Series(messages, index=cases.index)


def _unique_join(reasons: pd.Series) -> str:
    return "; ".join(dict.fromkeys(reasons))


def _join_reasons(parts: list[pd.Series]) -> pd.Series:
    if not parts:
        return pd.Series(dtype=object)
    combined = pd.concat(parts)
    return combined.groupby(level=0).agg(_unique_join)


def validate(raw: pd.DataFrame, table: Table, parent_keys: dict[str, pd.Index],
             window: TimeWindow | None = None) -> Validated:
    """Cast and check a raw table; a row that fails to cast is rejected with that reason and not checked further."""
    typed, cast_reasons = conform(raw, table, window)
    result = check(typed.drop(index=cast_reasons.index), table, parent_keys)
    reasons = pd.concat([cast_reasons, result.reasons]).sort_index()
    return Validated(result.accepted, reasons)
