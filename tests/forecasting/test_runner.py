"""The forecast runner: what it stores (worked out by hand on the five-order fixture), its backends, resuming."""

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.schema import forecast_backtests, forecast_runs, forecast_series, forecasts
from forecasting import runner
from forecasting.backends import Series, fit_all
from forecasting.runner import run_forecasts
from forecasting.settings import Settings
from tests.fixtures import five_orders_source

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


def _synthetic(days: int, seed: int, zero_share: float = 0.0) -> pd.DataFrame:
    ds = pd.date_range("2024-01-01", periods=days, freq="D")
    rng = np.random.default_rng(seed)
    y = 50 + 10 * np.sin(2 * np.pi * ds.day_of_week / 7) + rng.normal(0, 5, days)
    return pd.DataFrame({"ds": ds, "y": np.where(rng.random(days) < zero_share, 0.0, y)})


def test_dask_backend_gives_the_same_forecasts_as_the_local_one():
    settings = Settings(horizon_days=14, holidays_country=None, scored_origins=3, selection_origins=2)
    series = [Series("total", "total", "total", _synthetic(150, 1)),
              *(Series(f"product:P{i}@North", "product", f"P{i}", _synthetic(120, i, 0.3), "North") for i in range(3))]
    local = fit_all(series, settings, workers=1)
    distributed = fit_all(series, settings, backend="dask", workers=2)
    assert set(distributed) == set(local) and local["total"].model in {"prophet", "prophet_ets", "ets",
                                                                        "seasonal_naive", "moving_average_28"}
    for series_id, result in local.items():
        other = distributed[series_id]
        assert (other.model, other.reason) == (result.model, result.reason)
        pd.testing.assert_frame_equal(other.forecast, result.forecast)
        pd.testing.assert_frame_equal(other.backtests, result.backtests)


def test_a_crashed_run_resumes_after_its_last_stored_batch(five_orders_url, tmp_path, monkeypatch):
    engine = get_engine(five_orders_url)
    settings = SETTINGS.with_overrides(batch_series=1)
    real = runner.fit_stream

    def crash_after_two(*args, **kwargs):
        for i, item in enumerate(real(*args, **kwargs)):
            if i == 2:
                raise RuntimeError("worker lost")
            yield item

    monkeypatch.setattr(runner, "fit_stream", crash_after_two)
    with pytest.raises(RuntimeError, match="worker lost"):
        run_forecasts(engine, settings, workers=1)
    assert _read(engine, forecast_runs)["status"].tolist() == ["failed"]
    assert len(_read(engine, forecast_series)) == 2  # two batches of one series were stored before the crash
    monkeypatch.setattr(runner, "fit_stream", real)
    summary = run_forecasts(engine, settings, workers=1)
    assert (summary.run_id, summary.resumed, summary.series) == (1, 2, 3)
    assert _read(engine, forecast_runs)["status"].tolist() == ["success"]
    clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
    run_pipeline(five_orders_source(), get_engine(clean_url))
    run_forecasts(get_engine(clean_url), settings, workers=1)
    key = ["series_id", "ds"]
    resumed = _read(engine, forecasts).sort_values(key).reset_index(drop=True)
    clean = _read(get_engine(clean_url), forecasts).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(resumed, clean)


def test_the_command_runs_on_a_dask_local_cluster_and_says_plainly_what_is_wrong(five_orders_url):
    from typer.testing import CliRunner

    from forecasting.cli import app

    cli = CliRunner()
    done = cli.invoke(app, ["run", "--db", five_orders_url, "--by", "total,department", "--horizon", "7",
                            "--backend", "dask", "--workers", "1"], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    assert "Forecast run 1: 3 series (seasonal_naive 3)." in done.output
    wrong = cli.invoke(app, ["run", "--db", five_orders_url, "--backend", "spark"])
    assert wrong.exit_code == 1 and "--backend 'spark' is not known: choose local or dask." in wrong.output
    lonely = cli.invoke(app, ["run", "--db", five_orders_url, "--scheduler", "tcp://127.0.0.1:8786"])
    assert lonely.exit_code == 1 and "--scheduler needs --backend dask." in lonely.output


@pytest.mark.parametrize(("closes_at", "partial"), [("15:00", False), ("12:50", True)])
def test_the_last_day_is_partial_only_when_it_closed_before_every_day_of_the_four_weeks_before(
        sqlite_url, closes_at, partial):
    """Ten days whose last orders close between 14:00 and 18:15 (median 16:52): a last day closing at 15:00 closes
    earlier than half of them yet is complete; one closing at 12:50, before every one of them, is partial."""
    from etl.sources import FrameSource
    from tests.fixtures import five_orders_frames

    frames = five_orders_frames()
    closings = ["14:00", "18:15", "16:30", "17:45", "14:30", "18:00", "16:45", "17:30", "16:15", "17:00"]
    days = pd.date_range("2025-02-01", periods=10, freq="D")
    stamps = [pd.Timestamp(f"{d.date()} {c}") for d, c in zip(days, closings)]
    stamps.append(pd.Timestamp(f"2025-02-11 {closes_at}"))
    ids = [f"X{i}" for i in range(len(stamps))]
    frames["orders"] = pd.DataFrame({
        "order_id": ids, "customer_id": "C1", "department_id": "D1", "employee_id": "E1", "kind": "sale",
        "status": "open", "ordered_at": stamps, "promised_at": None, "shipped_at": None, "delivered_at": None,
        "region": None})
    frames["order_lines"] = pd.DataFrame({"order_id": ids, "line_no": 1, "product_id": "P1", "quantity": 1,
                                          "unit_price": 10.0, "discount": 0.0, "unit_cost": 6.0})
    engine = get_engine(sqlite_url)
    run_pipeline(FrameSource("closings", frames, currency="GBP"), engine)
    with engine.connect() as conn:
        found = runner.last_complete_day(conn, pd.Timestamp("2025-02-11"))
    # 15:00 closes later than the earliest of the ten days before (14:00): a complete day that closed early
    assert found == pd.Timestamp("2025-02-10" if partial else "2025-02-11")
