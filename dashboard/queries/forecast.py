"""Forecast queries: the latest run, its series, forecast points, backtest scores and the actual history.

Each takes ``allowed``, the departments the reader may see (None: every one): a manager reads only the series of
their departments, never a company-wide, category, region or product series, as row-level security has it."""

import json
from datetime import date

import pandas as pd
from sqlalchemy import Date, and_, case, desc, false, func, select, true, type_coerce

from access.scope import Scope, within
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


def _visible(series_id, allowed: Scope):
    """The series a reader who may see ``allowed`` reads: every one, or the series of those departments."""
    return true() if allowed is None else series_id.in_([f"department:{d}" for d in allowed])


def series_options(run_id: int, allowed: Scope) -> pd.DataFrame:
    """The run's series: series_id, level, member, member_name (the department's or product's name), region
    (product series), model, reason, reconciliation_gap, history_end, coverage, closures and season_once (the
    days ahead in a season the history holds once; from the params);
    total first, then departments, categories, regions and products."""
    s, p = forecast_series, forecast_product_series
    member_name = func.coalesce(departments.c.name, products.c.name, s.c.member)
    frame = read(
        select(s.c.series_id, s.c.level, s.c.member, member_name.label("member_name"), p.c.region, s.c.model,
               s.c.reason, s.c.params, s.c.reconciliation_gap, s.c.history_end)
        .select_from(s.outerjoin(departments, and_(s.c.level == "department",
                                                   departments.c.department_id == s.c.member))
                     .outerjoin(p, and_(p.c.run_id == s.c.run_id, p.c.series_id == s.c.series_id))
                     .outerjoin(products, and_(s.c.level == "product", products.c.product_id == s.c.member)))
        .where(s.c.run_id == run_id, _visible(s.c.series_id, allowed)))
    params = [json.loads(text) if isinstance(text, str) else {} for text in frame["params"]]
    frame["coverage"] = [p.get("coverage") for p in params]
    frame["closures"] = [p.get("closures", []) for p in params]
    frame["season_once"] = [p.get("season_once", []) for p in params]
    frame["order"] = frame["level"].map(LEVEL_ORDER).fillna(9)
    return (frame.sort_values(["order", "member_name", "region"]).drop(columns=["params", "order"])
            .reset_index(drop=True))


def points(run_id: int, series_id: str, allowed: Scope) -> pd.DataFrame:
    """The forecast: ds, yhat, yhat_lower, yhat_upper, yhat_base (before reconciliation)."""
    f = forecasts
    return read(select(f.c.ds, f.c.yhat, f.c.yhat_lower, f.c.yhat_upper, f.c.yhat_base)
                .where(f.c.run_id == run_id, f.c.series_id == series_id, _visible(f.c.series_id, allowed))
                .order_by(f.c.ds))


def backtest_summary(run_id: int, series_id: str, allowed: Scope) -> pd.DataFrame:
    """Per model (and 'nested', the as-deployed choice): model, cutoffs, first_cutoff, smape, mase, coverage,
    the means over the scored origins, and coverage_low and coverage_high, the range of the origins' coverage."""
    b = forecast_backtests
    return read(select(b.c.model, func.count().label("cutoffs"), func.min(b.c.cutoff).label("first_cutoff"),
                       func.avg(b.c.smape).label("smape"), func.avg(b.c.mase).label("mase"),
                       func.avg(b.c.coverage).label("coverage"), func.min(b.c.coverage).label("coverage_low"),
                       func.max(b.c.coverage).label("coverage_high"))
                .where(b.c.run_id == run_id, b.c.series_id == series_id, _visible(b.c.series_id, allowed))
                .group_by(b.c.model)
                .order_by(func.avg(b.c.mase)))


def _series(level: str, member: str, region: str | None, allowed: Scope):
    """A series' daily date and value columns (net revenue; units for a product series) and what picks its rows,
    within the departments the reader may see (product sales belong to no department: every one or none)."""
    if level == "product":
        p = mart_daily_product_sales
        return p.c.sales_date, p.c.units, [p.c.product_id == member, p.c.region == region,
                                           true() if allowed is None else false()]
    s = mart_daily_sales
    picks = [s.c[LEVEL_COLUMN[level]] == member] if level in LEVEL_COLUMN else []
    return s.c.sales_date, s.c.net_revenue, [*picks, within(s.c.department_id, allowed)]


def history(level: str, member: str, region: str | None, start: date, end: date, allowed: Scope) -> pd.DataFrame:
    """Actual daily values of a series from start to end (net revenue; units for a product series), only the
    days with rows: sales_date, value."""
    day, value, picks = _series(level, member, region, allowed)
    return read(select(day, func.sum(value).label("value")).where(*picks, day >= start, day <= end)
                .group_by(day).order_by(day))


def window_totals(level: str, member: str, region: str | None, recent: tuple[date, date],
                  year_before: tuple[date, date], allowed: Scope) -> pd.DataFrame:
    """One row: the series' actual total over the recent days and over the same days a year before (both
    inclusive ranges; 0 when no row falls in them), and first_day, the series' first day with a row (to tell
    whether the data reaches back a year)."""
    day, value, picks = _series(level, member, region, allowed)

    def total(start: date, end: date):
        return func.coalesce(func.sum(case((day.between(start, end), value), else_=0.0)), 0.0)

    first = select(func.min(day)).where(*picks).scalar_subquery()
    return read(select(total(*recent).label("recent"), total(*year_before).label("year_before"),
                       type_coerce(first, Date).label("first_day"))
                .where(*picks, day.between(*recent) | day.between(*year_before)))
