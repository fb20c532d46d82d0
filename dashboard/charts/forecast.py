"""The forecast page's chart: actual days, the forecast with its calibrated 80% band, and the closures."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, count_axis, layout, money_ticks
from i18n import _
from i18n.formats import money, number


def actual_days(history: pd.DataFrame, start: date, end: date) -> pd.Series:
    """Every day from start to end with its actual value; a day without a row had no sales and shows 0."""
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    if history.empty:
        return pd.Series(0.0, index=days)
    values = history.assign(sales_date=pd.to_datetime(history["sales_date"])).set_index("sales_date")["value"]
    return values.astype(float).reindex(days, fill_value=0.0)


def amounts(values, currency: str | None, units: bool) -> list[str]:
    """Each value in full as hovers show it: money in the currency ('£12,345', '12 345 £'), or a number of units."""
    return [number(v) if units else money(v, currency, compact=False) for v in values]


def value_axis(values: pd.Series, currency: str | None, units: bool) -> dict:
    """The value axis from zero: money labelled as the cards read it, or whole units."""
    return count_axis(values.max()) if units else {"rangemode": "tozero", **money_ticks(values, currency)}


def forecast(actual: pd.Series, predicted: pd.DataFrame, closures: list[str], currency: str | None, title: str,
             units: bool = False) -> go.Figure:
    """Actual daily values (zeros drawn as zeros), then the forecast with its 80% band; closures as markers. The
    values are money in ``currency``, or with ``units`` counts of units."""
    fig = go.Figure()
    fig.add_scatter(x=predicted["ds"], y=predicted["yhat_upper"], mode="lines", line={"width": 0},
                    hoverinfo="skip", showlegend=False)
    for name, word, x, y, style in (
            (_("80% band"), _("band"), predicted["ds"], predicted["yhat_lower"],
             {"mode": "lines", "line": {"width": 0}, "fill": "tonexty", "fillcolor": "rgba(37, 99, 235, 0.18)"}),
            (_("Actual"), _("actual"), actual.index, actual.values,
             {"mode": "lines+markers", "line": {"color": "#334155", "width": 1.5}, "marker": {"size": 3}}),
            (_("Forecast"), _("forecast"), predicted["ds"], predicted["yhat"],
             {"mode": "lines", "line": {"color": PALETTE[0], "width": 2.5, "dash": "dash"}})):
        fig.add_scatter(x=x, y=y, name=name, customdata=amounts(y, currency, units),
                        hovertemplate=f"%{{customdata}}<extra>{word}</extra>", **style)
    if closures:
        fig.add_scatter(x=pd.to_datetime(closures), y=[0.0] * len(closures), mode="markers", name=_("Closed"),
                        marker={"symbol": "x", "color": PALETTE[3], "size": 8},
                        hovertemplate=_("closed: forecast 0") + "<extra></extra>")
    drawn = pd.concat([pd.Series(actual.values, dtype=float), predicted["yhat_lower"], predicted["yhat_upper"]])
    fig.update_yaxes(**value_axis(drawn, currency, units))
    return layout(fig, title, height=400)


def headline(windows: pd.DataFrame, currency: str | None, title: str, units: bool = False) -> go.Figure:
    """The forecast's total over the next days against the actual totals of the days before and of the same days
    a year before: one bar each (rows of ``windows``: label, value, text, lower, upper, dates), the forecast's
    summed 80% band as its error bar; money in ``currency``, or with ``units`` counts of units."""
    band = windows["upper"].notna()
    fig = go.Figure(go.Bar(
        x=windows["value"], y=windows["label"], orientation="h", text=windows["text"], textposition="auto",
        marker_color=[PALETTE[0] if b else "#94a3b8" for b in band],
        customdata=list(zip(windows["dates"], amounts(windows["value"], currency, units))),
        error_x={"type": "data", "symmetric": False, "color": "#1e293b", "thickness": 2, "width": 8,
                 "array": (windows["upper"] - windows["value"]).where(band, None).tolist(),
                 "arrayminus": (windows["value"] - windows["lower"]).where(band, None).tolist()},
        hovertemplate="%{y} (%{customdata[0]}): %{customdata[1]}<extra></extra>"))
    fig.update_xaxes(**value_axis(pd.concat([windows["value"], windows["upper"]]), currency, units))
    fig.update_yaxes(autorange="reversed")
    fig = layout(fig, title, height=90 + 44 * len(windows))
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig
