"""Mapping source rows onto a warehouse table: renames, constants, templates, value maps, derived values.

Everything here is vectorised over whole columns; the only per-row Python is in ``template``.
"""

import string
import warnings
import zoneinfo

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute
from sqlalchemy import Float, Integer, Table

from etl.errors import EtlError
from etl.sources.config import ColumnSpec, Condition, TableSpec
from etl.validate import to_number

FORMAT_SAMPLE = 10
"""A date format that reads none of at least this many values is a config mistake (the run stops); fewer
unreadable values (one new row of an incremental run) are rejected row by row."""


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def condition_mask(frame: pd.DataFrame, condition: Condition) -> pd.Series:
    """Rows where every test of the condition holds."""
    values = frame[condition.column]
    text = values.fillna("").astype(str)
    mask = pd.Series(True, index=frame.index)
    if condition.equals is not None:
        mask &= text == str(condition.equals)
    if condition.is_in is not None:
        mask &= text.isin([str(v) for v in condition.is_in])
    if condition.startswith is not None:
        mask &= text.str.startswith(tuple(_as_list(condition.startswith)))
    if condition.not_startswith is not None:
        mask &= ~text.str.startswith(tuple(_as_list(condition.not_startswith)))
    if condition.contains is not None:
        upper = text.str.upper()
        mask &= np.logical_or.reduce([upper.str.contains(w.upper(), regex=False) for w in _as_list(condition.contains)])
    if condition.matches is not None:
        with warnings.catch_warnings():  # a pattern with groups is fine here: only whether it matches counts
            warnings.filterwarnings("ignore", "This pattern is interpreted as a regular expression", UserWarning)
            mask &= text.str.contains(condition.matches, regex=True)
    if condition.empty is not None:
        mask &= values.isna() == condition.empty
    if condition.less_than is not None or condition.greater_than is not None:
        number = to_number(values)
        if condition.less_than is not None:
            mask &= number < condition.less_than
        if condition.greater_than is not None:
            mask &= number > condition.greater_than
    return mask


def all_hold(frame: pd.DataFrame, conditions: list[Condition]) -> pd.Series:
    """Rows where every condition holds."""
    mask = pd.Series(True, index=frame.index)
    for condition in conditions:
        mask &= condition_mask(frame, condition)
    return mask


def referenced_columns(spec: TableSpec) -> list[tuple[str, str]]:
    """(config key, source column) for every source column the table spec uses."""
    found = [(f"distinct_on[{i}]", c) for i, c in enumerate(spec.distinct_on or [])]
    found += [(f"where[{i}].column", c.column) for i, c in enumerate(spec.where or [])]
    for name, column in spec.columns.items():
        column = ColumnSpec(column=column) if isinstance(column, str) else column
        key = f"columns.{name}"
        found += [(f"{key}.{k}", getattr(column, k)) for k in ("column", "otherwise") if getattr(column, k)]
        found += [(f"{key}.sequence_within", c) for c in column.sequence_within or []]
        found += [(f"{key}.cases.when.column", cond.column) for case in column.cases or [] for cond in case.when]
        found += [(f"{key}.empty_when.column", cond.column) for cond in column.empty_when or []]
        if column.template:
            found += [(f"{key}.template", field) for _, field, _, _ in string.Formatter().parse(column.template)
                      if field]
    return found


def _derived(frame: pd.DataFrame, spec: ColumnSpec) -> pd.Series:
    """A column's values before transforming: a source column, a template, cases or a sequence number."""
    if spec.column is not None:
        return frame[spec.column]
    if spec.template is not None:
        return pd.Series([spec.template.format(**row) for row in frame.fillna("").to_dict("records")],
                         index=frame.index, dtype=object)
    if spec.cases is not None:
        values = pd.Series(spec.default, index=frame.index, dtype=object)
        decided = pd.Series(False, index=frame.index)
        for case in spec.cases:
            hit = all_hold(frame, case.when) & ~decided
            values[hit] = case.then
            decided |= hit
        return values
    return frame.groupby(spec.sequence_within, sort=False, dropna=False).cumcount() + 1


def _column(frame: pd.DataFrame, name: str, spec: ColumnSpec, target, decimals: dict[str, str],
            where: str) -> tuple[pd.Series, pd.Series]:
    """The column's values, and a reason for each row whose value could not be read."""
    if spec.column is None and spec.template is None and spec.cases is None and spec.sequence_within is None:
        constant = _transform(pd.Series([spec.value if spec.value is not None else spec.default], dtype=object),
                              spec, target, ".")  # transformed once, then repeated
        values = pd.Series(constant.iloc[0], index=frame.index, dtype=constant.dtype)
    else:
        values = _transform(_derived(frame, spec), spec, target, decimals.get(spec.column, "."))
    if spec.otherwise is not None:
        values = values.where(values.notna(), _transform(frame[spec.otherwise], spec, target,
                                                         decimals.get(spec.otherwise, ".")))
    if spec.default is not None:
        values = values.where(values.notna(), spec.default)
    if spec.empty_when:
        values = values.where(~all_hold(frame, spec.empty_when))
    if spec.format is None:
        return values, pd.Series(dtype=object)
    if spec.timezone is not None and spec.timezone not in zoneinfo.available_timezones():
        raise EtlError(f"{where}: key 'columns.{name}.timezone' ({spec.timezone}) is not a time zone: use an IANA "
                       "name such as America/New_York or Europe/London.")
    try:
        parsed = pd.to_datetime(values, format=spec.format, errors="coerce", utc=spec.timezone is not None)
        if spec.timezone is not None:  # offsets differ from row to row: one zone's local time, as the warehouse keeps
            parsed = parsed.dt.tz_convert(spec.timezone).dt.tz_localize(None)
    except ValueError as error:
        raise EtlError(f"{where}: key 'columns.{name}.format' ({spec.format}) is not a usable date format "
                       f"({error}): use strftime codes such as %Y-%m-%d %H:%M:%S.") from None
    failed = values.notna() & parsed.isna()
    if failed.sum() >= FORMAT_SAMPLE and failed.sum() == values.notna().sum():
        source = f" (column '{spec.column}')" if spec.column else ""
        raise EtlError(f"{where}: key 'columns.{name}.format' ({spec.format}) reads none of the values{source}, "
                       f"such as {values[failed].iloc[0]!r}: fix the format.")
    reasons = values[failed].map(lambda v: f"{name}: cannot read {v!r} with the date format {spec.format}")
    return parsed, reasons


def _transform(values: pd.Series, spec: ColumnSpec, target, decimal: str) -> pd.Series:
    if spec.strip and (pd.api.types.is_string_dtype(values) or values.dtype == object):
        values = values.where(values.isna(), values.astype(str).str.strip()).replace("", np.nan)
    if spec.id:
        values = values.where(values.isna(), values.astype(str).str.replace(r"\.0+$", "", regex=True))
    if spec.extract is not None:
        values = values.astype(object).where(values.isna(), values.astype(str).str.extract(spec.extract, expand=False))
    if spec.map is not None:
        mapped = values.astype(object).map(lambda v: spec.map.get(str(v), spec.map.get(v)) if pd.notna(v) else None)
        fallback = values if spec.default is None else pd.Series(spec.default, index=values.index, dtype=object)
        values = mapped.where(mapped.notna(), fallback)
    if isinstance(target, (Float, Integer)) and (values.dtype == object or pd.api.types.is_string_dtype(values)):
        values = _number_text(values, decimal)
    return values


def _number_text(values: pd.Series, decimal: str) -> pd.Series:
    """Numbers as text without blanks (and with '.' as the decimal mark); Arrow's kernels, not a Python loop."""
    text = pyarrow.array(values.where(values.isna(), values.astype(str)), type=pyarrow.string(), from_pandas=True)
    text = pyarrow.compute.utf8_trim_whitespace(text)
    if pyarrow.compute.any(pyarrow.compute.match_substring_regex(text, r"\s")).as_py():  # "1 234": rare
        text = pyarrow.compute.replace_substring_regex(text, pattern=r"\s", replacement="")
    if decimal == ",":
        text = pyarrow.compute.replace_substring(pyarrow.compute.replace_substring(text, ".", ""), ",", ".")
    return pd.Series(pd.array(text, dtype="str"), index=values.index)


def _kept(frame: pd.DataFrame, spec: TableSpec) -> pd.Series:
    """Rows that pass ``where`` and come first among those of their ``distinct_on`` key: one mask, so the wide
    frame is filtered once (only the key columns are taken to find the repeats)."""
    keep = all_hold(frame, spec.where) if spec.where else pd.Series(True, index=frame.index)
    if spec.distinct_on:
        first = ~frame.loc[keep, spec.distinct_on].duplicated(keep="first")
        keep = first.reindex(frame.index, fill_value=False)
    return keep


def map_table(frame: pd.DataFrame, spec: TableSpec, table: Table, decimals: dict[str, str],
              where: str) -> tuple[pd.DataFrame, pd.Series]:
    """The input rows (after ``where`` and ``distinct_on``) as the table's columns, the index kept; and the
    reasons of rows whose values could not be read (a date not in its format). ``decimals`` gives each source
    column's decimal mark (columns not named use '.')."""
    missing = [(key, column) for key, column in referenced_columns(spec) if column not in frame.columns]
    if missing:
        key, column = missing[0]
        raise EtlError(f"{where}: key '{key}' names the column '{column}', which the input does not have "
                       f"(it has: {', '.join(map(str, frame.columns))}): fix the column name.")
    unknown = [name for name in spec.columns if name not in table.columns]
    if unknown:
        raise EtlError(f"{where}: key 'columns.{unknown[0]}' is not a column of the warehouse table {table.name} "
                       f"(it has: {', '.join(c.name for c in table.columns)}).")
    frame = frame[_kept(frame, spec)]
    out, problems = pd.DataFrame(index=frame.index), []
    for name, column in spec.columns.items():
        column = ColumnSpec(column=column) if isinstance(column, str) else column
        out[name], reasons = _column(frame, name, column, table.c[name].type, decimals, where)
        problems.append(reasons)
    reasons = pd.concat(problems) if problems else pd.Series(dtype=object)
    return out, reasons.groupby(level=0).agg("; ".join) if len(reasons) else reasons
