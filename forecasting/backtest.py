"""Rolling-origin backtests and the choice of model per series.

Every model is backtested the same way: fitted on the history up to each cutoff, asked for the next
``horizon`` days, and scored on what really happened. Prophet's priors are chosen from a small grid by the
same backtest; then Prophet competes with the baselines and the best MASE wins.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from forecasting.metrics import METRICS
from forecasting.models import BASELINES, ProphetParams, daily, prophet, seasonal_naive
from forecasting.settings import Settings

Model = Callable[[pd.DataFrame, int], pd.DataFrame]


@dataclass
class SeriesForecast:
    """The outcome for one series: the chosen model, why, its forecast and every backtest score."""

    model: str
    reason: str
    forecast: pd.DataFrame  # ds, yhat, yhat_lower, yhat_upper
    backtests: pd.DataFrame  # model, cutoff, smape, mase, coverage
    params: dict


def cutoffs(history: pd.DataFrame, horizon: int, count: int, min_train_days: int = 56) -> list[pd.Timestamp]:
    """Up to ``count`` cutoffs one horizon apart, the last one horizon before the end of the history."""
    last = pd.to_datetime(history["ds"]).max()
    first = pd.to_datetime(history["ds"]).min()
    candidates = [last - pd.Timedelta(days=horizon * k) for k in range(count, 0, -1)]
    return [c for c in candidates if (c - first).days + 1 >= min_train_days]


def rolling_origin(history: pd.DataFrame, model: Model, horizon: int, points: list[pd.Timestamp]) -> pd.DataFrame:
    """Score a model at each cutoff: columns cutoff, smape, mase, coverage."""
    data = daily(history)
    rows = []
    for cutoff in points:
        train = data[data["ds"] <= cutoff]
        test = data[(data["ds"] > cutoff) & (data["ds"] <= cutoff + pd.Timedelta(days=horizon))]
        forecast = model(train, horizon)
        rows.append({"cutoff": cutoff, **{name: metric(test, forecast, train) for name, metric in METRICS.items()}})
    return pd.DataFrame(rows, columns=["cutoff", *METRICS])


def _prophet_with(params: ProphetParams) -> Model:
    return lambda history, horizon: prophet(history, horizon, params)


def _too_weak_for_prophet(data: pd.DataFrame, settings: Settings) -> str | None:
    if len(data) < settings.min_prophet_days:
        return f"only {len(data)} days of history (Prophet needs {settings.min_prophet_days})"
    zero_share = float((data["y"] == 0).mean())
    if zero_share > settings.max_zero_share:
        return f"{zero_share:.0%} of days have no sales (too sparse for Prophet)"
    return None


def fit_series(history: pd.DataFrame, settings: Settings) -> SeriesForecast:
    """Backtest the models on one series, pick the best by mean MASE, and forecast with it."""
    data, horizon = daily(history), settings.horizon_days
    if len(data) < 7:
        raise ValueError(f"only {len(data)} days of history; a forecast needs at least 7")
    points = cutoffs(data, horizon, settings.backtest_cutoffs)
    scores = [rolling_origin(data, model, horizon, points).assign(model=name) for name, model in BASELINES.items()]
    weak = _too_weak_for_prophet(data, settings)
    params = {}
    if weak is None and points:
        grid_scores = []
        for cps, sps in itertools.product(*settings.grid.values()):
            candidate = ProphetParams(cps, sps, settings.holidays_country)
            grid_scores.append((rolling_origin(data, _prophet_with(candidate), horizon, points), candidate))
        best_scores, best = min(grid_scores, key=lambda pair: pair[0]["mase"].mean())
        scores.append(best_scores.assign(model="prophet"))
        params = {"changepoint_prior_scale": best.changepoint_prior_scale,
                  "seasonality_prior_scale": best.seasonality_prior_scale}
    backtests = pd.concat(scores, ignore_index=True)
    mean_mase = backtests.groupby("model")["mase"].mean().dropna()
    if mean_mase.empty:
        reason = weak or "too little history to backtest"
        return SeriesForecast("seasonal_naive", f"fallback: {reason}", seasonal_naive(data, horizon), backtests, {})
    chosen = mean_mase.idxmin()
    others = ", ".join(f"{m} {v:.2f}" for m, v in mean_mase.drop(chosen).items())
    reason = f"best backtest MASE: {chosen} {mean_mase[chosen]:.2f} (against {others})"
    if weak is not None:
        reason = f"Prophet not tried: {weak}; {reason}"
    model = _prophet_with(ProphetParams(**params, holidays_country=settings.holidays_country)) \
        if chosen == "prophet" else BASELINES[chosen]
    return SeriesForecast(chosen, reason, model(data, horizon), backtests, params if chosen == "prophet" else {})
