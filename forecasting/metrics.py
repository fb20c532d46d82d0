"""Forecast accuracy, every metric with one signature: (actual, forecast, history) -> float.

``actual`` and ``history`` are frames with ``ds`` and ``y``; ``forecast`` has ``ds``, ``yhat``,
``yhat_lower`` and ``yhat_upper``. Rows are matched on ``ds``.
"""

import numpy as np
import pandas as pd

from forecasting.models import SEASON, daily


def _joined(actual: pd.DataFrame, forecast: pd.DataFrame) -> pd.DataFrame:
    return actual.assign(ds=pd.to_datetime(actual["ds"])).merge(forecast, on="ds", how="inner")


def smape(actual: pd.DataFrame, forecast: pd.DataFrame, history: pd.DataFrame) -> float:
    """Symmetric mean absolute percentage error, 0..2 (0.11 reads '11%'); a day where both are 0 counts 0."""
    j = _joined(actual, forecast)
    denominator = j["y"].abs() + j["yhat"].abs()
    terms = np.where(denominator == 0, 0.0, 2 * (j["yhat"] - j["y"]).abs() / denominator.where(denominator != 0, 1))
    return float(np.mean(terms))


def mase(actual: pd.DataFrame, forecast: pd.DataFrame, history: pd.DataFrame) -> float:
    """Mean absolute error scaled by the in-sample error of the weekly seasonal naive forecast (< 1 beats it)."""
    j = _joined(actual, forecast)
    y = daily(history)["y"].to_numpy()
    scale = np.mean(np.abs(y[SEASON:] - y[:-SEASON])) if len(y) > SEASON else np.nan
    if not scale:
        return float("nan")
    return float(np.mean(np.abs(j["y"] - j["yhat"])) / scale)


def coverage(actual: pd.DataFrame, forecast: pd.DataFrame, history: pd.DataFrame) -> float:
    """Share of actual days inside the forecast's 80% interval (0.8 is honest)."""
    j = _joined(actual, forecast)
    return float(((j["y"] >= j["yhat_lower"]) & (j["y"] <= j["yhat_upper"])).mean())


METRICS = {"smape": smape, "mase": mase, "coverage": coverage}
