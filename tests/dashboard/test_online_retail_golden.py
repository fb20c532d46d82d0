"""Online Retail, golden: what the pages' query functions show equals pandas on the raw CSV, to the cent.

The expected figures are computed here from the raw file under the rules documented in online_retail.yaml:
exact duplicates, bad-debt adjustments (A invoices), stock write-offs (negative quantity outside a C invoice)
and stock notes (price 0, no customer) are not sales; C invoices are returns.
"""

from datetime import date

import pandas as pd
import pytest

from dashboard.queries import Filters, customers, sales
from etl.kpi import retention_matrix

pytestmark = pytest.mark.datasets


@pytest.fixture(scope="module")
def kept(datasets) -> pd.DataFrame:
    """The raw lines that the documented rules keep, with their value, month and whether they are a sale."""
    raw = pd.read_csv(datasets / "online_retail" / "online_retail.csv.gz",
                      dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
    raw = raw[~raw.duplicated()]
    raw = raw[~raw["InvoiceNo"].str.startswith("A")]
    raw = raw[~((raw["Quantity"] < 0) & ~raw["InvoiceNo"].str.startswith("C"))]
    raw = raw[~((raw["UnitPrice"] == 0) & raw["CustomerID"].isna())]
    return raw.assign(value=raw["Quantity"] * raw["UnitPrice"],
                      month=pd.to_datetime(raw["InvoiceDate"]).dt.to_period("M"),
                      sale=~raw["InvoiceNo"].str.startswith("C"))


@pytest.fixture
def retail(matrix_warehouse, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", matrix_warehouse("online_retail"))


def _month(period: pd.Period) -> Filters:
    return Filters(period.start_time.date(), period.end_time.date())


def test_monthly_revenue_orders_and_active_customers_equal_pandas(kept, retail):
    sales_only = kept[kept["sale"]]
    expected = pd.DataFrame({
        "net_revenue": kept.groupby("month")["value"].sum().round(2),
        "orders": sales_only.groupby("month")["InvoiceNo"].nunique(),
        "active_customers": sales_only.dropna(subset=["CustomerID"]).groupby("month")["CustomerID"].nunique(),
    })
    shown = pd.DataFrame([{k: sales.period_kpis(_month(m))[k] for k in expected.columns} for m in expected.index],
                         index=expected.index)
    assert len(expected) == 13
    assert (shown["net_revenue"].round(2) - expected["net_revenue"]).abs().max() < 0.005
    assert shown["orders"].astype(int).tolist() == expected["orders"].tolist()
    assert shown["active_customers"].astype(int).tolist() == expected["active_customers"].tolist()
    assert expected.loc[pd.Period("2011-11"), "orders"] == 2_770  # 2,884 before stock notes were ruled out


def test_the_december_2010_cohort_retention_equals_pandas(kept, retail):
    buyers = kept[kept["sale"]].dropna(subset=["CustomerID"])
    first = buyers.groupby("CustomerID")["month"].min()
    cohort = set(first[first == pd.Period("2010-12")].index)
    active = buyers[buyers["CustomerID"].isin(cohort)].groupby("month")["CustomerID"].nunique()
    expected = (active / len(cohort)).tolist()
    shown = retention_matrix(customers.cohorts(Filters(date(2010, 12, 1), date(2010, 12, 31)))).iloc[0]
    assert len(cohort) == 885
    assert shown.dropna().round(12).tolist() == pd.Series(expected).round(12).tolist()


def test_every_business_page_says_what_the_data_leaves_out(retail, matrix_warehouse):
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import APP, signed_in

    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["principal"] = signed_in(matrix_warehouse("online_retail"), "executive")
    at.run()
    expected = ("The loaded data leaves out 7,741 source rows: exact duplicate 5,268; stock write-off 1,336; "
                "stock note 1,134; bad-debt adjustment 3.")
    for page in ("overview", "retention", "efficiency", "alerts"):
        at.switch_page(f"views/{page}.py").run()
        shown = [c.value.replace("\\", "") for c in at.caption]  # the rules' names are escaped markdown
        assert any(c.startswith(expected) for c in shown), (page, shown[:3])
