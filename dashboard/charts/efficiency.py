"""Charts of the process-efficiency page: cycle times, on-time delivery, late suppliers and support times."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, count_axis, largest_bin, layout, room_for_labels
from dashboard.charts.customers import DENSE_COLUMNS
from dashboard.safe import plot_columns
from i18n import _
from i18n.formats import count, duration, month, percent


def bucket_starts(dates: pd.Series, grain: str) -> pd.Series:
    """The first day of each date's bucket at the grain ('day', 'week' from Monday, 'month'), as charts.bucket."""
    dates = pd.to_datetime(dates)
    return dates if grain == "day" else dates.dt.to_period("M" if grain == "month" else "W-SUN").dt.start_time


def cycle_per_bucket(cycles: pd.DataFrame, grain: str) -> pd.DataFrame:
    """Delivered orders per time bucket: bucket (first day), orders, average and p90 cycle days."""
    grouped = cycles.assign(bucket=bucket_starts(cycles["order_date"], grain)).groupby("bucket")["cycle_days"]
    return pd.DataFrame({"orders": grouped.size(), "average": grouped.mean(),
                         "p90": grouped.quantile(0.9)}).reset_index()


def cycle_histogram(cycles: pd.DataFrame) -> go.Figure:
    """How long delivered orders took, in days."""
    fig = go.Figure(go.Histogram(x=cycles["cycle_days"], xbins={"size": 0.5}, marker_color=PALETTE[0],
                                 hovertemplate=_("Days: %{x}<br>Orders: %{y:,}") + "<extra></extra>"))
    fig.update_xaxes(title=_("days from order to delivery"))
    fig.update_yaxes(title=_("orders"), **count_axis(largest_bin(cycles["cycle_days"], 40)))
    fig = layout(fig, _("Order cycle time"))
    fig.update_layout(hovermode="closest")
    return fig


def cycle_trend(buckets: pd.DataFrame, grain: str) -> go.Figure:
    """Average and 90th percentile cycle time per bucket of the grain; a click drills into the bucket."""
    starts = buckets["bucket"].dt.strftime("%Y-%m-%d")
    average, p90 = _("Average"), _("90th percentile")
    fig = go.Figure()
    fig.add_scatter(x=buckets["bucket"], y=buckets["average"], name=average, customdata=starts,
                    line={"color": PALETTE[0], "width": 2.5}, mode="lines+markers",
                    hovertemplate=_("%{y:.2f} days") + f"<extra>{average}</extra>")
    fig.add_scatter(x=buckets["bucket"], y=buckets["p90"], name=p90, customdata=starts, mode="lines+markers",
                    line={"color": PALETTE[1], "dash": "dot"},
                    hovertemplate=_("%{y:.2f} days") + f"<extra>{p90}</extra>")
    fig.update_yaxes(title=_("days"), rangemode="tozero")
    titles = {"day": _("Cycle time per day"), "week": _("Cycle time per week"), "month": _("Cycle time per month")}
    return layout(fig, titles[grain])


def month_label(first_of_month: pd.Timestamp, start, end) -> str:
    """'Sep 2011', or 'Sep 2011 (29–30)' for a month the period covers only in part (month names per locale)."""
    first = max(first_of_month, pd.Timestamp(start))
    last = min(first_of_month + pd.offsets.MonthEnd(0), pd.Timestamp(end))
    whole = first == first_of_month and last == first_of_month + pd.offsets.MonthEnd(0)
    return month(first_of_month) if whole else f"{month(first_of_month)} ({first.day}–{last.day})"


def on_time_heatmap(rates: pd.DataFrame, start, end) -> go.Figure:
    """On-time delivery per department (rows) and month (columns); months the period cuts show their days. A
    click picks the department (its id is the first customdata item)."""
    rates = plot_columns(rates, ["department"])
    table = rates.pivot(index="department_id", columns="month_start", values="on_time_rate")
    delivered = rates.pivot(index="department_id", columns="month_start", values="delivered").reindex_like(table)
    names = rates.drop_duplicates("department_id").set_index("department_id")["department"].reindex(table.index)
    customdata = [[[department, count(n) if pd.notna(n) else "0"] for n in row]
                  for department, row in zip(table.index, delivered.to_numpy())]
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=[month_label(m, start, end) for m in table.columns], y=list(names),
        colorscale="RdYlGn", zmin=0.6, zmax=1, customdata=customdata, xgap=1, ygap=1,
        text=[[("" if pd.isna(v) else percent(v, 0)) for v in row] for row in table.to_numpy()],
        texttemplate="%{text}" if table.shape[1] <= DENSE_COLUMNS else "", textfont={"size": 11},
        colorbar={"tickformat": ".0%"},
        hovertemplate=_("%{y}, %{x}<br>On time: %{z:.1%}<br>Delivered orders: %{customdata[1]}")
        + "<extra></extra>"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    fig = layout(fig, _("On-time delivery by department and month"), height=max(260, 90 + 40 * len(table)))
    fig.update_layout(hovermode="closest")
    return fig


def late_suppliers(suppliers: pd.DataFrame) -> go.Figure:
    """Lines received late per supplier, most at the top, labelled with the late lines and share outside the
    bar (the axis leaves room, so no label is clipped); a click picks the supplier (its id in customdata)."""
    data = plot_columns(suppliers.sort_values("late"), ["supplier"])
    labels = [_("{late} of {received} ({share})").format(late=count(n), received=count(r), share=percent(s, 0))
              for n, r, s in zip(data["late"], data["received"], data["late_rate"])]
    delays = [duration(d) for d in data["avg_days_late"]]
    fig = go.Figure(go.Bar(
        x=data["late"], y=data["supplier"], orientation="h", marker_color=PALETTE[3], text=labels,
        textposition="outside", cliponaxis=False, customdata=list(zip(data["supplier_id"], labels, delays)),
        hovertemplate=_("%{y}<br>Received late: %{customdata[1]}<br>Average delay: %{customdata[2]}")
        + "<extra></extra>"))
    fig.update_xaxes(title=_("purchase-order lines received late"), **count_axis(data["late"].max()))
    fig.update_xaxes(range=room_for_labels(data["late"].max(), labels))
    fig = layout(fig, _("Suppliers with the most late deliveries"), height=max(260, 70 + 34 * len(data)))
    fig.update_layout(hovermode="closest")
    return fig


def tickets_per_bucket(daily: pd.DataFrame, grain: str) -> pd.DataFrame:
    """Tickets per time bucket: bucket (first day), tickets, responded, resolved and the average first-response
    and resolution hours."""
    sums = ["tickets", "responded", "resolved", "first_response_hours", "resolution_hours"]
    grouped = daily.assign(bucket=bucket_starts(daily["opened_date"], grain)).groupby("bucket")[sums].sum()
    grouped["avg_first_response_hours"] = grouped["first_response_hours"] / grouped["responded"].where(
        grouped["responded"] > 0)
    grouped["avg_resolution_hours"] = grouped["resolution_hours"] / grouped["resolved"].where(grouped["resolved"] > 0)
    return grouped.reset_index()[["bucket", "tickets", "responded", "resolved", "avg_first_response_hours",
                                  "avg_resolution_hours"]]


def ticket_times(buckets: pd.DataFrame) -> go.Figure:
    """Average first-response and resolution hours per bucket; a click drills into the bucket."""
    starts = buckets["bucket"].dt.strftime("%Y-%m-%d")
    first, resolution = _("First response"), _("Resolution")
    fig = go.Figure()
    fig.add_scatter(x=buckets["bucket"], y=buckets["avg_first_response_hours"], name=first, customdata=starts,
                    mode="lines+markers", line={"color": PALETTE[0], "width": 2.5},
                    hovertemplate=_("%{y:.1f} h") + f"<extra>{first}</extra>")
    fig.add_scatter(x=buckets["bucket"], y=buckets["avg_resolution_hours"], name=resolution, customdata=starts,
                    mode="lines+markers", line={"color": PALETTE[4], "width": 2.5}, yaxis="y2",
                    hovertemplate=_("%{y:.1f} h") + f"<extra>{resolution}</extra>")
    fig.update_layout(yaxis={"title": _("first response (hours)"), "rangemode": "tozero"},
                      yaxis2={"title": _("resolution (hours)"), "overlaying": "y", "side": "right",
                              "rangemode": "tozero"})
    return layout(fig, _("Support response and resolution times"))
