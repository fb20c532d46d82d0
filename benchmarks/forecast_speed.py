"""Forecast throughput on real product series: Online Retail's busiest products in each of their regions,
fitted one after another, in local processes, and on a Dask LocalCluster, all in the same run.

``python -m benchmarks.forecast_speed [SERIES]`` runs this section alone (on a fresh Online Retail load) and
prints it; ``make bench`` runs it with 1,000 series (``BENCH_FORECAST_SERIES`` overrides the count).
"""

import os
import sys
import time

from etl.db import get_engine
from forecasting.backends import Series, fit_all
from forecasting.runner import load_series
from forecasting.settings import load_settings

WORKERS = 2
PROJECTED = 10_000


def product_series(url: str, count: int) -> tuple[list[Series], object]:
    """The ``count`` busiest product x region unit series of the warehouse, and the business calendar (total)."""
    found = load_series(get_engine(url), ("total", "product"), top_products=count)
    products = [s for s in found if s.level == "product"]
    products.sort(key=lambda s: -float(s.history["y"].sum()))
    return products[:count], found[0].history


def measure(series: list[Series], calendar, rounds: int = 3) -> dict:
    """Seconds per backend on the same series, with the default settings (products: baselines and ETS). The
    series are split into ``rounds`` interleaved slices and the backends take turns on each slice, so a change
    in the machine's load during the run falls on every backend alike."""
    settings = load_settings()
    runs = [("sequential (1 process)", {"workers": 1}),
            (f"local processes ({WORKERS})", {"workers": WORKERS}),
            (f"Dask LocalCluster ({WORKERS} workers)", {"workers": WORKERS, "backend": "dask"})]
    fit_all(series[:2], settings, calendar, workers=1)  # imports and caches: not the sequential run's cost alone
    seconds = dict.fromkeys((name for name, _ in runs), 0.0)
    for turn in range(rounds):
        part = series[turn::rounds]
        for name, options in runs:
            started = time.perf_counter()
            fit_all(part, settings, calendar, **options)
            seconds[name] += time.perf_counter() - started
            print(f"round {turn + 1}/{rounds}, {name}: {len(part)} series, {seconds[name]:.1f} s so far", flush=True)
    return {"series": len(series), "seconds": seconds,
            "history_days": sorted(len(s.history) for s in series)[len(series) // 2]}


def section(speed: dict) -> str:
    """The Markdown section for docs/benchmarks.md."""
    count, seconds = speed["series"], speed["seconds"]
    base = next(iter(seconds.values()))
    rows = "\n".join(f"| {name} | {value:.1f} | {count / value:.2f} | **{base / value:.2f}** |"
                     for name, value in seconds.items())
    per_series = base / count
    best_name, best_seconds = min(list(seconds.items())[1:], key=lambda item: item[1])
    best = base / best_seconds
    efficiency = best / WORKERS
    projection = "\n".join(
        f"| {n} | {PROJECTED * per_series / (n * efficiency) / 60:,.1f} |" for n in (1, 2, 8, 32, 128))
    return f"""## Forecast throughput: {count:,} product series

Online Retail's busiest products, one unit series per product and region (median {speed['history_days']} days
of history), each with nested weekly backtests (8 scored origins, choices from the 6 before each) of the
seasonal naive forecast, the 28-day average and ETS, then a 28-day forecast with its conformal band; the same
series on each backend in the same run, the backends taking turns on three interleaved thirds of the series
(so a change in the machine's load falls on each alike). Speed-up = sequential seconds / seconds; each parallel
run pays for starting its processes (a Dask LocalCluster about 2 s: scheduler, 2 worker processes and their
imports), and Dask's scheduler and client run on the same 2 cores as its workers, which the local pool's
idle parent does not. Target: parallel >= 1.8x sequential on 2 cores: **{best:.2f}x** with {best_name}
({'met' if best >= 1.8 else 'NOT MET'}).

| run | seconds | series/s | speed-up |
|---|---:|---:|---:|
{rows}

Projection to {PROJECTED:,} series from the cost per series in the sequential run ({per_series:.2f} s) and the
best parallel efficiency measured here ({efficiency:.0%} of linear): minutes on N workers (Dask workers of one
core each; the scheduler's overhead at many workers is not measured here).

| workers | minutes |
|---:|---:|
{projection}
"""


def main() -> None:
    """Load Online Retail into a temporary warehouse and print this section."""
    from benchmarks.databases import fresh_sqlite
    from benchmarks.real_data import load_online_retail

    count = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("BENCH_FORECAST_SERIES", 1000))
    with fresh_sqlite() as url:
        load_online_retail(fresh_sqlite, url)
        print(section(measure(*product_series(url, count))))


if __name__ == "__main__":
    main()
