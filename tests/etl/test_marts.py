"""The marts on the five-order fixture, against the numbers worked out by hand in tests/fixtures.py."""

import pandas as pd
import pytest
from sqlalchemy import func, select

from etl.db import get_engine
from etl.schema import mart_customer_month, mart_daily_product_sales, mart_daily_sales, mart_order_fulfilment


def _frame(url, table) -> pd.DataFrame:
    with get_engine(url).connect() as conn:
        return pd.DataFrame(conn.execute(select(table)).mappings().all())


def test_daily_sales_totals_match_hand_computation(five_orders_url):
    sales = _frame(five_orders_url, mart_daily_sales)
    assert sales["revenue"].sum() == pytest.approx(315.0)
    assert sales["returns"].sum() == pytest.approx(-20.0)
    assert sales["net_revenue"].sum() == pytest.approx(295.0)
    assert sales["cogs"].sum() == pytest.approx(186.0)
    assert sales["gross_margin"].sum() == pytest.approx(109.0)
    assert sales["units"].sum() == pytest.approx(21.0)  # 10 + 1 + 2 + 3 + 5 sold; the return is not a sale


def test_daily_sales_split_by_department_category_and_region(five_orders_url):
    sales = _frame(five_orders_url, mart_daily_sales)
    assert sales.groupby("department_id")["net_revenue"].sum().to_dict() == pytest.approx({"D1": 155.0, "D2": 140.0})
    assert sales.groupby("category")["net_revenue"].sum().to_dict() == pytest.approx({"A": 150.0, "B": 145.0})
    # the guest sale O3 takes its region from the order; the others from their customer
    assert sales.groupby("region")["net_revenue"].sum().to_dict() == pytest.approx({"North": 155.0, "South": 140.0})
    jan6 = sales[sales["sales_date"].astype(str) == "2025-01-06"].set_index("category")
    assert jan6.loc["A", "orders"] == 1 and jan6.loc["B", "orders"] == 1
    assert set(sales["month_start"].astype(str)) == {"2025-01-01"}


def test_order_fulfilment_cycle_times_and_on_time(five_orders_url):
    orders = _frame(five_orders_url, mart_order_fulfilment).set_index("order_id")
    assert orders["cycle_days"].dropna().to_dict() == pytest.approx({"O1": 2.0, "O2": 5.0, "O3": 1.5})
    assert orders["cycle_days"].dropna().mean() == pytest.approx(2.8333333)
    delivered = orders[orders["is_delivered"].astype(bool)]
    assert list(delivered.index) == ["O1", "O2", "O3"]
    assert delivered["is_on_time"].astype(bool).to_dict() == {"O1": True, "O2": False, "O3": True}
    assert pd.isna(orders.loc["O5", "is_on_time"])
    assert orders["net_revenue"].to_dict() == pytest.approx({"O1": 145, "O2": 100, "O3": 30, "O4": -20, "O5": 40})
    assert orders["gross_margin"].to_dict() == pytest.approx({"O1": 55, "O2": 40, "O3": 12, "O4": -8, "O5": 10})
    assert orders.loc["O3", "region"] == "North" and pd.isna(orders.loc["O3", "customer_id"])


def test_customer_month_counts_sales_not_returns_and_skips_guests(five_orders_url):
    months = _frame(five_orders_url, mart_customer_month).set_index("customer_id")
    assert sorted(months.index) == ["C1", "C2"]
    assert months.loc["C1", "orders"] == 1 and months.loc["C1", "net_revenue"] == pytest.approx(125.0)
    assert months.loc["C2", "orders"] == 2 and months.loc["C2", "net_revenue"] == pytest.approx(140.0)
    assert (months["months_since_cohort"] == 0).all()
    assert set(months["cohort_month"].astype(str)) == {"2025-01-01"}


def test_marts_are_rebuilt_not_appended(five_orders_url):
    from etl.pipeline import run_pipeline
    from tests.fixtures import five_orders_source

    run_pipeline(five_orders_source(), get_engine(five_orders_url))
    with get_engine(five_orders_url).connect() as conn:
        assert conn.execute(select(func.count()).select_from(mart_order_fulfilment)).scalar() == 5


def test_a_cancelled_order_counts_in_no_revenue_delivery_or_on_time_kpi(sqlite_url):
    """O2 (C2, D2: 100 of revenue, 60 of cost, delivered late) cancelled, though the source kept its delivery date:
    net revenue 295 - 100 = 195, COGS 186 - 60 = 126, 3 sale orders, 2 delivered (O1, O3), both on time."""
    from etl.pipeline import run_pipeline
    from etl.sources import FrameSource
    from tests.fixtures import five_orders_frames

    frames = five_orders_frames()
    frames["orders"].loc[frames["orders"]["order_id"] == "O2", "status"] = "cancelled"
    run_pipeline(FrameSource("cancelled", frames), get_engine(sqlite_url))
    sales = _frame(sqlite_url, mart_daily_sales)
    assert sales["net_revenue"].sum() == pytest.approx(195.0) and sales["cogs"].sum() == pytest.approx(126.0)
    assert sales["orders"].sum() == 4 - 1 + 1  # O1 has lines in two categories, so it counts in both
    orders = _frame(sqlite_url, mart_order_fulfilment).set_index("order_id")
    assert orders.loc["O2", ["kind", "net_revenue", "gross_margin", "is_delivered"]].tolist() == \
        ["cancelled", 0.0, 0.0, False]
    assert pd.isna(orders.loc["O2", "is_on_time"]) and pd.isna(orders.loc["O2", "cycle_days"])
    sale = orders[orders["kind"] == "sale"]
    assert len(sale) == 3 and sale["is_delivered"].sum() == 2 and sale["is_on_time"].sum() == 2
    months = _frame(sqlite_url, mart_customer_month).set_index("customer_id")
    assert months.loc["C2", "orders"] == 1 and months.loc["C2", "net_revenue"] == pytest.approx(40.0)  # O5 only
    products = _frame(sqlite_url, mart_daily_product_sales)  # the forecasts' grain: O2's product and day are gone
    assert products["net_revenue"].sum() == pytest.approx(195.0) and products["units"].sum() == 21 - 2
    assert "2025-01-07" not in set(products["sales_date"].astype(str))


def test_product_mart_has_units_sold_and_net_revenue_per_day_product_and_region(five_orders_url):
    with get_engine(five_orders_url).connect() as conn:
        rows = conn.execute(select(mart_daily_product_sales)).all()
    found = {(str(r.sales_date)[:10], r.product_id, r.region): (r.units, r.net_revenue) for r in rows}
    # tests/fixtures.py: C1 is North, C2 South, the guest order O3 North; the return O4 sells no units
    assert found == {("2025-01-06", "P1", "North"): (10, 100.0), ("2025-01-06", "P2", "North"): (1, 45.0),
                     ("2025-01-07", "P2", "South"): (2, 100.0), ("2025-01-08", "P1", "North"): (3, 30.0),
                     ("2025-01-15", "P1", "North"): (0, -20.0), ("2025-01-20", "P1", "South"): (5, 40.0)}
