"""Online Retail (UCI, 541,909 real invoice lines): every row accounted for, revenue tied to the raw file."""

import gzip
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from etl.db import get_engine
from etl.pipeline import run_pipeline, stored_cursors
from etl.schema import mart_daily_product_sales, mart_daily_sales, order_lines, orders, rejected_rows
from etl.sources.configured import ConfigSource
from tests.etl.test_pipeline import snapshot

pytestmark = pytest.mark.datasets
CONFIG = Path(__file__).resolve().parents[2] / "etl" / "sources" / "online_retail.yaml"


def raw_lines(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "online_retail.csv.gz", dtype={"InvoiceNo": str, "StockCode": str,
                                                              "CustomerID": str})


def expected_monthly_revenue(raw: pd.DataFrame) -> pd.Series:
    """Net revenue per month straight from the raw file, under the config's documented rules."""
    kept = raw[~raw.duplicated()]
    kept = kept[~kept["InvoiceNo"].str.startswith("A")]
    kept = kept[~((kept["Quantity"] < 0) & ~kept["InvoiceNo"].str.startswith("C"))]
    value = kept["Quantity"] * kept["UnitPrice"]
    month = pd.to_datetime(kept["InvoiceDate"]).dt.to_period("M").dt.start_time
    return value.groupby(month).sum().round(2)


@pytest.fixture(scope="module")
def loaded(datasets, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('retail') / 'warehouse.db'}"
    summary = run_pipeline(ConfigSource(CONFIG, datasets / "online_retail"), get_engine(url))
    return url, summary, raw_lines(datasets / "online_retail")


def test_every_row_is_accounted_for(loaded):
    url, summary, raw = loaded
    stats = {s.table: s for s in summary.tables}
    assert stats["order_lines"].read == len(raw) == 541_909
    assert stats["order_lines"].loaded + stats["order_lines"].rejected == 541_909
    with get_engine(url).connect() as conn:
        reasons = dict(conn.execute(select(func.substr(rejected_rows.c.reason, 1, 15), func.count())
                                    .group_by(func.substr(rejected_rows.c.reason, 1, 15))).all())
        assert conn.execute(select(func.count()).select_from(order_lines)).scalar() == stats["order_lines"].loaded
    assert reasons == {"exact duplicate": 5_268, "bad-debt adjust": 3, "stock write-off": 1_336,
                       "stock note (pri": 1_134}
    assert stats["customers"].loaded == 4_372 and stats["orders"].rejected == 0


def test_net_revenue_per_month_equals_pandas_on_the_raw_file_to_the_cent(loaded):
    url, _, raw = loaded
    with get_engine(url).connect() as conn:
        rows = conn.execute(select(mart_daily_sales.c.month_start, func.sum(mart_daily_sales.c.net_revenue))
                            .group_by(mart_daily_sales.c.month_start)).all()
        products = pd.DataFrame(conn.execute(select(mart_daily_product_sales.c.sales_date,
                                                    mart_daily_product_sales.c.net_revenue)).all())
    warehouse = pd.Series({pd.Timestamp(m): round(v, 2) for m, v in rows})
    by_product = products.groupby(pd.to_datetime(products["sales_date"]).dt.to_period("M").dt.start_time)[
        "net_revenue"].sum().round(2)  # the forecasts' product grain adds up to the same months
    expected = expected_monthly_revenue(raw)
    assert len(expected) == 13
    for found in (warehouse, by_product):
        pd.testing.assert_series_equal(found.sort_index(), expected.sort_index(), check_names=False,
                                       check_index_type=False, check_freq=False, atol=0.005, rtol=0)


def test_cancellations_are_returns_and_missing_customers_are_guest_sales(loaded):
    url, _, raw = loaded
    with get_engine(url).connect() as conn:
        kinds = dict(conn.execute(select(orders.c.kind, func.count()).group_by(orders.c.kind)).all())
        guests = conn.execute(select(func.count()).where(orders.c.customer_id.is_(None))).scalar()
    invoices = raw.drop_duplicates("InvoiceNo")
    assert kinds["return"] == invoices["InvoiceNo"].str.startswith("C").sum()
    assert guests > 1000 and kinds["sale"] > 18_000


def test_loading_the_first_half_then_the_whole_file_equals_one_full_load(loaded, datasets, tmp_path):
    url, _, _ = loaded
    half_folder = tmp_path / "half"
    half_folder.mkdir()
    with gzip.open(datasets / "online_retail" / "online_retail.csv.gz", "rt") as source:
        lines = source.readlines()
    with gzip.open(half_folder / "online_retail.csv.gz", "wt") as half:
        half.writelines(lines[: len(lines) // 2])  # cuts through an invoice on purpose
    incremental = get_engine(f"sqlite:///{tmp_path / 'incremental.db'}")
    run_pipeline(ConfigSource(CONFIG, half_folder), incremental)
    cursors = stored_cursors(incremental, "online_retail")
    assert cursors["lines"].startswith("2011-")
    second = run_pipeline(ConfigSource(CONFIG, datasets / "online_retail", cursors=cursors), incremental)
    assert second.rows_read < 541_909  # only the rows from the cursor on were read again
    assert snapshot(incremental) == snapshot(get_engine(url))
