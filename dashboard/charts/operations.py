"""Charts of the process-efficiency, CRM-pipeline and data-operations pages."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, layout
from dashboard.formatting import tick_prefix


def cycle_histogram(cycles: pd.DataFrame) -> go.Figure:
    """How long delivered orders took, in days."""
    fig = go.Figure(go.Histogram(x=cycles["cycle_days"], xbins={"size": 0.5}, marker_color=PALETTE[0],
                                 hovertemplate="%{x} days: %{y:,} orders<extra></extra>"))
    fig.update_xaxes(title="days from order to delivery")
    fig.update_yaxes(title="orders", tickformat=",")
    fig = layout(fig, "Order cycle time")
    fig.update_layout(hovermode="closest")
    return fig


def cycle_trend(cycles: pd.DataFrame) -> go.Figure:
    """Average and 90th percentile cycle time per week."""
    weekly = cycles.set_index("order_date")["cycle_days"].resample("W-MON", label="left", closed="left")
    frame = pd.DataFrame({"average": weekly.mean(), "p90": weekly.quantile(0.9)}).dropna()
    fig = go.Figure()
    fig.add_scatter(x=frame.index, y=frame["average"], name="Average", line={"color": PALETTE[0], "width": 2.5},
                    hovertemplate="%{y:.2f} days<extra>average</extra>")
    fig.add_scatter(x=frame.index, y=frame["p90"], name="90th percentile", line={"color": PALETTE[1], "dash": "dot"},
                    hovertemplate="%{y:.2f} days<extra>90th percentile</extra>")
    fig.update_yaxes(title="days", rangemode="tozero")
    return layout(fig, "Cycle time per week")


def on_time_heatmap(rates: pd.DataFrame) -> go.Figure:
    """On-time delivery per department (rows) and month (columns)."""
    table = rates.pivot(index="department", columns="month_start", values="on_time_rate")
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=[f"{m:%b %Y}" for m in table.columns], y=table.index, colorscale="RdYlGn",
        zmin=0.6, zmax=1, text=[[("" if pd.isna(v) else f"{v:.0%}") for v in row] for row in table.to_numpy()],
        texttemplate="%{text}", textfont={"size": 10}, colorbar={"tickformat": ".0%"},
        hovertemplate="%{y}, %{x}: %{z:.1%} on time<extra></extra>"))
    fig.update_xaxes(type="category")
    fig = layout(fig, "On-time delivery by department and month", height=max(260, 90 + 40 * len(table)))
    fig.update_layout(hovermode="closest")
    return fig


def worst_suppliers(suppliers: pd.DataFrame) -> go.Figure:
    """Suppliers' on-time share, worst at the top."""
    data = suppliers.sort_values("on_time_rate", ascending=False)
    fig = go.Figure(go.Bar(
        x=data["on_time_rate"], y=data["supplier"], orientation="h", marker_color=PALETTE[3],
        text=[f"{r:.0%} · {d:.1f} d lead" for r, d in zip(data["on_time_rate"], data["avg_lead_days"])],
        textposition="auto", hovertemplate="%{y}: %{x:.1%} on time<extra></extra>"))
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig = layout(fig, "Suppliers with the most late deliveries", height=max(260, 60 + 34 * len(data)))
    fig.update_layout(hovermode="closest")
    return fig


def ticket_times(monthly: pd.DataFrame) -> go.Figure:
    """Average first-response and resolution hours per month."""
    fig = go.Figure()
    fig.add_scatter(x=monthly["month_start"], y=monthly["avg_first_response_hours"], name="First response",
                    line={"color": PALETTE[0], "width": 2.5}, hovertemplate="%{y:.1f} h<extra>first response</extra>")
    fig.add_scatter(x=monthly["month_start"], y=monthly["avg_resolution_hours"], name="Resolution",
                    line={"color": PALETTE[4], "width": 2.5}, yaxis="y2",
                    hovertemplate="%{y:.1f} h<extra>resolution</extra>")
    fig.update_layout(yaxis={"title": "first response (hours)", "rangemode": "tozero"},
                      yaxis2={"title": "resolution (hours)", "overlaying": "y", "side": "right",
                              "rangemode": "tozero"})
    return layout(fig, "Support response and resolution times")


def funnel(stages: pd.DataFrame, currency: str | None) -> go.Figure:
    """Expected value of the deals in each stage, from the earliest stage to won and lost."""
    closed = {"Won": 1, "Lost": 2}
    stages = stages.assign(order=stages["stage"].map(closed).fillna(0)).sort_values(["order", "probability"])
    prefix = tick_prefix(currency)
    fig = go.Figure(go.Funnel(
        y=stages["stage"], x=stages["value"].fillna(0), marker={"color": PALETTE[0]},
        text=[f"{prefix}{v:,.0f} · {d:,} deals" for v, d in zip(stages["value"].fillna(0), stages["deals"])],
        textinfo="text", hovertemplate="%{y}: %{text}<extra></extra>"))
    fig = layout(fig, "Pipeline value by stage", height=max(280, 70 + 48 * len(stages)))
    fig.update_layout(hovermode="closest")
    return fig


def win_rates(rates: pd.DataFrame, title: str) -> go.Figure:
    """Win rate per department or owner, with the number of decided deals."""
    data = rates.dropna(subset=["win_rate"]).sort_values("win_rate")
    fig = go.Figure(go.Bar(
        x=data["win_rate"], y=data["name"], orientation="h", marker_color=PALETTE[2],
        text=[f"{rate:.1%} of {won + lost:,}" for rate, won, lost in zip(data["win_rate"], data["won"], data["lost"])],
        textposition="auto", hovertemplate="%{y}: %{x:.1%}<extra></extra>"))
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig = layout(fig, title, height=max(240, 60 + 30 * len(data)))
    fig.update_layout(hovermode="closest")
    return fig


def sales_cycle(cycles: pd.DataFrame) -> go.Figure:
    """How long won and lost deals took to close."""
    fig = go.Figure()
    for won, name, colour in ((True, "Won", PALETTE[2]), (False, "Lost", PALETTE[3])):
        part = cycles[cycles["is_won"].astype(bool) == won]
        fig.add_histogram(x=part["cycle_days"], name=name, marker_color=colour, opacity=0.75, nbinsx=40)
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title="days from creation to close")
    fig.update_yaxes(title="deals", tickformat=",")
    fig = layout(fig, "Sales cycle length")
    fig.update_layout(hovermode="closest")
    return fig


def rejections_by_rule(summary: pd.DataFrame) -> go.Figure:
    """Rejected rows per table and reason, the most first."""
    data = summary.assign(label=summary["table_name"] + ": " + summary["rule"].str.slice(0, 70)).iloc[::-1]
    fig = go.Figure(go.Bar(x=data["rows"], y=data["label"], orientation="h", marker_color=PALETTE[3],
                           text=[f"{n:,}" for n in data["rows"]], textposition="auto",
                           hovertemplate="%{y}: %{x:,} rows<extra></extra>"))
    fig.update_xaxes(title="rejected rows", tickformat=",d")
    fig = layout(fig, "Rejected rows by reason", height=max(220, 70 + 30 * len(data)))
    fig.update_layout(hovermode="closest")
    return fig
