"""Forecast accuracy on trading days, every metric with one signature: (y, yhat, lower, upper, scale) -> float.

The arrays hold one origin's test window, already restricted to the days the business traded: a closed
Saturday or a Christmas shutdown is neither a success nor a failure of any model.
"""

import numpy as np

from forecasting.models import SEASON


def smape(y: np.ndarray, yhat: np.ndarray, lower: np.ndarray, upper: np.ndarray, scale: float) -> float:
    """Symmetric mean absolute percentage error, 0..2 (0.11 reads '11%'), over days where either is non-zero."""
    denominator = np.abs(y) + np.abs(yhat)
    used = denominator > 0
    if not used.any():
        return float("nan")
    return float(np.mean(2 * np.abs(yhat[used] - y[used]) / denominator[used]))


def mase(y: np.ndarray, yhat: np.ndarray, lower: np.ndarray, upper: np.ndarray, scale: float) -> float:
    """Mean absolute error scaled by the in-sample error of the weekly seasonal naive forecast (< 1 beats it)."""
    if not scale or not np.isfinite(scale) or len(y) == 0:
        return float("nan")
    return float(np.mean(np.abs(y - yhat)) / scale)


def coverage(y: np.ndarray, yhat: np.ndarray, lower: np.ndarray, upper: np.ndarray, scale: float) -> float:
    """Share of days inside the forecast's 80% band (0.8 is honest)."""
    if len(y) == 0:
        return float("nan")
    return float(np.mean((y >= lower) & (y <= upper)))


def naive_scale(y: np.ndarray, trading: np.ndarray) -> float:
    """MASE's denominator: the mean |y[t] - y[t-7]| over the trading days t of the training history."""
    if len(y) <= SEASON:
        return float("nan")
    changes = np.abs(y[SEASON:] - y[:-SEASON])[trading[SEASON:]]
    return float(changes.mean()) if len(changes) else float("nan")


METRICS = {"smape": smape, "mase": mase, "coverage": coverage}
