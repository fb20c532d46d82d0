"""Forecast models, all pure: a history frame (``ds``, ``y``) in, a frame (``ds``, ``yhat``, ``yhat_lower``,
``yhat_upper``) for the next ``horizon`` days out, as in Prophet's own API.

Sales are never negative: every model clips its forecast and bounds at zero (a documented choice; a log
transform would distort days of returns and zero-sale days, a logistic floor slows Prophet down).
"""

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

SEASON = 7  # days: the weekly pattern is the season of daily sales
INTERVAL = 0.8


def daily(history: pd.DataFrame) -> pd.DataFrame:
    """The history on a complete daily calendar: days without sales become zero."""
    series = history.assign(ds=pd.to_datetime(history["ds"])).groupby("ds")["y"].sum()
    series = series.asfreq("D", fill_value=0.0)
    return series.rename("y").rename_axis("ds").reset_index()


def closed_weekdays(history: pd.DataFrame, share: float = 0.9, min_weeks: int = 4) -> set[int]:
    """Weekdays (0 = Monday) without sales on at least 90% of their dates: days the business does not trade."""
    data = daily(history)
    if len(data) < 7 * min_weeks:
        return set()
    zero_share = (data["y"] == 0).groupby(data["ds"].dt.day_of_week).mean()
    return {int(day) for day, value in zero_share.items() if value >= share}


def _future(history: pd.DataFrame, horizon: int) -> pd.DatetimeIndex:
    return pd.date_range(history["ds"].max() + pd.Timedelta(days=1), periods=horizon, freq="D")


def _clip(frame: pd.DataFrame) -> pd.DataFrame:
    columns = ["yhat", "yhat_lower", "yhat_upper"]
    frame[columns] = frame[columns].clip(lower=0.0)
    return frame


def _residual_band(residuals: np.ndarray, steps: np.ndarray, interval: float = INTERVAL) -> tuple:
    """Lower and upper offsets from empirical residual quantiles, widened with the square root of the steps."""
    residuals = residuals[np.isfinite(residuals)]
    if len(residuals) == 0:
        return np.zeros(len(steps)), np.zeros(len(steps))
    low, high = np.quantile(residuals, [(1 - interval) / 2, 1 - (1 - interval) / 2])
    return low * np.sqrt(steps), high * np.sqrt(steps)


def seasonal_naive(history: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Each day repeats the same weekday of the last week; the band comes from week-on-week changes."""
    y = daily(history)["y"].to_numpy()
    last_week = y[-SEASON:] if len(y) >= SEASON else np.resize(y, SEASON)
    steps = np.arange(horizon)
    yhat = last_week[steps % SEASON]
    low, high = _residual_band(y[SEASON:] - y[:-SEASON], steps // SEASON + 1)
    frame = pd.DataFrame({"ds": _future(history, horizon), "yhat": yhat, "yhat_lower": yhat + low,
                          "yhat_upper": yhat + high})
    return _clip(frame)


def moving_average(history: pd.DataFrame, horizon: int, window: int = 28) -> pd.DataFrame:
    """The mean of the last ``window`` days, flat; the band comes from deviations around the rolling mean."""
    y = daily(history)["y"]
    level = float(y.tail(window).mean())
    residuals = (y - y.rolling(window, min_periods=window).mean()).to_numpy()
    low, high = _residual_band(residuals, np.ones(horizon))
    frame = pd.DataFrame({"ds": _future(history, horizon), "yhat": level, "yhat_lower": level + low,
                          "yhat_upper": level + high})
    return _clip(frame)


@dataclass(frozen=True)
class ProphetParams:
    """The Prophet settings a series is fitted with."""

    changepoint_prior_scale: float = 0.05
    seasonality_prior_scale: float = 10.0
    holidays_country: str | None = None
    yearly_min_days: int = 730
    uncertainty_samples: int = 300


def prophet(history: pd.DataFrame, horizon: int, params: ProphetParams = ProphetParams()) -> pd.DataFrame:
    """Prophet with weekly seasonality, yearly only with two years of history, and country holidays.

    Weekdays the business never trades (a shop closed on Saturdays) are left out of the fit and forecast as
    zero, as Prophet's documentation advises for regular gaps.
    """
    from prophet import Prophet  # imported here: it is slow to import and only the workers need it

    logging.getLogger("cmdstanpy").disabled = True
    data = daily(history)
    closed = closed_weekdays(data)
    model = Prophet(
        weekly_seasonality=True, yearly_seasonality=len(data) >= params.yearly_min_days, daily_seasonality=False,
        changepoint_prior_scale=params.changepoint_prior_scale,
        seasonality_prior_scale=params.seasonality_prior_scale, interval_width=INTERVAL,
        uncertainty_samples=params.uncertainty_samples,
    )
    if params.holidays_country:
        model.add_country_holidays(country_name=params.holidays_country)
    model.fit(data[~data["ds"].dt.day_of_week.isin(closed)])
    forecast = model.predict(pd.DataFrame({"ds": _future(data, horizon)}))
    forecast = forecast[["ds", "yhat", "yhat_lower", "yhat_upper"]].copy()
    forecast.loc[forecast["ds"].dt.day_of_week.isin(closed), ["yhat", "yhat_lower", "yhat_upper"]] = 0.0
    return _clip(forecast)


def weekly_pattern(history: pd.DataFrame) -> pd.Series:
    """The weekly pattern Prophet finds, Monday..Sunday, relative to the mean level (1.0 = an average day)."""
    from prophet import Prophet

    logging.getLogger("cmdstanpy").disabled = True
    data = daily(history)
    model = Prophet(weekly_seasonality=True, yearly_seasonality=len(data) >= 730, daily_seasonality=False,
                    uncertainty_samples=0)
    model.fit(data)
    components = model.predict(data[["ds"]])
    effect = components.groupby(components["ds"].dt.day_of_week)["weekly"].mean()
    level = components["yhat"].mean()
    return (1 + effect / level).rename(index=dict(enumerate(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])))


BASELINES = {"seasonal_naive": seasonal_naive, "moving_average_28": moving_average}
MODEL_LABELS = {"prophet": "Prophet", "seasonal_naive": "Seasonal naive (same weekday last week)",
                "moving_average_28": "28-day moving average"}
