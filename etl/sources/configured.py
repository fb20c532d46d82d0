"""A source described by a YAML config: inputs (files or SQL queries) mapped onto warehouse tables.

Everything is read and mapped in ``extract``, before the pipeline opens its write transaction, so a config
mistake (a missing file, an unknown column, a bad URL) stops the run before anything is written.
"""

import glob
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from etl.errors import EtlError
from etl.schema import metadata, primary_key
from etl.sources import REJECTED_COLUMNS, RawTable, payloads
from etl.sources.config import FileInput, Input, read_config
from etl.sources.mapping import FORMAT_SAMPLE, all_hold, map_table
from etl.sources.readonly import read_query
from etl.validate import TimeWindow


@dataclass
class InputRows:
    """An input's rows as read (index = position), where each came from, and the rows its rules rejected."""

    frame: pd.DataFrame
    files: np.ndarray  # file name of each row
    lines: np.ndarray  # line number of each row in its file
    rejected: pd.DataFrame  # source_ref, reason, payload
    decimals: dict[str, str] = field(default_factory=dict)  # column -> its decimal mark, where not '.'

    def locate(self, label) -> str:
        """'file:line' of the row with this index label."""
        return f"{self.files[label]}:{self.lines[label]}"


class ConfigSource:
    """Tables from a source config file (see docs/sources.md)."""

    def __init__(self, path: Path, data_dir: Path | None = None, variables: dict[str, str] | None = None,
                 cursors: dict[str, str] | None = None):
        self.path = Path(path)
        self.data_dir = Path(data_dir) if data_dir else self.path.parent
        self.config = read_config(self.path, {"data_dir": str(self.data_dir), **(variables or {})})
        self.name, self.currency = self.config.name, self.config.currency
        self.replace = self.config.mode == "replace"
        self.window = TimeWindow(datetime.now(), **self.config.timestamps.model_dump(exclude_none=True))
        self.previous_cursors = cursors or {}
        self.new_cursors: dict[str, str] = {}

    def extract(self) -> dict[str, RawTable]:
        """Read every input, apply its rules, and map each table."""
        unknown = [t for t in self.config.tables if t not in metadata.tables]
        if unknown:
            raise EtlError(f"{self.path}: key 'tables.{unknown[0]}' is not a warehouse table: use one of the "
                           "canonical tables (docs/architecture.md).")
        inputs: dict[str, InputRows] = {}
        for name in self._input_order():
            inputs[name] = self._read(name, self.config.inputs[name], inputs)
        tables = {}
        for name, specs in self.config.tables.items():
            parts = [self._map(name, f"tables.{name}" + (f"[{i}]" if isinstance(specs, list) else ""), spec, inputs)
                     for i, spec in enumerate(specs if isinstance(specs, list) else [specs])]
            tables[name] = parts[0] if len(parts) == 1 else _union(parts)
        return tables

    def _map(self, name: str, key: str, spec, inputs: dict[str, InputRows]) -> RawTable:
        where = f"{self.path}: {key}"
        if spec.rows is not None:
            return RawTable(pd.DataFrame(spec.rows), f"{self.path.name}:{key}.rows", on_conflict=spec.on_conflict)
        if spec.input not in inputs:
            raise EtlError(f"{where}.input names '{spec.input}', which is not under 'inputs' "
                           f"(known: {', '.join(inputs) or 'none'}).")
        rows, source = inputs[spec.input], self.config.inputs[spec.input]
        where = f"{where} (reading {', '.join(sorted(set(rows.files)))[:200]})"
        mapped, reasons = map_table(rows.frame, spec, metadata.tables[name], rows.decimals, where)
        deleted = None
        if source.deleted_when:  # a soft delete: the row leaves the warehouse instead of being loaded
            gone = all_hold(rows.frame.loc[mapped.index], source.deleted_when)
            deleted = mapped.loc[gone[gone].index, primary_key(metadata.tables[name])]
            mapped = mapped.loc[~gone]
            reasons = reasons[reasons.index.isin(mapped.index)]
        rejected = [rows.rejected] if self.config.inputs[spec.input].table == name else []
        if len(reasons):
            rejected.append(pd.DataFrame({"source_ref": [rows.locate(i) for i in reasons.index],
                                          "reason": reasons.to_numpy(),
                                          "payload": payloads(rows.frame.loc[reasons.index])}))
            mapped = mapped.drop(index=reasons.index)
        return RawTable(mapped, spec.input, locate=rows.locate, on_conflict=spec.on_conflict,
                        rejected=_concat(rejected), detect_deletes=source.deletes == "detect",
                        since=self._previous_cursor(spec.input) if source.cursor else None, deleted=deleted)

    def _input_order(self) -> list[str]:
        """Inputs in an order where each join comes after the inputs it joins."""
        order, visiting = [], set()

        def visit(name: str, via: str) -> None:
            if name not in self.config.inputs:
                raise EtlError(f"{self.path}: {via} names the input '{name}', which is not under 'inputs'.")
            if name in order:
                return
            if name in visiting:
                raise EtlError(f"{self.path}: inputs.{name}.join joins itself in a circle: break the cycle.")
            visiting.add(name)
            join = self.config.inputs[name].join
            if join is not None:
                visit(join.left, f"inputs.{name}.join.left")
                visit(join.right, f"inputs.{name}.join.right")
            order.append(name)

        for name in self.config.inputs:
            visit(name, "inputs")
        return order

    def cursors(self) -> dict[str, str]:
        """The cursor value reached per input in this extract, to be stored with the load."""
        return dict(self.new_cursors)

    def _read(self, name: str, spec: Input, inputs: dict[str, InputRows]) -> InputRows:
        where = f"{self.path}: inputs.{name}"
        decimals = {}
        if spec.join is not None:
            left, right = inputs[spec.join.left], inputs[spec.join.right]
            frame = _join(where, left.frame, right.frame, spec.join)
            files, lines = left.files, left.lines  # a joined row is where its left row came from
            decimals = {**{c: d for c, d in right.decimals.items() if c not in left.frame}, **left.decimals}
        elif spec.files is not None:
            frame, files, lines = self._read_files(where, spec.files)
            decimals = {c: spec.files.decimal for c in frame.columns} if spec.files.decimal != "." else {}
        else:
            frame = read_query(where, spec.sql.url, spec.sql.query)
            files, lines = np.full(len(frame), f"{name} (query)", dtype=object), np.arange(1, len(frame) + 1)
        frame = self._after_cursor(where, name, spec, frame)
        files, lines = files[frame.index], lines[frame.index]
        frame = frame.reset_index(drop=True)
        rows = InputRows(frame, files, lines, pd.DataFrame(columns=REJECTED_COLUMNS), decimals)
        return _apply_rules(rows, spec, where)

    def _read_files(self, where: str, spec: FileInput) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        pattern = spec.path if Path(spec.path).is_absolute() else str(self.data_dir / spec.path)
        paths = sorted(glob.glob(pattern))
        if not paths:
            raise EtlError(f"{where}.files.path: no file matches '{spec.path}' in {self.data_dir}: check "
                           "--data-dir or the path.")
        folder = self.data_dir.resolve()
        outside = [p for p in paths if not Path(p).resolve().is_relative_to(folder)]
        if outside:
            raise EtlError(f"{where}.files.path: '{spec.path}' leads outside the data folder {folder} (to "
                           f"{Path(outside[0]).resolve()}); nothing was read: keep the files inside --data-dir.")
        frames, files, lines = [], [], []
        for path in paths:
            frame = _read_file(where, Path(path), spec)
            frames.append(frame)
            files.append(np.full(len(frame), Path(path).name, dtype=object))
            lines.append(np.arange(len(frame)) + spec.skip_rows + 2)  # line 1 is the header
        columns = frames[0].columns
        for path, frame in zip(paths[1:], frames[1:]):
            if list(frame.columns) != list(columns):
                raise EtlError(f"{where}.files.path: {Path(path).name} has other columns than {Path(paths[0]).name}"
                               ": every file matched by one input must share its header.")
        return pd.concat(frames, ignore_index=True), np.concatenate(files), np.concatenate(lines)

    def _after_cursor(self, where: str, name: str, spec: Input, frame: pd.DataFrame) -> pd.DataFrame:
        if spec.cursor is None:
            return frame
        if spec.cursor not in frame.columns:
            raise EtlError(f"{where}.cursor names the column '{spec.cursor}', which the input does not have "
                           f"(it has: {', '.join(map(str, frame.columns))}).")
        values = pd.to_datetime(frame[spec.cursor], format=spec.cursor_format or "mixed", errors="coerce")
        if values.notna().sum() == 0 and frame[spec.cursor].notna().sum() >= FORMAT_SAMPLE:
            raise EtlError(f"{where}.cursor_format: no value of the column '{spec.cursor}' reads with "
                           f"{spec.cursor_format or 'a date format'}: fix the format.")
        previous = self._previous_cursor(name)
        keep = values.isna() | (values >= previous) if previous is not None else pd.Series(True, index=frame.index)
        reached = values[keep & self.window.holds(values)]  # a time outside the window is rejected: it moves nothing
        if reached.notna().any():
            self.new_cursors[name] = reached.max().isoformat()
        return frame if keep.all() else frame[keep.to_numpy()]

    def _previous_cursor(self, name: str) -> pd.Timestamp | None:
        """Where the input's last load got to; a cursor outside the time window (stored before the window existed)
        is not trusted, so the input is read whole again and upserted."""
        previous = self.previous_cursors.get(name)
        if previous is None:
            return None
        stamp = pd.Series([pd.Timestamp(previous)])
        return stamp.iloc[0] if self.window.holds(stamp).iloc[0] else None


def _format(path: str, spec: FileInput) -> str:
    if spec.format:
        return spec.format
    suffixes = [s.lower() for s in Path(path).suffixes if s.lower() not in {".gz", ".zip", ".bz2", ".xz"}]
    return {".tsv": "tsv", ".tab": "tsv", ".xlsx": "xlsx", ".xls": "xlsx"}.get(suffixes[-1] if suffixes else "", "csv")


def _read_file(where: str, path: Path, spec: FileInput) -> pd.DataFrame:
    kind = _format(str(path), spec)
    try:
        if kind == "xlsx":
            return pd.read_excel(path, sheet_name=spec.sheet, dtype=str, skiprows=spec.skip_rows,
                                 na_values=spec.null_values, keep_default_na=False)
        return _read_text(path, dtype=str, sep=spec.delimiter or ("\t" if kind == "tsv" else ","),
                          encoding=spec.encoding, skiprows=spec.skip_rows, na_values=spec.null_values,
                          keep_default_na=False)
    except UnicodeDecodeError as error:
        raise EtlError(f"{where}.files.encoding: {path.name} is not {spec.encoding} (byte {error.start}): "
                       "set the file's encoding, e.g. latin-1 or cp1252.") from None
    except (pd.errors.ParserError, ValueError) as error:
        raise EtlError(f"{where}.files: {path.name} cannot be read as {kind} ({_brief(error)}): "
                       "check delimiter, quoting and format.") from None
    except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as error:
        raise EtlError(f"{where}.files: {path.name} is corrupt or truncated ({_brief(error)}): copy or export the "
                       "file again.") from None


def _read_text(path: Path, **options) -> pd.DataFrame:
    """A delimited text file through Arrow's reader (several times faster on large files); when Arrow cannot read
    it, through pandas' own parser, whose errors name the line and are reported as such."""
    try:
        return pd.read_csv(path, engine="pyarrow", **options)
    except Exception:  # whatever Arrow stumbles on is read again by the parser that explains it
        return pd.read_csv(path, **options)


def _brief(error: Exception) -> str:
    """The first line of an error, cut short: a parser's message may quote the file, and no more of it is kept."""
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else type(error).__name__)[:160]


def _join(where: str, left: pd.DataFrame, right: pd.DataFrame, join) -> pd.DataFrame:
    right_on = join.right_columns or join.columns
    for side, frame, columns in (("left", left, join.columns), ("right", right, right_on)):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            key = "columns" if side == "left" else "right_columns"
            raise EtlError(f"{where}.join.{key}: the {side} input has no column '{missing[0]}' "
                           f"(it has: {', '.join(map(str, frame.columns))}).")
    if right.duplicated(subset=right_on).any():
        raise EtlError(f"{where}.join: the right input '{join.right}' repeats keys in {', '.join(right_on)}: "
                       "a join must find at most one row per left row.")
    extra = [c for c in right.columns if c not in right_on and c not in left.columns]
    merged = left.merge(right[[*right_on, *extra]], how="left", left_on=join.columns, right_on=right_on,
                        suffixes=("", "_right"))
    merged.index = left.index
    return merged.drop(columns=[c for c in right_on if c not in join.columns and c not in left.columns])


def _union(parts: list[RawTable]) -> RawTable:
    """Several specs for one table: their rows one after the other, each keeping where it came from."""
    refs = [part.source_ref(label) for part in parts for label in part.frame.index]
    frame = pd.concat([part.frame for part in parts], ignore_index=True)
    sinces = [part.since for part in parts]
    deleted = [part.deleted for part in parts if part.deleted is not None]
    return RawTable(frame, parts[0].origin, locate=refs.__getitem__, on_conflict=parts[0].on_conflict,
                    rejected=_concat([part.rejected for part in parts]),
                    detect_deletes=all(part.detect_deletes for part in parts),
                    since=None if None in sinces else min(sinces),
                    deleted=pd.concat(deleted, ignore_index=True) if deleted else None)


def _apply_rules(rows: InputRows, spec: Input, where: str) -> InputRows:
    """Turn away duplicates and rows that a rule rejects; they are recorded with their reason."""
    reasons = pd.Series(index=rows.frame.index, dtype=object)
    if spec.drop_exact_duplicates:
        repeated = rows.frame[rows.frame.duplicated(keep=False)]  # one hash pass; then group only the repeats
        first = repeated.groupby(list(repeated.columns), dropna=False, sort=False).ngroup()
        first_position = pd.Series(repeated.index, index=repeated.index).groupby(first).transform("min")
        duplicate = first_position[first_position != repeated.index]
        reasons[duplicate.index] = [f"exact duplicate of {rows.locate(p)}" for p in duplicate]
    for rule in spec.reject:
        missing = [c.column for c in rule.when if c.column not in rows.frame.columns]
        if missing:
            raise EtlError(f"{where}.reject: the rule '{rule.reason}' names the column '{missing[0]}', which the "
                           f"input does not have (it has: {', '.join(map(str, rows.frame.columns))}).")
        hit = all_hold(rows.frame, rule.when) & reasons.isna()
        reasons[hit] = rule.reason
    turned_away = reasons.dropna()
    if turned_away.empty:
        return rows
    rejected = pd.DataFrame({"source_ref": [rows.locate(i) for i in turned_away.index],
                             "reason": turned_away.to_numpy(),
                             "payload": payloads(rows.frame.loc[turned_away.index])})
    return InputRows(rows.frame[reasons.isna().to_numpy()], rows.files, rows.lines, rejected, rows.decimals)


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=REJECTED_COLUMNS)
