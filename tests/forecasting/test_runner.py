"""The forecast runner on the five-order fixture: what it stores, worked out by hand."""

import pandas as pd
import pytest
from sqlalchemy import select

from etl.db import get_engine
from etl.schema import forecast_backtests, forecast_runs, forecast_series, forecasts
from forecasting.runner import run_forecasts
from forecasting.settings import Settings

SETTINGS = Settings(horizon_days=7, levels=("total", "department"), holidays_country=None)


def _read(engine, table) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(select(table)).mappings().all())


def test_runner_stores_series_forecasts_and_run(five_orders_url):
    engine = get_engine(five_orders_url)
    summary = run_forecasts(engine, SETTINGS, workers=1)
    assert (summary.series, summary.models, summary.skipped) == (3, {"seasonal_naive": 3}, 0)
    series = _read(engine, forecast_series).set_index("series_id")
    assert sorted(series.index) == ["department:D1", "department:D2", "total"]
    # 6 to 20 January is 15 days; D2 starts with its first sale on the 7th
    assert series["history_days"].to_dict() == {"department:D1": 15, "department:D2": 14, "total": 15}
    assert series.loc["total", "reason"] == "fallback: only 15 days of history (Prophet needs 90)"
    points = _read(engine, forecasts)
    by_series = {sid: group.sort_values("ds")["yhat"].tolist() for sid, group in points.groupby("series_id")}
    # the last week (14-20 Jan) repeated: total 0, -20 (clipped to 0), 0, 0, 0, 0, 40
    assert by_series["total"] == [0, 0, 0, 0, 0, 0, 40]
    assert by_series["department:D2"] == [0, 0, 0, 0, 0, 0, 40]
    assert by_series["department:D1"] == [0] * 7
    assert str(points["ds"].min())[:10] == "2025-01-21" and len(points) == 21
    assert series.loc["department:D1", "reconciliation_gap"] == pytest.approx(0.0)
    assert _read(engine, forecast_backtests).empty  # 15 days are too few for one 56-day training window
    run = _read(engine, forecast_runs).iloc[0]
    assert (run["status"], run["series"], run["horizon_days"], run["etl_run_id"]) == ("success", 3, 7, 1)
