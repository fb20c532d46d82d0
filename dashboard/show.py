"""How every page puts a chart or a table on screen: one call that draws it, offers its data as formula-safe
CSV, and (for charts) turns a click into a filter.

- ``chart(fig, data, name)``: the figure in the session's language (Plotly separators and month names) with a
  "CSV" download of ``data``, the rows the chart plots; ``on_click`` receives the clicked points' ``customdata``
  (the chart builder puts there what a click should filter on) and runs before the page reruns.
- ``table(frame, columns, name)``: the frame with its columns labelled and formatted per locale (Babel, on a
  pandas Styler, so sorting still sorts the numbers), missing values as empty cells, and the same download.
"""

import html
from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import auth, safe
from dashboard import queries as q
from i18n import _, language
from i18n.formats import column_formatter, count, number

SHOWN_ROWS = 1_000
Column = tuple[str, str]  # (label, kind): kind as in formatting.column_formatter ('money', 'count', 'date', ...)


def plotly_config() -> dict:
    """Plotly's config for this session: its locale (month and day names) and no logo link."""
    from dashboard.charts import plotly_locale

    code = language()
    return {"displaylogo": False, "locale": code, "locales": {code: plotly_locale()}}


def chart(fig, data: pd.DataFrame, name: str, key: str, on_click: Callable[[list], None] | None = None,
          where=st, config: dict | None = None) -> None:
    """Draw the figure full width, with a download of ``data`` as ``{name}.csv`` under it; with ``on_click``, a
    click (or box selection) on the chart calls it with the selected points' customdata. ``config`` adds to
    Plotly's config (maps: dashboard.geography.MAP_CONFIG)."""
    alone = single_bar(fig)
    if alone is not None:  # one department (region, segment ...) in scope: a sentence, not a chart of one bar
        where.markdown(alone)
        download(data, name, key, where)
        return
    settings = plotly_config() | (config or {})
    if on_click is None:
        where.plotly_chart(fig, width="stretch", config=settings, key=key)
    else:
        where.plotly_chart(fig, width="stretch", config=settings, key=key,
                           on_select=lambda: _selected(key, on_click), selection_mode=("points", "box"))
    download(data, name, key, where)


def single_bar(fig) -> str | None:
    """A chart of horizontal bars that together show one category (one department in scope, one region, one
    segment) as one line of markdown: '**Net revenue by department**: Sales North — £155, margin 38.1%' (each
    stacked part named: 'High 2, Low 1'); None for any other chart."""
    traces = list(fig.data)
    if not traces or any(t.type != "bar" or t.orientation != "h" for t in traces):
        return None
    categories = {str(c) for t in traces for c in (t.y if t.y is not None else ())}
    if len(categories) != 1:
        return None
    parts = []
    for trace in traces:
        if trace.x is None or not len(trace.x):
            continue
        value = _words(trace.text[0]) if isinstance(trace.text, (list, tuple)) and trace.text else _amount(trace.x[0])
        parts.append(value if len(traces) == 1 else f"{_words(trace.name or '')} {value}")
    title = _words(fig.layout.title.text or "")
    return f"**{safe.md(title)}**: {safe.md(_words(categories.pop()))} — {safe.md(', '.join(parts))}"


def _words(label: str) -> str:
    """A Plotly label as plain text: line breaks as ', ', entities (data escaped for Plotly) as characters."""
    return html.unescape(str(label).replace("<br>", ", "))


def _amount(value) -> str:
    return count(value) if float(value).is_integer() else number(value, 2)


def _selected(key: str, on_click: Callable[[list], None]) -> None:
    points = st.session_state[key].selection.get("points", [])
    values = [p.get("customdata") for p in points if p.get("customdata") is not None]
    if values:
        on_click([v[0] if isinstance(v, list) else v for v in values])


def table(frame: pd.DataFrame, columns: dict[str, Column], name: str, key: str, currency: str | None = None,
          where=st, everything: pd.DataFrame | None = None, **options) -> None:
    """Draw the frame's ``columns`` (name -> (label, kind)) formatted for the session's locale, a missing value as an
    empty cell (not Streamlit's grey "None"), and offer them as ``{name}.csv``; ``everything``: the rows the download
    holds when the table shows only the first of them. At most the first SHOWN_ROWS rows are drawn (formatting more
    only slows the page); the CSV holds them all."""
    rows = frame[list(columns)] if everything is None else everything[list(columns)]
    shown = frame[list(columns)].head(SHOWN_ROWS)
    styler = shown.style.format({c: column_formatter(kind, currency) for c, (_label, kind) in columns.items()})
    where.dataframe(styler, hide_index=True, key=key, column_config={c: label for c, (label, _kind) in columns.items()},
                    placeholder="", **options)
    if len(rows) > len(shown):
        where.caption(_("The table shows the first {shown} of {total} rows; the CSV holds them all.").format(
            shown=count(len(shown)), total=count(len(rows))))
    download(rows.rename(columns={c: label for c, (label, _kind) in columns.items()}), name, key, where,
             money=[label for label, kind in columns.values() if kind in ("money", "money0")])


def download(data: pd.DataFrame, name: str, key: str, where=st, money: list[str] | None = None) -> None:
    """A small "CSV" button for the data (formula-safe, recorded in the audit trail, money in cents: ``money`` names
    the money columns besides safe.MONEY_COLUMNS)."""
    safe.download_csv(_("CSV"), data, f"{name}.csv", f"{key}_csv", auth.current(), q.engine(), where=where,
                      help=_("Download the data behind this as CSV"), money=money or ())
