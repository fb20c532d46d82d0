"""Data is shown as text, never as markup: escaping for Streamlit's markdown and Plotly's HTML-like labels,
and CSV downloads whose cells a spreadsheet cannot run as formulas.

Where data goes, and how it stays text:
- tables: ``st.dataframe`` draws cells as plain text (no markdown, no HTML; no LinkColumn over data);
- titles, captions, messages, metric and widget labels render markdown: pass data through ``md`` first;
- Plotly reads ``<b>``, ``<a href>``, ``<br>`` in labels, hover texts and names: pass data through ``plot``
  (or ``plot_columns`` for a frame) before it reaches a figure;
- every CSV download goes through ``csv_bytes`` (or ``download_csv``, which makes the file only when a signed-in
  session clicks, records it in the trail then, and serves it once: dashboard/server.py).
"""

import html
import re
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from access import audit, sessions
from access.roles import Principal
from dashboard import downloads

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet treats a cell that begins with one of these as a formula (OWASP: CSV injection)."""
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&=\"'^])")


def md(value: object) -> str:
    """The value as literal text inside Streamlit markdown: every markup character backslash-escaped, so
    ``:red[x]``, ``**y**``, ``$x$``, ``[x](javascript:...)`` and ``<img>`` show as typed. Newlines become spaces."""
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    return _MARKDOWN.sub(r"\\\1", " ".join(text.splitlines()))


def plot(value: object) -> str:
    """The value as literal text in a Plotly label, hover text or name (``<``, ``>`` and ``&`` as entities)."""
    return html.escape("" if value is None else str(value), quote=False)


def plot_columns(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of the frame whose named text columns are escaped for Plotly."""
    escaped = frame.copy()
    for column in columns:
        escaped[column] = escaped[column].map(lambda v: v if v is None or pd.isna(v) else plot(v))
    return escaped


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with an apostrophe; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


MONEY_COLUMNS = frozenset({
    "net_revenue", "revenue", "returns", "gross_margin", "cogs", "margin", "monetary", "clv", "money", "lost",
    "expected_value", "won_value", "pipeline", "open_pipeline", "weighted_pipeline", "invoiced", "stock_value",
    "avg_stock_value", "late_open_value", "daily_revenue", "average_order_value", "unit_price", "unit_cost",
    "list_price", "paid_amount", "yhat", "yhat_lower", "yhat_upper", "yhat_base", "reconciliation_gap"})
"""The query layer's money columns as charts hand them to a download (tables name theirs by kind: show.table)."""
SIGNIFICANT = 15
"""Every other number in a CSV: 15 significant digits, all a float holds for sure, so no binary noise is written."""


def _significant(value: float) -> float:
    return value if pd.isna(value) else float(f"{value:.{SIGNIFICANT}g}")


def csv_bytes(frame: pd.DataFrame, money: Iterable[str] = ()) -> bytes:
    """The frame as UTF-8 CSV with every text cell and header neutralised (numbers stay numbers), money (the columns
    named in ``money`` or MONEY_COLUMNS) rounded to cents and every number without float noise: 47783.05, never
    47783.049999999996."""
    cents = set(money) | MONEY_COLUMNS
    safe = frame.copy()
    for column in safe.columns:
        if column in cents and pd.api.types.is_float_dtype(safe[column]):
            safe[column] = safe[column].round(2)
        elif pd.api.types.is_float_dtype(safe[column]):
            safe[column] = safe[column].map(_significant)
        elif not (pd.api.types.is_numeric_dtype(safe[column]) or pd.api.types.is_datetime64_any_dtype(safe[column])):
            safe[column] = safe[column].map(neutralise)
    safe = safe.rename(columns=lambda c: neutralise(str(c)))
    return safe.to_csv(index=False).encode("utf-8")


class DownloadRefusedError(Exception):
    """A download asked for after the session that offered it ended."""


def download_csv(label: str, frame: pd.DataFrame, file_name: str, key: str, principal: Principal | None, engine,
                 where=st, help: str | None = None, money: Iterable[str] = ()) -> None:
    """A download button for the frame as neutralised CSV. The file is made only when the button is clicked, and
    only while the principal's session is live; each file made is one ``download`` event in the audit trail, and its
    address gives it only to the browser that clicked, for a minute (dashboard/downloads.py). ``money``: columns
    to round to cents besides MONEY_COLUMNS (csv_bytes)."""

    browser = downloads.browser_token(st.context.cookies.get(downloads.XSRF_COOKIE_NAME))

    def content() -> bytes:
        if principal is None or sessions.resume(engine, principal.session_id or "") is None:
            raise DownloadRefusedError(f"{file_name}: the session that offered it has ended")
        audit.record(engine, principal.username, "download", file_name, detail=f"{len(frame):,} rows")
        return downloads.issue(csv_bytes(frame, money), browser)

    where.download_button(label, content, file_name=file_name, mime="text/csv", key=key, help=help,
                          icon=":material/download:", type="tertiary", on_click="ignore")
