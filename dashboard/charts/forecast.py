"""The forecast page's chart: actual days, the forecast with its calibrated 80% band, and the closures."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, layout
from dashboard.i18n import _


def actual_days(history: pd.DataFrame, start: date, end: date) -> pd.Series:
    """Every day from start to end with its actual value; a day without a row had no sales and shows 0."""
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    if history.empty:
        return pd.Series(0.0, index=days)
    values = history.assign(sales_date=pd.to_datetime(history["sales_date"])).set_index("sales_date")["value"]
    return values.astype(float).reindex(days, fill_value=0.0)


def forecast(actual: pd.Series, predicted: pd.DataFrame, closures: list[str], affix: tuple[str, str],
             title: str) -> go.Figure:
    """Actual daily values (zeros drawn as zeros), then the forecast with its 80% band; closures as markers.
    ``affix``: the money axis' prefix and suffix (both empty for units)."""
    prefix, suffix = affix
    hover = f"{prefix}%{{y:,.0f}}{suffix}"
    fig = go.Figure()
    fig.add_scatter(x=predicted["ds"], y=predicted["yhat_upper"], mode="lines", line={"width": 0},
                    hoverinfo="skip", showlegend=False)
    fig.add_scatter(x=predicted["ds"], y=predicted["yhat_lower"], mode="lines", line={"width": 0},
                    fill="tonexty", fillcolor="rgba(37, 99, 235, 0.18)", name=_("80% band"),
                    hovertemplate=f"{hover}<extra>{_('band')}</extra>")
    fig.add_scatter(x=actual.index, y=actual.values, mode="lines+markers", name=_("Actual"),
                    line={"color": "#334155", "width": 1.5}, marker={"size": 3},
                    hovertemplate=f"{hover}<extra>{_('actual')}</extra>")
    fig.add_scatter(x=predicted["ds"], y=predicted["yhat"], mode="lines", name=_("Forecast"),
                    line={"color": PALETTE[0], "width": 2.5, "dash": "dash"},
                    hovertemplate=f"{hover}<extra>{_('forecast')}</extra>")
    if closures:
        fig.add_scatter(x=pd.to_datetime(closures), y=[0.0] * len(closures), mode="markers", name=_("Closed"),
                        marker={"symbol": "x", "color": PALETTE[3], "size": 8},
                        hovertemplate=_("closed: forecast 0") + "<extra></extra>")
    fig.update_yaxes(tickprefix=prefix, ticksuffix=suffix, tickformat="~s", rangemode="tozero")
    return layout(fig, title, height=400)


def headline(windows: pd.DataFrame, affix: tuple[str, str], title: str) -> go.Figure:
    """The forecast's total over the next days against the actual totals of the days before and of the same days
    a year before: one bar each (rows of ``windows``: label, value, text, lower, upper, dates), the forecast's
    summed 80% band as its error bar."""
    prefix, suffix = affix
    band = windows["upper"].notna()
    fig = go.Figure(go.Bar(
        x=windows["value"], y=windows["label"], orientation="h", text=windows["text"], textposition="auto",
        marker_color=[PALETTE[0] if b else "#94a3b8" for b in band], customdata=windows["dates"],
        error_x={"type": "data", "symmetric": False, "color": "#1e293b", "thickness": 2, "width": 8,
                 "array": (windows["upper"] - windows["value"]).where(band, None).tolist(),
                 "arrayminus": (windows["value"] - windows["lower"]).where(band, None).tolist()},
        hovertemplate=f"%{{y}} (%{{customdata}}): {prefix}%{{x:,.0f}}{suffix}<extra></extra>"))
    fig.update_xaxes(tickprefix=prefix, ticksuffix=suffix, tickformat="~s", rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    fig = layout(fig, title, height=90 + 44 * len(windows))
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig
