"""Forecast models, all pure: a daily history (``ds``, ``y``) in, point forecasts for the next ``horizon`` days out.

Every model sees the business calendar (:class:`Calendar`): weekdays it never trades and days it was shut are
left out of the fit and forecast as zero. The 80% band is not the models' own: it comes from the errors the
same model made at earlier origins (conformal, see ``forecasting.conformal``), so every model's band is judged
the same way. Sales are never negative: every forecast is clipped at zero.
"""

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from i18n import N_

SEASON = 7  # days: the weekly pattern is the season of daily sales
INTERVAL = 0.8
MIN_SHUTDOWN_DAYS = 3  # trading days in a row without a sale that make a shutdown (a holiday closure)


def daily(history: pd.DataFrame) -> pd.DataFrame:
    """The history on a complete daily calendar: days without sales become zero."""
    series = history.assign(ds=pd.to_datetime(history["ds"])).groupby("ds")["y"].sum()
    series = series.asfreq("D", fill_value=0.0)
    return series.rename("y").rename_axis("ds").reset_index()


def closed_weekdays(history: pd.DataFrame, share: float = 0.9, min_weeks: int = 4) -> set[int]:
    """Weekdays (0 = Monday) without sales on at least 90% of their dates: days the business does not trade."""
    return _closed(daily(history), share, min_weeks)


def _closed(data: pd.DataFrame, share: float = 0.9, min_weeks: int = 4) -> set[int]:
    if len(data) < 7 * min_weeks:
        return set()
    zero_share = (data["y"].to_numpy() == 0).astype(float)
    weekday = data["ds"].dt.day_of_week.to_numpy()
    return {day for day in range(7) if (weekday == day).any() and zero_share[weekday == day].mean() >= share}


def shutdowns(history: pd.DataFrame, closed: set[int], max_zero_share: float = 0.2) -> list[pd.Timestamp]:
    """Days inside runs of at least 3 trading days in a row without a sale, from the run's first to its last
    trading day (a dense series only: in a sparse one, quiet runs are the normal case, not a closure)."""
    return _shutdowns(daily(history), closed, max_zero_share)


def _shutdowns(data: pd.DataFrame, closed: set[int], max_zero_share: float = 0.2) -> list[pd.Timestamp]:
    y, ds = data["y"].to_numpy(), data["ds"].to_numpy()
    trading = ~np.isin(data["ds"].dt.day_of_week.to_numpy(), list(closed))
    if not trading.any() or float((y[trading] == 0).mean()) > max_zero_share:
        return []
    quiet = y == 0
    run = np.cumsum(np.r_[True, quiet[1:] != quiet[:-1]])
    open_quiet = quiet & trading
    runs = pd.DataFrame({"run": run[open_quiet], "ds": ds[open_quiet]}).groupby("run")["ds"].agg(["min", "max", "size"])
    starts = pd.Series(ds).groupby(run).min()
    days = []
    for number, first, last, size in runs.itertuples():
        if size >= MIN_SHUTDOWN_DAYS and starts[number] > ds[0]:  # a quiet start is no shutdown: data began later
            days += list(pd.date_range(first, last, freq="D"))
    return days


def _days(values) -> np.ndarray:
    return np.array(sorted(values), dtype="datetime64[ns]")


@dataclass(frozen=True)
class Calendar:
    """When the business trades: weekdays it never trades, and the days it was shut (e.g. Christmas)."""

    closed_weekdays: frozenset[int] = frozenset()
    shut_days: frozenset[pd.Timestamp] = field(default_factory=frozenset)

    @classmethod
    def of(cls, history: pd.DataFrame) -> "Calendar":
        """The calendar a dense history shows."""
        data = daily(history)
        closed = _closed(data)
        return cls(frozenset(closed), frozenset(_shutdowns(data, closed)))

    def closures(self, days: pd.DatetimeIndex) -> np.ndarray:
        """True for days the business will not trade: a closed weekday, or a day it was shut a year before
        (the same calendar window, 24 Dec - 3 Jan on Online Retail)."""
        weekday = np.isin(days.day_of_week, list(self.closed_weekdays))
        year_before = (days - pd.DateOffset(years=1)).to_numpy(dtype="datetime64[ns]")
        return weekday | np.isin(year_before, _days(self.shut_days))

    def trading(self, days: pd.Series | pd.DatetimeIndex) -> np.ndarray:
        """True for days the business traded (or will): not a closed weekday, not a shutdown day."""
        days = pd.DatetimeIndex(days)
        return (~np.isin(days.day_of_week, list(self.closed_weekdays))
                & ~np.isin(days.to_numpy(dtype="datetime64[ns]"), _days(self.shut_days)))


def future(history: pd.DataFrame, horizon: int) -> pd.DatetimeIndex:
    """The ``horizon`` days after the history."""
    return pd.date_range(pd.Timestamp(history["ds"].max()) + pd.Timedelta(days=1), periods=horizon, freq="D")


def seasonal_naive(history: pd.DataFrame, horizon: int, calendar: Calendar = Calendar()) -> np.ndarray:
    """Each day repeats the same weekday of the last week."""
    y = history["y"].to_numpy()
    last_week = y[-SEASON:] if len(y) >= SEASON else np.resize(y, SEASON)
    return np.clip(last_week[np.arange(horizon) % SEASON], 0, None)


def moving_average(history: pd.DataFrame, horizon: int, calendar: Calendar = Calendar(),
                   window: int = 28) -> np.ndarray:
    """The mean of the trading days among the last ``window`` days, on every trading day ahead."""
    recent = history.tail(window)
    trading = recent["y"][calendar.trading(recent["ds"])]
    level = float(trading.mean()) if len(trading) else 0.0
    return np.full(horizon, max(level, 0.0))


class WarmETS:
    """Holt-Winters ETS(A,Ad,A) from statsmodels on trading days, the season being a trading week. Its smoothing
    parameters are estimated at the first origin and again once the history has grown by a quarter; in
    between, later origins reuse them and only run the filter (about ten times cheaper than estimating)."""

    REESTIMATE_DAYS = 91
    FIXED = ("smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend")

    def __init__(self):
        self.fixed: dict | None = None
        self.estimated_at: pd.Timestamp | None = None

    def __call__(self, history: pd.DataFrame, horizon: int, calendar: Calendar = Calendar()) -> np.ndarray:
        """Fit on the trading days of the history; forecast the next ``horizon`` days (zero on closed weekdays)."""
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        y = history["y"][calendar.trading(history["ds"])].to_numpy(dtype=float)
        period = SEASON - len(calendar.closed_weekdays)
        if len(y) < 2 * period + 4 or period < 2:
            return moving_average(history, horizon, calendar)
        model = ExponentialSmoothing(y, trend="add", damped_trend=True, seasonal="add", seasonal_periods=period,
                                     initialization_method="heuristic")
        end = pd.Timestamp(history["ds"].max())
        try:
            if self.fixed is None or (end - self.estimated_at).days >= self.REESTIMATE_DAYS:
                fitted = model.fit(use_brute=False)
                self.fixed, self.estimated_at = {k: float(fitted.params[k]) for k in self.FIXED}, end
            else:
                fitted = model.fit(optimized=False, **self.fixed)
        except (ValueError, np.linalg.LinAlgError):  # a degenerate history (e.g. constant): the average stands in
            return moving_average(history, horizon, calendar)
        days = future(history, horizon)
        open_days = ~np.isin(days.day_of_week, list(calendar.closed_weekdays))
        ahead = np.zeros(horizon)
        ahead[open_days] = fitted.forecast(int(open_days.sum()))
        return np.clip(np.nan_to_num(ahead), 0, None)


def ets(history: pd.DataFrame, horizon: int, calendar: Calendar = Calendar()) -> np.ndarray:
    """ETS(A,Ad,A) on trading days, estimated on this history alone."""
    return WarmETS()(history, horizon, calendar)


@dataclass(frozen=True)
class ProphetParams:
    """The Prophet settings a series is fitted with."""

    changepoint_prior_scale: float = 0.05
    seasonality_prior_scale: float = 10.0
    holidays_country: str | None = None
    yearly_min_days: int = 730


class WarmProphet:
    """Prophet with weekly seasonality, yearly only with two years of history, and country holidays; each fit
    starts from the previous fit's parameters (Prophet's documented warm start), which saves work when the
    same series is fitted at successive origins."""

    def __init__(self, params: ProphetParams = ProphetParams(), warm: bool = True):
        self.params, self.warm = params, warm
        self.init: dict | None = None

    def _model(self, days: int):
        from prophet import Prophet

        logging.getLogger("cmdstanpy").disabled = True
        model = Prophet(weekly_seasonality=True, yearly_seasonality=days >= self.params.yearly_min_days,
                        daily_seasonality=False, changepoint_prior_scale=self.params.changepoint_prior_scale,
                        seasonality_prior_scale=self.params.seasonality_prior_scale, uncertainty_samples=0)
        if self.params.holidays_country:
            model.add_country_holidays(country_name=self.params.holidays_country)
        return model

    def __call__(self, history: pd.DataFrame, horizon: int, calendar: Calendar = Calendar()) -> np.ndarray:
        """Fit on the trading days of the history; forecast the next ``horizon`` days."""
        from prophet.utilities import warm_start_params

        train = history[calendar.trading(history["ds"])]
        model = self._model(len(history))
        try:
            model.fit(train, init=self.init) if self.init else model.fit(train)
        except (RuntimeError, ValueError):  # the warm start does not fit this window's features: start cold
            model = self._model(len(history)).fit(train)
        self.init = warm_start_params(model) if self.warm else None
        ahead = model.predict(pd.DataFrame({"ds": future(history, horizon)}))["yhat"].to_numpy()
        return np.clip(ahead, 0, None)


def prophet(history: pd.DataFrame, horizon: int, params: ProphetParams = ProphetParams(),
            calendar: Calendar | None = None) -> pd.DataFrame:
    """Prophet's forecast of one history on its own calendar: ds, yhat (zero on closures)."""
    data = daily(history)
    calendar = calendar or Calendar.of(data)
    days = future(data, horizon)
    yhat = np.where(calendar.closures(days), 0.0, WarmProphet(params)(data, horizon, calendar))
    return pd.DataFrame({"ds": days, "yhat": yhat})


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
MODEL_LABELS = {  # marked for the interface's message catalogue; the dashboard shows them translated
    "prophet": N_("Prophet"), "ets": N_("ETS (exponential smoothing)"), "prophet_ets": N_("Mean of Prophet and ETS"),
    "seasonal_naive": N_("Seasonal naive (same weekday last week)"),
    "moving_average_28": N_("28-day average of trading days"), "nested": N_("As deployed (chosen per origin)")}
