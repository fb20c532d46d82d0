"""Sources: where canonical tables come from. A source extracts raw tables; the pipeline does the rest.

A source says whether it is a full snapshot (``replace``: the warehouse's canonical tables are emptied and
reloaded) or a feed of changes (upserted on each table's primary key).
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import pandas as pd

REJECTED_COLUMNS = ["source_ref", "reason", "payload"]


def payloads(frame: pd.DataFrame) -> list[str]:
    """Each row's original values as a JSON object, for rejected_rows.payload."""
    if frame.empty:
        return []
    return frame.to_json(orient="records", lines=True, date_format="iso", default_handler=str).splitlines()


@dataclass
class RawTable:
    """One canonical table as the source holds it, before casting and checks.

    ``rejected`` holds rows the source itself turned away (its row rules, exact duplicates, unreadable
    dates); they count as read and rejected for this table like rows that fail validation.
    """

    frame: pd.DataFrame
    origin: str  # a file name, a query or "demo", named in rejected rows
    first_line: int = 1  # the line number of the frame's first row (2 for a CSV with a header)
    locate: Callable[[Hashable], str] | None = None  # frame index label -> "file:line", when rows keep theirs
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTED_COLUMNS))
    on_conflict: str = "update"  # upserts: "update" the row already loaded with the same key, or "keep" it
    detect_deletes: bool = False  # the frame holds every row the source still has (since ``since``, when set)
    since: object = None  # pd.Timestamp: an incremental input's previous cursor; only rows from then on are compared
    deleted: pd.DataFrame | None = None  # the table's key columns of rows the source marks deleted (a soft delete)

    def source_ref(self, label: Hashable) -> str:
        """Where the row with this index label came from, for rejected_rows."""
        if self.locate is not None:
            return self.locate(label)
        return f"{self.origin}:{int(label) + self.first_line}"

    @property
    def rows_read(self) -> int:
        """Rows read for this table, including those the source rejected itself."""
        return len(self.frame) + len(self.rejected)


@dataclass
class FrameSource:
    """Tables already in memory as DataFrames, keyed by canonical table name."""

    name: str
    frames: dict[str, pd.DataFrame]
    replace: bool = False
    currency: str | None = None
    origins: dict[str, str] = field(default_factory=dict)

    def extract(self) -> dict[str, RawTable]:
        """Every table the source holds, with a fresh 0..n-1 index."""
        return {
            table: RawTable(frame.reset_index(drop=True), self.origins.get(table, f"{self.name}/{table}"))
            for table, frame in self.frames.items()
        }
