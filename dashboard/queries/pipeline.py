"""CRM pipeline queries: value by stage, weighted pipeline, win rates, sales cycle."""

import pandas as pd
from sqlalchemy import desc, func, select

from dashboard.queries import Filters, read, where_period
from etl.schema import departments, employees, mart_opportunities


def by_stage(filters: Filters) -> pd.DataFrame:
    """Deals created in the period per stage: stage, deals, value (expected value), probability, weighted."""
    o = mart_opportunities
    statement = (select(o.c.stage, func.count().label("deals"), func.sum(o.c.expected_value).label("value"),
                        func.max(o.c.probability).label("probability"),
                        func.sum(o.c.expected_value * o.c.probability).label("weighted"))
                 .group_by(o.c.stage))
    return read(where_period(statement, o, "created_date", filters).order_by(desc("probability")))


def totals(filters: Filters) -> pd.DataFrame:
    """One row over deals created in the period: deals, open, won, lost, open_value, weighted_pipeline,
    won_value, avg_cycle_days (won and lost deals)."""
    o = mart_opportunities
    closed = ~o.c.is_open
    statement = select(
        func.count().label("deals"), func.count().filter(o.c.is_open).label("open"),
        func.count().filter(o.c.is_won).label("won"), func.count().filter(closed & ~o.c.is_won).label("lost"),
        func.coalesce(func.sum(o.c.expected_value).filter(o.c.is_open), 0.0).label("open_value"),
        func.coalesce(func.sum(o.c.expected_value * o.c.probability).filter(o.c.is_open), 0.0)
        .label("weighted_pipeline"),
        func.coalesce(func.sum(o.c.amount).filter(o.c.is_won), 0.0).label("won_value"),
        func.avg(o.c.cycle_days).filter(closed).label("avg_cycle_days"))
    return read(where_period(statement, o, "created_date", filters))


def win_rates(filters: Filters, by: str) -> pd.DataFrame:
    """Win rate per department or owner: name, won, lost, win_rate, won_value, open_deals; best first."""
    o = mart_opportunities
    names = departments if by == "department" else employees
    key = o.c.department_id if by == "department" else o.c.owner_id
    name_key = names.c.department_id if by == "department" else names.c.employee_id
    won, lost = func.count().filter(o.c.is_won), func.count().filter(~o.c.is_open & ~o.c.is_won)
    statement = (select(func.coalesce(names.c.name, key, "(no owner)").label("name"), won.label("won"),
                        lost.label("lost"), (won * 1.0 / func.nullif(won + lost, 0)).label("win_rate"),
                        func.coalesce(func.sum(o.c.amount).filter(o.c.is_won), 0.0).label("won_value"),
                        func.count().filter(o.c.is_open).label("open_deals"))
                 .select_from(o.outerjoin(names, name_key == key)).group_by(key, names.c.name))
    return read(where_period(statement, o, "created_date", filters).order_by(desc("win_rate"), desc("won")))


def cycle_lengths(filters: Filters) -> pd.DataFrame:
    """Closed deals' sales cycles: is_won, cycle_days."""
    o = mart_opportunities
    statement = select(o.c.is_won, o.c.cycle_days).where(~o.c.is_open, o.c.cycle_days.is_not(None))
    return read(where_period(statement, o, "created_date", filters))
