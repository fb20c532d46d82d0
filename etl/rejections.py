"""What the rejected rows of a run amount to: the rule behind each, root causes against rows lost in cascade
through foreign keys, and whether the run should end as a warning.

A row rejected because its parent row was rejected in the same run (an order of a rejected customer) is a
dependent rejection; the root cause is the parent's own reason. A run ends "warning" when rejections cascade
or when validation rejects more than ``WARN_SHARE`` of any table's rows (rows a source config rejects by its
own rules are intended and never count towards it).
"""

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import pandas as pd

from i18n import ngettext

WARN_SHARE = 0.01
UNKNOWN_PARENT = re.compile(r"(\w+) must be a known (\w+) key, got '([^']*)'")
RULE_PATTERNS = [  # reason -> rule: the reason without the row's own values
    (r"^exact duplicate of .*$", "exact duplicate"),
    (r", got .*$", ""),
    (r"^(\w+): cannot read .* with the date format (.*)$", r"\1: not in the date format \2"),
    (r"^(\w+): cannot read .* as (.*)$", r"\1: not readable as \2"),
    (r"^(\w+): .* is not a finite number .*$", r"\1: not a finite number within +-1e15"),
    (r"^(\w+): .* characters, longer than the (\d+) .*$", r"\1: longer than \2 characters"),
    (r"^(\w+): .* is beyond the largest whole number .*$", r"\1: beyond the largest whole number"),
    (r"^(\w+): .* lies after .* past the run's clock: .*$", r"\1: later than the time window"),
    (r"^(\w+): .* lies before .*: correct it .*$", r"\1: earlier than the time window"),
]


def rules_of(reasons: pd.Series) -> pd.Series:
    """The rule behind each reason (its first part, without the row's values), to count rejected rows by."""
    rules = reasons.astype(str).str.split(r"; (?!the first row)", regex=True).str[0]  # a duplicate's reason has "; "
    for pattern, replacement in RULE_PATTERNS:
        rules = rules.str.replace(pattern, replacement, regex=True)
    return rules.str.slice(0, 300)


@dataclass
class TableRejections:
    """One table's rejections: by the source's own rules, by validation as root causes, and in cascade."""

    table: str
    read: int
    by_source: int
    root: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))  # reasons of root rejections
    dependent: int = 0
    locate: Callable[[Hashable], str] = str  # a row's index label -> where it came from ("file:line")


def split(table: str, read: int, by_source: int, reasons: pd.Series, rejected_keys: dict[str, set],
          locate: Callable[[Hashable], str] = str) -> TableRejections:
    """Sort a table's validation reasons into root causes and rows lost because their parent was rejected."""
    found = reasons.astype(str).str.extract(UNKNOWN_PARENT)
    dependent = pd.Series([parent in rejected_keys and value in rejected_keys[parent]
                           for parent, value in zip(found[1], found[2])], index=reasons.index, dtype=bool)
    return TableRejections(table, read, by_source, reasons[~dependent], int(dependent.sum()), locate)


def verdict(tables: list[TableRejections]) -> str | None:
    """None when the run is clean enough; else one line naming the root cause and what it cost."""
    dependent = sum(t.dependent for t in tables)
    heavy = [t for t in tables if len(t.root) > WARN_SHARE * max(t.read, 1)]
    if not dependent and not heavy:
        return None
    worst = max(tables, key=lambda t: len(t.root))
    if not len(worst.root):
        return ngettext("{count} row rejected because a row it refers to was rejected earlier by the source's rules",
                        "{count} rows rejected because rows they refer to were rejected earlier by the source's rules",
                        dependent).format(count=f"{dependent:,}")
    rules = rules_of(worst.root)
    top = rules.value_counts()
    first = worst.root[rules == top.index[0]]
    example = re.split(r"; (?!the first row)", first.iloc[0])[0]
    line = ngettext("{count} {table} row rejected ({top} for: {example}, first at {where})",
                    "{count} {table} rows rejected ({top} for: {example}, first at {where})", len(worst.root)).format(
        count=f"{len(worst.root):,}", table=worst.table, top=f"{top.iloc[0]:,}", example=example,
        where=worst.locate(first.index[0]))
    if dependent:
        cost = ", ".join(f"{t.dependent:,} {t.table}" for t in tables if t.dependent)
        line += " - " + ngettext("{count} dependent row rejected ({cost})", "{count} dependent rows rejected ({cost})",
                                 dependent).format(count=f"{dependent:,}", cost=cost)
    elif len(tables) > 1 and len(heavy) > 1:
        line += f"; also over {WARN_SHARE:.0%} rejected in " + ", ".join(t.table for t in heavy if t is not worst)
    return line
