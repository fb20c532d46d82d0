"""The source config (YAML): what every key means, checked before anything is read or written.

See docs/sources.md for the full reference with a complete example.
"""

import os
import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from etl.configcheck import explain
from etl.errors import EtlError
from etl.sources.readonly import check_sql_input
from etl.yamlfile import load_yaml

PLACEHOLDER = re.compile(r"\$\{(env:)?(\w+)\}")  # ${NAME}: a variable; ${env:NAME}: the environment's


class Strict(BaseModel):
    """Unknown keys are mistakes, not extensions."""

    model_config = ConfigDict(extra="forbid")


class Condition(Strict):
    """A test on one column of a row; several tests in one condition must all hold."""

    column: str
    equals: Any = None
    is_in: list[Any] | None = Field(None, alias="in")
    startswith: str | list[str] | None = None
    not_startswith: str | list[str] | None = None
    contains: str | list[str] | None = None  # case-insensitive, any of
    matches: str | None = None  # a regular expression, searched
    empty: bool | None = None
    less_than: float | None = None
    greater_than: float | None = None


class Rule(Strict):
    """A row-level rule: when every condition holds, reject the row with the reason."""

    when: list[Condition]
    reason: str


class Case(Strict):
    """One branch of a derived value: when every condition holds, the value is ``then``."""

    when: list[Condition]
    then: Any


class ColumnSpec(Strict):
    """How one warehouse column is made from the input row."""

    column: str | None = None  # rename: take this source column
    value: Any = None  # a constant
    template: str | None = None  # "{Col1}-{Col2}": a text built from source columns
    cases: list[Case] | None = None  # derived: the first case that holds wins, else ``default``
    map: dict[str, Any] | None = None  # value map applied to the column's text
    otherwise: str | None = None  # a source column whose value is used where this one is empty
    default: Any = None  # the value where nothing else gave one (a map or cases that find nothing, an empty value)
    id: bool = False  # an identifier: '17850.0' -> '17850', surrounding blanks removed
    format: str | None = None  # a date/time format (strftime codes) for the source text
    sequence_within: list[str] | None = None  # 1, 2, 3, ... within each group of these source columns
    strip: bool = True
    extract: str | None = None  # a regular expression: the value is its first group (no match: empty)
    empty_when: list[Condition] | None = None  # the value is empty where these conditions hold
    timezone: str | None = None  # with a format reading an offset (%z): convert to this zone, keep local time

    @model_validator(mode="after")
    def one_source(self) -> "ColumnSpec":
        chosen = [k for k in ("column", "value", "template", "cases", "sequence_within")
                  if getattr(self, k) not in (None, [])]
        if len(chosen) != 1 and not (chosen == [] and self.value is None and self.default is not None):
            raise ValueError("give exactly one of column, value, template, cases or sequence_within")
        return self


class FileInput(Strict):
    """Rows from CSV, TSV or XLSX files (one file or a glob), read as text."""

    path: str  # relative to the data folder; may be a glob such as exports/orders-*.csv
    format: Literal["csv", "tsv", "xlsx"] | None = None  # default: from the file extension
    encoding: str = "utf-8-sig"  # utf-8-sig also reads files without a byte-order mark
    delimiter: str | None = None  # default: ',' for csv, tab for tsv
    decimal: Literal[".", ","] = "."
    sheet: str | int = 0  # xlsx only
    null_values: list[str] = Field(default_factory=lambda: ["", "NULL", "null", "NA", "N/A"])
    skip_rows: int = 0


class SqlInput(Strict):
    """Rows from one SELECT against PostgreSQL, MySQL/MariaDB or SQLite, read-only (etl/sources/readonly.py)."""

    url: str
    query: str


class Join(Strict):
    """Rows of one input with the matching columns of another (a many-to-one left join)."""

    left: str
    right: str
    columns: list[str]  # the matching columns (not "on": YAML reads a bare on as true)
    right_columns: list[str] | None = None  # when the right input names them differently


class Input(Strict):
    """A named input: files, a query, or a join of two inputs, with its own row rules."""

    files: FileInput | None = None
    sql: SqlInput | None = None
    join: Join | None = None
    cursor: str | None = None  # incremental: only rows whose cursor column is >= the last loaded value
    cursor_format: str | None = None  # how to read the cursor column when it is a date/time
    drop_exact_duplicates: bool = False  # reject rows identical to an earlier row, with the reason
    reject: list[Rule] = Field(default_factory=list)
    table: str | None = None  # the warehouse table its rejected rows are counted against
    deletes: Literal["detect"] | None = None  # detect: a loaded row whose key the input no longer gives is deleted
    deleted_when: list[Condition] | None = None  # a soft delete: rows where these hold are deleted, not loaded

    @model_validator(mode="after")
    def one_kind(self) -> "Input":
        if sum(x is not None for x in (self.files, self.sql, self.join)) != 1:
            raise ValueError("give exactly one of files, sql or join")
        if (self.reject or self.drop_exact_duplicates) and not self.table:
            raise ValueError("an input with reject rules or drop_exact_duplicates needs 'table': the warehouse "
                             "table its rejected rows are counted against")
        return self


class TableSpec(Strict):
    """One warehouse table: from an input (optionally one row per key) or from rows written in the config."""

    input: str | None = None  # the name of an input
    rows: list[dict[str, Any]] | None = None  # constant rows (a small dimension written in the config)
    distinct_on: list[str] | None = None  # source columns: keep the first row of each group
    where: list[Condition] | None = None  # keep only rows where every condition holds (others belong elsewhere)
    columns: dict[str, str | ColumnSpec] = Field(default_factory=dict)
    on_conflict: Literal["update", "keep"] = "update"  # what an upsert does with a key already loaded

    @model_validator(mode="after")
    def one_origin(self) -> "TableSpec":
        if (self.input is None) == (self.rows is None):
            raise ValueError("give exactly one of input or rows")
        return self


class Timestamps(Strict):
    """The source's plausible times, where it needs other bounds than etl.validate.TimeWindow's defaults."""

    earliest: date | None = None  # default 1900-01-01
    days_ahead: float | None = Field(None, ge=0)  # past the run's clock; default 1
    planned_days_ahead: float | None = Field(None, ge=0)  # promised_at, due_at, expected_at; default 1827


class SourceConfig(Strict):
    """A whole source config file."""

    name: str
    description: str = ""
    currency: str | None = None
    mode: Literal["upsert", "replace"] = "upsert"
    variables: dict[str, str] = Field(default_factory=dict)  # defaults for {placeholders}; --var overrides
    inputs: dict[str, Input] = Field(default_factory=dict)
    tables: dict[str, TableSpec | list[TableSpec]]  # a list: the table is the union of several specs
    timestamps: Timestamps = Field(default_factory=Timestamps)  # a time outside rejects its row


def read_config(path: Path, variables: dict[str, str]) -> SourceConfig:
    """Parse and check a config file; placeholders like ${data_dir} are filled from ``variables`` (over the
    file's own) and ${env:NAME} from the environment."""
    if not path.exists():
        raise EtlError(f"The source config {path} does not exist: check the path given to --source.")
    raw = load_yaml(path)
    try:
        config = SourceConfig.model_validate(raw)
        known = {**config.variables, **variables}
        config = SourceConfig.model_validate(_fill(raw, known, path))  # a filled placeholder can be wrong too
    except ValidationError as error:
        raise EtlError(explain(error, SourceConfig, path, "docs/sources.md")) from None
    for name, spec in config.inputs.items():
        if spec.sql is not None:
            check_sql_input(f"{path}: inputs.{name}", spec.sql.url, spec.sql.query)
    return config


def _fill(value: Any, variables: dict[str, str], path: Path) -> Any:
    """The value with every ${NAME} placeholder (a variable) and ${env:NAME} (an environment variable) filled."""
    if isinstance(value, dict):
        return {k: _fill(v, variables, path) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, variables, path) for v in value]
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda match: _placeholder(match, variables, path), value)
    return value


def _placeholder(match: re.Match, variables: dict[str, str], path: Path) -> str:
    """One placeholder's value; a variable's own value may hold placeholders too (never itself)."""
    from_environment, name = match.groups()
    if from_environment:
        if name not in os.environ:
            raise EtlError(f"{_line_of(path, match.group())}: the environment variable {name} is not set: set it in "
                           f"the environment the ETL runs in ({name}=... before the command, or the service's "
                           "settings).")
        return os.environ[name]  # from the environment, so a password never stands on the command line
    if name not in variables:
        raise EtlError(f"{_line_of(path, match.group())}: the placeholder ${{{name}}} has no value: define it under "
                       f"'variables' or pass --var {name}=...")
    return _fill(variables[name], {k: v for k, v in variables.items() if k != name}, path)


def _line_of(path: Path, placeholder: str) -> str:
    """'PATH at line N' for the first line that holds the placeholder; PATH alone when none does (a --var)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if placeholder in line:
            return f"{path} at line {number}"
    return str(path)
