"""Nested backtests and the choice of model per series.

Every candidate is fitted at weekly origins and asked for the next ``horizon`` days. At each scored origin,
the model (and Prophet's prior) is chosen, and its band calibrated, only from origins whose whole horizon
had ended before it: exactly what the deployed forecast can know. Those as-deployed scores are what the
page and docs/forecast_accuracy.md report. The live forecast is chosen the same way from the latest origins.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting import conformal, seasons
from forecasting.conformal import Window
from forecasting.metrics import METRICS, naive_scale
from forecasting.models import (
    Calendar,
    ProphetParams,
    WarmETS,
    WarmProphet,
    daily,
    future,
    moving_average,
    seasonal_naive,
)
from forecasting.settings import Settings
from i18n import ngettext

Model = Callable[[pd.DataFrame, int, Calendar], np.ndarray]
Paths = dict[str, dict[pd.Timestamp, np.ndarray]]


@dataclass
class SeriesForecast:
    """The outcome for one series: the chosen model, why, its forecast and every backtest score."""

    model: str
    reason: str
    forecast: pd.DataFrame  # ds, yhat, yhat_lower, yhat_upper, closure
    backtests: pd.DataFrame  # model, cutoff, smape, mase, coverage (as deployed at each scored origin)
    params: dict


def origins(data: pd.DataFrame, horizon: int, count: int, min_train_days: int = 56) -> list[pd.Timestamp]:
    """Up to ``count`` weekly origins, the last one horizon before the end of the history."""
    last, first = data["ds"].max() - pd.Timedelta(days=horizon), data["ds"].min()
    candidates = [last - pd.Timedelta(weeks=k) for k in range(count - 1, -1, -1)]
    return [c for c in candidates if (c - first).days + 1 >= min_train_days]


def candidates(settings: Settings, prophet_too: bool) -> dict[str, Model]:
    """The models tried on a series: the baselines, ETS, and Prophet at each grid value."""
    models: dict[str, Model] = {"seasonal_naive": seasonal_naive, "moving_average_28": moving_average, "ets": WarmETS()}
    if prophet_too:
        for cps in settings.changepoint_prior_scales:
            models[f"prophet@{cps:g}"] = WarmProphet(ProphetParams(cps, holidays_country=settings.holidays_country),
                                                     settings.prophet_warm_start)
    return models


_CALENDARS: dict[tuple, Calendar] = {}  # per process: product series share the business's calendar


def _calendar(source: pd.DataFrame, day: pd.Timestamp) -> Calendar:
    """The calendar the source showed up to ``day`` (computed once per source and day in a process)."""
    key = (len(source), source["ds"].iloc[0], source["ds"].iloc[-1], float(source["y"].sum()), day)
    if key not in _CALENDARS:
        if len(_CALENDARS) > 10_000:
            _CALENDARS.clear()
        _CALENDARS[key] = Calendar.of(source[source["ds"] <= day])
    return _CALENDARS[key]


def _window(data: pd.DataFrame, origin: pd.Timestamp, horizon: int, calendar: Calendar) -> Window:
    train, test = data[data["ds"] <= origin], data[data["ds"] > origin].head(horizon)
    return Window(origin, test["y"].to_numpy(float), calendar.trading(test["ds"]),
                  naive_scale(train["y"].to_numpy(), calendar.trading(train["ds"])))


def forecast_paths(data: pd.DataFrame, horizon: int, points: list[pd.Timestamp], models: dict[str, Model],
                   calendar_source: pd.DataFrame) -> Paths:
    """Each model's forecast at each origin (zero on closures), and the Prophet + ETS means."""
    paths: Paths = {name: {} for name in models}
    for origin in [*points, data["ds"].max()]:
        train, calendar = data[data["ds"] <= origin], _calendar(calendar_source, origin)
        days = future(train, horizon)
        closed = calendar.closures(days)
        for name, model in models.items():
            path = np.where(closed, 0.0, model(train, horizon, calendar))
            paths[name][origin] = seasons.follow_year_before(train, days, path, calendar)
    for name in [n for n in models if n.startswith("prophet@")]:
        paths[name.replace("prophet@", "prophet_ets@")] = {
            o: (paths[name][o] + paths["ets"][o]) / 2 for o in paths[name]}
    return paths


def _inner(points: list[pd.Timestamp], day: pd.Timestamp, horizon: int, window: int) -> list[pd.Timestamp]:
    return [p for p in points if p + pd.Timedelta(days=horizon) <= day][-window:]


def _mean_mase(path: dict, windows: dict[pd.Timestamp, Window], inner: list) -> float:
    scores = [METRICS["mase"](w.y[w.trading], path[o][w.trading], None, None, w.scale)
              for o in inner for w in [windows[o]]]
    scores = [s for s in scores if np.isfinite(s)]
    return float(np.mean(scores)) if scores else float("inf")


def _choose(paths: Paths, names: list[str], windows: dict, inner: list) -> tuple[str, dict[str, float]]:
    scores = {name: _mean_mase(paths[name], windows, inner) for name in names}
    return min(scores, key=lambda n: (scores[n], n != "seasonal_naive")), scores


def _bounds(path: dict, windows: dict, inner: list, origin, closed: np.ndarray, horizon: int,
            season: tuple[np.ndarray, np.ndarray]):
    """The 80% band at an origin from the model's errors at the inner origins, widened on days of a season the
    history holds once (``season``: those days, and the year-before values)."""
    if not inner:  # nothing to calibrate on yet: the spread of week-on-week changes stands in
        lower, upper = conformal.band(path[origin], *conformal.naive_quantiles(windows, horizon), closed)
    else:
        low, high = conformal.quantiles([conformal.errors(windows[o], path[o]) for o in inner], horizon)
        lower, upper = conformal.band(path[origin], low, high, closed)
    return seasons.widen(lower, upper, season[0] & ~closed, season[1])


def _family(name: str) -> str:
    return name.split("@")[0]


def nested_scores(paths: Paths, windows: dict, points: list, settings: Settings, closures: dict,
                  season: dict) -> pd.DataFrame:
    """At each scored origin: every family (its variant chosen on earlier origins) and the as-deployed choice
    ('nested'), with bands calibrated on earlier origins only: model, cutoff, smape, mase, coverage."""
    horizon, rows = settings.horizon_days, []
    scored = [p for p in points if len(_inner(points, p, horizon, settings.selection_origins)) >= 2]
    for origin in scored[-settings.scored_origins:]:
        inner, w = _inner(points, origin, horizon, settings.selection_origins), windows[origin]
        chosen, _ = _choose(paths, list(paths), windows, inner)
        picks = {f: _choose(paths, [n for n in paths if _family(n) == f], windows, inner)[0]
                 for f in dict.fromkeys(map(_family, paths))}
        for label, name in [*picks.items(), ("nested", chosen)]:
            lower, upper = _bounds(paths[name], windows, inner, origin, closures[origin], horizon, season[origin])
            args = (w.y[w.trading], paths[name][origin][w.trading], lower[w.trading], upper[w.trading], w.scale)
            rows.append({"model": label, "cutoff": origin, "variant": name,
                         **{metric: fn(*args) for metric, fn in METRICS.items()}})
    return pd.DataFrame(rows, columns=["model", "cutoff", "variant", *METRICS])


def _season(train: pd.DataFrame, horizon: int, calendar: Calendar) -> tuple[np.ndarray, np.ndarray]:
    """The days ahead of an origin whose season the history holds once, and their year-before values (NaN where
    that day was not a trading day)."""
    days = future(train, horizon)
    before = np.where(calendar.trading(days - pd.DateOffset(years=1)), seasons.year_before(train, days), np.nan)
    return seasons.seen_once(train, days), before


def _too_weak_for_prophet(data: pd.DataFrame, settings: Settings) -> str | None:
    if len(data) < settings.min_prophet_days:
        return ngettext("only {count} day of history (Prophet needs {needed})",
                        "only {count} days of history (Prophet needs {needed})", len(data)).format(
            count=len(data), needed=settings.min_prophet_days)
    zero_share = float((data["y"] == 0).mean())
    if zero_share > settings.max_zero_share:
        return f"{zero_share:.0%} of days have no sales (too sparse for Prophet)"
    return None


def fit_series(history: pd.DataFrame, settings: Settings, calendar_history: pd.DataFrame | None = None,
               use_prophet: bool = True) -> SeriesForecast:
    """Backtest every candidate at weekly origins, choose and calibrate as deployed, and forecast."""
    data, horizon = daily(history), settings.horizon_days
    if len(data) < 7:
        raise ValueError(ngettext("only {count} day of history; a forecast needs at least 7",
                                  "only {count} days of history; a forecast needs at least 7", len(data)).format(
            count=len(data)))
    source = daily(calendar_history) if calendar_history is not None else data
    weak = _too_weak_for_prophet(data, settings) if use_prophet else "not used at this level"
    count = settings.scored_origins + -(-horizon // 7) + settings.selection_origins - 1
    points = origins(data, horizon, count)
    paths = forecast_paths(data, horizon, points, candidates(settings, weak is None), source)
    full = _calendar(source, source["ds"].max())
    end = data["ds"].max()
    windows = {o: _window(data, o, horizon, full) for o in points}
    closures = {o: _calendar(source, o).closures(future(data[data["ds"] <= o], horizon)) for o in [*points, end]}
    season = {o: _season(data[data["ds"] <= o], horizon, _calendar(source, o)) for o in [*points, end]}
    backtests = nested_scores(paths, windows, points, settings, closures, season)
    inner = _inner(points, end, horizon, settings.selection_origins)
    chosen, scores = _choose(paths, list(paths), windows, inner) if inner else ("seasonal_naive", {})
    windows["history"] = Window(end, data["y"].to_numpy(float), full.trading(data["ds"]), 0.0)
    lower, upper = _bounds(paths[chosen], windows, inner, end, closures[end], horizon, season[end])
    forecast = pd.DataFrame({"ds": future(data, horizon), "yhat": paths[chosen][end], "yhat_lower": lower,
                             "yhat_upper": upper, "closure": closures[end], "season_once": season[end][0]})
    return SeriesForecast(_family(chosen), _reason(chosen, scores, backtests, weak, len(inner)), forecast, backtests,
                          _params(chosen, backtests, forecast))


def _reason(chosen: str, scores: dict, backtests: pd.DataFrame, weak: str | None, inner: int) -> str:
    if not scores:
        return f"fallback: {weak or 'too little history to backtest'}"
    best = {}
    for name, value in scores.items():
        if np.isfinite(value) and value < best.get(_family(name), np.inf):
            best[_family(name)] = value
    others = ", ".join(f"{m} {v:.2f}" for m, v in sorted(best.items(), key=lambda kv: kv[1]) if m != _family(chosen))
    reason = f"lowest MASE over the last {inner} weekly backtests: {_family(chosen)} {scores[chosen]:.2f}" + (
        f" (against {others})" if others else "")
    return f"Prophet not tried: {weak}; {reason}" if weak else reason


def _params(chosen: str, backtests: pd.DataFrame, forecast: pd.DataFrame) -> dict:
    nested = backtests[backtests["model"] == "nested"]
    params = {"variant": chosen, "coverage": None if nested.empty else float(nested["coverage"].mean()),
              "closures": [d.date().isoformat() for d in forecast.loc[forecast["closure"], "ds"]],
              "season_once": [d.date().isoformat() for d in forecast.loc[forecast["season_once"] & ~forecast["closure"],
                                                                         "ds"]]}
    if "@" in chosen:
        params["changepoint_prior_scale"] = float(chosen.split("@")[1])
    return params
