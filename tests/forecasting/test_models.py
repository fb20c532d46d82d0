"""Forecast models and metrics on series whose answers are known."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from etl.demo.simulation import WEEKLY_PATTERN
from forecasting import reconcile
from forecasting.backtest import cutoffs, fit_series
from forecasting.metrics import coverage, mase, smape
from forecasting.models import ProphetParams, daily, moving_average, prophet, seasonal_naive, weekly_pattern
from forecasting.settings import Settings

WEEKLY = np.array([20.0, 25.0, 20.0, 15.0, 10.0, -40.0, -50.0])  # Monday..Sunday, sums to 0


def synthetic(days: int = 364, start: str = "2024-01-01", noise: float = 2.0, slope: float = 0.1) -> pd.DataFrame:
    """100 + slope x day + a weekly pattern + noise."""
    ds = pd.date_range(start, periods=days, freq="D")
    t = np.arange(days)
    rng = np.random.default_rng(0)
    return pd.DataFrame({"ds": ds, "y": 100 + slope * t + WEEKLY[ds.day_of_week] + rng.normal(0, noise, days)})


def truth(after: pd.Timestamp, horizon: int, start: str = "2024-01-01", slope: float = 0.1) -> np.ndarray:
    ds = pd.date_range(after + pd.Timedelta(days=1), periods=horizon, freq="D")
    t = (ds - pd.Timestamp(start)).days.to_numpy()
    return 100 + slope * t + WEEKLY[ds.day_of_week]


def test_prophet_recovers_a_known_trend_and_weekly_pattern_within_3_percent():
    history = synthetic()
    forecast = prophet(history, 28)
    expected = truth(history["ds"].max(), 28)
    assert list(forecast.columns) == ["ds", "yhat", "yhat_lower", "yhat_upper"]
    assert forecast["ds"].iloc[0] == pd.Timestamp("2024-12-30") and len(forecast) == 28
    assert np.mean(np.abs(forecast["yhat"] - expected) / expected) < 0.03
    assert (forecast["yhat_lower"] <= forecast["yhat"]).all() and (forecast["yhat"] <= forecast["yhat_upper"]).all()


def test_no_model_forecasts_negative_sales():
    falling = synthetic(days=200, slope=-0.8, noise=5.0)  # crosses zero about 40 days after the end
    for forecast in [prophet(falling, 90), seasonal_naive(falling, 90), moving_average(falling, 90)]:
        assert (forecast[["yhat", "yhat_lower", "yhat_upper"]] >= 0).all().all()
    assert (prophet(falling, 90)["yhat"] == 0).any()


def test_seasonal_naive_repeats_last_week_and_widens_its_band_each_week():
    history = pd.DataFrame({"ds": pd.date_range("2025-01-06", periods=21), "y": [1, 2, 3, 4, 5, 6, 7] * 3})
    forecast = seasonal_naive(history, 10)
    assert forecast["yhat"].tolist() == [1, 2, 3, 4, 5, 6, 7, 1, 2, 3]
    assert (forecast["yhat_upper"] - forecast["yhat_lower"]).eq(0).all()  # no week-on-week change, no band


def test_missing_days_count_as_zero_sales():
    history = pd.DataFrame({"ds": pd.to_datetime(["2025-01-01", "2025-01-04"]), "y": [5.0, 7.0]})
    assert daily(history)["y"].tolist() == [5.0, 0.0, 0.0, 7.0]


def test_metrics_match_hand_computation():
    ds = pd.date_range("2025-01-08", periods=4)
    actual = pd.DataFrame({"ds": ds, "y": [10.0, 20.0, 0.0, 40.0]})
    forecast = pd.DataFrame({"ds": ds, "yhat": [12.0, 20.0, 0.0, 30.0],
                             "yhat_lower": [11.0, 15.0, 0.0, 35.0], "yhat_upper": [13.0, 25.0, 1.0, 45.0]})
    history = pd.DataFrame({"ds": pd.date_range("2025-01-01", periods=7 + 3), "y": [0.0] * 7 + [2.0, 4.0, 6.0]})
    # sMAPE: (2*2/22 + 0 + 0 + 2*10/70) / 4 = (0.181818 + 0.285714) / 4
    assert smape(actual, forecast, history) == pytest.approx((4 / 22 + 20 / 70) / 4)
    # MASE: MAE (2 + 0 + 0 + 10) / 4 = 3 over the weekly naive in-sample MAE (2 + 4 + 6) / 3 = 4
    assert mase(actual, forecast, history) == pytest.approx(0.75)
    assert coverage(actual, forecast, history) == pytest.approx(0.75)  # 40 is inside 35..45, 10 is not in 11..13


def test_proportional_reconciliation_makes_parts_add_up_and_keeps_shares():
    ds = pd.date_range("2025-02-01", periods=2)
    total = pd.DataFrame({"ds": ds, "yhat": [100.0, 90.0], "yhat_lower": [80.0, 70.0], "yhat_upper": [120.0, 110.0]})
    parts = {"a": pd.DataFrame({"ds": ds, "yhat": [60.0, 30.0], "yhat_lower": [50.0, 20.0],
                                "yhat_upper": [70.0, 40.0]}),
             "b": pd.DataFrame({"ds": ds, "yhat": [20.0, 60.0], "yhat_lower": [10.0, 50.0],
                                "yhat_upper": [30.0, 70.0]})}
    assert reconcile.gap(total, parts) == pytest.approx((20 + 0) / 2 / 95)
    fixed = reconcile.proportional(total, parts)
    assert fixed["a"]["yhat"].tolist() == pytest.approx([75.0, 30.0])
    assert fixed["b"]["yhat"].tolist() == pytest.approx([25.0, 60.0])
    assert fixed["a"]["yhat_upper"].tolist() == pytest.approx([87.5, 40.0])


def test_short_and_sparse_series_fall_back_to_a_baseline_with_the_reason():
    short = synthetic(days=40)
    result = fit_series(short, Settings(horizon_days=7, backtest_cutoffs=2, holidays_country=None))
    assert result.model == "seasonal_naive"
    assert result.reason == "fallback: only 40 days of history (Prophet needs 90)"
    sparse = synthetic(days=200).assign(y=lambda f: np.where(f.index % 3 == 0, f["y"], 0.0))
    result = fit_series(sparse, Settings(horizon_days=7, backtest_cutoffs=2, holidays_country=None))
    # 133 of 200 days are empty: Prophet is not tried, the better baseline by backtest is used
    assert result.reason.startswith("Prophet not tried: 66% of days have no sales (too sparse for Prophet); "
                                    "best backtest MASE: ")
    assert set(result.backtests["model"]) == {"seasonal_naive", "moving_average_28"}
    assert result.model == result.backtests.groupby("model")["mase"].mean().idxmin()
    with pytest.raises(ValueError, match="only 5 days of history; a forecast needs at least 7"):
        fit_series(synthetic(days=5), Settings())


def test_backtest_cutoffs_roll_back_one_horizon_each():
    history = synthetic(days=200)
    last = pd.Timestamp("2024-07-18")  # 2024-01-01 + 199 days
    assert cutoffs(history, 28, 4) == [last - pd.Timedelta(days=28 * k) for k in (4, 3, 2, 1)]


def test_model_choice_prefers_prophet_on_a_clear_pattern():
    settings = Settings(horizon_days=14, backtest_cutoffs=4, holidays_country=None,
                        grid={"changepoint_prior_scale": [0.05], "seasonality_prior_scale": [10.0]})
    result = fit_series(synthetic(days=300), settings)
    assert result.model == "prophet" and result.reason.startswith("best backtest MASE: prophet")
    assert len(result.backtests) == 3 * 4 and result.params == {"changepoint_prior_scale": 0.05,
                                                                "seasonality_prior_scale": 10.0}


def test_weekly_pattern_recovered_from_the_demo_matches_the_generator():
    from etl.demo import generate_demo

    tables = generate_demo(seed=11, end_date=date(2025, 6, 30), scale=0.5)
    lines = tables["order_lines"].merge(tables["orders"][["order_id", "ordered_at"]], on="order_id")
    revenue = (lines["quantity"] * lines["unit_price"] * (1 - lines["discount"])).groupby(
        lines["ordered_at"].dt.normalize()).sum()
    found = weekly_pattern(pd.DataFrame({"ds": revenue.index, "y": revenue.to_numpy()}))
    assert np.abs(found.to_numpy() - WEEKLY_PATTERN).max() < 0.1


def test_weekdays_the_business_never_trades_are_forecast_as_zero():
    history = synthetic(days=180)
    history.loc[history["ds"].dt.day_of_week == 5, "y"] = 0.0  # closed on Saturdays
    forecast = prophet(history, 14)
    saturdays = forecast["ds"].dt.day_of_week == 5
    assert (forecast.loc[saturdays, ["yhat", "yhat_lower", "yhat_upper"]] == 0).all().all()
    assert (forecast.loc[~saturdays, "yhat"] > 50).all()


def test_prophet_params_default_to_prophets_own():
    assert ProphetParams().changepoint_prior_scale == 0.05 and ProphetParams().seasonality_prior_scale == 10.0
