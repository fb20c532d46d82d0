"""Forecast queries: the latest run, its series, forecast points, backtest scores and the actual history."""

import json
from datetime import date

import pandas as pd
from sqlalchemy import and_, desc, func, select

from dashboard.queries import read
from etl.schema import (
    departments,
    forecast_backtests,
    forecast_product_series,
    forecast_runs,
    forecast_series,
    forecasts,
    mart_daily_product_sales,
    mart_daily_sales,
    products,
)
from forecasting.runner import LEVEL_COLUMN

LEVEL_ORDER = {"total": 0, "department": 1, "category": 2, "region": 3, "product": 4}


def latest_run() -> pd.DataFrame:
    """The latest successful forecast run (zero or one row): run_id, finished_at, horizon_days."""
    r = forecast_runs
    return read(select(r.c.run_id, r.c.finished_at, r.c.horizon_days).where(r.c.status == "success")
                .order_by(desc(r.c.run_id)).limit(1))


def series_options(run_id: int) -> pd.DataFrame:
    """The run's series: series_id, level, member, region (product series), label ('Department: Sales North',
    'Product: Mug (P1) · North'), model, reason, gap, history_end, coverage and closures (from the params)."""
    s, p = forecast_series, forecast_product_series
    member_name = func.coalesce(departments.c.name, products.c.name, s.c.member)
    frame = read(
        select(s.c.series_id, s.c.level, s.c.member, member_name.label("member_name"), p.c.region, s.c.model,
               s.c.reason, s.c.params, s.c.reconciliation_gap, s.c.history_end)
        .select_from(s.outerjoin(departments, and_(s.c.level == "department",
                                                   departments.c.department_id == s.c.member))
                     .outerjoin(p, and_(p.c.run_id == s.c.run_id, p.c.series_id == s.c.series_id))
                     .outerjoin(products, and_(s.c.level == "product", products.c.product_id == s.c.member)))
        .where(s.c.run_id == run_id))
    params = [json.loads(text) if isinstance(text, str) else {} for text in frame["params"]]
    frame["coverage"] = [p.get("coverage") for p in params]
    frame["closures"] = [p.get("closures", []) for p in params]
    frame["label"] = [_label(row) for row in frame.itertuples()]
    frame["order"] = frame["level"].map(LEVEL_ORDER).fillna(9)
    return frame.sort_values(["order", "label"]).drop(columns=["params", "order"]).reset_index(drop=True)


def _label(row) -> str:
    if row.level == "total":
        return "Total"
    if row.level == "product":
        name = row.member if row.member_name == row.member else f"{row.member_name} ({row.member})"
        return f"Product: {name} · {row.region}"
    return f"{row.level.title()}: {row.member_name}"


def points(run_id: int, series_id: str) -> pd.DataFrame:
    """The forecast: ds, yhat, yhat_lower, yhat_upper, yhat_base (before reconciliation)."""
    f = forecasts
    return read(select(f.c.ds, f.c.yhat, f.c.yhat_lower, f.c.yhat_upper, f.c.yhat_base)
                .where(f.c.run_id == run_id, f.c.series_id == series_id).order_by(f.c.ds))


def backtest_summary(run_id: int, series_id: str) -> pd.DataFrame:
    """Per model (and 'nested', the as-deployed choice): model, cutoffs, first_cutoff, smape, mase, coverage,
    the means over the scored origins."""
    b = forecast_backtests
    return read(select(b.c.model, func.count().label("cutoffs"), func.min(b.c.cutoff).label("first_cutoff"),
                       func.avg(b.c.smape).label("smape"), func.avg(b.c.mase).label("mase"),
                       func.avg(b.c.coverage).label("coverage"))
                .where(b.c.run_id == run_id, b.c.series_id == series_id).group_by(b.c.model)
                .order_by(func.avg(b.c.mase)))


def history(level: str, member: str, region: str | None, start: date, end: date) -> pd.DataFrame:
    """Actual daily values of a series from start to end (net revenue; units for a product series), only the
    days with rows: sales_date, value."""
    if level == "product":
        p = mart_daily_product_sales
        return read(select(p.c.sales_date, func.sum(p.c.units).label("value"))
                    .where(p.c.product_id == member, p.c.region == region, p.c.sales_date >= start,
                           p.c.sales_date <= end).group_by(p.c.sales_date).order_by(p.c.sales_date))
    s = mart_daily_sales
    statement = select(s.c.sales_date, func.sum(s.c.net_revenue).label("value")).where(
        s.c.sales_date >= start, s.c.sales_date <= end)
    if level in LEVEL_COLUMN:
        statement = statement.where(s.c[LEVEL_COLUMN[level]] == member)
    return read(statement.group_by(s.c.sales_date).order_by(s.c.sales_date))
