"""Forecast queries: the latest run, its series, forecast points, backtest scores and the actual history."""

import pandas as pd
from sqlalchemy import and_, desc, func, select

from dashboard.queries import Filters, read
from etl.schema import (
    departments,
    forecast_backtests,
    forecast_runs,
    forecast_series,
    forecasts,
    mart_daily_sales,
)
from forecasting.runner import LEVEL_COLUMN


def latest_run() -> pd.DataFrame:
    """The latest successful forecast run (zero or one row): run_id, finished_at, horizon_days."""
    r = forecast_runs
    return read(select(r.c.run_id, r.c.finished_at, r.c.horizon_days).where(r.c.status == "success")
                .order_by(desc(r.c.run_id)).limit(1))


def series_options(run_id: int) -> pd.DataFrame:
    """The run's series: series_id, level, member, label ('Department: Sales North'), model, reason, gap."""
    s = forecast_series
    member_name = func.coalesce(departments.c.name, s.c.member)
    frame = read(
        select(s.c.series_id, s.c.level, s.c.member, member_name.label("member_name"), s.c.model, s.c.reason,
               s.c.reconciliation_gap)
        .select_from(s.outerjoin(departments, and_(s.c.level == "department",
                                                   departments.c.department_id == s.c.member)))
        .where(s.c.run_id == run_id).order_by(s.c.level, member_name))
    order = {"total": 0, "department": 1, "category": 2, "region": 3}
    frame["label"] = [("Total" if lv == "total" else f"{lv.title()}: {name}")
                      for lv, name in zip(frame["level"], frame["member_name"])]
    return frame.sort_values(["level", "label"], key=lambda c: c.map(order) if c.name == "level" else c)


def points(run_id: int, series_id: str) -> pd.DataFrame:
    """The forecast: ds, yhat, yhat_lower, yhat_upper, yhat_base (before reconciliation)."""
    f = forecasts
    return read(select(f.c.ds, f.c.yhat, f.c.yhat_lower, f.c.yhat_upper, f.c.yhat_base)
                .where(f.c.run_id == run_id, f.c.series_id == series_id).order_by(f.c.ds))


def backtest_summary(run_id: int, series_id: str) -> pd.DataFrame:
    """Per model: model, cutoffs, first_cutoff, smape, mase, coverage (means over the cutoffs)."""
    b = forecast_backtests
    return read(select(b.c.model, func.count().label("cutoffs"), func.min(b.c.cutoff).label("first_cutoff"),
                       func.avg(b.c.smape).label("smape"), func.avg(b.c.mase).label("mase"),
                       func.avg(b.c.coverage).label("coverage"))
                .where(b.c.run_id == run_id, b.c.series_id == series_id).group_by(b.c.model)
                .order_by(func.avg(b.c.mase)))


def history(level: str, member: str, filters: Filters) -> pd.DataFrame:
    """Actual daily net revenue of a series over the filters' period: sales_date, net_revenue."""
    s = mart_daily_sales
    statement = select(s.c.sales_date, func.sum(s.c.net_revenue).label("net_revenue")).where(
        s.c.sales_date >= filters.start, s.c.sales_date <= filters.end)
    if level in LEVEL_COLUMN:
        statement = statement.where(s.c[LEVEL_COLUMN[level]] == member)
    return read(statement.group_by(s.c.sales_date).order_by(s.c.sales_date))
