"""Retention, efficiency, pipeline and operations pages on the full fixture: the figures of tests/fixtures.py."""

import json
from datetime import date

import pandas as pd
import pytest

from tests.dashboard.conftest import metrics


def open_page(app_on, url: str, page: str):
    at = app_on(url)
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]  # an unexpected error is drawn as an error box
    return at


def test_retention_page(app_on, full_url):
    at = open_page(app_on, full_url, "retention")
    # S: nobody bought in the 90 days before 6 Jan; E: C1 and C2 bought in the 90 days to 20 Jan; both are new
    assert metrics(at) == {"Retention rate": ("–", ""), "Customers at start": ("0", ""),
                           "Customers at end": ("2", ""), "New or won back": ("2", ""), "Churned": ("0", "")}
    assert at.caption[0].value == ("No change is shown: the comparison period, 22 Dec 2024 – 5 Jan 2025, holds data "
                                   "for 0 of its 15 days.")
    bought = next(c.value for c in at.caption if "for the first time" in c.value)
    assert bought.startswith("2 customers bought for the first time in the period. The data starts on "
                                          "6 Jan 2025, less than 90 days before the period")
    assert "0 customers in the segments Can't lose them, At risk" in at.caption[-1].value
    at.text_input(key="customer_search").input("beta").run()
    assert at.selectbox(key="customer_360").options == ["Beta plc (C2)"]
    events = at.dataframe[-1].value
    assert events["event"].tolist() == ["Order", "Ticket", "Invoice", "Order"]
    assert events["detail"].tolist() == ["O5 · shipped", "Late delivery · resolved", "INV2 · open",
                                         "O2 · delivered"]
    assert events["amount"].tolist()[0] == 40.0
    assert "**RFM** recency 2 · frequency 2 · monetary 2 — *Hibernating*; 2 orders, £140 in the period" in \
        next(m.value for m in at.markdown if m.value.startswith("**RFM** recency"))
    # both customers are Hibernating: one segment is a sentence, not a chart of one bar (C1 125 + C2 140 = 265)
    assert [m.value for m in at.markdown if m.value.startswith("**RFM segments**")] == [
        "**RFM segments**: Hibernating — 2 · £265"]


def test_the_customer_timeline_words_order_statuses_in_ukrainian(app_on, full_url):
    """An order's status is a code of the warehouse (shipped, delivered, ...): the timeline says it in the reader's
    language, like the states of invoices and tickets, in the table and in the chart's hover."""
    at = app_on(full_url, language="uk")
    at.switch_page("views/retention.py").run()
    at.text_input(key="customer_search").input("beta").run()
    events = at.dataframe[-1].value
    assert events["detail"].tolist() == ["O5 · відвантажено", "Late delivery · вирішено", "INV2 · відкрито",
                                         "O2 · доставлено"]
    timeline = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("-retention_timeline"))
    hovers = [t for trace in json.loads(timeline.proto.spec)["data"] for t in trace["text"]]
    assert any("O5 · відвантажено" in h for h in hovers) and not any("shipped" in h for h in hovers)


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
        "Tickets": ("2", ""), "First response": ("3.0 hours", ""), "Resolution": ("24.0 hours", ""),
        "Still open": ("1", ""),
    }
    low = at.dataframe[1].value  # after the late deliveries
    assert low["product"].tolist() == ["Widget"] and low["on_hand"].tolist() == [10.0]
    assert any("1 product under its reorder point" in m.value for m in at.markdown)
    # one supplier was late (Slow Parts, PO2): a sentence instead of a chart of one bar
    said = [m.value for m in at.markdown]
    assert "**Suppliers with the most late deliveries**: Slow Parts — 1 of 1 \\(100%\\)" in said


def test_efficiency_for_one_department_says_who_owns_what_and_keeps_stock_company_wide(app_on, full_url):
    at = open_page(app_on, full_url, "efficiency")
    at.sidebar.multiselect(key="filter_departments").set_value(["D1"]).run()
    shown = metrics(at)
    # stock is company-wide: turnover = the company's COGS 186 x 365 / 15 / 300, not D1's 96 (tests/fixtures.py)
    assert shown["Inventory turnover"] == ("15.1× a year", "") and shown["Average stock value"] == ("£300", "")
    assert "Supplier on time" not in shown and "Tickets" not in shown
    notes = [i.value.replace("\\", "") for i in at.info]
    assert "Purchase orders are recorded under Procurement, which is not among the departments shown here." in notes
    assert "Support tickets are recorded under Support, which is not among the departments shown here." in notes
    # D1's orders: O1 (2.0 days, on time) and O3 (1.5 days, on time); O2 is D2's
    assert shown["Median cycle time"] == ("1.8 days", "") and shown["On-time delivery"] == ("100.0%", "")


def test_a_month_cut_by_the_period_shows_its_days():
    from dashboard.charts.efficiency import month_label

    # CLDR's British abbreviation of September
    assert month_label(pd.Timestamp("2011-09-01"), date(2011, 9, 29), date(2011, 12, 9)) == "Sept 2011 (29–30)"
    assert month_label(pd.Timestamp("2011-10-01"), date(2011, 9, 29), date(2011, 12, 9)) == "Oct 2011"
    assert month_label(pd.Timestamp("2011-12-01"), date(2011, 9, 29), date(2011, 12, 9)) == "Dec 2011 (1–9)"


def test_the_demo_ends_with_the_last_full_day_so_nothing_lies_in_the_future():
    from etl.demo import last_full_day

    assert last_full_day() == date.today() - pd.Timedelta(days=1)


def test_pipeline_page(app_on, full_url):
    at = open_page(app_on, full_url, "pipeline")
    assert metrics(at) == {"Deals created": ("4", ""), "Open pipeline": ("£350", ""),
                           "Weighted pipeline": ("£235", ""), "Win rate": ("50.0%", ""), "Sales cycle": ("8 days", "")}
    owners = next(t.value for t in at.dataframe if "won" in t.value.columns).set_index("name")  # after the deals
    assert owners.loc["Ann Smith", "win_rate"] == pytest.approx(1.0)
    assert owners.loc["Bob Jones", "win_rate"] == pytest.approx(0.0)
    assert owners[["won", "lost"]].to_dict("index") == {"Ann Smith": {"won": 1, "lost": 0},
                                                        "Bob Jones": {"won": 0, "lost": 1}}
    # OP3 (Proposal, list price 50) and OP4 (Negotiation, 300) are open on 20 Jan; OP1 and OP2 closed before
    assert at.metric[0].help.startswith("2 deals open on 20 Jan 2025.")


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
    from tests.fixtures import deals_source

    run_pipeline(deals_source(), get_engine(sqlite_url))
    at = app_on(sqlite_url)  # a warehouse of deals opens on the pipeline
    assert metrics(at)["Deals created"] == ("4", "") and metrics(at)["Weighted pipeline"] == ("$235", "")
    at.switch_page("views/overview.py").run()
    assert at.info[0].value.startswith("The warehouse holds no orders yet")


OTHER_DATASETS = ("demo", "Online Retail", "twitter", "airline", "make ", "sample")
HOW_TO_LOAD = ("Load this company's own data to fill it: `python -m etl run --source SOURCE.yaml` with a source config "
               "for its exports (docs/sources.md), or the Data operations page; then reload this page.")


@pytest.mark.parametrize(("page", "lacking"), [
    ("overview", "The warehouse holds no orders yet, so there are no sales figures to show."),
    ("retention", "This warehouse has no sales to known customers, so there is no retention to show: retention needs "
                  "this company's orders with their customer ids."),
    ("social", "The loaded data has no social mentions, so there is nothing to show here."),
    ("forecast", "This warehouse holds no sales orders, so there is nothing to forecast; the forecast runs after the "
                 "company's orders are loaded."),
])
def test_an_empty_state_advises_loading_this_companys_own_data(app_on, sqlite_url, page, lacking):
    """A warehouse of deals only (the CRM fixture): the pages it cannot fill say what is lacking and to load this
    company's own data, never another dataset (the demo, Online Retail, the airline tweets)."""
    from etl.db import get_engine
    from etl.pipeline import run_pipeline
    from tests.fixtures import deals_source

    run_pipeline(deals_source(), get_engine(sqlite_url))
    at = app_on(sqlite_url)
    at.switch_page(f"views/{page}.py").run()
    said = [i.value for i in at.info]
    assert said[0] == f"{lacking} {HOW_TO_LOAD}"
    assert not any(name in text for text in said for name in OTHER_DATASETS)


def test_an_empty_warehouse_says_to_load_this_companys_data(app_on, sqlite_url):
    at = app_on(sqlite_url)
    at.switch_page("views/efficiency.py").run()
    assert [i.value for i in at.info] == [f"The warehouse holds nothing yet. {HOW_TO_LOAD}"]
