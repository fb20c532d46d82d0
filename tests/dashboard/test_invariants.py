"""Invariants of the figures the pages show, on every warehouse of the page matrix and under every filter.

Each figure comes from the query function the page calls; the invariants hold on any data: rates and shares
within 0..100%, counts >= 0, churned <= customers at start, retention = (E - N) / S, departments and regions
adding up to the company, the open pipeline equal to the sum of its stages and to every open deal counted
independently from the canonical table, and changes agreeing with the two periods' own values.
"""

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from dashboard import queries as q
from dashboard.filters import DEPARTMENTS, PERIOD, REGIONS
from dashboard.formatting import overview_cards
from dashboard.queries import COMPARISONS, Filters, customers, efficiency, pipeline, sales
from etl.db import get_engine
from etl.kpi import CAPTIONS, change, ratio
from etl.schema import opportunities
from tests.dashboard.matrix import WAREHOUSES, matrix_filters

CENT = 0.01


def _filters(url: str) -> list[tuple[str, Filters]]:
    """The matrix's filters as Filters (the default view is the last 90 days, as the sidebar draws it)."""
    chosen = []
    states = matrix_filters(url)
    default_period = next((s[PERIOD] for _, s in states if PERIOD in s), None)
    for label, state in states:
        period = state.get(PERIOD, default_period)
        if period is None:
            continue
        chosen.append((label, Filters(period[0], period[1], tuple(state.get(DEPARTMENTS, ())),
                                      tuple(state.get(REGIONS, ())))))
    return chosen


def within(value: float | None, low: float = 0.0, high: float = 1.0) -> bool:
    """Unknown, or within the bounds (with room for float rounding)."""
    return value is None or pd.isna(value) or low - 1e-9 <= value <= high + 1e-9


@pytest.fixture
def on_warehouse(matrix_warehouse, monkeypatch):
    def use(name: str) -> str:
        url = matrix_warehouse(name)
        monkeypatch.setenv("DATABASE_URL", url)
        return url
    return use


def check_sales(filters: Filters, errors: list[str]) -> None:
    """Overview figures: bounds, departments and regions adding up, and the change against either baseline."""
    now = sales.period_kpis(filters)
    for name in ("orders", "active_customers", "delivered", "on_time"):
        if now[name] < 0:
            errors.append(f"{name} = {now[name]} < 0")
    if not (now["on_time"] <= now["delivered"] <= now["orders"]):
        errors.append(f"on time {now['on_time']} <= delivered {now['delivered']} <= orders {now['orders']} fails")
    if not filters.departments and not filters.regions:
        for split, options in (("departments", q.department_options()["department_id"].tolist()),
                               ("regions", q.region_options())):
            parts = [sales.period_kpis(replace(filters, **{split: (o,)})) for o in options]
            total_revenue = sum(p["net_revenue"] for p in parts)
            if abs(total_revenue - now["net_revenue"]) > CENT:
                errors.append(f"{split}' net revenue {total_revenue:.2f} != total {now['net_revenue']:.2f}")
            if sum(p["orders"] for p in parts) != now["orders"]:
                errors.append(f"{split}' orders {sum(p['orders'] for p in parts)} != total {now['orders']}")
            if now["active_customers"] > sum(p["active_customers"] for p in parts):
                errors.append(f"active customers {now['active_customers']} > the sum over {split}")
    for compare in COMPARISONS:
        chosen = replace(filters, compare=compare)
        baseline = chosen.baseline()
        if not baseline_agrees(chosen, baseline):
            errors.append(f"the {compare} baseline {baseline.start}..{baseline.end} of {filters.start}..{filters.end}")
        before = sales.period_kpis(baseline)
        card = overview_cards(now, before, None, CAPTIONS)[0]
        expected = change(now["net_revenue"], before["net_revenue"])
        shown = None if card.delta is None else card.delta.replace(",", "")  # 1,572.7% as Python writes it: 1572.7%
        if (shown is None) != (expected is None) or (expected is not None and shown != f"{expected:+.1%}"):
            errors.append(f"net revenue change against the {compare} baseline {card.delta} != {expected}")


def baseline_agrees(filters: Filters, baseline: Filters) -> bool:
    """The period a change compares with, worked out with pandas' calendar: a year before (29 Feb -> 28 Feb, a
    month's last day -> the month's last day), or just before: as many whole months when the period is whole
    months, else as many days; and with the same departments, regions and scope."""
    start, end = pd.Timestamp(filters.start), pd.Timestamp(filters.end)
    whole = start.is_month_start and end.is_month_end
    if filters.compare == "yoy" or whole:
        months = 12 if filters.compare == "yoy" else (end.year - start.year) * 12 + end.month - start.month + 1
        expected = (start - pd.DateOffset(months=months),
                    end - pd.DateOffset(months=months) + (pd.offsets.MonthEnd(0) if end.is_month_end else
                                                          pd.Timedelta(0)))
    else:
        expected = (start - (end - start) - pd.Timedelta(days=1), start - pd.Timedelta(days=1))
    return ((pd.Timestamp(baseline.start), pd.Timestamp(baseline.end)) == expected
            and (baseline.departments, baseline.regions, baseline.allowed) == (filters.departments, filters.regions,
                                                                               filters.allowed))


def check_retention(filters: Filters, errors: list[str]) -> None:
    """Retention: the two bases, churn and the rate agree with each other and stay within bounds."""
    bases = customers.customer_bases(filters)
    if any(v < 0 for k, v in bases.items() if k != "rate"):
        errors.append(f"negative count in {bases}")
    if bases["churned"] > bases["start"]:
        errors.append(f"churned {bases['churned']} > customers at start {bases['start']}")
    if not within(bases["rate"]):
        errors.append(f"retention rate {bases['rate']} outside 0..1")
    if bases["rate"] != ratio(bases["end"] - bases["new"], bases["start"]):
        errors.append(f"retention rate {bases['rate']} != (E - N) / S for {bases}")
    churn = customers.annual_churn(filters)["churn"]
    if not within(churn):
        errors.append(f"annual churn {churn} outside 0..1")
    matrix = customers.cohorts(filters)
    if (matrix["customers"] < 0).any():
        errors.append("a cohort count is negative")


def open_deals_by_hand(url: str, day: date) -> int:
    """Deals open at the end of a day, counted with pandas on the canonical opportunities table."""
    with get_engine(url).connect() as conn:
        deals = pd.DataFrame(conn.execute(select(opportunities.c.created_at, opportunities.c.closed_at,
                                                 opportunities.c.is_won, opportunities.c.stage)).all(),
                             columns=["created_at", "closed_at", "is_won", "stage"])
    created = pd.to_datetime(deals["created_at"], format="ISO8601").dt.normalize()
    closed = pd.to_datetime(deals["closed_at"], format="ISO8601").dt.normalize()
    open_now = deals["is_won"].isna() & ~deals["stage"].isin(["Won", "Lost"])
    day = pd.Timestamp(day)
    return int(((created.isna() | (created <= day)) & (open_now | (closed > day))).sum())


def check_pipeline(url: str, filters: Filters, errors: list[str]) -> None:
    """The open pipeline equals the sum of its stages and every open deal, dated or not; win rates in 0..1."""
    stages = pipeline.open_pipeline(filters)
    totals = pipeline.period_totals(filters).iloc[0]
    if not within(ratio(totals["won"], totals["won"] + totals["lost"])):
        errors.append("win rate outside 0..1")
    rates = pipeline.win_rates(filters, "owner")
    if not rates["win_rate"].dropna().between(0, 1).all():
        errors.append("an owner's win rate lies outside 0..1")
    if not filters.departments and not filters.regions:
        expected = open_deals_by_hand(url, filters.end)
        if int(stages["deals"].sum()) != expected:
            errors.append(f"open deals {int(stages['deals'].sum())} != {expected} counted by hand")
        parts = sum(int(pipeline.open_pipeline(replace(filters, departments=(d,)))["deals"].sum())
                    for d in q.department_options()["department_id"])
        if parts != expected:
            errors.append(f"departments' open deals {parts} != {expected}")


def check_efficiency(filters: Filters, errors: list[str]) -> None:
    """Fulfilment, procurement and support rates within 0..1, counts consistent."""
    rates = efficiency.on_time_by_department_month(filters)
    if not rates["on_time_rate"].between(0, 1).all():
        errors.append("an on-time rate lies outside 0..1")
    procurement = efficiency.procurement_totals(filters).iloc[0]
    if not procurement["on_time"] <= procurement["received"] <= procurement["lines"]:
        errors.append(f"procurement on time <= received <= lines fails: {procurement.to_dict()}")
    late = efficiency.late_suppliers(filters)
    if not (late["late"] <= late["received"]).all():
        errors.append("a supplier has more late lines than received ones")
    tickets = efficiency.ticket_times(filters)
    if not (tickets["resolved"] <= tickets["tickets"]).all() or not (tickets["responded"] <= tickets["tickets"]).all():
        errors.append("more tickets resolved or answered than opened")


@pytest.mark.parametrize("name", WAREHOUSES)
def test_figures_hold_their_invariants_under_every_filter(name, on_warehouse):
    url = on_warehouse(name)
    failures = {}
    for label, filters in _filters(url):
        errors: list[str] = []
        if q.has_rows("mart_order_fulfilment"):
            check_sales(filters, errors)
            check_retention(filters, errors)
            check_efficiency(filters, errors)
        if q.has_rows("mart_opportunities"):
            check_pipeline(url, filters, errors)
        if errors:
            failures[label] = errors[:4]
    assert not failures, f"{name}: {failures}"


def scoped_figures(filters: Filters) -> dict:
    """What a user with this scope sees on the business pages, as numbers."""
    kpis = sales.period_kpis(filters)
    stages = pipeline.open_pipeline(filters)
    return {"net_revenue": kpis["net_revenue"], "orders": kpis["orders"],
            "customers_at_end": customers.customer_bases(filters)["end"],
            "open_deals": int(stages["deals"].sum()),
            "stock_days": int(efficiency.stock_totals(filters)["days"].iloc[0]),
            "tickets": int(efficiency.ticket_times(filters)["tickets"].sum())}


@pytest.mark.parametrize("name", ["demo", "online_retail", "crm_sales_opportunities"])
def test_managers_see_disjoint_parts_that_add_up_and_no_role_sees_nothing(name, on_warehouse):
    on_warehouse(name)
    bounds = q.date_bounds()
    everything = Filters(bounds[0], bounds[1])
    executive = scoped_figures(everything)
    departments = q.department_options()["department_id"].tolist()
    managers = [scoped_figures(replace(everything, allowed=(d,))) for d in departments]
    for department, manager in zip(departments, managers):  # a manager sees the executive's view of their department
        filtered = scoped_figures(replace(everything, departments=(department,)))
        assert {**filtered, "stock_days": 0} == manager, department
    for figure in ("net_revenue", "orders", "open_deals", "tickets"):
        assert sum(m[figure] for m in managers) == pytest.approx(executive[figure], abs=CENT), figure
    assert executive["customers_at_end"] <= sum(m["customers_at_end"] for m in managers)
    assert all(m["stock_days"] == 0 for m in managers)  # stock is company-wide: managers do not see it
    nobody = scoped_figures(replace(everything, allowed=()))
    assert nobody == {"net_revenue": 0.0, "orders": 0, "customers_at_end": 0, "open_deals": 0, "stock_days": 0,
                      "tickets": 0}
