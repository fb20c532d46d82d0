"""CRM pipeline queries: the open pipeline at the period's end, and the deals created, won and lost in it."""

import pandas as pd
from sqlalchemy import case, desc, func, literal, select, true

from dashboard.queries import Filters, read, where_period, where_scope
from etl.kpi import CLOSED_SINCE_STAGE, DEFAULT_STAGE_PROBABILITY
from etl.schema import customers, departments, employees, mart_opportunities


def _stage():
    """A deal's stage in a past period's open pipeline: its own while open, else CLOSED_SINCE_STAGE."""
    o = mart_opportunities
    return case((o.c.is_open, o.c.stage), else_=literal(CLOSED_SINCE_STAGE))


def _open_on(day):
    """Deals open at the end of a day: created by then (or undated) and not closed by then. A deal closed on an
    unknown date counts as closed."""
    o = mart_opportunities
    created = o.c.created_date.is_(None) | (o.c.created_date <= day)
    return created & (o.c.is_open | (o.c.closed_date > day))


def open_pipeline(filters: Filters) -> pd.DataFrame:
    """The open pipeline at the period's end, per stage: stage, deals, value (expected value), probability,
    weighted; deals that have closed since count in the stage CLOSED_SINCE_STAGE. Earliest stage first."""
    o = mart_opportunities
    stage = _stage()
    probability = case((o.c.is_open, o.c.probability), else_=DEFAULT_STAGE_PROBABILITY)
    statement = (select(stage.label("stage"), func.count().label("deals"),
                        func.coalesce(func.sum(o.c.expected_value), 0.0).label("value"),
                        func.max(probability).label("probability"),
                        func.coalesce(func.sum(o.c.expected_value * probability), 0.0).label("weighted"))
                 .where(_open_on(filters.end)).group_by(stage))
    return read(where_scope(statement, o, filters).order_by("probability", "stage"))


def period_totals(filters: Filters) -> pd.DataFrame:
    """One row: created (deals created in the period), won, lost, won_value and avg_cycle_days of the deals
    closed in it."""
    o = mart_opportunities
    closed = where_period(select(func.count().filter(o.c.is_won).label("won"),
                                 func.count().filter(~o.c.is_open & ~o.c.is_won).label("lost"),
                                 func.coalesce(func.sum(o.c.amount).filter(o.c.is_won), 0.0).label("won_value"),
                                 func.avg(o.c.cycle_days).label("avg_cycle_days")).where(~o.c.is_open),
                          o, "closed_date", filters).subquery()
    created = where_period(select(func.count().label("created")), o, "created_date", filters).subquery()
    return read(select(created.c.created, closed).select_from(created.join(closed, true())))  # one row each


def win_rates(filters: Filters, by: str) -> pd.DataFrame:
    """Win rate of the deals closed in the period per department or owner: key (department_id or owner_id), name
    (empty for deals without an owner), won, lost, win_rate, won_value; best first."""
    o = mart_opportunities
    names = departments if by == "department" else employees
    key = o.c.department_id if by == "department" else o.c.owner_id
    name_key = names.c.department_id if by == "department" else names.c.employee_id
    won, lost = func.count().filter(o.c.is_won), func.count().filter(~o.c.is_open & ~o.c.is_won)
    statement = (select(key.label("key"), func.coalesce(names.c.name, key).label("name"), won.label("won"),
                        lost.label("lost"), (won * 1.0 / func.nullif(won + lost, 0)).label("win_rate"),
                        func.coalesce(func.sum(o.c.amount).filter(o.c.is_won), 0.0).label("won_value"))
                 .select_from(o.outerjoin(names, name_key == key)).where(~o.c.is_open).group_by(key, names.c.name))
    return read(where_period(statement, o, "closed_date", filters).order_by(desc("win_rate"), desc("won")))


def cycle_lengths(filters: Filters) -> pd.DataFrame:
    """Sales cycles of the deals closed in the period: is_won, cycle_days."""
    o = mart_opportunities
    statement = select(o.c.is_won, o.c.cycle_days).where(~o.c.is_open, o.c.cycle_days.is_not(None))
    return read(where_period(statement, o, "closed_date", filters))


def open_deals(filters: Filters, stages: tuple[str, ...] = (), owners: tuple[str, ...] = ()) -> pd.DataFrame:
    """The deals open at the period's end (those of open_pipeline), optionally only in some stages or of some
    owners: opportunity_id, customer, owner_id, owner, department, stage, amount, expected_value, probability,
    created_date; the largest expected value first."""
    o, owner = mart_opportunities, employees.alias("owner")
    stage = _stage()
    statement = (select(o.c.opportunity_id, func.coalesce(customers.c.name, o.c.customer_id).label("customer"),
                        o.c.owner_id, func.coalesce(owner.c.name, o.c.owner_id).label("owner"),
                        departments.c.name.label("department"), stage.label("stage"), o.c.amount,
                        o.c.expected_value, case((o.c.is_open, o.c.probability),
                                                 else_=DEFAULT_STAGE_PROBABILITY).label("probability"),
                        o.c.created_date)
                 .select_from(o.outerjoin(customers, customers.c.customer_id == o.c.customer_id)
                              .outerjoin(owner, owner.c.employee_id == o.c.owner_id)
                              .outerjoin(departments, departments.c.department_id == o.c.department_id))
                 .where(_open_on(filters.end)))
    if stages:
        statement = statement.where(stage.in_(stages))
    if owners:
        statement = statement.where(o.c.owner_id.in_(owners))
    return read(where_scope(statement, o, filters).order_by(desc(o.c.expected_value), o.c.opportunity_id))
