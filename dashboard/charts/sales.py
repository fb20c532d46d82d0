"""Charts of the overview."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, layout
from dashboard.formatting import money, tick_prefix
from dashboard.safe import plot_columns


def revenue_trend(daily: pd.DataFrame, currency: str | None, start, end) -> go.Figure:
    """Daily net revenue from ``start`` to ``end`` as thin bars (days without sales at zero) with its 7-day
    moving average as a line; days before ``start`` in ``daily`` only feed the first averages."""
    first = min([pd.Timestamp(start), *daily["sales_date"].head(1)])
    days = (daily.set_index("sales_date")["net_revenue"].reindex(pd.date_range(first, end, freq="D"), fill_value=0.0)
            .astype(float))
    average = days.rolling(7, min_periods=1).mean()
    days, average = days[pd.Timestamp(start):], average[pd.Timestamp(start):]
    prefix = tick_prefix(currency)
    fig = go.Figure()
    fig.add_bar(x=days.index, y=days.values, name="Daily", marker_color="#bfdbfe",
                hovertemplate=f"%{{x|%d %b %Y}}: {prefix}%{{y:,.0f}}<extra>Daily</extra>")
    fig.add_scatter(x=average.index, y=average.values, name="7-day average",
                    line={"color": PALETTE[0], "width": 2.5},
                    hovertemplate=f"{prefix}%{{y:,.0f}}<extra>7-day average</extra>")
    fig.update_yaxes(tickprefix=prefix, tickformat="~s", rangemode="tozero")
    fig.update_xaxes(range=[pd.Timestamp(start) - pd.Timedelta(hours=12), pd.Timestamp(end) + pd.Timedelta(hours=12)])
    return layout(fig, "Net revenue per day")


def revenue_by_department(by_department: pd.DataFrame, currency: str | None) -> go.Figure:
    """Net revenue per department as horizontal bars, labelled with the gross margin %."""
    data = plot_columns(by_department.sort_values("net_revenue"), ["department"])
    margin = data["gross_margin"] / data["net_revenue"].where(data["net_revenue"] != 0)
    prefix = tick_prefix(currency)
    fig = go.Figure(go.Bar(
        x=data["net_revenue"], y=data["department"], orientation="h", marker_color=PALETTE[0],
        text=[money(v, currency) + ("" if pd.isna(m) else f" · margin {m:.1%}")
              for v, m in zip(data["net_revenue"], margin)],
        textposition="auto", hovertemplate=f"%{{y}}: {prefix}%{{x:,.0f}}<extra></extra>",
    ))
    fig.update_xaxes(tickprefix=prefix, tickformat="~s")
    fig = layout(fig, "Net revenue by department", height=max(260, 60 + 42 * len(data)))
    fig.update_layout(hovermode="closest")
    return fig

