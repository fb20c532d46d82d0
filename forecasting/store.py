"""Writing a forecast run: its series in batches (each batch one transaction), then reconciliation and the
switch to 'success' in one last transaction, so readers (who only read successful runs) see a run whole
or not at all, and a crashed run keeps every finished batch for the next attempt to resume from."""

import json
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select, update

from forecasting import reconcile
from forecasting.backends import Result, Series
from forecasting.backtest import SeriesForecast

from etl.schema import (  # isort: skip
    forecast_backtests, forecast_product_series, forecast_runs, forecast_series, forecasts)

PARTS = ("department", "category", "region")  # the levels whose members add up to the total


def store_batch(engine: Engine, run_id: int, horizon: int, batch: list[tuple[Series, Result]]) -> None:
    """One transaction: the batch's series, forecasts (yhat_base = yhat until reconciled) and backtests."""
    rows, points, scores, products = [], [], [], []
    for s, result in batch:
        fitted = isinstance(result, SeriesForecast)
        rows.append({"run_id": run_id, "series_id": s.series_id, "level": s.level, "member": s.member,
                     "model": result.model if fitted else None, "reason": result.reason if fitted else result,
                     "params": json.dumps(result.params) if fitted else None, "history_days": len(s.history),
                     "history_end": s.history["ds"].max().date(), "reconciliation_gap": None})
        if s.region is not None:
            products.append({"run_id": run_id, "series_id": s.series_id, "product_id": s.member, "region": s.region})
        if not fitted:
            continue
        points += [{"run_id": run_id, "series_id": s.series_id, "ds": r.ds.date(), "yhat": r.yhat,
                    "yhat_lower": r.yhat_lower, "yhat_upper": r.yhat_upper, "yhat_base": r.yhat}
                   for r in result.forecast.itertuples()]
        scores += [{"run_id": run_id, "series_id": s.series_id, "model": b.model, "cutoff": b.cutoff.date(),
                    "horizon_days": horizon, "smape": _finite(b.smape), "mase": _finite(b.mase),
                    "coverage": _finite(b.coverage)} for b in result.backtests.itertuples()]
    with engine.begin() as conn:
        for table, values in [(forecast_series, rows), (forecasts, points), (forecast_backtests, scores),
                              (forecast_product_series, products)]:
            if values:
                conn.execute(insert(table), values)


def stored_ids(engine: Engine, run_id: int) -> set[str]:
    """The series a run has already stored (a resumed run skips them)."""
    with engine.connect() as conn:
        return set(conn.execute(select(forecast_series.c.series_id).where(forecast_series.c.run_id == run_id))
                   .scalars())


def _frames(conn: Connection, run_id: int) -> dict[str, tuple[str, pd.DataFrame]]:
    """The run's total and part forecasts as stored: series_id -> (level, ds, yhat, yhat_lower, yhat_upper)."""
    s, f = forecast_series, forecasts
    rows = conn.execute(select(s.c.series_id, s.c.level, f.c.ds, f.c.yhat_base, f.c.yhat_lower, f.c.yhat_upper)
                        .join(f, (f.c.run_id == s.c.run_id) & (f.c.series_id == s.c.series_id))
                        .where(s.c.run_id == run_id, s.c.level.in_(("total", *PARTS)))).all()
    frame = pd.DataFrame(rows, columns=["series_id", "level", "ds", "yhat", "yhat_lower", "yhat_upper"])
    frame["ds"] = pd.to_datetime(frame["ds"])
    return {sid: (g["level"].iloc[0], g.drop(columns=["series_id", "level"]).reset_index(drop=True))
            for sid, g in frame.groupby("series_id")}


def finish(engine: Engine, run_id: int, series: int) -> dict[str, float]:
    """Reconcile each breakdown to the total, record its gap, and mark the run successful, in one transaction."""
    gaps = {}
    with engine.begin() as conn:
        frames = _frames(conn, run_id)
        total = frames.get("total", (None, None))[1]
        for level in PARTS:
            parts = {sid: frame for sid, (lv, frame) in frames.items() if lv == level}
            if total is None or not parts:
                continue
            gaps[level] = reconcile.gap(total, parts)
            for sid, frame in reconcile.proportional(total, parts).items():
                _replace_points(conn, run_id, sid, frame, parts[sid]["yhat"])
            conn.execute(update(forecast_series).where(forecast_series.c.run_id == run_id,
                                                       forecast_series.c.level == level)
                         .values(reconciliation_gap=gaps[level]))
        stored = len(frames)
        conn.execute(update(forecast_runs).where(forecast_runs.c.run_id == run_id).values(
            finished_at=datetime.now(), status="success", series=series, message=f"{series} series forecast"
            + (f" ({stored} total and breakdown series reconciled)" if stored else "")))
    return gaps


def _replace_points(conn: Connection, run_id: int, series_id: str, frame: pd.DataFrame, base: pd.Series) -> None:
    conn.execute(delete(forecasts).where(forecasts.c.run_id == run_id, forecasts.c.series_id == series_id))
    conn.execute(insert(forecasts), [
        {"run_id": run_id, "series_id": series_id, "ds": r.ds.date(), "yhat": r.yhat, "yhat_lower": r.yhat_lower,
         "yhat_upper": r.yhat_upper, "yhat_base": float(b)} for r, b in zip(frame.itertuples(), base)])


def fail(engine: Engine, run_id: int, error: Exception) -> None:
    """Mark the run failed with the error; its stored batches stay for a resumed run."""
    with engine.begin() as conn:
        conn.execute(update(forecast_runs).where(forecast_runs.c.run_id == run_id).values(
            finished_at=datetime.now(), status="failed", message=str(error)[:2000]))


def _finite(value: float) -> float | None:
    return None if pd.isna(value) else float(value)
