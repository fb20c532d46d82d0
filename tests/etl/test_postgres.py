"""PostgreSQL, the team deployment, gives exactly what SQLite gives (required in CI)."""

from datetime import date

import pytest
from sqlalchemy import func, select

from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.schema import CANONICAL_TABLES, MART_TABLES, mart_customer_month, mart_daily_sales, mart_order_fulfilment
from etl.sources import FrameSource
from etl.sources.demo import DemoSource
from tests.etl.test_pipeline import EXPECTED_REASONS, bad_frames, snapshot
from tests.fixtures import five_orders_source

pytestmark = pytest.mark.postgres


def _counts_and_totals(engine) -> dict:
    with engine.connect() as conn:
        counts = {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                  for t in CANONICAL_TABLES + MART_TABLES}
        sums = {
            f"{t.name}.{c}": round(conn.execute(select(func.sum(t.c[c]))).scalar(), 4)
            for t, cols in [(mart_daily_sales, ["net_revenue", "returns", "gross_margin", "orders", "units"]),
                            (mart_order_fulfilment, ["net_revenue", "cycle_days"]),
                            (mart_customer_month, ["orders", "net_revenue", "months_since_cohort"])]
            for c in cols
        }
        on_time = conn.execute(select(func.count()).where(mart_order_fulfilment.c.is_on_time)).scalar()
    return {**counts, **sums, "on_time_orders": on_time}


def test_demo_in_postgres_matches_sqlite(postgres_url, sqlite_url):
    source = DemoSource(seed=3, end_date=date(2025, 3, 31), scale=0.3)
    raw = source.extract()
    source.extract = lambda: raw
    pg, lite = get_engine(postgres_url), get_engine(sqlite_url)
    run_pipeline(source, pg)
    run_pipeline(source, lite)
    expected = _counts_and_totals(lite)
    assert expected["orders"] > 8000 and expected["mart_daily_sales.net_revenue"] > 0
    assert _counts_and_totals(pg) == expected


def test_postgres_upserts_reruns_and_rejects_like_sqlite(postgres_url):
    engine = get_engine(postgres_url)
    run_pipeline(five_orders_source(), engine)
    first = snapshot(engine)
    run_pipeline(five_orders_source(), engine)  # staging table + INSERT ... ON CONFLICT
    assert snapshot(engine) == first
    summary = run_pipeline(FrameSource("bad", bad_frames()), engine)
    assert summary.rows_rejected == len(EXPECTED_REASONS)
