"""ETL throughput against a raw bulk insert of the same rows into the same kind of database, in one run.

Raw insert: the rows, already converted to tuples, written with executemany (SQLite) or COPY (PostgreSQL)
into the same schema in one transaction. ETL: validate + load + marts from the same extracted tables,
so the ETL also pays for the conversion the raw insert gets for free.
"""

import time
from dataclasses import dataclass
from datetime import date

from etl.db import ensure_schema, get_engine
from etl.load import copy_rows, to_rows
from etl.pipeline import run_pipeline
from etl.schema import CANONICAL_TABLES
from etl.sources.demo import DemoSource
from etl.validate import conform


@dataclass
class LoadResult:
    """One database's figures."""

    database: str
    rows: int
    raw_seconds: float
    etl_seconds: float

    @property
    def ratio(self) -> float:
        """ETL rows/s divided by raw insert rows/s (target: at least 0.5)."""
        return self.raw_seconds / self.etl_seconds


def demo_source(scale: float) -> DemoSource:
    """The demo at a scale, extracted once so that generation is not measured."""
    source = DemoSource(seed=42, end_date=date(2025, 6, 30), scale=scale)
    raw = source.extract()
    source.extract = lambda: raw
    return source


def raw_insert_seconds(url: str, source: DemoSource) -> tuple[int, float]:
    """Seconds to bulk insert every canonical row (prepared beforehand) into an empty warehouse."""
    engine = get_engine(url)
    ensure_schema(engine)
    raw = source.extract()
    prepared = {t.name: list(to_rows(conform(raw[t.name].frame, t)[0], t)) for t in CANONICAL_TABLES}
    started = time.perf_counter()
    with engine.begin() as conn:
        for table in CANONICAL_TABLES:
            names = ", ".join(c.name for c in table.columns)
            if engine.dialect.name == "postgresql":
                copy_rows(conn, table.name, names, prepared[table.name])
            else:
                marks = ", ".join("?" for _ in table.columns)
                conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", prepared[table.name])
    return sum(len(rows) for rows in prepared.values()), time.perf_counter() - started


def etl_seconds(url: str, source: DemoSource) -> float:
    """Seconds for the whole ETL run (validate, load, marts) into an empty warehouse."""
    engine = get_engine(url)
    ensure_schema(engine)
    started = time.perf_counter()
    run_pipeline(source, engine)
    return time.perf_counter() - started
