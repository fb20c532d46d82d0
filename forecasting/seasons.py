"""What a year of history can and cannot say about the days ahead.

A weekly model knows nothing of December; a year of history has seen December once. Two rules follow:

- **Around a closure** (Christmas) the days before and after a shutdown follow the year-before pattern: the same
  calendar day a year before, scaled by the growth of the last four weeks against the same four weeks a year
  before. On Online Retail the days after the 2010 shutdown sold a tenth of a normal day; a weekly model
  forecasts a normal day there.
- **A season seen once**: a day ahead whose week a year before (the day +- 3 days, scaled by growth) sold more than
  25% above or below the last four weeks, with no second year of history to show it again, is flagged. Its band
  is widened to hold the year-before value (scaled by growth), and the page does not promise 8 in 10 there.
"""

import numpy as np
import pandas as pd

NEIGHBOUR_DAYS = 3  # days either side of a closure that follow the year-before pattern
SWING = 0.25  # a year-before window that far from its month before is a season
WINDOW = pd.Timedelta(days=3)
GROWTH_DAYS = 28


def _values(history: pd.DataFrame) -> pd.Series:
    return history.set_index("ds")["y"].astype(float)


def growth(history: pd.DataFrame) -> float | None:
    """The last 28 days' sales over the same calendar days a year before (only the days the history reaches a year
    back, a week at least), or None without a year before."""
    y = _values(history)
    recent = y[y.index > y.index.max() - pd.Timedelta(days=GROWTH_DAYS)]
    ago = recent.index - pd.DateOffset(years=1)
    reached = ago >= y.index.min()
    before = y.reindex(ago[reached]).fillna(0.0).sum()
    if reached.sum() < 7 or before <= 0:
        return None
    return float(recent[reached].sum() / before)


def year_before(history: pd.DataFrame, days: pd.DatetimeIndex) -> np.ndarray:
    """Each day's value on the same calendar day a year before, scaled by growth; NaN where the history has none."""
    scale = growth(history)
    if scale is None:
        return np.full(len(days), np.nan)
    return _values(history).reindex(days - pd.DateOffset(years=1)).to_numpy(float) * scale


def closure_neighbours(closed: np.ndarray, trading: np.ndarray) -> np.ndarray:
    """True for trading days within NEIGHBOUR_DAYS of a closure that is not a closed weekday (a shutdown)."""
    shut = closed & trading  # a closure on a day the business would otherwise trade: a shutdown, not a Sunday
    near = np.zeros(len(closed), bool)
    for at in np.flatnonzero(shut):
        near[max(0, at - NEIGHBOUR_DAYS):at + NEIGHBOUR_DAYS + 1] = True
    return near & ~closed


def follow_year_before(history: pd.DataFrame, days: pd.DatetimeIndex, yhat: np.ndarray, calendar) -> np.ndarray:
    """The forecast with the days around a shutdown replaced by the year-before pattern, where the same calendar
    day a year before was a trading day (a Saturday a year before says nothing about this year's Monday)."""
    closed, trading = calendar.closures(days), calendar.trading(days)
    near = closure_neighbours(closed, trading) & calendar.trading(days - pd.DateOffset(years=1))
    if not near.any():
        return yhat
    before = year_before(history, days)
    return np.where(near & np.isfinite(before), np.clip(before, 0, None), yhat)


def seen_once(history: pd.DataFrame, days: pd.DatetimeIndex) -> np.ndarray:
    """True for days ahead whose season the history holds only once: the week around the same day a year before,
    scaled by growth, is more than 25% off the last 28 days' level, and the history does not reach two years back."""
    y, flags = _values(history), np.zeros(len(days), bool)
    scale, level = growth(history), y[y.index > y.index.max() - pd.Timedelta(days=GROWTH_DAYS)].mean()
    if scale is None or not level > 0:
        return flags
    for i, day in enumerate(days):
        if day - pd.DateOffset(years=2) - WINDOW >= y.index.min():
            continue  # a second year shows the season again: the weekly model's errors there are known
        ago = day - pd.DateOffset(years=1)
        window = y[(y.index >= ago - WINDOW) & (y.index <= ago + WINDOW)]
        flags[i] = bool(len(window) and abs(window.mean() * scale / level - 1) > SWING)
    return flags


def widen(lower: np.ndarray, upper: np.ndarray, once: np.ndarray, before: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The band on days of a season seen once stretched to hold the year-before value (scaled by growth)."""
    known = once & np.isfinite(before)
    return (np.where(known, np.minimum(lower, np.clip(before, 0, None)), lower),
            np.where(known, np.maximum(upper, before), upper))
