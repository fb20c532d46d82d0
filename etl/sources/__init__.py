"""Sources: where canonical tables come from. A source extracts raw tables; the pipeline does the rest.

A source says whether it is a full snapshot (``replace``: the warehouse's canonical tables are emptied and
reloaded) or a feed of changes (upserted on each table's primary key).
"""

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class RawTable:
    """One canonical table as the source holds it, before casting and checks."""

    frame: pd.DataFrame
    origin: str  # a file name, a query or "demo", named in rejected rows
    first_line: int = 1  # the line number of the frame's first row (2 for a CSV with a header)

    def source_ref(self, position: int) -> str:
        """Where the row at ``position`` came from, for rejected_rows."""
        return f"{self.origin}:{position + self.first_line}"


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
