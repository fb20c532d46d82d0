"""Charts of the customer-retention page, and the words its tables show for the warehouse's codes."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, count_axis, largest_bin, layout, money_ticks, month_cut, room_for_labels
from dashboard.safe import plot_columns
from i18n import N_, _, ngettext, worded
from i18n.formats import count, day, money, month, percent

EVENT_COLOURS = {"Order": PALETTE[0], "Return": PALETTE[3], "Invoice": PALETTE[2], "Ticket": PALETTE[1],
                 "Interaction": PALETTE[4], "Mention": PALETTE[5]}
EVENT_NAMES = {"Order": N_("Order"), "Return": N_("Return"), "Invoice": N_("Invoice"), "Ticket": N_("Ticket"),
               "Interaction": N_("Interaction"), "Mention": N_("Mention")}
STATES = {"paid": N_("paid"), "overdue": N_("overdue"), "open": N_("open"), "resolved": N_("resolved"),
          # the orders' statuses (etl.validate.ORDER_STATUSES; 'open' is above)
          "on_hold": N_("on hold"), "shipped": N_("shipped"), "delivered": N_("delivered"),
          "completed": N_("completed"), "returned": N_("returned"), "cancelled": N_("cancelled"),
          "unknown": N_("unknown")}
SENTIMENTS = {"negative": N_("negative"), "neutral": N_("neutral"), "positive": N_("positive")}
LABEL_SOURCES = {"person": N_("person"), "model": N_("model"), "lexicon": N_("lexicon")}
DENSE_COLUMNS = 13  # a heatmap with more columns (a year and more) shows values on hover only, never cramped


def describe_events(events: pd.DataFrame) -> pd.DataFrame:
    """A customer's timeline in words: date, kind (the English event, for colours), event, detail, amount."""
    states = worded(events["state"], STATES)
    detail = [" · ".join(part for part in (d, s) if isinstance(part, str) and part)
              for d, s in zip(events["detail"], states)]
    return pd.DataFrame({"date": events["date"], "kind": events["event"], "event": worded(events["event"], EVENT_NAMES),
                         "detail": detail, "amount": events["amount"]})


def cohort_heatmap(retention: pd.DataFrame, data_end) -> go.Figure:
    """Cohorts (rows) x months since the first sale (columns), coloured by the share still active; the cells of
    the month the data's last day cuts (a diagonal) are marked with '*': their share is still growing."""
    labels = [month(m) for m in retention.index]
    values = retention.to_numpy()
    dense = values.shape[1] > DENSE_COLUMNS
    cut = [[month_cut(pd.Timestamp(c) + pd.DateOffset(months=int(k)), data_end) is not None
            for k in retention.columns] for c in retention.index]
    partial = _("part of a month: the data ends on {day}").format(day=day(data_end))
    fig = go.Figure(go.Heatmap(
        z=values, x=[str(c) for c in retention.columns], y=labels, colorscale="Blues", zmin=0, zmax=1, xgap=1, ygap=1,
        text=[[("" if pd.isna(v) else percent(v, 0) + ("*" if marked else "")) for v, marked in zip(row, marks)]
              for row, marks in zip(values, cut)],
        customdata=[[("" if pd.isna(v) else percent(v) + (f" ({partial})" if marked else ""))
                     for v, marked in zip(row, marks)] for row, marks in zip(values, cut)],
        texttemplate="" if dense else "%{text}", textfont={"size": 11}, colorbar={"tickformat": ".0%", "title": ""},
        hovertemplate=_("Cohort %{y}, month +%{x}: %{customdata} active") + "<extra></extra>"))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=_("months since the first sale"), type="category")
    fig = layout(fig, _("Monthly cohort retention"), height=max(320, 90 + 26 * len(labels)))
    fig.update_layout(hovermode="closest")
    return fig


def churn(monthly: pd.DataFrame, data_end) -> go.Figure:
    """New and retained customers as stacked bars, churned customers below the axis; the month the data's last
    day cuts is faded and labelled with its days; each month's first day is the first customdata item (a click
    narrows the period to the month)."""
    starts = monthly["month_start"].dt.strftime("%Y-%m-%d")
    retained, new, churned = _("Retained"), _("New"), _("Churned")
    held = [month_cut(m, data_end) for m in monthly["month_start"]]
    faded = [1.0 if days is None else 0.45 for days in held]  # the month the data's end cuts, as the trend's bars
    fig = go.Figure()
    fig.add_bar(x=monthly["month_start"], y=monthly["retained"], name=retained, marker={"color": PALETTE[0],
                "opacity": faded}, customdata=starts, hovertemplate=f"%{{y:,}}<extra>{retained}</extra>")
    fig.add_bar(x=monthly["month_start"], y=monthly["new"], name=new, marker={"color": PALETTE[2], "opacity": faded},
                customdata=starts, hovertemplate=f"%{{y:,}}<extra>{new}</extra>")
    fig.add_bar(x=monthly["month_start"], y=-monthly["churned"], name=churned, marker={"color": PALETTE[3],
                "opacity": faded}, customdata=list(zip(starts, monthly["churned"])),
                hovertemplate=f"%{{customdata[1]:,}}<extra>{churned}</extra>")
    for first, days, top in zip(monthly["month_start"], held, monthly["retained"] + monthly["new"]):
        if days is not None:
            fig.add_annotation(x=first, y=top, yanchor="bottom", showarrow=False, font={"size": 11},
                               text=ngettext("{days} day", "{days} days", days).format(days=count(days)))
    fig.update_layout(barmode="relative")
    fig.update_yaxes(**count_axis((monthly["retained"] + monthly["new"]).max()) | {"rangemode": "normal"},
                     title=_("customers"))
    fig.update_xaxes(tickformat="%b %Y", **({"dtick": "M1"} if len(monthly) <= 12 else {}))
    return layout(fig, _("Active customers per month: retained, new and churned"))


def rfm_segments(segments: pd.DataFrame, currency: str | None) -> go.Figure:
    """Customers per RFM segment, labelled with their net revenue outside the bar (the axis leaves room, so no
    label is clipped); the segment's stored name is the first customdata item (a click lists its customers)."""
    data = segments.sort_values("customers")
    revenue = [money(v, currency) for v in data["monetary"]]
    labels = [f"{count(n)} · {r}" for n, r in zip(data["customers"], revenue)]
    fig = go.Figure(go.Bar(
        y=[_(s) for s in data["segment"]], x=data["customers"], orientation="h", marker_color=PALETTE[0],
        text=labels, textposition="outside", cliponaxis=False, customdata=list(zip(data["segment"], revenue)),
        hovertemplate=_("%{y}<br>Customers: %{x:,}<br>Net revenue: %{customdata[1]}") + "<extra></extra>"))
    fig.update_xaxes(title=_("customers (labels: net revenue in the period)"), **count_axis(data["customers"].max()))
    fig.update_xaxes(range=room_for_labels(data["customers"].max(), labels))
    fig = layout(fig, _("RFM segments"), height=90 + 36 * len(data))
    fig.update_layout(hovermode="closest")
    return fig


def clv_histogram(clv: pd.Series, currency: str | None) -> go.Figure:
    """How customer lifetime value is spread."""
    fig = go.Figure(go.Histogram(x=clv, nbinsx=40, marker_color=PALETTE[4],
                                 hovertemplate=_("Lifetime value: %{x}<br>Customers: %{y:,}") + "<extra></extra>"))
    fig.update_xaxes(title=_("customer lifetime value"), **money_ticks(clv, currency))
    fig.update_yaxes(title=_("customers"), **count_axis(largest_bin(clv, 40)))
    fig = layout(fig, _("Customer lifetime value"))
    fig.update_layout(hovermode="closest")
    return fig


def timeline(events: pd.DataFrame, currency: str | None) -> go.Figure:
    """One customer's events (as ``describe_events`` words them) on a time axis, one row per kind of event; days
    only, never clock times."""
    fig = go.Figure()
    for kind, group in plot_columns(events, ["detail"]).groupby("kind", sort=False):
        amount = [("" if pd.isna(a) else f"<br>{money(a, currency, compact=False)}") for a in group["amount"]]
        fig.add_scatter(x=group["date"], y=group["event"], mode="markers", name=group["event"].iloc[0],
                        marker={"size": 11, "color": EVENT_COLOURS.get(kind, PALETTE[7])},
                        text=[f"{day(when)}<br>{d}{a}" for when, d, a in zip(group["date"], group["detail"], amount)],
                        hovertemplate="%{text}<extra></extra>")
    fig.update_yaxes(categoryorder="array", categoryarray=[_(EVENT_NAMES[e]) for e in EVENT_COLOURS][::-1])
    padding = pd.Timedelta(days=15)
    fig.update_xaxes(type="date", tickformat="%d %b %Y", range=[events["date"].min() - padding,
                                                                events["date"].max() + padding])
    fig = layout(fig, _("Timeline"), height=320)
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig
