"""The CRM pipeline page in English and Ukrainian on the small demo: its cards, funnel and open-deals table equal
pandas on the warehouse's deals (opportunities); a click on a stage lists that stage's deals, and a click on a
department filters the page to it."""

import io
import json
import re
from datetime import date
from unittest.mock import patch

import pandas as pd
import pytest
import streamlit as st

from dashboard import filters, safe
from etl.db import get_engine
from etl.kpi import CLOSED_SINCE_STAGE, DEFAULT_STAGE_PROBABILITY, STAGE_PROBABILITY
from i18n import speaking
from i18n.formats import count, money
from tests.dashboard.conftest import metrics
from tests.dashboard.test_forecast_page import values

STAGES = "pipeline_stages"
WORDS = {"en": {"title": "CRM pipeline", "open": "Open pipeline", "weighted": "Weighted pipeline",
                "columns": ["Deal", "Customer", "Owner", "Department", "Stage", "Amount", "Expected value",
                            "Probability", "Created"], "closed since": "Closed since"},
         "uk": {"title": "Воронка продажів CRM", "open": "Відкрита воронка", "weighted": "Зважена воронка",
                "columns": ["Угода", "Клієнт", "Відповідальний", "Відділ", "Етап", "Сума", "Очікувана сума",
                            "Ймовірність", "Створено"], "closed since": "Закрито відтоді"}}


def open_on(url: str, day: date, department: str | None = None) -> pd.DataFrame:
    """The deals open at the end of a day, by hand: created by then (or undated) and neither won nor lost by then
    (a deal closed on an unknown date counts as closed), with the stage the page shows (deals closed since then
    in 'Closed since'), the expected value (the amount, or the product's list price) and the stage probability."""
    engine = get_engine(url)
    deals = pd.read_sql_table("opportunities", engine, parse_dates=["created_at", "closed_at"])
    deals = deals.merge(pd.read_sql_table("products", engine)[["product_id", "list_price"]], on="product_id",
                        how="left")
    if department:
        deals = deals[deals["department_id"] == department]
    end = pd.Timestamp(day)
    still_open = deals["is_won"].isna() & ~deals["stage"].isin(["Won", "Lost"])
    created = deals["created_at"].isna() | (deals["created_at"].dt.normalize() <= end)
    mine = deals[created & (still_open | (deals["closed_at"].dt.normalize() > end))]
    stage = mine["stage"].where(still_open[mine.index], CLOSED_SINCE_STAGE)
    probability = [STAGE_PROBABILITY.get(s, DEFAULT_STAGE_PROBABILITY) if s != CLOSED_SINCE_STAGE
                   else DEFAULT_STAGE_PROBABILITY for s in stage]
    return mine.assign(stage=stage, value=mine["amount"].fillna(mine["list_price"]), probability=probability)


@pytest.fixture
def downloads(monkeypatch):
    """The CSV files the page offers, by file name, read back with pandas."""
    offered, real = {}, safe.download_csv

    def spy(label, frame, file_name, *args, **kwargs):
        offered[file_name] = pd.read_csv(io.BytesIO(safe.csv_bytes(frame)))
        real(label, frame, file_name, *args, **kwargs)

    monkeypatch.setattr(safe, "download_csv", spy)
    return offered


def open_page(app_on, url: str, language: str = "en", **state):
    at = app_on(url, language=language)
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page("views/pipeline.py").run()
    assert not at.exception and not at.error, [e.message for e in at.exception]
    return at


def click(at, callback, values: list, language: str = "en") -> None:
    """What a click on a chart does (show.chart's on_click): the chart's callback runs on the session's state
    with the clicked points' customdata, then the page runs again. (AppTest sends a widget's value as its
    options' labels, formatted in the test's thread: in the page's language, as a browser would.)"""
    state = {filters.STATE_KEY: at.session_state[filters.STATE_KEY]}
    with patch.object(st, "session_state", state):
        callback(values)
    for key, value in state.items():
        if key != filters.STATE_KEY:
            at.session_state[key] = value
    with speaking(language):
        at.run()
    assert not at.exception, [e.message for e in at.exception]


def chart(at, key: str) -> dict:
    return json.loads(next(c for c in at.get("plotly_chart") if c.key == key).proto.spec)


def deals_table(at) -> pd.DataFrame:
    """The open-deals table as drawn (a table has no key on screen: it is the one listing deals)."""
    return next(t.value for t in at.dataframe if "opportunity_id" in t.value.columns)


def period_end(at) -> date:
    return at.sidebar.date_input(key="filter_period").value[1]


@pytest.mark.parametrize("language", ["en", "uk"])
def test_cards_funnel_and_open_deals_equal_pandas(matrix_warehouse, app_on, downloads, language):
    url = matrix_warehouse("demo")
    at = open_page(app_on, url, language)
    words, expected = WORDS[language], open_on(url, period_end(at))
    cards = metrics(at)
    with speaking(language):
        assert cards[words["open"]][0] == money(expected["value"].sum(), "GBP")
        assert cards[words["weighted"]][0] == money((expected["value"] * expected["probability"]).sum(), "GBP")
        assert count(len(expected)) in at.metric[0].help
    assert at.title[0].value == words["title"]
    funnel = chart(at, "pipeline_funnel")["data"][0]
    by_stage = expected.groupby("stage")["value"].sum()
    assert dict(zip(funnel["customdata"], values(funnel["x"]))) == pytest.approx(by_stage.to_dict())
    table = deals_table(at)
    assert sorted(table["opportunity_id"]) == sorted(expected["opportunity_id"])
    csv = downloads["open-deals.csv"]
    assert list(csv.columns) == words["columns"]  # the column labels, translated
    assert sorted(csv[words["columns"][0]]) == sorted(expected["opportunity_id"])
    assert csv[words["columns"][6]].sum() == pytest.approx(expected["value"].sum())
    if language == "uk":
        assert re.fullmatch(r"\d+,\d\s\S+\s£", cards[words["open"]][0])  # 120,2 тис. £
        assert at.subheader[0].value == f"{count(len(expected))} відкритих угод станом на 30 черв. 2026\u202fр."


@pytest.mark.parametrize("language", ["en", "uk"])
def test_clicking_a_stage_lists_its_deals(matrix_warehouse, app_on, downloads, language):
    url = matrix_warehouse("demo")
    day = date(2026, 5, 31)  # a past period: deals open then that have closed since show as 'Closed since'
    at = open_page(app_on, url, language, filter_period=(date(2026, 5, 1), day))
    expected = open_on(url, day)
    funnel = chart(at, "pipeline_funnel")["data"][0]
    assert WORDS[language]["closed since"] in funnel["y"] and CLOSED_SINCE_STAGE in funnel["customdata"]
    stage = expected["stage"].value_counts().index[0]
    click(at, filters.pick_into(STAGES), [stage], language)
    assert at.session_state[STAGES] == [stage]
    table = deals_table(at)
    wanted = expected[expected["stage"] == stage]
    assert 0 < len(wanted) < len(expected)
    assert sorted(table["opportunity_id"]) == sorted(wanted["opportunity_id"])
    assert len(downloads["open-deals.csv"]) == len(wanted)
    with speaking(language):  # the cards still show the whole pipeline
        assert metrics(at)[WORDS[language]["open"]][0] == money(expected["value"].sum(), "GBP")


def test_clicking_a_department_filters_the_page(matrix_warehouse, app_on):
    url = matrix_warehouse("demo")
    at = open_page(app_on, url)
    bars = chart(at, "pipeline_departments")["data"][0]
    department = bars["customdata"][0]
    click(at, filters.pick_departments, [department])
    assert at.sidebar.multiselect(key="filter_departments").value == [department]
    expected = open_on(url, period_end(at), department)
    assert 0 < len(expected) < len(open_on(url, period_end(at)))
    assert metrics(at)["Open pipeline"][0] == money(expected["value"].sum(), "GBP")
    table = deals_table(at)
    assert sorted(table["opportunity_id"]) == sorted(expected["opportunity_id"])


@pytest.mark.parametrize("language", ["en", "uk"])
def test_missing_values_are_empty_cells_and_empty_in_the_csv(app_on, sqlite_url, monkeypatch, language):
    """Deals without a customer or an amount (as in the CRM sample) show empty cells, never Streamlit's grey
    "None", and the CSV keeps them empty."""
    from etl.pipeline import run_pipeline
    from tests.dashboard.page_tools import cells, record_downloads
    from tests.fixtures import deals_frames, deals_source

    crm = deals_frames()
    crm["opportunities"].loc[crm["opportunities"]["opportunity_id"] == "OP4", "customer_id"] = None
    run_pipeline(deals_source(crm), get_engine(sqlite_url))
    downloads = record_downloads(monkeypatch)
    at = app_on(sqlite_url, language=language)  # deals only: the pipeline is the first page
    deals = next(t for t in at.dataframe if "opportunity_id" in t.value.columns)
    assert all(d.proto.HasField("placeholder") and d.proto.placeholder == "" for d in at.dataframe)
    shown = cells(deals).set_index(deals.value["opportunity_id"])
    columns = WORDS[language]["columns"]
    assert sorted(shown.index) == ["OP3", "OP4"]  # open on the data's last day, 16 Jan 2025
    assert shown.loc["OP3", "amount"] == "" and shown.loc["OP4", "customer"] == ""
    assert shown.loc["OP3", "customer"] == "Acme Ltd" and shown.loc["OP4", "amount"] == {"en": "$300",
                                                                                    "uk": "300\u00a0$"}[language]
    offered = downloads(at, "pipeline_deals").set_index(columns[0])
    assert offered.loc["OP3", columns[5]] == "" and offered.loc["OP4", columns[1]] == ""
    assert offered.loc["OP3", columns[1]] == "Acme Ltd" and offered.loc["OP4", columns[5]] == "300.0"
