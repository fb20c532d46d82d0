"""Online Retail (541,909 real lines): the full load against a raw insert of its rows, and forecast accuracy."""

import time
from pathlib import Path

from benchmarks.etl_load import LoadResult
from etl.db import ensure_schema, get_engine
from etl.load import to_rows
from etl.pipeline import run_pipeline
from etl.schema import metadata
from etl.sources.configured import ConfigSource
from etl.validate import conform
from forecasting.backends import fit_all
from forecasting.runner import load_series
from forecasting.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "etl" / "sources" / "online_retail.yaml"
DATA = ROOT.parent / "shared" / "datasets" / "online_retail"


def load_online_retail(fresh, url: str) -> LoadResult:
    """Raw insert of the mapped rows into a fresh warehouse, then the whole ETL run (reading the file
    included) into the warehouse at ``url``, which the caller keeps for the forecast benchmark."""
    source = ConfigSource(CONFIG, DATA)
    raw = source.extract()
    with fresh() as raw_url:
        engine = get_engine(raw_url)
        ensure_schema(engine)
        prepared = {n: list(to_rows(conform(t.frame, metadata.tables[n])[0], metadata.tables[n]))
                    for n, t in raw.items()}
        started = time.perf_counter()
        with engine.begin() as conn:
            for name, rows in prepared.items():
                table = metadata.tables[name]
                marks = ", ".join("?" for _ in table.columns)
                conn.exec_driver_sql(f"INSERT INTO {name} ({', '.join(c.name for c in table.columns)}) "
                                     f"VALUES ({marks})", rows)
        raw_seconds = time.perf_counter() - started
    started = time.perf_counter()
    run_pipeline(ConfigSource(CONFIG, DATA), get_engine(url))
    etl_seconds = time.perf_counter() - started
    return LoadResult("SQLite", sum(len(r) for r in prepared.values()), raw_seconds, etl_seconds)


def accuracy(url: str) -> list[dict]:
    """Nested backtest scores per series and model on the loaded warehouse (total and departments, 28 days):
    each model's mean over the scored origins, and 'nested', the model chosen as deployed at each origin."""
    settings = load_settings().with_overrides(levels=("total", "department"), horizon_days=28)
    series = load_series(get_engine(url), settings.levels)
    results = fit_all(series, settings, series[0].history)
    rows = []
    for s in series:
        result = results[s.series_id]
        scores = result.backtests.groupby("model")[["smape", "mase", "coverage"]].mean()
        for model, score in scores.iterrows():
            rows.append({"series": s.series_id, "model": model, "chosen": model == result.model, **score.to_dict()})
    return rows


def fit_cost(url: str) -> list[dict]:
    """Online Retail's total fitted before and after the cheaper fits (a 2-value Prophet grid started cold at
    every origin, against one value with warm starts): seconds and nested scores, in this run."""
    settings = load_settings().with_overrides(levels=("total",), horizon_days=28)
    total = load_series(get_engine(url), ("total",))[0]
    rows = []
    for label, variant in [("before: grid 0.01 / 0.1, cold fits", settings.with_overrides(
            changepoint_prior_scales=(0.01, 0.1), prophet_warm_start=False)),
                           ("after: 0.1 only, warm starts", settings)]:
        started = time.perf_counter()
        result = fit_all([total], variant, total.history, workers=1)["total"]
        nested = result.backtests[result.backtests["model"] == "nested"]
        rows.append({"label": label, "seconds": time.perf_counter() - started, "mase": nested["mase"].mean(),
                     "coverage": nested["coverage"].mean(), "smape": nested["smape"].mean()})
    return rows
