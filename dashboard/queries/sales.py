"""Sales and order queries for the overview: totals, daily revenue, revenue by department."""

import pandas as pd
from sqlalchemy import case, desc, func, select

from dashboard.queries import Filters, read, where_period
from etl.schema import departments, mart_daily_sales, mart_order_fulfilment


def sales_totals(filters: Filters) -> pd.DataFrame:
    """One row: revenue, returns, net_revenue, cogs, gross_margin (NULL without costs) over the period."""
    s = mart_daily_sales
    known = (func.coalesce(func.sum(s.c[n]), 0.0).label(n) for n in ("revenue", "returns", "net_revenue"))
    costs = (func.sum(s.c[n]).label(n) for n in ("cogs", "gross_margin"))  # NULL when no cost is known
    statement = select(*known, *costs)
    return read(where_period(statement, s, "sales_date", filters))


def order_totals(filters: Filters) -> pd.DataFrame:
    """One row: orders (sale orders), active_customers, delivered, on_time, avg_cycle_days."""
    f = mart_order_fulfilment
    is_sale = f.c.kind == "sale"
    statement = select(
        func.count(case((is_sale, f.c.order_id))).label("orders"),
        func.count(func.distinct(case((is_sale, f.c.customer_id)))).label("active_customers"),
        func.count(case((is_sale & f.c.is_delivered, f.c.order_id))).label("delivered"),
        func.count(case((is_sale & f.c.is_on_time, f.c.order_id))).label("on_time"),
        func.avg(case((is_sale, f.c.cycle_days))).label("avg_cycle_days"),
    )
    return read(where_period(statement, f, "order_date", filters))


def period_kpis(filters: Filters) -> dict:
    """The overview's figures for a period: the columns of sales_totals and order_totals in one dict (None
    where a figure is unknown)."""
    figures = sales_totals(filters).iloc[0].to_dict() | order_totals(filters).iloc[0].to_dict()
    return {k: None if pd.isna(v) else v for k, v in figures.items()}


def daily_revenue(filters: Filters) -> pd.DataFrame:
    """Net revenue and gross margin per day: sales_date, net_revenue, gross_margin (days with sales only)."""
    s = mart_daily_sales
    statement = select(s.c.sales_date, func.sum(s.c.net_revenue).label("net_revenue"),
                       func.sum(s.c.gross_margin).label("gross_margin")).group_by(s.c.sales_date)
    return read(where_period(statement, s, "sales_date", filters).order_by(s.c.sales_date))


def revenue_by_department(filters: Filters) -> pd.DataFrame:
    """Per department: department_id, department (name), net_revenue, gross_margin; largest first."""
    s = mart_daily_sales
    statement = (
        select(s.c.department_id, func.coalesce(departments.c.name, s.c.department_id).label("department"),
               func.sum(s.c.net_revenue).label("net_revenue"), func.sum(s.c.gross_margin).label("gross_margin"))
        .select_from(s.outerjoin(departments, departments.c.department_id == s.c.department_id))
        .group_by(s.c.department_id, departments.c.name)
    )
    return read(where_period(statement, s, "sales_date", filters).order_by(desc("net_revenue")))
