"""Chart builders: DataFrame in, Plotly figure out. They never render; the pages do.

One module per subject; this one holds the look they share.
"""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from babel.dates import get_day_names, get_month_names

from i18n import _, language, locale, ngettext
from i18n.formats import count, day, money, month

PALETTE = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#06b6d4", "#f97316", "#64748b"]


pio.templates.default = None  # every figure gets HOUSE below; no second template built and checked per figure
HOUSE = go.layout.Template(layout=pio.templates["plotly_white"].layout)
"""plotly_white's layout (white background, light grid) without its per-trace defaults: the charts set their own
colours, and a figure built with the whole template spends most of its time copying and checking it."""
SEPARATORS = {"en": ".,", "uk": ",\u00a0"}  # Plotly's decimal point, then its thousands separator


TITLE_BAND = 40
"""Pixels at the top of every figure that are the title's alone (12 px of padding, a 16 px line and room under it)."""


def layout(fig: go.Figure, title: str, height: int = 340) -> go.Figure:
    """The house style: white template, title top left, legend under it, the locale's separators. ``title`` is
    shown as given: translate it where the chart is built.

    Title and legend are both placed from the top of the figure (``yref="container"``): the title in the top
    TITLE_BAND pixels, the legend from there down, and Plotly pushes the plot below however many rows the legend
    wraps into on a narrow screen. A legend placed from the plot's top (``y=1.02``) grows upward over the title
    instead, once its brands no longer fit in one row."""
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 16}, "yref": "container", "y": 1, "yanchor": "top",
               "pad": {"t": 12}},
        template=HOUSE, height=height, margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yref": "container", "y": 1 - TITLE_BAND / height, "yanchor": "top", "x": 0,
                "xanchor": "left"},
        separators=SEPARATORS[language()], hovermode="x unified",
    )
    return fig


def month_cut(first_of_month, data_end) -> int | None:
    """The days of a month the data holds when the data's last day cuts it (9 for December 2011 on Online Retail),
    or None when the data holds the whole month or ends before it: a cut month's counts are still growing."""
    first, end = pd.Timestamp(first_of_month), pd.Timestamp(data_end)
    if first.to_period("M") != end.to_period("M") or end == first + pd.offsets.MonthEnd(0):
        return None
    return end.day


def partial_month_note(data_end) -> str:
    """'December 2011 holds data for 9 of its 31 days (the data ends on 9 Dec 2011): its figures are still
    growing.' for the month the data's last day cuts, or '' when it cuts none."""
    end = pd.Timestamp(data_end)
    held = month_cut(end.replace(day=1), end)
    if held is None:
        return ""
    return ngettext("{month} holds data for {held} of its {days} day (the data ends on {end}): its figures are still "
                    "growing.", "{month} holds data for {held} of its {days} days (the data ends on {end}): its "
                    "figures are still growing.", end.days_in_month).format(
        month=month(end), held=count(held), days=count(end.days_in_month), end=day(end))


def bucket(frame: pd.DataFrame, column: str, grain: str, values: list[str]) -> pd.DataFrame:
    """Daily rows summed into the grain's buckets ('day', 'week' from Monday, 'month'), each labelled with its first
    day in ``column``."""
    if frame.empty or grain == "day":
        return frame[[column, *values]]
    dates = pd.to_datetime(frame[column])
    starts = dates.dt.to_period("M" if grain == "month" else "W-SUN").dt.start_time
    return frame.assign(**{column: starts}).groupby(column, as_index=False)[values].sum()


def count_axis(largest: float | None) -> dict:
    """Axis settings for counts: whole numbers with thousands separators, from zero; a step of 1 when the
    largest value is small, so no tick reads 0.5 customers or repeats a rounded label."""
    settings = {"tickformat": ",d", "rangemode": "tozero"}
    if largest is None or pd.isna(largest) or largest <= 8:
        settings["dtick"] = 1
    return settings


def money_ticks(values: pd.Series, currency: str | None) -> dict:
    """Axis settings for money: about five round ticks from zero (whole units at least), labelled as the cards
    read ('£1.5M', '1,5 млн £'), so an axis speaks the session's language (Plotly's own '1.5M' does not)."""
    known = values.dropna()
    low, high = min(0.0, float(known.min())) if len(known) else 0.0, max(0.0, float(known.max())) if len(known) else 0.0
    rough = ((high - low) or 1.0) / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    step = max(1.0, next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough))
    ticks = np.arange(math.floor(low / step), math.ceil(high / step) + 1) * step
    return {"tickvals": ticks.tolist(), "ticktext": [money(t, currency) for t in ticks]}


def room_for_labels(largest: float, labels: list[str], least: float = 1.0) -> list[float]:
    """An axis range from zero that leaves room beyond the longest bar for its label drawn outside (about 3.5% of
    the width per character), so a label is never clipped at 800 px; ``least``: the smallest axis (a count's 1, a
    share's 0.01) when every value is zero."""
    longest = max((len(label) for label in labels), default=0)
    return [0, max(float(largest), least) * min(1.2 + 0.035 * longest, 2.2)]


def largest_bin(values: pd.Series, bins: int) -> float:
    """The tallest bar a histogram of the values will have (to choose its count axis)."""
    clean = values.dropna()
    return float(np.histogram(clean, bins=bins)[0].max()) if len(clean) else 0.0


def plotly_locale() -> dict:
    """Plotly's locale dictionary for this session's language: month and day names from Babel (CLDR), so date
    axes read 'бер. 2026' in Ukrainian; passed in each chart's config, never fetched."""
    where = locale()

    def names(kind: str, width: str) -> list[str]:
        found = (get_month_names if kind == "months" else get_day_names)(width, context="stand-alone", locale=where)
        order = range(1, 13) if kind == "months" else (6, 0, 1, 2, 3, 4, 5)  # Plotly's weeks start on Sunday
        return [found[i] for i in order]

    return {"dictionary": {"Download plot as a png": _("Download plot as a png"), "Reset axes": _("Reset axes"),
                           "Zoom in": _("Zoom in"), "Zoom out": _("Zoom out"), "Pan": _("Pan"),
                           "Box Select": _("Box Select"), "Autoscale": _("Autoscale")},
            "format": {"days": names("days", "wide"), "shortDays": names("days", "abbreviated"),
                       "months": names("months", "wide"), "shortMonths": names("months", "abbreviated"),
                       "decimal": SEPARATORS[language()][0], "thousands": SEPARATORS[language()][1],
                       "date": "%d.%m.%Y" if language() == "uk" else "%d/%m/%Y"}}
