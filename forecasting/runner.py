"""The forecast run: read daily sales from the marts, fit every series on a backend, store in batches, reconcile.

This is the only part of ``forecasting`` that touches the database (with ``forecasting.store``).
"""

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, Engine, desc, func, insert, select, update

from etl.db import ensure_schema
from etl.runs import LOADED
from etl.schema import (
    etl_runs,
    forecast_runs,
    mart_daily_product_sales,
    mart_daily_sales,
    mart_order_fulfilment,
    orders,
)
from forecasting import store
from forecasting.backends import Series, fit_stream
from forecasting.backtest import SeriesForecast
from forecasting.models import daily
from forecasting.settings import Settings

LEVEL_COLUMN = {"department": "department_id", "category": "category", "region": "region"}
Progress = Callable[[str, int, int], None]


@dataclass
class ForecastSummary:
    """What a forecast run did."""

    run_id: int
    series: int
    models: dict[str, int]
    skipped: int
    gaps: dict[str, float]
    resumed: int = 0  # series a resumed run found already stored


def last_complete_day(conn: Connection, last) -> pd.Timestamp:
    """The last day with sales, or the day before when the data says it is incomplete: its last order came earlier
    in the day than the last order of every one of the 28 days before (Online Retail's data ends at 12:50 on
    9 Dec 2011, hours before any other day of its last four weeks closed). A complete day that merely closed early
    (about half of days close before the median) is kept."""
    f = mart_order_fulfilment
    rows = conn.execute(select(f.c.order_date, func.max(orders.c.ordered_at))
                        .join(orders, orders.c.order_id == f.c.order_id)
                        .where(f.c.order_date >= pd.Timestamp(last).date() - timedelta(days=28))
                        .group_by(f.c.order_date)).all()
    last = pd.Timestamp(last)
    if len(rows) < 8:
        return last
    ends = pd.DataFrame(rows, columns=["day", "at"]).assign(day=lambda d: pd.to_datetime(d["day"]),
                                                            at=lambda d: pd.to_datetime(d["at"], format="ISO8601"))
    clock = (ends["at"] - ends["day"]).dt.total_seconds()
    final = clock[ends["day"] == last]
    earliest = clock[ends["day"] < last].min()
    return last - pd.Timedelta(days=1) if len(final) and final.iloc[0] < earliest else last


def load_series(engine: Engine, levels: tuple[str, ...], top_products: int = 10) -> list[Series]:
    """Daily net revenue for the total and each member of the requested levels (mart_daily_sales), and daily
    units of the busiest products in each of their regions (mart_daily_product_sales); every series runs to the last
    complete day, so the parts of a breakdown line up with the whole."""
    s = mart_daily_sales
    with engine.connect() as conn:
        last = conn.execute(select(func.max(s.c.sales_date))).scalar()
        if last is None:
            return []
        end = last_complete_day(conn, last)
        rows = conn.execute(select(s.c.sales_date, func.sum(s.c.net_revenue)).group_by(s.c.sales_date)).all()
        found = [Series("total", "total", "total", _history(rows, end))] if "total" in levels else []
        for level in (lv for lv in levels if lv in LEVEL_COLUMN):
            column = s.c[LEVEL_COLUMN[level]]
            rows = conn.execute(select(column, s.c.sales_date, func.sum(s.c.net_revenue))
                                .group_by(column, s.c.sales_date)).all()
            for member, part in pd.DataFrame(rows, columns=["member", "ds", "y"]).groupby("member"):
                found.append(Series(f"{level}:{member}", level, str(member), _history(part[["ds", "y"]].values, end)))
        if "product" in levels and top_products > 0:
            found += _product_series(conn, end, top_products)
    return found


def _product_series(conn: Connection, end: pd.Timestamp, count: int) -> list[Series]:
    """Unit series of the ``count`` products with the most units sold over the last 365 days, one per region
    they sell in (so a product's forecasts cover all of its demand)."""
    p = mart_daily_product_sales
    top = (select(p.c.product_id).where(p.c.sales_date > (end - pd.Timedelta(days=365)).date())
           .group_by(p.c.product_id).order_by(desc(func.sum(p.c.units)), p.c.product_id).limit(count).subquery())
    rows = conn.execute(select(p.c.product_id, p.c.region, p.c.sales_date, p.c.units)
                        .join(top, top.c.product_id == p.c.product_id)).all()
    frame = pd.DataFrame(rows, columns=["product_id", "region", "ds", "y"])
    return [Series(f"product:{product}@{region}", "product", str(product), _history(part[["ds", "y"]].values, end),
                   str(region)) for (product, region), part in frame.groupby(["product_id", "region"])]


def _history(rows, end: pd.Timestamp) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=["ds", "y"])
    frame["ds"] = pd.to_datetime(frame["ds"])
    frame["y"] = frame["y"].astype(float)
    frame = pd.concat([frame[frame["ds"] <= end], pd.DataFrame({"ds": [end], "y": [0.0]})], ignore_index=True)
    return daily(frame)


def run_forecasts(engine: Engine, settings: Settings, workers: int | None = None, progress: Progress | None = None,
                  backend: str = "local", scheduler: str | None = None) -> ForecastSummary:
    """Forecast every series of the requested levels, storing them in batches; resumes an unfinished run of
    the same load and settings instead of starting over."""
    ensure_schema(engine)
    run_id = _start_or_resume(engine, settings)
    series = load_series(engine, settings.levels, settings.top_products)
    done = store.stored_ids(engine, run_id)
    todo = [s for s in series if s.series_id not in done]
    calendar = next((s.history for s in series if s.level == "total"), None)
    by_id = {s.series_id: s for s in todo}
    models: dict[str, int] = {}
    skipped, batch = 0, []
    try:
        for i, (series_id, result) in enumerate(fit_stream(todo, settings, calendar, backend, scheduler, workers)):
            batch.append((by_id[series_id], result))
            if isinstance(result, SeriesForecast):
                models[result.model] = models.get(result.model, 0) + 1
            else:
                skipped += 1
            if len(batch) >= settings.batch_series:
                store.store_batch(engine, run_id, settings.horizon_days, batch)
                batch = []
            if progress:
                progress(series_id, len(done) + i + 1, len(series))
        store.store_batch(engine, run_id, settings.horizon_days, batch)
        gaps = store.finish(engine, run_id, len(series))
    except BaseException as error:
        store.fail(engine, run_id, error)
        raise
    return ForecastSummary(run_id, len(series), models, skipped, gaps, len(done))


def _start_or_resume(engine: Engine, settings: Settings) -> int:
    """The latest run if it did not finish and was for the same load and settings; else a new run."""
    chosen = json.dumps(asdict(settings))
    with engine.begin() as conn:
        etl_run = conn.execute(select(func.max(etl_runs.c.run_id)).where(etl_runs.c.status.in_(LOADED))).scalar()
        r = forecast_runs
        latest = conn.execute(select(r.c.run_id, r.c.status, r.c.etl_run_id, r.c.settings)
                              .order_by(desc(r.c.run_id)).limit(1)).first()
        if latest and latest.status != "success" and latest.etl_run_id == etl_run and latest.settings == chosen:
            conn.execute(update(r).where(r.c.run_id == latest.run_id).values(status="running", message="resumed"))
            return latest.run_id
        result = conn.execute(insert(forecast_runs).values(
            etl_run_id=etl_run, started_at=datetime.now(), status="running", horizon_days=settings.horizon_days,
            settings=chosen))
        return result.inserted_primary_key[0]
