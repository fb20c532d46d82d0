"""The KPI formulas of etl/kpi.py on numbers worked out by hand."""

import pandas as pd
import pytest

from etl import kpi


def test_retention_matrix_divides_each_cohort_by_its_first_month():
    cohorts = pd.DataFrame({"cohort_month": ["2025-01", "2025-01", "2025-01", "2025-02", "2025-02"],
                            "months_since_cohort": [0, 1, 2, 0, 1], "customers": [10, 6, 3, 4, 1]})
    matrix = kpi.retention_matrix(cohorts)
    assert matrix.loc["2025-01"].tolist() == [1.0, 0.6, 0.3]
    assert matrix.loc["2025-02"].tolist()[:2] == [1.0, 0.25] and pd.isna(matrix.loc["2025-02", 2])


def test_retention_rate_is_end_minus_new_over_start():
    assert kpi.retention_rate(start=200, end=210, new=30) == pytest.approx(0.9)
    assert kpi.retention_rate(start=0, end=5, new=5) is None


def test_rfm_segments_and_lifetime_value():
    assert [kpi.rfm_segment(r, f) for r, f in [(5, 5), (3, 4), (5, 1), (4, 2), (1, 5), (2, 3), (1, 1), (3, 3)]] == [
        "Champions", "Loyal", "New customers", "Potential loyalists", "Can't lose them", "At risk", "Hibernating",
        "Loyal"]
    scored = pd.DataFrame({"last_order": ["2025-03-01"], "r_score": [2], "f_score": [3], "frequency": [4],
                           "monetary": [1000.0]})
    rfm = kpi.rfm_frame(scored, "2025-03-31")
    assert (rfm.loc[0, "recency_days"], rfm.loc[0, "segment"], rfm.loc[0, "average_order_value"]) == (
        30, "At risk", 250.0)
    # 250 a order x 4 orders in 73 days (20 a year) x 40% margin x 1 / 0.25 churn = 8,000
    assert kpi.customer_lifetime_value(rfm, 73, 0.4, 0.25).iloc[0] == pytest.approx(8000.0)
    assert kpi.customer_lifetime_value(rfm, 73, None, None).iloc[0] == pytest.approx(250 * 20 * 1.0 * 10)


def test_stock_and_cash_ratios():
    assert kpi.inventory_turnover(cogs=186, days=15, average_stock_value=300) == pytest.approx(15.0867, abs=1e-4)
    assert kpi.days_of_inventory(15.0867) == pytest.approx(24.19, abs=0.01)
    assert kpi.inventory_turnover(cogs=None, days=15, average_stock_value=300) is None
    assert kpi.days_sales_outstanding(0, 100, 245, 15) == pytest.approx(3.0612, abs=1e-4)
    assert kpi.change(120, 100) == pytest.approx(0.2) and kpi.change(5, 0) is None
