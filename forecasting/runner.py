"""The forecast run: read daily sales from the mart, fit every series in parallel, reconcile, store.

This is the only part of ``forecasting`` that touches the database.
"""

import json
import logging
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, func, insert, select, update

from etl.db import ensure_schema
from etl.runs import LOADED
from etl.schema import (
    etl_runs,
    forecast_backtests,
    forecast_runs,
    forecast_series,
    forecasts,
    mart_daily_sales,
)
from forecasting import reconcile
from forecasting.backtest import SeriesForecast, fit_series
from forecasting.models import daily
from forecasting.settings import Settings

LEVEL_COLUMN = {"department": "department_id", "category": "category", "region": "region"}
Progress = Callable[[str, int, int], None]


@dataclass
class Series:
    """One series to forecast: its id, level, member and daily history (ds, y)."""

    series_id: str
    level: str
    member: str
    history: pd.DataFrame


@dataclass
class ForecastSummary:
    """What a forecast run did."""

    run_id: int
    series: int
    models: dict[str, int]
    skipped: int
    gaps: dict[str, float]


def load_series(engine: Engine, levels: tuple[str, ...]) -> list[Series]:
    """Daily net revenue for the total and each member of the requested levels, from mart_daily_sales.

    Every series runs to the last day with any sale, so a member without sales lately is forecast from
    the same day as the total (with zeros for its quiet days), and the parts line up with the whole.
    """
    s = mart_daily_sales
    with engine.connect() as conn:
        last = conn.execute(select(func.max(s.c.sales_date))).scalar()
        if last is None:
            return []
        end = pd.Timestamp(last)
        found = []
        if "total" in levels:
            rows = conn.execute(select(s.c.sales_date, func.sum(s.c.net_revenue)).group_by(s.c.sales_date)).all()
            found.append(Series("total", "total", "total", _history(rows, end)))
        for level in (lv for lv in levels if lv in LEVEL_COLUMN):
            column = s.c[LEVEL_COLUMN[level]]
            rows = conn.execute(select(column, s.c.sales_date, func.sum(s.c.net_revenue))
                                .group_by(column, s.c.sales_date)).all()
            by_member = pd.DataFrame(rows, columns=["member", "ds", "y"])
            for member, part in by_member.groupby("member"):
                history = _history(part[["ds", "y"]].itertuples(index=False), end)
                found.append(Series(f"{level}:{member}", level, str(member), history))
    return found


def _history(rows, end: pd.Timestamp) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=["ds", "y"])
    frame["ds"] = pd.to_datetime(frame["ds"])
    frame["y"] = frame["y"].astype(float)
    if frame["ds"].max() < end:
        frame = pd.concat([frame, pd.DataFrame({"ds": [end], "y": [0.0]})], ignore_index=True)
    return daily(frame)


def _quiet_worker() -> None:
    logging.getLogger("cmdstanpy").disabled = True
    logging.getLogger("prophet").setLevel(logging.WARNING)


def _fit(series: Series, settings: Settings) -> SeriesForecast | str:
    _quiet_worker()
    try:
        return fit_series(series.history, settings)
    except ValueError as reason:  # too little history: recorded, never fails the run
        return f"skipped: {reason}"


def fit_all(series: list[Series], settings: Settings, workers: int | None = None,
            progress: Progress | None = None) -> dict[str, SeriesForecast | str]:
    """Fit every series, in parallel processes when ``workers`` > 1."""
    workers = workers or min(os.cpu_count() or 1, len(series)) or 1
    results: dict[str, SeriesForecast | str] = {}
    if workers == 1:
        for i, s in enumerate(series):
            results[s.series_id] = _fit(s, settings)
            if progress:
                progress(s.series_id, i + 1, len(series))
        return results
    with ProcessPoolExecutor(max_workers=workers, initializer=_quiet_worker) as pool:
        futures = {pool.submit(_fit, s, settings): s.series_id for s in series}
        for i, future in enumerate(as_completed(futures)):
            results[futures[future]] = future.result()
            if progress:
                progress(futures[future], i + 1, len(series))
    return results


def reconciled_forecasts(series: list[Series], results: dict) -> tuple[dict[str, pd.DataFrame], dict[str, float]]:
    """Every fitted series' forecast with yhat_base, parts reconciled to the total; and the gap per level."""
    frames = {sid: r.forecast.assign(yhat_base=r.forecast["yhat"]) for sid, r in results.items()
              if isinstance(r, SeriesForecast)}
    gaps = {}
    total = frames.get("total")
    for level in LEVEL_COLUMN:
        parts = {s.series_id: frames[s.series_id] for s in series if s.level == level and s.series_id in frames}
        if total is None or not parts:
            continue
        gaps[level] = reconcile.gap(total, parts)
        for sid, frame in reconcile.proportional(total, parts).items():
            frames[sid] = frame
    return frames, gaps


def run_forecasts(engine: Engine, settings: Settings, workers: int | None = None,
                  progress: Progress | None = None) -> ForecastSummary:
    """Forecast every series of the requested levels and store the run, its series, forecasts and backtests."""
    ensure_schema(engine)
    run_id = _start(engine, settings)
    try:
        series = load_series(engine, settings.levels)
        results = fit_all(series, settings, workers, progress)
        frames, gaps = reconciled_forecasts(series, results)
        with engine.begin() as conn:
            _store(conn, run_id, settings, series, results, frames, gaps)
            conn.execute(update(forecast_runs).where(forecast_runs.c.run_id == run_id).values(
                finished_at=datetime.now(), status="success", series=len(series),
                message=f"{len(frames)} of {len(series)} series forecast"))
    except Exception as error:
        with engine.begin() as conn:
            conn.execute(update(forecast_runs).where(forecast_runs.c.run_id == run_id).values(
                finished_at=datetime.now(), status="failed", message=str(error)[:2000]))
        raise
    models = pd.Series([r.model for r in results.values() if isinstance(r, SeriesForecast)]).value_counts()
    return ForecastSummary(run_id, len(series), models.to_dict(), len(series) - len(frames), gaps)


def _start(engine: Engine, settings: Settings) -> int:
    with engine.begin() as conn:
        etl_run = conn.execute(select(func.max(etl_runs.c.run_id)).where(etl_runs.c.status.in_(LOADED))).scalar()
        result = conn.execute(insert(forecast_runs).values(
            etl_run_id=etl_run, started_at=datetime.now(), status="running", horizon_days=settings.horizon_days,
            settings=json.dumps(asdict(settings))))
        return result.inserted_primary_key[0]


def _store(conn, run_id, settings, series, results, frames, gaps) -> None:
    rows, points, scores = [], [], []
    for s in series:
        result = results[s.series_id]
        fitted = isinstance(result, SeriesForecast)
        rows.append({
            "run_id": run_id, "series_id": s.series_id, "level": s.level, "member": s.member,
            "model": result.model if fitted else None, "reason": result.reason if fitted else result,
            "params": json.dumps(result.params) if fitted else None, "history_days": len(daily(s.history)),
            "history_end": s.history["ds"].max().date(), "reconciliation_gap": gaps.get(s.level),
        })
        if not fitted:
            continue
        points += [{"run_id": run_id, "series_id": s.series_id, "ds": r.ds.date(), "yhat": r.yhat,
                    "yhat_lower": r.yhat_lower, "yhat_upper": r.yhat_upper, "yhat_base": r.yhat_base}
                   for r in frames[s.series_id].itertuples()]
        scores += [{"run_id": run_id, "series_id": s.series_id, "model": b.model, "cutoff": b.cutoff.date(),
                    "horizon_days": settings.horizon_days, "smape": _finite(b.smape), "mase": _finite(b.mase),
                    "coverage": _finite(b.coverage)} for b in result.backtests.itertuples()]
    for table, values in [(forecast_series, rows), (forecasts, points), (forecast_backtests, scores)]:
        if values:
            conn.execute(insert(table), values)


def _finite(value: float) -> float | None:
    return None if pd.isna(value) else float(value)
