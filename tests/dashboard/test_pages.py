"""Retention, efficiency, pipeline and operations pages on the full fixture: the figures of tests/fixtures.py."""

from datetime import date
from pathlib import Path

import pytest

from tests.dashboard.conftest import metrics


def open_page(app_on, url: str, page: str):
    at = app_on(url)
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_retention_page(app_on, full_url):
    at = open_page(app_on, full_url, "retention")
    assert metrics(at) == {"Retention rate": ("–", ""), "Customers at start": ("0", ""),
                           "New customers": ("2", ""), "Churned": ("0", "")}
    assert "0 customers in the segments Can't lose them, At risk" in at.caption[-1].value
    at.text_input(key="customer_search").input("beta").run()
    assert at.selectbox(key="customer_360").options == ["Beta plc (C2)"]
    events = at.dataframe[-1].value
    assert events["event"].tolist() == ["Order", "Ticket", "Invoice", "Order"]
    assert events["detail"].tolist() == ["O5 · shipped", "Late delivery · resolved", "INV2 · open",
                                         "O2 · delivered"]
    assert events["amount"].tolist()[0] == 40.0
    assert "**RFM** recency 2 · frequency 2 · monetary 2 — *Hibernating*; 2 orders, £140 in the period" in \
        at.markdown[0].value


def test_efficiency_page(app_on, full_url):
    at = open_page(app_on, full_url, "efficiency")
    assert metrics(at) == {
        "Median cycle time": ("2.0 days", ""), "90th percentile": ("4.4 days", ""), "On-time delivery": ("66.7%", ""),
        "Average lead time": ("5.5 days", ""), "Supplier on time": ("50.0%", ""),
        "Open purchase-order lines": ("1", ""),
        "Inventory turnover": ("15.1× a year", ""), "Days of inventory": ("24 days", ""),
        "Average stock value": ("£300", ""), "Stock-out days": ("1", ""),
        "Days sales outstanding": ("3 days", ""), "Order to cash": ("11 days", ""), "Invoiced": ("£245", ""),
        "Open receivables": ("£100", ""),
        "Tickets": ("2", ""), "First response": ("3.0 h", ""), "Resolution": ("24.0 h", ""), "Still open": ("1", ""),
    }
    low = at.dataframe[0].value
    assert low["product"].tolist() == ["Widget"] and low["on_hand"].tolist() == [10.0]
    assert "1 products under their reorder point" in at.markdown[0].value


def test_pipeline_page(app_on, full_url):
    at = open_page(app_on, full_url, "pipeline")
    assert metrics(at) == {"Deals created": ("4", ""), "Open pipeline": ("£350", ""),
                           "Weighted pipeline": ("£235", ""), "Win rate": ("50.0%", ""), "Sales cycle": ("8 days", "")}
    owners = at.dataframe[0].value.set_index("name")
    assert owners.loc["Ann Smith", "win_rate"] == pytest.approx(1.0)
    assert owners.loc["Bob Jones", "win_rate"] == pytest.approx(0.0)
    assert owners["open_deals"].to_dict() == {"Ann Smith": 1, "Bob Jones": 1}


def test_filters_narrow_every_page_and_come_from_the_url(app_on, full_url):
    at = app_on(full_url)
    at.sidebar.multiselect(key="filter_departments").set_value(["D2"]).run()
    assert at.query_params["dept"] in (["D2"], "D2")  # mirrored in the URL
    at.switch_page("views/pipeline.py").run()
    assert metrics(at)["Deals created"] == ("2", "") and metrics(at)["Win rate"] == ("0.0%", "")
    at.sidebar.multiselect(key="filter_regions").set_value(["North"]).run()
    assert metrics(at)["Deals created"] == ("0", "")  # D2's customer is in the South


def test_a_link_with_filters_opens_the_same_view(monkeypatch, full_url):
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import APP, signed_in

    monkeypatch.setenv("DATABASE_URL", full_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["principal"] = signed_in(full_url)
    at.query_params.update({"start": "2025-01-13", "end": "2025-01-20", "dept": ["D1"]})
    at.run()
    assert at.sidebar.date_input(key="filter_period").value == (date(2025, 1, 13), date(2025, 1, 20))
    assert at.sidebar.multiselect(key="filter_departments").value == ["D1"]
    assert metrics(at)["Net revenue"][0] == "-£20"  # only O4, the return, is D1's in 13-20 Jan


def test_operations_page_lists_runs_tables_and_rejected_rows(app_on, sqlite_url):
    from etl.db import get_engine
    from etl.pipeline import run_pipeline
    from etl.sources import FrameSource
    from tests.etl.test_pipeline import bad_frames

    run_pipeline(FrameSource("bad", bad_frames(), currency="GBP"), get_engine(sqlite_url))
    at = open_page(app_on, sqlite_url, "operations")
    runs = at.dataframe[0].value
    assert runs[["run_id", "status", "rows_read", "rows_loaded", "rows_rejected"]].values.tolist() == [
        [1, "success", 25, 19, 6]]
    tables = at.dataframe[1].value.set_index("table")
    assert tables.loc["orders", "rows"] == 5 and tables.loc["mart_order_fulfilment", "rows"] == 5
    per_table = at.dataframe[2].value.set_index("table_name")
    assert per_table.loc["orders", ["rows_read", "rows_loaded", "rows_rejected"]].tolist() == [9, 5, 4]
    rejected = at.dataframe[3].value
    assert len(rejected) == 6 and set(rejected["table_name"]) == {"orders", "order_lines"}
    at.text_input(key="ops_rejected_search").input("duplicate").run()
    assert at.dataframe[3].value["source_ref"].tolist() == ["bad/orders:8"]


def test_pages_say_plainly_what_the_loaded_data_lacks(app_on, five_orders_url):
    at = open_page(app_on, five_orders_url, "pipeline")
    assert "The loaded data has no deals (opportunities), so there is no pipeline to show" in at.info[0].value
    at.switch_page("views/efficiency.py").run()
    infos = [i.value for i in at.info]
    assert "The loaded data has no purchase orders, so there is nothing to show here." in infos
    assert "The loaded data has no support tickets, so there is nothing to show here." in infos
    assert not at.exception


def test_a_crm_only_warehouse_gets_the_pipeline_and_a_plain_sentence_elsewhere(app_on, sqlite_url):
    from etl.db import get_engine
    from etl.pipeline import run_pipeline
    from etl.sources import FrameSource
    from tests.fixtures import full_frames

    crm = {k: v for k, v in full_frames().items()
           if k in ("departments", "employees", "customers", "products", "opportunities")}
    run_pipeline(FrameSource("crm", crm, currency="USD"), get_engine(sqlite_url))
    at = app_on(sqlite_url)
    assert at.info[0].value.startswith("The warehouse holds no orders yet")
    at.switch_page("views/pipeline.py").run()
    assert metrics(at)["Deals created"] == ("4", "") and metrics(at)["Weighted pipeline"] == ("$235", "")


def test_run_etl_button_loads_and_every_page_sees_the_new_data(app_on, five_orders_url):
    at = open_page(app_on, five_orders_url, "operations")
    at.selectbox(key="ops_source").set_value(str(Path(__file__).resolve().parents[2] / "etl" / "sources"
                                                 / "crm_sales_opportunities.yaml")).run()
    at.checkbox(key="ops_forecast").uncheck().run()
    at.checkbox(key="ops_full_refresh").check().run()  # the CRM data replaces the five orders
    at.button(key="ops_run").click().run()
    if not (Path(__file__).resolve().parents[3] / "shared" / "datasets").is_dir():
        assert "no file matches 'sales_pipeline.csv'" in at.error[0].value
        return
    assert at.success[0].value.startswith("Run 2: 8,936 rows loaded, 0 rejected")
    assert at.dataframe[0].value["run_id"].tolist() == [2, 1]  # the history shows the new run at once
    at.switch_page("views/pipeline.py").run()
    assert [i.value for i in at.info] == []  # the pipeline page, empty before, now has the 8,800 deals
    assert at.sidebar.date_input(key="filter_period").value[1] == date(2017, 12, 31)  # the period follows the data
