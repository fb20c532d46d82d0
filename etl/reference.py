"""The warehouse reference in docs/sources.md, generated from etl/schema.py (``python -m etl reference --write``):
every canonical table and column with its type, whether it is required, keys, foreign keys, allowed values
and what they mean. A test fails when the document and the schema drift apart."""

import re
from pathlib import Path

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, String, Table, Text

from etl.kpi import CANCELLED
from etl.schema import CANONICAL_TABLES
from etl.validate import DEPARTMENT_KINDS, LARGEST_NUMBER, RULES, TimeWindow

START, END = "<!-- reference:start (python -m etl reference --write) -->", "<!-- reference:end -->"
MEANINGS = {
    ("orders", "kind"): {"sale": "a sale: its lines count as revenue",
                         "return": "a return: negative quantities, counted as returns (negative revenue)"},
    ("orders", "status"): {
        "open": "placed, not shipped yet", "on_hold": "placed, held back (credit, stock)",
        "shipped": "on its way", "delivered": "arrived (delivered_at): counts as delivered, on time when by "
                                              "promised_at", "completed": "finished (the source tells no delivery)",
        "returned": "a return order", CANCELLED: "cancelled: counts in no revenue, order count, customer "
                                                 "activity, delivery or on-time KPI (its mart row has kind "
                                                 "'cancelled' and value 0)",
        "unknown": "the source does not say"},
    ("departments", "kind"): {kind: "" for kind in DEPARTMENT_KINDS},
    ("social_mentions", "label"): {"negative": "", "neutral": "", "positive": "",
                                   "(empty)": "no label: the sentiment scorer labels it (mart_mentions)"},
    ("social_mentions", "label_source"): {"person": "a person's label, kept as given", "model": "", "lexicon": ""},
}
NOTES = {
    ("orders", "delivered_at"): "an order counts as delivered when it has one (and is not cancelled); on time when "
                                "delivered_at <= promised_at",
    ("orders", "customer_id"): "empty for a guest sale: counted in revenue, never in customers",
    ("order_lines", "quantity"): "negative on return orders; not zero",
    ("order_lines", "unit_price"): "revenue = quantity x unit_price x (1 - discount) over lines of orders that are "
                                   "not cancelled",
    ("order_lines", "discount"): "a share, 0 to 1",
    ("order_lines", "unit_cost"): "empty: the product's unit_cost; both empty: margin unknown",
    ("opportunities", "is_won"): "true won, false lost, empty open",
    ("opportunities", "stage"): "stages Won and Lost close a deal; the others are open",
    ("tickets", "satisfaction"): "1 to 5",
    ("social_mentions", "sentiment"): "-1 to 1",
    ("social_mentions", "language"): "ISO 639-1 (en-GB is cut to en); empty: detected from the text at load "
                                     "(docs/social.md), unknown when the text is too short",
}


def _type(column: Column) -> str:
    kind = column.type
    if isinstance(kind, String) and not isinstance(kind, Text):
        return f"text ({kind.length})" if kind.length else "text"
    for sql, label in ((Text, "text"), (Integer, "whole number"), (Float, "number"), (DateTime, "timestamp"),
                       (Date, "date"), (Boolean, "true/false")):
        if isinstance(kind, sql):
            return label
    return str(kind)


def _allowed(table: Table, column: Column) -> str:
    meanings = MEANINGS.get((table.name, column.name))
    if meanings:
        return "; ".join(f"`{value}`" + (f": {text}" if text else "") for value, text in meanings.items())
    parts = [check.error for check in RULES.get((table.name, column.name), []) if check.error]
    if isinstance(column.type, Float):
        parts.append(f"finite, within +-{LARGEST_NUMBER:.0e}")
    if isinstance(column.type, (DateTime, Date)):
        parts.append(_time_window(bool(column.info.get("planned"))))
    note = NOTES.get((table.name, column.name))
    return "; ".join(parts + ([note] if note else []))


def _time_window(planned: bool) -> str:
    """The default time window of a column, in words (a source config's `timestamps` moves it)."""
    days = TimeWindow.planned_days_ahead if planned else TimeWindow.days_ahead
    ahead = "a day" if days == 1 else f"{days:,g} days"
    return f"from {TimeWindow.earliest:%Y-%m-%d} to {ahead} after the run" + (" (a planned date)" if planned else "")


def table_markdown(table: Table) -> str:
    """One table's columns as a Markdown table."""
    rows = ["| column | type | required | key | refers to | allowed values and meaning |", "|---|---|---|---|---|---|"]
    for column in table.columns:
        refers = ", ".join(f"`{fk.column.table.name}.{fk.column.name}`" for fk in column.foreign_keys)
        required = "yes" if (not column.nullable or column.primary_key) else ""
        rows.append(f"| `{column.name}` | {_type(column)} | {required} | {'primary' if column.primary_key else ''} "
                    f"| {refers} | {_allowed(table, column)} |")
    return "\n".join(rows)


def reference_markdown() -> str:
    """Every canonical table, in load order."""
    parts = [f"### `{t.name}`\n\n{table_markdown(t)}" for t in CANONICAL_TABLES]
    return "\n\n".join(parts)


def with_reference(document: str) -> str:
    """The document with the text between its reference markers replaced by the generated reference."""
    if START not in document or END not in document:
        raise ValueError(f"the document has no {START} ... {END} markers")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
    return pattern.sub(lambda _: f"{START}\n\n{reference_markdown()}\n\n{END}", document)


def write(path: Path) -> bool:
    """Bring the reference in the document up to date; returns whether it changed."""
    before = path.read_text(encoding="utf-8")
    after = with_reference(before)
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before
