"""CRM pipeline: the open pipeline at the period's end and its deals, and the deals created, won and lost in the
period. A click on a stage lists that stage's open deals; a click on a department filters every page to it."""

import streamlit as st

from dashboard import filters, safe, show
from dashboard import queries as q
from dashboard.charts import pipeline as charts
from dashboard.formatting import caption, delta
from dashboard.queries import pipeline
from etl.kpi import MIN_DECIDED_DEALS, ratio
from i18n import _, ngettext
from i18n.formats import count, day, duration, money, percent

STAGES = "pipeline_stages"
RATE_COLUMNS = {"won": "count", "lost": "count", "win_rate": "percent", "won_value": "money0"}



def rate_columns(name: str) -> dict:
    """The win-rate table's columns, the first named ``name`` (Owner or Department)."""
    labels = {"won": _("Won"), "lost": _("Lost"), "win_rate": _("Win rate"), "won_value": _("Won value")}
    return {"name": (name, "text"), **{c: (labels[c], kind) for c, kind in RATE_COLUMNS.items()}}


st.title(_("CRM pipeline"))
chosen = filters.require("mart_opportunities", _("The loaded data has no deals (opportunities), so there is no "
                                                 "pipeline to show."))
currency = q.currency()

def kpis(period) -> dict:
    """The cards' values over a period: the open and weighted pipeline on its last day, deals created, win rate and
    sales cycle of the deals closed in it."""
    open_now, closed = pipeline.open_pipeline(period), pipeline.period_totals(period).iloc[0]
    return {"open": open_now["value"].sum(), "weighted": open_now["weighted"].sum(), "created": closed["created"],
            "win_rate": ratio(closed["won"], closed["won"] + closed["lost"]), "cycle": closed["avg_cycle_days"]}


baseline = filters.compared(chosen)
stages = pipeline.open_pipeline(chosen)
now, before = kpis(chosen), kpis(baseline) if baseline else {}
open_count = int(stages["deals"].sum())
cards = st.columns(5)
cards[0].metric(_("Open pipeline"), money(now["open"], currency), delta(now["open"], before.get("open")),
                border=True, help=ngettext("{count} deal open on {day}.", "{count} deals open on {day}.",
                                           open_count).format(count=count(open_count), day=day(chosen.end))
                + " " + caption("weighted_pipeline"))
cards[1].metric(_("Weighted pipeline"), money(now["weighted"], currency),
                delta(now["weighted"], before.get("weighted")), border=True, help=caption("weighted_pipeline"))
cards[2].metric(_("Deals created"), count(now["created"]), delta(now["created"], before.get("created")), border=True,
                help=_("Deals created in the period."))
cards[3].metric(_("Win rate"), percent(now["win_rate"]), delta(now["win_rate"], before.get("win_rate"), points=True),
                border=True, help=caption("win_rate"))
cards[4].metric(_("Sales cycle"), duration(now["cycle"], digits=0), delta(now["cycle"], before.get("cycle")),
                delta_color="inverse", border=True, help=caption("sales_cycle"))

if stages.empty:
    st.info(_("No deal was open on {day}.").format(day=day(chosen.end)))
else:
    show.chart(charts.funnel(stages, currency), stages.rename(columns={
        "stage": _("Stage"), "deals": _("Deals"), "value": _("Expected value"), "probability": _("Probability"),
        "weighted": _("Weighted value")}), "open-pipeline", "pipeline_funnel", on_click=filters.pick_into(STAGES))
    st.caption(_("Deals open on {day} by stage; click a stage to list its deals.").format(day=day(chosen.end))
               + " " + caption("weighted_pipeline"))
    options = list(stages["stage"])
    st.session_state[STAGES] = [s for s in st.session_state.get(STAGES, []) if s in options]
    stage_labels = {stage: safe.md(charts.stage_name(stage)) for stage in options}  # labels read markdown
    picked = st.pills(_("Stages"), options, selection_mode="multi", key=STAGES, format_func=stage_labels.get)
    deals = pipeline.open_deals(chosen, tuple(picked))
    st.subheader(ngettext("{count} open deal on {day}", "{count} open deals on {day}", len(deals)).format(
        count=count(len(deals)), day=day(chosen.end)))
    show.table(deals.assign(stage=deals["stage"].map(charts.stage_name)), {
        "opportunity_id": (_("Deal"), "text"), "customer": (_("Customer"), "text"), "owner": (_("Owner"), "text"),
        "department": (_("Department"), "text"), "stage": (_("Stage"), "text"), "amount": (_("Amount"), "money0"),
        "expected_value": (_("Expected value"), "money0"), "probability": (_("Probability"), "percent"),
        "created_date": (_("Created"), "date")}, "open-deals", "pipeline_deals", currency=currency)

if now["win_rate"] is None:
    st.info(_("No deal was won or lost in this period, so there are no win rates or sales cycles to show."))
    st.stop()
by_department = pipeline.win_rates(chosen, "department")  # full width, as the owner chart: room for its title
show.chart(charts.win_rates(by_department, _("Win rate by department")),
           by_department[list(rate_columns(""))].rename(columns={c: label for c, (label, _kind) in
                                                                  rate_columns(_("Department")).items()}),
           "win-rate-by-department", "pipeline_departments", on_click=filters.pick_departments)
owners = pipeline.win_rates(chosen, "owner")
owners = owners.assign(name=owners["name"].fillna(_("(no owner)")))
ranked = owners[owners["won"] + owners["lost"] >= MIN_DECIDED_DEALS]
show.chart(charts.win_rates(ranked.head(15), _("Top 15 owners by win rate")), ranked.head(15)[
    list(rate_columns(""))].rename(columns={c: label for c, (label, _kind) in rate_columns(_("Owner")).items()}),
           "win-rate-by-owner", "pipeline_owner_chart")
st.caption(_("Click a department to filter every page to it.") + " " + _(
    "The owners ranked have at least {count} decided deals; the table below lists every owner.").format(
    count=count(MIN_DECIDED_DEALS)) + " " + caption("win_rate"))
show.table(owners, rate_columns(_("Owner")), "win-rate-by-owner-all", "pipeline_owners", currency=currency)
cycles = pipeline.cycle_lengths(chosen)
show.chart(charts.sales_cycle(cycles), cycles.assign(is_won=cycles["is_won"].map({True: _("Won"), False: _("Lost")}))
           .rename(columns={"is_won": _("Outcome"), "cycle_days": _("Days from creation to close")}),
           "sales-cycle", "pipeline_cycles")
st.caption(caption("sales_cycle"))
