"""Charts of the customer-retention page."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, count_axis, largest_bin, layout
from dashboard.formatting import money, tick_prefix
from dashboard.safe import plot_columns

EVENT_COLOURS = {"Order": PALETTE[0], "Return": PALETTE[3], "Invoice": PALETTE[2], "Ticket": PALETTE[1],
                 "Interaction": PALETTE[4], "Mention": PALETTE[5]}


def cohort_heatmap(retention: pd.DataFrame) -> go.Figure:
    """Cohorts (rows) x months since the first sale (columns), coloured by the share still active."""
    labels = [f"{m:%b %Y}" for m in retention.index]
    fig = go.Figure(go.Heatmap(
        z=retention.to_numpy(), x=[str(c) for c in retention.columns], y=labels, colorscale="Blues", zmin=0, zmax=1,
        text=[[("" if pd.isna(v) else f"{v:.0%}") for v in row] for row in retention.to_numpy()],
        texttemplate="%{text}", textfont={"size": 10}, colorbar={"tickformat": ".0%", "title": ""},
        hovertemplate="cohort %{y}, month +%{x}: %{z:.1%} active<extra></extra>"))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title="months since first sale", type="category")
    fig = layout(fig, "Monthly cohort retention", height=max(320, 80 + 24 * len(labels)))
    fig.update_layout(hovermode="closest")
    return fig


def churn(monthly: pd.DataFrame) -> go.Figure:
    """New and retained customers as stacked bars, churned customers below the axis."""
    fig = go.Figure()
    fig.add_bar(x=monthly["month_start"], y=monthly["retained"], name="Retained", marker_color=PALETTE[0])
    fig.add_bar(x=monthly["month_start"], y=monthly["new"], name="New", marker_color=PALETTE[2])
    fig.add_bar(x=monthly["month_start"], y=-monthly["churned"], name="Churned", marker_color=PALETTE[3],
                customdata=monthly["churned"], hovertemplate="%{customdata:,}<extra>Churned</extra>")
    fig.update_layout(barmode="relative")
    fig.update_yaxes(**count_axis((monthly["retained"] + monthly["new"]).max()) | {"rangemode": "normal"})
    fig.update_xaxes(tickformat="%b %Y", dtick="M1")
    return layout(fig, "Active customers per month: retained, new and churned")


def rfm_segments(segments: pd.DataFrame, currency: str | None) -> go.Figure:
    """Customers and net revenue per RFM segment, side by side."""
    data = segments.sort_values("customers")
    prefix = tick_prefix(currency)
    fig = go.Figure()
    fig.add_bar(y=data["segment"], x=data["customers"], orientation="h", name="Customers", marker_color=PALETTE[0],
                xaxis="x", hovertemplate="%{x:,} customers<extra>%{y}</extra>")
    fig.add_bar(y=data["segment"], x=data["monetary"], orientation="h", name="Net revenue", marker_color=PALETTE[2],
                xaxis="x2", hovertemplate=f"{prefix}%{{x:,.0f}}<extra>%{{y}}</extra>")
    fig.update_layout(xaxis={"domain": [0, 0.47], "title": "customers", **count_axis(data["customers"].max())},
                      xaxis2={"domain": [0.53, 1], "title": "net revenue", "tickprefix": prefix, "tickformat": "~s"},
                      showlegend=False)
    fig = layout(fig, "RFM segments", height=60 + 40 * len(data))
    fig.update_layout(hovermode="closest")
    return fig


def clv_histogram(clv: pd.Series, currency: str | None) -> go.Figure:
    """How customer lifetime value is spread."""
    prefix = tick_prefix(currency)
    fig = go.Figure(go.Histogram(x=clv, nbinsx=40, marker_color=PALETTE[4],
                                 hovertemplate=f"{prefix}%{{x}}: %{{y:,}} customers<extra></extra>"))
    fig.update_xaxes(tickprefix=prefix, tickformat="~s", title="customer lifetime value")
    fig.update_yaxes(title="customers", **count_axis(largest_bin(clv, 40)))
    fig = layout(fig, "Customer lifetime value")
    fig.update_layout(hovermode="closest")
    return fig


def timeline(events: pd.DataFrame, currency: str | None) -> go.Figure:
    """One customer's events on a time axis, one row per kind of event; days only, never clock times."""
    fig = go.Figure()
    for event, group in plot_columns(events, ["detail"]).groupby("event", sort=False):
        amount = [("" if pd.isna(a) else f"<br>{money(a, currency, compact=False)}") for a in group["amount"]]
        fig.add_scatter(x=group["date"], y=group["event"], mode="markers", name=event,
                        marker={"size": 11, "color": EVENT_COLOURS.get(event, PALETTE[7])},
                        text=[f"{d}{a}" for d, a in zip(group["detail"], amount)],
                        hovertemplate="%{x|%d %b %Y}<br>%{text}<extra></extra>")
    fig.update_yaxes(categoryorder="array", categoryarray=list(EVENT_COLOURS)[::-1])
    padding = pd.Timedelta(days=15)
    fig.update_xaxes(type="date", tickformat="%d %b %Y", range=[events["date"].min() - padding,
                                                                events["date"].max() + padding])
    fig = layout(fig, "Timeline", height=320)
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig
