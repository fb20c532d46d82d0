"""Charts of the overview: net revenue over time at the period's grain, and net revenue by department."""

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, bucket, layout, money_ticks
from dashboard.safe import plot, plot_columns
from i18n import N_, _
from i18n.formats import day, money, percent, period

AVERAGE_DAYS = 7  # a week, so the average hides the weekday pattern
AVERAGE_FROM_DAYS = 14  # a shorter period has too few weeks for an average to say more than its bars
LIGHT = "#bfdbfe"
TITLES = {"day": N_("Net revenue per day"), "week": N_("Net revenue per week"), "month": N_("Net revenue per month")}
BUCKETS = {"day": N_("Day"), "week": N_("Week from"), "month": N_("Month")}
BAR_DAYS = {"day": 0.8, "week": 5.6, "month": 24}  # a bar's width: explicit, as a lone partial bar has no neighbour
DATE_TICKS = {"day": "%-d %b", "week": "%-d %b", "month": "%b %Y"}  # day before month reads right in both languages
BUCKET_DAYS = {"day": 1, "week": 7, "month": 30.5}
DAY_MS = 86_400_000


def trend_points(daily: pd.DataFrame, start, end, grain: str) -> pd.DataFrame:
    """The trend's rows from daily net revenue (days without sales at zero): bucket (first day of the day, week from
    Monday or month), first and last (the bucket's days within ``start``..``end``), partial (the period cuts the
    bucket), net_revenue, and at day grain over 14 days or more the 7-day moving average (``average``); days of
    ``daily`` before ``start`` only feed the first averages."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    first = min([start, *daily["sales_date"].head(1)])
    days = (daily.set_index("sales_date")["net_revenue"].reindex(pd.date_range(first, end, freq="D"), fill_value=0.0)
            .astype(float).rename_axis("bucket").rename("net_revenue"))
    average = days.rolling(AVERAGE_DAYS, min_periods=1).mean()[start:]
    points = bucket(days[start:].reset_index(), "bucket", grain, ["net_revenue"])
    ends = {"day": pd.Timedelta(0), "week": pd.Timedelta(days=6), "month": pd.offsets.MonthEnd(0)}[grain]
    points = points.assign(first=points["bucket"].clip(lower=start), last=(points["bucket"] + ends).clip(upper=end))
    points["partial"] = (points["first"] != points["bucket"]) | (points["last"] != points["bucket"] + ends)
    if grain == "day" and len(points) >= AVERAGE_FROM_DAYS:
        points["average"] = average.to_numpy()
    return points[["bucket", "first", "last", "partial", "net_revenue", *(["average"] if "average" in points else [])]]


def trend_table(points: pd.DataFrame, grain: str) -> pd.DataFrame:
    """The trend's rows as the CSV offers them, with the columns named in the session's language."""
    table = points.assign(bucket=points["bucket"].dt.date, first=points["first"].dt.date, last=points["last"].dt.date)
    return table.drop(columns="partial").rename(columns={
        "bucket": _(BUCKETS[grain]), "first": _("First day"), "last": _("Last day"), "net_revenue": _("Net revenue"),
        "average": _("{days}-day average").format(days=AVERAGE_DAYS)})


def revenue_trend(points: pd.DataFrame, currency: str | None, grain: str) -> go.Figure:
    """Net revenue per bucket as bars (buckets the period cuts in a lighter colour), with the moving average as a
    line where ``points`` has one; each bar's customdata starts with its bucket's first day (a click drills into
    it)."""
    said = [day(f) if grain == "day" else period(f, t) for f, t in zip(points["first"], points["last"])]
    amounts = [money(v, currency) for v in points["net_revenue"]]
    custom = list(zip(points["bucket"].dt.strftime("%Y-%m-%d"), said, amounts))
    fig = go.Figure()
    has_average = "average" in points
    parts = [(~points["partial"], _("Net revenue"), LIGHT if has_average else PALETTE[0])]
    if grain != "day":
        parts.append((points["partial"], _("Part of a week") if grain == "week" else _("Part of a month"), LIGHT))
    for rows, name, colour in parts:
        if rows.any():
            fig.add_bar(x=points.loc[rows, "bucket"], y=points.loc[rows, "net_revenue"], name=name, marker_color=colour,
                        width=BAR_DAYS[grain] * DAY_MS, customdata=[c for c, keep in zip(custom, rows) if keep],
                        hovertemplate="%{customdata[1]}: %{customdata[2]}<extra></extra>")
    if has_average:
        name = _("{days}-day average").format(days=AVERAGE_DAYS)
        fig.add_scatter(x=points["bucket"], y=points["average"], name=name, line={"color": PALETTE[0], "width": 2.5},
                        customdata=[(c[0], c[1], money(v, currency)) for c, v in zip(custom, points["average"])],
                        hovertemplate=f"%{{customdata[1]}}, {plot(name)}: %{{customdata[2]}}<extra></extra>")
    fig.update_yaxes(rangemode="tozero", **money_ticks(points[["net_revenue", *(["average"] if has_average else [])]]
                                                       .stack(), currency))
    fig.update_xaxes(tickformat=DATE_TICKS[grain])
    if len(points):  # Plotly's autorange pads bars of an explicit width by weeks: fit the buckets instead
        half = pd.Timedelta(days=BUCKET_DAYS[grain] / 2)
        fig.update_xaxes(range=[points["bucket"].iloc[0] - half, points["bucket"].iloc[-1] + half])
    if grain == "week" and len(points):  # ticks on the weeks' Mondays (Plotly's own fall on Sundays), six at most
        fig.update_xaxes(tick0=points["bucket"].iloc[0], dtick=7 * DAY_MS * math.ceil(len(points) / 6))
    fig = layout(fig, _(TITLES[grain]))
    fig.update_layout(hovermode="closest", showlegend=len(fig.data) > 1, barmode="overlay")
    return fig


def department_table(by_department: pd.DataFrame) -> pd.DataFrame:
    """Revenue by department as the CSV offers it, with the columns named in the session's language."""
    return by_department[["department", "net_revenue", "gross_margin"]].rename(columns={
        "department": _("Department"), "net_revenue": _("Net revenue"), "gross_margin": _("Gross margin")})


def revenue_by_department(by_department: pd.DataFrame, currency: str | None) -> go.Figure:
    """Net revenue per department as horizontal bars labelled with the money and the gross margin %, each bar's
    customdata its department_id (a click filters to it). Labels sit inside the longer bars and beside the shorter
    ones, never clipped by the plot area."""
    data = plot_columns(by_department.sort_values("net_revenue"), ["department"])
    margin = data["gross_margin"] / data["net_revenue"].where(data["net_revenue"] != 0)
    text = [money(v, currency) + ("" if pd.isna(m) else "<br>" + _("margin {margin}").format(margin=percent(m)))
            for v, m in zip(data["net_revenue"], margin)]  # two short lines: narrow enough beside a bar at 800 px
    fig = go.Figure(go.Bar(
        x=data["net_revenue"], y=data["department"], orientation="h", marker_color=PALETTE[0], text=text,
        customdata=data[["department_id"]].to_numpy(), textposition="auto", cliponaxis=False,
        insidetextanchor="end", hovertemplate="%{y}<br>%{text}<extra></extra>",
    ))
    low, high = min(0.0, data["net_revenue"].min()), max(0.0, data["net_revenue"].max())
    room = 0.2 * ((high - low) or 1.0)  # beside a bar whose label does not fit inside it
    fig.update_xaxes(range=[low - (room if low < 0 else 0), high + room], **money_ticks(data["net_revenue"], currency))
    fig = layout(fig, _("Net revenue by department"), height=max(260, 60 + 42 * len(data)))
    fig.update_layout(hovermode="closest", margin={"r": 24})
    return fig

