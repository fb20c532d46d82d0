"""`make bench`: measure, print, and write docs/benchmarks.md and docs/forecast_accuracy.md."""

import os
import platform
import sys
from datetime import datetime
from pathlib import Path

from alerts.config import load_config
from alerts.engine import evaluate
from benchmarks import etl_load, first_page, forecast_speed, page_matrix, pages, real_data, sentiment, social_scale
from benchmarks.databases import fresh_postgres, fresh_sqlite, postgres_available
from etl.db import get_engine
from forecasting.runner import run_forecasts
from forecasting.settings import load_settings

DOCS = Path(__file__).resolve().parents[1] / "docs"
SCALE = 12.0  # about 1.1 million order lines
RETAIL_RAW_WHEN_SET = 1.9  # seconds of Online Retail's raw insert when its 5 s target was set (issue 10)
MODEL_NAMES = {"prophet": "Prophet", "seasonal_naive": "Seasonal naive", "moving_average_28": "28-day average",
               "ets": "ETS(A,Ad,A)", "prophet_ets": "Prophet + ETS mean", "nested": "**as deployed**"}


def measure_loads(source) -> list[etl_load.LoadResult]:
    """ETL against raw insert on SQLite and, when the server answers, PostgreSQL."""
    databases = [("SQLite", fresh_sqlite)] + ([("PostgreSQL", fresh_postgres)] if postgres_available() else [])
    results = []
    for name, fresh in databases:
        with fresh() as url:
            rows, raw = etl_load.raw_insert_seconds(url, source)
        with fresh() as url:
            etl = etl_load.etl_seconds(url, source)
        results.append(etl_load.LoadResult(name, rows, raw, etl))
        print(f"{name}: {rows:,} rows; raw insert {raw:.1f} s ({rows / raw:,.0f} rows/s); "
              f"ETL {etl:.1f} s ({rows / etl:,.0f} rows/s); ratio {results[-1].ratio:.2f}", flush=True)
    return results


def _load_table(results: list[etl_load.LoadResult], target) -> str:
    """The table of loads; ``target``: the target column's text for a result."""
    rows = "\n".join(
        f"| {r.database} | {r.rows:,} | {r.raw_seconds:.1f} | {r.rows / r.raw_seconds:,.0f} | {r.etl_seconds:.1f} "
        f"| {r.rows / r.etl_seconds:,.0f} | **{r.ratio:.2f}** | {target(r)} |"
        for r in results)
    return ("| database | rows | raw insert (s) | raw rows/s | ETL (s) | ETL rows/s | ETL / raw rate | target |\n"
            "|---|---:|---:|---:|---:|---:|---:|---|\n" + rows)


def demo_section(results, lines: int) -> str:
    return f"""## ETL load: demo company, {lines:,} order lines

The whole ETL (validate, load, marts) against a raw bulk insert of the same rows into an empty database of
the same kind and schema, measured in the same run (executemany on SQLite, COPY on PostgreSQL). The raw
insert gets its rows already converted; the ETL pays for that conversion too.

{_load_table(results, lambda r: "ETL / raw >= 0.5: " + ("met" if r.ratio >= 0.5 else "NOT MET"))}
"""


def retail_section(result: etl_load.LoadResult) -> str:
    return f"""## ETL load: Online Retail, 541,909 real invoice lines

The full load from the gzipped CSV (read, map, validate, load, marts) against a raw insert of the same
mapped rows into an empty SQLite warehouse, in the same run. Target: the full load under 5 s:
**{result.etl_seconds:.1f} s** ({'met' if result.etl_seconds < 5 else 'NOT MET'}). The target was set when the
raw insert took {RETAIL_RAW_WHEN_SET} s (5 s = {5 / RETAIL_RAW_WHEN_SET:.1f} x raw); in this run the full load takes
**{result.etl_seconds / result.raw_seconds:.1f} x** its raw insert of {result.raw_seconds:.1f} s.

{_load_table([result], lambda r: "under 5 s")}
"""


def accuracy_doc(rows: list[dict], cost: list[dict]) -> str:
    """docs/forecast_accuracy.md: nested (as-deployed) scores beside every candidate's, and the fit cost."""
    lines = "\n".join(
        f"| {r['series']} | {MODEL_NAMES[r['model']]}{' (chosen now)' if r['chosen'] else ''} | {r['smape']:.1%} "
        f"| {r['mase']:.2f} | {r['coverage']:.0%} |" for r in rows)
    total = {r["model"]: r for r in rows if r["series"] == "total"}
    ratio = total["nested"]["mase"] / total["seasonal_naive"]["mase"]
    to_ets = total["nested"]["mase"] / total["ets"]["mase"]
    cover = total["nested"]["coverage"]
    settings = load_settings()
    costs = "\n".join(f"| {c['label']} | {c['seconds']:.1f} | {c['smape']:.1%} | {c['mase']:.2f} "
                       f"| {c['coverage']:.0%} |" for c in cost)
    return f"""# Forecast accuracy on Online Retail

Written by `make bench` on {datetime.now():%Y-%m-%d %H:%M}. Daily net revenue of the UCI Online Retail
warehouse (Dec 2010 - 8 Dec 2011; 9 Dec ends at 12:50 and is left out), total and per department, 28-day
horizon. Nested backtests: {settings.scored_origins} weekly origins are scored; at each, every choice (the model,
Prophet's prior, the band) is made only from the {settings.selection_origins} latest origins whose 28 days had ended
before it. Each model's row uses its own band calibrated the same way; **as deployed** is the model the rule chose
at each origin, which is what the live forecast does. Metrics on trading days only (no Saturdays, no Christmas
shutdown). sMAPE: lower is better. MASE: below 1 beats the in-sample weekly repeat. Coverage: share of trading
days inside the 80% band. See docs/forecasting.md for the method.

Targets on the total: as-deployed MASE <= 0.75 x seasonal naive's: **{ratio:.2f}**
({'met' if ratio <= 0.75 else 'NOT MET'}); <= 0.9 x ETS's: **{to_ets:.2f}** ({'met' if to_ets <= 0.9 else 'NOT MET'});
80% band covering 77-83% of trading days: **{cover:.1%}** ({'met' if 0.77 <= cover <= 0.83 else 'NOT MET'}).
Over every run of 13 consecutive weekly origins of the last five months the figures vary: see
docs/forecasting.md.

| series | model | sMAPE | MASE | inside 80% band |
|---|---|---:|---:|---:|
{lines}

## Cheaper fits, same accuracy

The total alone, one process, in the same run. Before: Prophet's `changepoint_prior_scale` searched over
0.01 and 0.1 and every fit started cold. After: 0.1 alone (the grid's other value moves the as-deployed scores
by about 0.02 MASE) and each origin's fit starts from the previous origin's parameters (Prophet's warm start).
The old `seasonality_prior_scale` grid (1 and 10 gave the same results) is gone in both. ETS re-estimates its
smoothing parameters once a quarter and only filters at the origins in between.

| fits | seconds | sMAPE | MASE | inside 80% band |
|---|---:|---:|---:|---:|
{costs}
"""


def pages_section(results: list[dict], lines: int) -> str:
    rows = "\n".join(f"| {r['page']} | {r['cold']:.2f} | {r['warm']:.2f} | {r['queries']} | {r['sql']:.2f} | "
                     f"{'met' if r['cold'] < 1.5 and r['warm'] < 0.5 else 'NOT MET'} |" for r in results)
    return f"""## Page speed: demo warehouse with {lines:,} order lines

Each page's server-side run in Streamlit's AppTest, with the default filters (the last 90 days): cold (every
cache cleared) and warm (the same page again), each the median of 3 tries, beside the time its own SQL
statements take when run alone on one connection. Targets: cold under 1.5 s, warm under 0.5 s.

| page | cold (s) | warm (s) | queries | their SQL alone (s) | target |
|---|---:|---:|---:|---:|---|
{rows}
"""


def measure_pages(source) -> list[dict]:
    """Load the demo into a fresh SQLite warehouse, forecast its total (the page reads one series at a time),
    evaluate the alerts, and time every page on it."""
    with fresh_sqlite() as url:
        etl_load.etl_seconds(url, source)
        run_forecasts(get_engine(url), load_settings().with_overrides(levels=("total",)))
        evaluate(get_engine(url), load_config())
        return pages.measure(url)


def main() -> None:
    """Run every benchmark and write the reports."""
    source = etl_load.demo_source(SCALE)
    lines = len(source.extract()["order_lines"].frame)
    sections = [demo_section(measure_loads(source), lines), pages_section(measure_pages(source), lines)]
    with fresh_sqlite() as demo_url:
        sections.append(first_page.section(first_page.measure(demo_url, *first_page.demo_warehouse(demo_url))))
    with fresh_sqlite() as retail_url:
        retail = real_data.load_online_retail(fresh_sqlite, retail_url)
        print(f"Online Retail: raw insert {retail.raw_seconds:.1f} s, full load {retail.etl_seconds:.1f} s", flush=True)
        sections.append(retail_section(retail))
        (DOCS / "forecast_accuracy.md").write_text(accuracy_doc(real_data.accuracy(retail_url),
                                                                real_data.fit_cost(retail_url)))
        count = int(os.environ.get("BENCH_FORECAST_SERIES", 1000))
        speed = forecast_speed.measure(*forecast_speed.product_series(retail_url, count))
        sections.append(forecast_speed.section(speed))
    sections.append(page_matrix.section(page_matrix.measure()))
    sections.append(sentiment.section(sentiment.measure()))
    sections.append(social_scale.section(social_scale.measure(100_000), 100_000))
    header = (f"# Benchmarks\n\nWritten by `make bench` on {datetime.now():%Y-%m-%d %H:%M}; "
              f"Python {sys.version.split()[0]} on {platform.machine()}, 2 cores. Each figure stands beside a "
              "baseline measured in the same run.\n")
    (DOCS / "benchmarks.md").write_text(header + "\n" + "\n".join(sections))
    print(f"Written to {DOCS / 'benchmarks.md'} and {DOCS / 'forecast_accuracy.md'}")


if __name__ == "__main__":
    main()
