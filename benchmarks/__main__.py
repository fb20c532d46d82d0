"""`make bench`: measure, print, and write docs/benchmarks.md."""

import platform
import sys
from datetime import datetime
from pathlib import Path

from benchmarks import etl_load
from benchmarks.databases import fresh_postgres, fresh_sqlite, postgres_available

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
SCALE = 12.0  # about 1.1 million order lines


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
              f"ETL {etl:.1f} s ({rows / etl:,.0f} rows/s); ratio {rows / etl / (rows / raw):.2f}", flush=True)
    return results


def load_section(results: list[etl_load.LoadResult], lines: int) -> str:
    rows = "\n".join(
        f"| {r.database} | {r.rows:,} | {r.raw_seconds:.1f} | {r.rows / r.raw_seconds:,.0f} | {r.etl_seconds:.1f} "
        f"| {r.rows / r.etl_seconds:,.0f} | **{r.ratio:.2f}** | {'yes' if r.ratio >= 0.5 else 'NO'} |"
        for r in results)
    return f"""## ETL load: demo company, {lines:,} order lines

The whole ETL (validate, load, marts) against a raw bulk insert of the same rows into an empty database of
the same kind and schema, measured in the same run (executemany on SQLite, COPY on PostgreSQL). The raw
insert gets its rows already converted; the ETL pays for that conversion too. Target: ratio >= 0.5.

| database | rows | raw insert (s) | raw rows/s | ETL (s) | ETL rows/s | ratio | target met |
|---|---:|---:|---:|---:|---:|---:|---|
{rows}
"""


def main() -> None:
    """Run every benchmark and write the report."""
    source = etl_load.demo_source(SCALE)
    sections = [load_section(measure_loads(source), len(source.extract()["order_lines"].frame))]
    header = (f"# Benchmarks\n\nWritten by `make bench` on {datetime.now():%Y-%m-%d %H:%M}; "
              f"Python {sys.version.split()[0]} on {platform.machine()} ({platform.processor() or 'cpu'}), "
              "2 cores. Every figure is a ratio to a baseline measured in the same run.\n")
    DOC.write_text(header + "\n" + "\n".join(sections))
    print(f"Written to {DOC}")


if __name__ == "__main__":
    main()
