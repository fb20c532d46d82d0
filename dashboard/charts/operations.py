"""Charts of the CRM-pipeline and data-operations pages."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, count_axis, largest_bin, layout
from dashboard.formatting import money
from dashboard.safe import plot_columns


def funnel(stages: pd.DataFrame, currency: str | None) -> go.Figure:
    """Expected value of the open deals in each stage, earliest stage (lowest probability) first."""
    stages = plot_columns(stages, ["stage"])
    fig = go.Figure(go.Funnel(
        y=stages["stage"], x=stages["value"], marker={"color": PALETTE[0]},
        text=[f"{money(v, currency, compact=False)} · {d:,} deals · {p:.0%}"
              for v, d, p in zip(stages["value"], stages["deals"], stages["probability"])],
        textinfo="text", hovertemplate="%{y}: %{text}<extra></extra>"))
    fig = layout(fig, "Open pipeline by stage", height=max(280, 70 + 48 * len(stages)))
    fig.update_layout(hovermode="closest")
    return fig


def win_rates(rates: pd.DataFrame, title: str) -> go.Figure:
    """Win rate per department or owner, with the number of decided deals."""
    data = plot_columns(rates.dropna(subset=["win_rate"]).sort_values("win_rate"), ["name"])
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
    fig.update_yaxes(title="deals", **count_axis(largest_bin(cycles["cycle_days"], 40)))
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
