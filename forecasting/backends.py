"""Where the series are fitted: one process, local processes, or a Dask (distributed) cluster.

Every backend runs the same pure function on the same chunks of series and yields results as they finish,
so the forecasts do not depend on the backend (a test compares them) and the runner can store them in
batches while the rest are still being fitted.
"""

import logging
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context

import pandas as pd

from forecasting.backtest import SeriesForecast, fit_series
from forecasting.settings import Settings

BACKENDS = ("local", "dask")
CHUNK = 4  # series per task: fewer round trips to the scheduler, still a fair spread over the workers
SINGLE_THREADED = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class Series:
    """One series to forecast: its id, level, member and daily history (ds, y)."""

    series_id: str
    level: str
    member: str
    history: pd.DataFrame
    region: str | None = None  # product series: the region the product's sales are summed over


Result = SeriesForecast | str  # a forecast, or why the series was skipped


def quiet_worker() -> None:
    """Silence cmdstanpy and Prophet in a worker process (they log every fit)."""
    logging.getLogger("cmdstanpy").disabled = True
    logging.getLogger("prophet").setLevel(logging.WARNING)


def fit_chunk(chunk: list[Series], settings: Settings, calendar: pd.DataFrame | None) -> list[tuple[str, Result]]:
    """Fit a few series; a series with too little history is skipped with its reason, never failing the run."""
    quiet_worker()
    results = []
    for s in chunk:
        try:
            results.append((s.series_id, fit_series(s.history, settings, calendar, s.level in settings.prophet_levels)))
        except ValueError as reason:
            results.append((s.series_id, f"skipped: {reason}"))
    return results


def _chunks(series: list[Series]) -> list[list[Series]]:
    return [series[i:i + CHUNK] for i in range(0, len(series), CHUNK)]


def run_local(series: list[Series], settings: Settings, calendar: pd.DataFrame | None,
              workers: int | None = None) -> Iterator[tuple[str, Result]]:
    """Fit in this process (workers=1) or in a pool of local processes (default: one per core)."""
    workers = workers or min(os.cpu_count() or 1, len(series)) or 1
    if workers == 1:
        for chunk in _chunks(series):
            yield from fit_chunk(chunk, settings, calendar)
        return
    for name in SINGLE_THREADED:  # as Dask does for its workers: one BLAS thread per process, not one per core
        os.environ.setdefault(name, "1")
    with ProcessPoolExecutor(max_workers=workers, initializer=quiet_worker, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(fit_chunk, chunk, settings, calendar) for chunk in _chunks(series)]
        for future in as_completed(futures):
            yield from future.result()


def run_dask(series: list[Series], settings: Settings, calendar: pd.DataFrame | None,
             scheduler: str | None = None, workers: int | None = None) -> Iterator[tuple[str, Result]]:
    """Fit on a Dask cluster: the scheduler at ``scheduler`` (tcp://HOST:8786), or a LocalCluster of
    ``workers`` single-threaded processes (default: one per core) when none is given."""
    from distributed import Client, LocalCluster
    from distributed import as_completed as completed

    cluster = None if scheduler else LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                                   processes=True, dashboard_address=None)
    try:
        with Client(scheduler or cluster) as client:
            client.run(quiet_worker)
            shared = client.scatter(calendar, broadcast=True) if calendar is not None else None
            futures = [client.submit(fit_chunk, chunk, settings, shared, pure=False) for chunk in _chunks(series)]
            for future in completed(futures):
                yield from future.result()
                future.release()
    finally:
        if cluster is not None:
            cluster.close()


def fit_stream(series: list[Series], settings: Settings, calendar: pd.DataFrame | None = None,
               backend: str = "local", scheduler: str | None = None,
               workers: int | None = None) -> Iterator[tuple[str, Result]]:
    """(series_id, result) for every series, in the order they finish, on the chosen backend."""
    if backend == "dask":
        return run_dask(series, settings, calendar, scheduler, workers)
    return run_local(series, settings, calendar, workers)


def fit_all(series: list[Series], settings: Settings, calendar: pd.DataFrame | None = None,
            backend: str = "local", scheduler: str | None = None, workers: int | None = None) -> dict[str, Result]:
    """Every series' result by id."""
    return dict(fit_stream(series, settings, calendar, backend, scheduler, workers))
