"""The forecast page's chart: actual days, the forecast with its calibrated 80% band, and the closures."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, layout


def actual_days(history: pd.DataFrame, start: date, end: date) -> pd.Series:
    """Every day from start to end with its actual value; a day without a row had no sales and shows 0."""
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    if history.empty:
        return pd.Series(0.0, index=days)
    values = history.assign(sales_date=pd.to_datetime(history["sales_date"])).set_index("sales_date")["value"]
    return values.astype(float).reindex(days, fill_value=0.0)


def forecast(actual: pd.Series, predicted: pd.DataFrame, closures: list[str], prefix: str, title: str) -> go.Figure:
    """Actual daily values (zeros drawn as zeros), then the forecast with its 80% band; closures as markers."""
    hover = f"{prefix}%{{y:,.0f}}"
    fig = go.Figure()
    fig.add_scatter(x=predicted["ds"], y=predicted["yhat_upper"], mode="lines", line={"width": 0},
                    hoverinfo="skip", showlegend=False)
    fig.add_scatter(x=predicted["ds"], y=predicted["yhat_lower"], mode="lines", line={"width": 0},
                    fill="tonexty", fillcolor="rgba(37, 99, 235, 0.18)", name="80% band",
                    hovertemplate=f"{hover}<extra>band</extra>")
    fig.add_scatter(x=actual.index, y=actual.values, mode="lines+markers", name="Actual",
                    line={"color": "#334155", "width": 1.5}, marker={"size": 3},
                    hovertemplate=f"{hover}<extra>actual</extra>")
    fig.add_scatter(x=predicted["ds"], y=predicted["yhat"], mode="lines", name="Forecast",
                    line={"color": PALETTE[0], "width": 2.5, "dash": "dash"},
                    hovertemplate=f"{hover}<extra>forecast</extra>")
    if closures:
        fig.add_scatter(x=pd.to_datetime(closures), y=[0.0] * len(closures), mode="markers", name="Closed",
                        marker={"symbol": "x", "color": PALETTE[3], "size": 8},
                        hovertemplate="closed: forecast 0<extra></extra>")
    fig.update_yaxes(tickprefix=prefix, tickformat="~s", rangemode="tozero")
    return layout(fig, title, height=400)
