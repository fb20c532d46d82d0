"""Forecast models and metrics on series whose answers are known."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from etl.demo.simulation import WEEKLY_PATTERN
from forecasting import reconcile
from forecasting.backtest import fit_series, origins
from forecasting.metrics import coverage, mase, naive_scale, smape
from forecasting.models import (
    Calendar,
    ProphetParams,
    WarmProphet,
    daily,
    ets,
    moving_average,
    prophet,
    seasonal_naive,
    weekly_pattern,
)
from forecasting.settings import Settings

QUICK = Settings(horizon_days=14, holidays_country=None, scored_origins=4, selection_origins=3)

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
    assert list(forecast.columns) == ["ds", "yhat"]
    assert forecast["ds"].iloc[0] == pd.Timestamp("2024-12-30") and len(forecast) == 28
    assert np.mean(np.abs(forecast["yhat"] - expected) / expected) < 0.03


def test_ets_recovers_a_known_trend_and_weekly_pattern_within_3_percent():
    history = synthetic()
    expected = truth(history["ds"].max(), 28)
    assert np.mean(np.abs(ets(history, 28) - expected) / expected) < 0.03


def test_no_model_forecasts_negative_sales():
    falling = daily(synthetic(days=200, slope=-0.8, noise=5.0))  # crosses zero about 40 days after the end
    for model in [seasonal_naive, moving_average, ets, WarmProphet()]:
        assert (model(falling, 90, Calendar()) >= 0).all()
    assert (WarmProphet()(falling, 90, Calendar()) == 0).any()


def test_seasonal_naive_repeats_last_week():
    history = pd.DataFrame({"ds": pd.date_range("2025-01-06", periods=21), "y": [1, 2, 3, 4, 5, 6, 7] * 3})
    assert seasonal_naive(history, 10).tolist() == [1, 2, 3, 4, 5, 6, 7, 1, 2, 3]


def test_moving_average_averages_trading_days_only():
    history = pd.DataFrame({"ds": pd.date_range("2025-01-06", periods=28), "y": [10.0, 20, 30, 40, 50, 0, 0] * 4})
    weekend = Calendar(frozenset({5, 6}))
    assert moving_average(history, 3, weekend).tolist() == [30.0] * 3  # (10 + ... + 50) / 5, weekends left out
    assert moving_average(history, 3).tolist() == pytest.approx([150 / 7] * 3)


def test_missing_days_count_as_zero_sales():
    history = pd.DataFrame({"ds": pd.to_datetime(["2025-01-01", "2025-01-04"]), "y": [5.0, 7.0]})
    assert daily(history)["y"].tolist() == [5.0, 0.0, 0.0, 7.0]


def test_metrics_match_hand_computation():
    y, yhat = np.array([10.0, 20.0, 0.0, 40.0]), np.array([12.0, 20.0, 0.0, 30.0])
    lower, upper = np.array([11.0, 15.0, 0.0, 35.0]), np.array([13.0, 25.0, 1.0, 45.0])
    # sMAPE over the days where either is non-zero: (2*2/22 + 0 + 2*10/70) / 3; the 0-against-0 day is left out
    assert smape(y, yhat, lower, upper, 4.0) == pytest.approx((4 / 22 + 20 / 70) / 3)
    # MASE: MAE (2 + 0 + 0 + 10) / 4 = 3 over the scale 4
    assert mase(y, yhat, lower, upper, 4.0) == pytest.approx(0.75)
    assert coverage(y, yhat, lower, upper, 4.0) == pytest.approx(0.75)  # 40 is inside 35..45, 10 is not in 11..13
    history = np.array([0.0] * 7 + [2.0, 4.0, 6.0])
    # weekly naive in-sample MAE over trading days: |2-0|, |4-0|, |6-0| -> 4; with the last day closed -> 3
    assert naive_scale(history, np.ones(10, bool)) == pytest.approx(4.0)
    assert naive_scale(history, np.array([True] * 9 + [False])) == pytest.approx(3.0)


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


def test_short_and_sparse_series_fall_back_with_the_reason():
    short = fit_series(synthetic(days=40), QUICK)
    assert (short.model, short.reason) == ("seasonal_naive", "fallback: only 40 days of history (Prophet needs 90)")
    assert short.backtests.empty and len(short.forecast) == 14
    sparse = synthetic(days=200).assign(y=lambda f: np.where(f.index % 3 == 0, f["y"], 0.0))
    result = fit_series(sparse, QUICK)
    assert result.reason.startswith("Prophet not tried: 66% of days have no sales (too sparse for Prophet); "
                                    "lowest MASE over the last 3 weekly backtests: ")
    assert set(result.backtests["model"]) == {"seasonal_naive", "moving_average_28", "ets", "nested"}
    with pytest.raises(ValueError, match="only 5 days of history; a forecast needs at least 7"):
        fit_series(synthetic(days=5), Settings())


def test_origins_are_weekly_and_the_last_one_a_horizon_before_the_end():
    history = daily(synthetic(days=200))
    last = pd.Timestamp("2024-07-18") - pd.Timedelta(days=28)  # 2024-01-01 + 199 days, less the horizon
    assert origins(history, 28, 4) == [last - pd.Timedelta(weeks=k) for k in (3, 2, 1, 0)]


def test_each_scored_choice_uses_only_data_before_its_origin():
    history = synthetic(days=300, noise=8.0)
    settings = QUICK.with_overrides(prophet_levels=())
    before = fit_series(history, settings, use_prophet=False).backtests
    origin = before.loc[before["model"] == "nested", "cutoff"].iloc[1]
    changed = history.assign(y=np.where(history["ds"] > origin, history["y"] * 5, history["y"]))
    after = fit_series(changed, settings, use_prophet=False).backtests
    rows = lambda frame: frame[(frame["cutoff"] == origin)].set_index("model")["variant"]  # noqa: E731
    assert rows(after).equals(rows(before))  # the same choices: nothing after the origin was used to make them
    later = before[before["cutoff"] > origin]
    assert not later.empty and not later.equals(after[after["cutoff"] > origin])


def test_nested_scores_cover_thirteen_weekly_origins_and_bands_hold_about_80_percent():
    result = fit_series(synthetic(days=400, noise=10.0), Settings(holidays_country=None), use_prophet=False)
    nested = result.backtests[result.backtests["model"] == "nested"]
    assert len(nested) == 13 and nested["cutoff"].diff().dropna().eq(pd.Timedelta(weeks=1)).all()
    assert 0.7 <= nested["coverage"].mean() <= 0.9
    assert result.params["coverage"] == pytest.approx(nested["coverage"].mean())
    forecast = result.forecast
    assert (forecast["yhat_lower"] <= forecast["yhat"]).all() and (forecast["yhat"] <= forecast["yhat_upper"]).all()


def test_weekly_pattern_recovered_from_the_demo_matches_the_generator():
    from etl.demo import generate_demo

    tables = generate_demo(seed=11, end_date=date(2025, 6, 30), scale=0.5)
    lines = tables["order_lines"].merge(tables["orders"][["order_id", "ordered_at"]], on="order_id")
    revenue = (lines["quantity"] * lines["unit_price"] * (1 - lines["discount"])).groupby(
        lines["ordered_at"].dt.normalize()).sum()
    found = weekly_pattern(pd.DataFrame({"ds": revenue.index, "y": revenue.to_numpy()}))
    assert np.abs(found.to_numpy() - WEEKLY_PATTERN).max() < 0.1


def test_closed_weekdays_and_last_years_shutdown_are_forecast_as_zero_and_marked():
    history = synthetic(days=380, start="2023-12-01")  # to 14 Dec 2024
    history.loc[history["ds"].dt.day_of_week == 5, "y"] = 0.0  # closed on Saturdays
    shut = (history["ds"] >= "2023-12-24") & (history["ds"] <= "2024-01-03")
    history.loc[shut, "y"] = 0.0  # and over Christmas
    result = fit_series(history, QUICK.with_overrides(horizon_days=28), use_prophet=False)
    forecast = result.forecast.set_index("ds")
    expected = set(pd.date_range("2024-12-24", "2025-01-03")) | set(forecast.index[forecast.index.day_of_week == 5])
    assert set(forecast.index[forecast["closure"]]) == expected
    assert (forecast.loc[forecast["closure"], ["yhat", "yhat_lower", "yhat_upper"]] == 0).all().all()
    assert (forecast.loc[~forecast["closure"], "yhat"] > 50).all()
    assert len(result.params["closures"]) == len(expected)


def test_prophet_params_default_to_prophets_own():
    assert ProphetParams().changepoint_prior_scale == 0.05 and ProphetParams().seasonality_prior_scale == 10.0


def test_a_season_seen_once_is_flagged_and_its_band_holds_the_year_before():
    """A year and two weeks of a flat 100 a day, but the week of 15-21 Dec 2023 sold 300 a day: forecasting from
    14 Dec 2024, the days whose week a year before swung (12-24 Dec) are a season seen once, and their band
    reaches the year-before value (scaled by growth, 1.0 here)."""
    ds = pd.date_range("2023-12-01", "2024-12-14", freq="D")
    y = np.where((ds >= "2023-12-15") & (ds <= "2023-12-21"), 300.0, 100.0) + np.random.default_rng(1).normal(0, 1,
                                                                                                              len(ds))
    result = fit_series(pd.DataFrame({"ds": ds, "y": y}), QUICK.with_overrides(horizon_days=14), use_prophet=False)
    forecast = result.forecast.set_index("ds")
    once = set(forecast.index[forecast["season_once"]])
    # a day whose +-3-day window a year before holds enough of the 300s to lift its mean more than 25%
    assert once == set(pd.date_range("2024-12-14", "2024-12-24")) & set(forecast.index)
    assert result.params["season_once"][0] == "2024-12-15"
    spike = forecast.loc["2024-12-18"]
    assert spike["yhat"] == pytest.approx(100, abs=5) and spike["yhat_upper"] == pytest.approx(300, abs=8)
    assert forecast.loc["2024-12-27", "yhat_upper"] < 120  # a week later, a normal band again


def test_days_around_a_shutdown_follow_the_year_before():
    """A year before, the three trading days either side of the Christmas shutdown sold 20 a day against 100: this
    year they are forecast at 20 (growth 1.0), where a weekly model alone would say 100."""
    ds = pd.date_range("2023-11-01", "2024-12-14", freq="D")
    y = np.full(len(ds), 100.0)
    y[(ds >= "2023-12-24") & (ds <= "2024-01-03")] = 0.0
    quiet = list(pd.date_range("2023-12-21", "2023-12-23")) + list(pd.date_range("2024-01-04", "2024-01-06"))
    y[np.isin(ds, quiet)] = 20.0
    result = fit_series(pd.DataFrame({"ds": ds, "y": y}), QUICK.with_overrides(horizon_days=28), use_prophet=False)
    forecast = result.forecast.set_index("ds")["yhat"]
    assert forecast["2024-12-21":"2024-12-23"].tolist() == pytest.approx([20.0] * 3, abs=1)
    assert forecast["2025-01-04":"2025-01-06"].tolist() == pytest.approx([20.0] * 3, abs=1)
    assert forecast["2024-12-17":"2024-12-19"].tolist() == pytest.approx([100.0] * 3, abs=1)
