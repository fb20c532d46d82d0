"""Calibrated 80% bands from a model's own past errors (split conformal, by week of the horizon).

At each backtest origin a model's errors (actual - forecast) on the trading days ahead are kept with their
step. The band at a new origin is the forecast plus the 10% and 90% quantiles of the errors the same model
made in the same week of the horizon at the latest origins whose horizon had ended. Scaling the errors by the
recent level was tried and dropped: on Online Retail it over-covered (84-87% against 81%).
"""

from dataclasses import dataclass

import numpy as np

from forecasting.models import INTERVAL, SEASON

MIN_PER_WEEK = 12  # fewer errors than this in a week of the horizon: use the errors of every week


@dataclass
class Window:
    """One backtest origin: what happened over the horizon after it, and MASE's scale there."""

    origin: object  # pd.Timestamp
    y: np.ndarray
    trading: np.ndarray
    scale: float


def quantiles(errors: list[tuple[np.ndarray, np.ndarray]], horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Per step of the horizon, the lower and upper quantiles of the scaled errors given as (steps, errors)."""
    low, high = np.zeros(horizon), np.zeros(horizon)
    if not errors:
        return low, high
    steps = np.concatenate([s for s, _ in errors])
    values = np.concatenate([e for _, e in errors])
    if len(values) == 0:
        return low, high
    probabilities = [(1 - INTERVAL) / 2, 1 - (1 - INTERVAL) / 2]
    pooled = np.quantile(values, probabilities)
    for week in range(0, horizon, SEASON):
        chosen = values[(steps >= week) & (steps < week + SEASON)]
        low[week:week + SEASON], high[week:week + SEASON] = (
            np.quantile(chosen, probabilities) if len(chosen) >= MIN_PER_WEEK else pooled)
    return low, high


def errors(window: Window, yhat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(steps, y - yhat) over the trading days of one window."""
    return np.arange(len(window.y))[window.trading], (window.y - yhat)[window.trading]


def band(yhat: np.ndarray, low: np.ndarray, high: np.ndarray, closed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The forecast's lower and upper bounds: clipped at zero, and zero on closures."""
    lower = np.where(closed, 0.0, np.clip(yhat + low, 0, None))
    upper = np.where(closed, 0.0, np.clip(yhat + high, 0, None))
    return np.minimum(lower, yhat), np.maximum(upper, yhat)


def naive_quantiles(windows: dict, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Without backtests: the 10% and 90% quantiles of the history's week-on-week changes on trading days."""
    history = windows["history"]
    changes = (history.y[SEASON:] - history.y[:-SEASON])[history.trading[SEASON:]]
    if len(changes) == 0:
        return np.zeros(horizon), np.zeros(horizon)
    low, high = np.quantile(changes, [(1 - INTERVAL) / 2, 1 - (1 - INTERVAL) / 2])
    return np.full(horizon, low), np.full(horizon, high)
