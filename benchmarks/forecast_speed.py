"""Forecast throughput: 100 demo series fitted one after another, then in parallel processes."""

import os
import time
from datetime import date

import pandas as pd

from etl.demo import generate_demo
from forecasting.runner import Series, fit_all
from forecasting.settings import Settings

SETTINGS = Settings(horizon_days=28, backtest_cutoffs=2,
                    grid={"changepoint_prior_scale": [0.05], "seasonality_prior_scale": [10.0]})


def demo_series(count: int = 100) -> list[Series]:
    """Daily net revenue of the demo's best-selling products, one series each."""
    tables = generate_demo(seed=42, end_date=date(2025, 6, 30))
    lines = tables["order_lines"].merge(tables["orders"][["order_id", "ordered_at"]], on="order_id")
    lines["y"] = lines["quantity"] * lines["unit_price"] * (1 - lines["discount"])
    lines["ds"] = lines["ordered_at"].dt.normalize()
    top = lines.groupby("product_id")["y"].sum().nlargest(count).index
    daily = lines[lines["product_id"].isin(top)].groupby(["product_id", "ds"])["y"].sum().reset_index()
    return [Series(f"product:{p}", "product", p, g[["ds", "y"]].reset_index(drop=True))
            for p, g in daily.groupby("product_id")]


def measure(series: list[Series]) -> dict:
    """Seconds and series per second, sequential and parallel (one process per core)."""
    started = time.perf_counter()
    fit_all(series, SETTINGS, workers=1)
    sequential = time.perf_counter() - started
    workers = os.cpu_count() or 1
    started = time.perf_counter()
    fit_all(series, SETTINGS, workers=workers)
    parallel = time.perf_counter() - started
    return {"series": len(series), "workers": workers, "sequential": sequential, "parallel": parallel,
            "history_days": int(pd.Series([len(s.history) for s in series]).median())}
