"""Charts of the CRM pipeline page: the open pipeline by stage, win rates, and how long deals take to close."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, count_axis, largest_bin, layout
from dashboard.safe import plot
from etl.kpi import CLOSED_SINCE_STAGE
from i18n import _, ngettext
from i18n.formats import count, money, percent


def stage_name(stage: str) -> str:
    """A stage as shown: the data's own name, or 'Closed since' (deals open then, closed now) translated."""
    return _("Closed since") if stage == CLOSED_SINCE_STAGE else stage


def funnel(stages: pd.DataFrame, currency: str | None) -> go.Figure:
    """Expected value of the open deals in each stage, earliest stage (lowest probability) first; a click on a
    stage gives its name (customdata)."""
    fig = go.Figure(go.Funnel(
        y=[plot(stage_name(s)) for s in stages["stage"]], x=stages["value"], marker={"color": PALETTE[0]},
        customdata=stages["stage"],
        text=[" · ".join([money(v, currency, compact=False),
                          ngettext("{count} deal", "{count} deals", d).format(count=count(d)), percent(p, 0)])
              for v, d, p in zip(stages["value"], stages["deals"], stages["probability"])],
        textinfo="text", hovertemplate="%{y}: %{text}<extra></extra>"))
    fig = layout(fig, _("Open pipeline by stage"), height=max(280, 70 + 48 * len(stages)))
    fig.update_layout(hovermode="closest")
    return fig


def win_rates(rates: pd.DataFrame, title: str) -> go.Figure:
    """Win rate per department or owner, with the number of decided deals; a click on a bar gives its key
    (customdata: the department's or owner's id)."""
    data = rates.dropna(subset=["win_rate"]).sort_values("win_rate")
    fig = go.Figure(go.Bar(
        x=data["win_rate"], y=[plot(n) for n in data["name"]], orientation="h", marker_color=PALETTE[2],
        customdata=data["key"],
        text=[_("{rate} of {decided}").format(rate=percent(rate), decided=count(won + lost))
              for rate, won, lost in zip(data["win_rate"], data["won"], data["lost"])],
        textposition="auto", hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig = layout(fig, title, height=max(240, 60 + 30 * len(data)))
    fig.update_layout(hovermode="closest")
    return fig


def sales_cycle(cycles: pd.DataFrame) -> go.Figure:
    """How long won and lost deals took to close."""
    fig = go.Figure()
    for won, name, colour in ((True, _("Won"), PALETTE[2]), (False, _("Lost"), PALETTE[3])):
        part = cycles[cycles["is_won"].astype(bool) == won]
        fig.add_histogram(x=part["cycle_days"], name=name, marker_color=colour, opacity=0.75, nbinsx=40,
                          hovertemplate=_("%{x} days: %{y:,} deals") + f"<extra>{name}</extra>")
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(title=_("days from creation to close"))
    fig.update_yaxes(title=_("deals"), **count_axis(largest_bin(cycles["cycle_days"], 40)))
    fig = layout(fig, _("Sales cycle length"))
    fig.update_layout(hovermode="closest")
    return fig
