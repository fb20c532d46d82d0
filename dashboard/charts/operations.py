"""Charts of the process-efficiency, CRM-pipeline and data-operations pages."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, count_axis, largest_bin, layout
from dashboard.formatting import count, money
from dashboard.i18n import _
from dashboard.safe import plot, plot_columns


def cycle_histogram(cycles: pd.DataFrame) -> go.Figure:
    """How long delivered orders took, in days."""
    fig = go.Figure(go.Histogram(x=cycles["cycle_days"], xbins={"size": 0.5}, marker_color=PALETTE[0],
                                 hovertemplate="%{x} days: %{y:,} orders<extra></extra>"))
    fig.update_xaxes(title="days from order to delivery")
    fig.update_yaxes(title="orders", **count_axis(largest_bin(cycles["cycle_days"], 40)))
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


def month_label(month: pd.Timestamp, start, end) -> str:
    """'Sep 2011', or 'Sep 2011 (29–30)' for a month the period covers only in part."""
    first, last = max(month, pd.Timestamp(start)), min(month + pd.offsets.MonthEnd(0), pd.Timestamp(end))
    whole = first == month and last == month + pd.offsets.MonthEnd(0)
    return f"{month:%b %Y}" if whole else f"{month:%b %Y} ({first.day}–{last.day})"


def on_time_heatmap(rates: pd.DataFrame, start, end) -> go.Figure:
    """On-time delivery per department (rows) and month (columns); months the period cuts show their days."""
    rates = plot_columns(rates, ["department"])
    table = rates.pivot(index="department", columns="month_start", values="on_time_rate")
    delivered = rates.pivot(index="department", columns="month_start", values="delivered").reindex_like(table)
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=[month_label(m, start, end) for m in table.columns], y=table.index,
        colorscale="RdYlGn", zmin=0.6, zmax=1, customdata=delivered.fillna(0).to_numpy(),
        text=[[("" if pd.isna(v) else f"{v:.0%}") for v in row] for row in table.to_numpy()],
        texttemplate="%{text}", textfont={"size": 10}, colorbar={"tickformat": ".0%"},
        hovertemplate="%{y}, %{x}: %{z:.1%} of %{customdata:,} delivered orders on time<extra></extra>"))
    fig.update_xaxes(type="category")
    fig = layout(fig, "On-time delivery by department and month", height=max(260, 90 + 40 * len(table)))
    fig.update_layout(hovermode="closest")
    return fig


def late_suppliers(suppliers: pd.DataFrame) -> go.Figure:
    """Lines received late per supplier, most at the top, labelled with the late share and days late."""
    data = plot_columns(suppliers.sort_values("late"), ["supplier"])
    fig = go.Figure(go.Bar(
        x=data["late"], y=data["supplier"], orientation="h", marker_color=PALETTE[3],
        text=[f"{n:,} of {r:,} late ({s:.0%}) · {d:.1f} days late on average"
              for n, r, s, d in zip(data["late"], data["received"], data["late_rate"], data["avg_days_late"])],
        textposition="auto", hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_xaxes(title="purchase-order lines received late", **count_axis(data["late"].max()))
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
    fig = go.Figure(go.Bar(x=data["rows"], y=[plot(v) for v in data["label"]], orientation="h",
                           marker_color=PALETTE[3], text=[count(n) for n in data["rows"]], textposition="auto",
                           hovertemplate=_("{reason}: {rows} rows").format(reason="%{y}", rows="%{x:,}")
                           + "<extra></extra>"))
    fig.update_xaxes(title=_("rejected rows"), **count_axis(data["rows"].max()))
    fig = layout(fig, _("Rejected rows by reason"), height=max(220, 70 + 30 * len(data)))
    fig.update_layout(hovermode="closest")
    return fig
