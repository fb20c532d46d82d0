"""The shipped configs for the CRM sample, Olist and Northwind, against their raw files."""

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.schema import mart_daily_sales, mart_order_fulfilment, opportunities, products
from etl.sources.configured import ConfigSource
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.datasets
SOURCES = Path(__file__).resolve().parents[2] / "etl" / "sources"


def _load(config: str, folder: Path, url: str, **variables):
    return run_pipeline(ConfigSource(SOURCES / config, folder, variables), get_engine(url))


def test_crm_pipeline_keeps_every_deal_and_win_rate_per_office_matches_pandas(datasets, sqlite_url):
    folder = datasets / "crm_sales_opportunities"
    summary = _load("crm_sales_opportunities.yaml", folder, sqlite_url)
    stats = {s.table: s for s in summary.tables}
    assert (stats["opportunities"].read, stats["opportunities"].loaded) == (8_800, 8_800)
    assert (stats["departments"].loaded, stats["employees"].loaded) == (3, 35 + 6)
    deals = pd.read_csv(folder / "sales_pipeline.csv").merge(pd.read_csv(folder / "sales_teams.csv"),
                                                             on="sales_agent")
    closed = deals[deals["deal_stage"].isin(["Won", "Lost"])]
    expected = (closed["deal_stage"] == "Won").groupby(closed["regional_office"]).mean()
    with get_engine(sqlite_url).connect() as conn:
        o = opportunities
        won = func.count(o.c.opportunity_id).filter(o.c.is_won)
        rows = conn.execute(select(o.c.department_id, won, func.count(o.c.is_won)).group_by(o.c.department_id)).all()
        gtx_pro = conn.execute(select(func.count()).where(o.c.product_id == "GTX Pro")).scalar()
        open_deals = conn.execute(select(func.count()).where(o.c.is_won.is_(None))).scalar()
        unknown_products = conn.execute(select(func.count()).where(
            o.c.product_id.not_in(select(products.c.product_id)))).scalar()
    got = pd.Series({office: won / decided for office, won, decided in rows})
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False, atol=1e-12)
    assert gtx_pro == 1_480 and unknown_products == 0 and open_deals == 2_089


def test_olist_funnel_loads_leads_deals_sellers_and_english_categories(datasets, sqlite_url):
    summary = _load("olist.yaml", datasets / "olist", sqlite_url)
    stats = {s.table: s for s in summary.tables}
    assert stats["opportunities"].loaded == 8_000 and stats["customers"].loaded == 842
    assert stats["products"].loaded == 32_951 and stats["suppliers"].loaded == 3_095
    # 13 people are both development and sales reps: kept once, the second row rejected as a duplicate key
    assert (stats["employees"].read, stats["employees"].rejected) == (54, 13)
    with get_engine(sqlite_url).connect() as conn:
        won = conn.execute(select(func.count()).where(opportunities.c.is_won)).scalar()
        categories = dict(conn.execute(select(products.c.category, func.count())
                                       .group_by(products.c.category)).all())
    assert won == 842
    assert categories["bed_bath_table"] == 3_029 and categories["uncategorised"] == 610
    assert "pc_gamer" in categories  # no English translation: the Portuguese name stays


@pytest.fixture
def northwind_url(datasets, postgres_url):
    """A fresh PostgreSQL database (the shared postgres_url fixture) holding the Northwind SQL dump."""
    if shutil.which("psql") is None:
        skip_or_fail("psql is not installed")
    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", postgres_url.rsplit("/", 1)[1], "-f",
                    str(datasets / "northwind" / "northwind_postgres.sql")], check=True, capture_output=True)
    return postgres_url


@pytest.mark.postgres
def test_northwind_through_its_sql_dump(northwind_url, sqlite_url):
    summary = run_pipeline(ConfigSource(SOURCES / "northwind.yaml", variables={"northwind_url": northwind_url}),
                           get_engine(sqlite_url))
    stats = {s.table: (s.read, s.loaded) for s in summary.tables}
    assert stats == {"departments": (2, 2), "employees": (9, 9), "customers": (91, 91), "products": (77, 77),
                     "suppliers": (29, 29), "orders": (830, 830), "order_lines": (2_155, 2_155),
                     "inventory": (77, 77)}
    with get_engine(sqlite_url).connect() as conn:
        revenue = conn.execute(select(func.sum(mart_daily_sales.c.net_revenue))).scalar()
        f = mart_order_fulfilment
        delivered, on_time = conn.execute(select(func.count(f.c.order_id).filter(f.c.is_delivered),
                                                 func.count(f.c.order_id).filter(f.c.is_on_time))).one()
    assert round(revenue, 2) == 1_265_793.04  # Northwind's well-known total of sales after discounts
    assert (delivered, on_time) == (809, 772)  # 21 orders never shipped; 37 shipped after the required date
