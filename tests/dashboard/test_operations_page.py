"""Data operations: run history, rejected rows by table and by reason, and the Run ETL button's background run."""

import json
import re
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from access import audit
from dashboard.queries import operations
from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.sources import FrameSource
from refresh.progress import ProgressFile, progress_file, read_progress
from tests.dashboard.page_tools import cells, labels, record_downloads
from tests.dashboard.test_social_pages import same_rows
from tests.etl.test_pipeline import bad_frames

SOURCES = Path(__file__).resolve().parents[2] / "etl" / "sources"
UK_MONTHS = ["січ.", "лют.", "бер.", "квіт.", "трав.", "черв.", "лип.", "серп.", "вер.", "жовт.", "лист.", "груд."]


def open_operations(app_on, url: str, language: str = "en"):
    at = app_on(url, language=language)
    at.switch_page("views/operations.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_operations_page_lists_runs_tables_and_rejected_rows_by_reason(app_on, sqlite_url):
    run_pipeline(FrameSource("bad", bad_frames(), currency="GBP"), get_engine(sqlite_url))
    at = open_operations(app_on, sqlite_url)
    runs = at.dataframe[0].value
    assert runs[["run_id", "status", "rows_read", "rows_loaded", "rows_unchanged", "rows_rejected"]].values.tolist() \
        == [[1, "warning", 25, 19, 0, 6]]
    tables = at.dataframe[1].value.set_index("table")
    assert tables.loc["orders", "rows"] == 5 and tables.loc["mart_order_fulfilment", "rows"] == 5
    per_table = at.dataframe[2].value.set_index("table_name")
    assert per_table.loc["orders", ["rows_read", "rows_loaded", "rows_rejected"]].tolist() == [9, 5, 4]
    by_rule = at.dataframe[3].value  # the six rejections of tests/etl/test_pipeline.py, each by its rule
    assert sorted(map(tuple, by_rule[["table_name", "rule", "rows"]].values.tolist())) == [
        ("order_lines", "order_id must be a known orders key", 1),
        ("order_lines", "quantity: not readable as a number", 1),
        ("orders", "customer_id must be a known customers key", 1),
        ("orders", "duplicate key (order_id); the first row with this key was kept", 1),
        ("orders", "kind must be sale or return", 1), ("orders", "ordered_at: not readable as a timestamp", 1)]
    rejected = at.dataframe[4].value
    assert len(rejected) == 6 and set(rejected["table_name"]) == {"orders", "order_lines"}
    at.text_input(key="ops_rejected_search").input("duplicate").run()
    assert at.dataframe[4].value["source_ref"].tolist() == ["bad/orders:8"]


def test_an_empty_warehouse_never_shows_the_password_of_its_url(app_on, monkeypatch, postgres_url):
    url = postgres_url.replace("postgres@", "postgres:s3cret-pw@")
    at = open_operations(app_on, url)
    shown = " ".join(i.value for i in at.info)
    assert "has not been loaded yet" in shown and "s3cret-pw" not in shown and "postgres:***@" in shown


def _wait_for_the_worker(url: str, seconds: float = 240) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = read_progress(url)
        if state and not state["alive"] and state["state"] != "running":
            return state
        time.sleep(0.5)
    pytest.fail("the background run did not finish")


def test_run_etl_runs_in_the_background_after_confirmation_and_every_page_sees_the_new_data(app_on, five_orders_url,
                                                                                          datasets):
    at = open_operations(app_on, five_orders_url)
    # the fixture was not loaded from a source the warehouse can name: none is chosen, so no click replaces it
    assert at.selectbox(key="ops_source").value is None and "ops_run" not in [b.key for b in at.button]
    assert "choose the source to load before running" in at.info[0].value
    at.selectbox(key="ops_source").set_value(str(SOURCES / "crm_sales_opportunities.yaml")).run()
    at.text_input(key=f"ops_data_dir:{SOURCES / 'crm_sales_opportunities.yaml'}").input(
        str(datasets / "crm_sales_opportunities")).run()
    at.checkbox(key="ops_forecast").uncheck().run()
    at.checkbox(key="ops_full_refresh").check().run()  # the CRM data replaces the five orders
    assert at.button(key="ops_run").disabled  # not before the replacement is confirmed
    confirm = at.checkbox(key="ops_confirm")
    assert "empties and reloads" in confirm.label and "orders (5 rows)" in confirm.label
    confirm.check().run()
    at.button(key="ops_run").click().run()
    state = _wait_for_the_worker(five_orders_url)  # the run is a process of its own, not the page's
    assert state["state"] == "finished" and state["run_id"] == 2, state
    assert state["message"].startswith("Run 2 (success): 8,936 rows new or changed, 0 unchanged, 0 rejected")
    at.run()
    runs = at.dataframe[0].value
    assert runs["run_id"].tolist() == [2, 1]
    assert runs.loc[0, "seconds"] >= state["seconds"] - 1  # the time covers the whole refresh, alerts included
    assert at.selectbox(key="ops_source").value == str(SOURCES / "crm_sales_opportunities.yaml")  # the last source
    at.switch_page("views/pipeline.py").run()
    assert [i.value for i in at.info] == []  # the pipeline page, empty before, now has the 8,800 deals
    assert at.sidebar.date_input(key="filter_period").value[1] == date(2017, 12, 31)  # the period follows the data


def test_run_etl_offers_every_source_this_warehouse_loaded_wherever_its_config_lives(app_on, five_orders_url,
                                                                                    tmp_path):
    """Two newcomers had loaded their own databases from configs kept in their home folders: the Run ETL form
    defaults to the last of them, with its data folder, and offers the other one too."""
    from sqlalchemy import insert

    from etl.schema import etl_runs

    mine, old = tmp_path / "shop.yaml", tmp_path / "gone" / "crm.yaml"
    mine.write_text("source: shop\n")
    (tmp_path / "exports").mkdir()
    with get_engine(five_orders_url).begin() as conn:
        for path, folder, status in [(old, None, "success"), (mine, tmp_path / "exports", "warning"),
                                     (tmp_path / "never.yaml", None, "failed")]:
            conn.execute(insert(etl_runs).values(source=path.stem, started_at=pd.Timestamp("2025-02-01"),
                                                 status=status, source_path=str(path),
                                                 data_dir=str(folder) if folder else None))
    at = open_operations(app_on, five_orders_url)
    chosen = at.selectbox(key="ops_source")
    assert chosen.value == str(mine) and at.text_input(key=f"ops_data_dir:{mine}").value == str(tmp_path / "exports")
    assert f"{old} (loaded before; the file is no longer there)" in chosen.options
    assert f"Source config: {mine}" in chosen.options
    assert not [o for o in chosen.options if "never.yaml" in o]  # its run failed: nothing of it was loaded
    assert chosen.options[0] == "Demo company"


def test_rejected_summary_counts_the_latest_load_by_table_and_reason(sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    run_pipeline(FrameSource("bad", bad_frames()), get_engine(sqlite_url))
    frames = bad_frames()
    frames["orders"] = frames["orders"][frames["orders"]["order_id"] != "O7"]  # the second load has no bad kind
    run_pipeline(FrameSource("bad", frames), get_engine(sqlite_url))
    summary = operations.rejected_summary()
    assert summary["rows"].sum() == 5 and "kind must be sale or return" not in summary["rule"].tolist()
    assert operations.rejected_summary(1)["rows"].sum() == 6


def test_operations_queries_give_the_same_answers_on_postgres(postgres_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    run_pipeline(FrameSource("bad", bad_frames()), get_engine(postgres_url), origin=("demo", None))
    summary = operations.rejected_summary()
    assert summary["rows"].sum() == 6 and len(summary) == 6
    assert summary.set_index("rule").loc["kind must be sale or return", "table_name"] == "orders"
    assert operations.last_loaded()["source_path"] == "demo"
    runs = operations.runs()
    assert runs[["status", "rows_loaded", "rows_unchanged", "rows_rejected"]].values.tolist() == [["warning", 19, 0, 6]]
    assert operations.run_tables(1).set_index("table_name").loc["orders", "rows_rejected"] == 4


def test_operations_page_in_ukrainian_with_its_rejected_rows_as_csv(app_on, sqlite_url, monkeypatch):
    downloads = record_downloads(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    run_pipeline(FrameSource("bad", bad_frames(), currency="GBP"), get_engine(sqlite_url))
    at = open_operations(app_on, sqlite_url, "uk")
    assert at.title[0].value == "Операції з даними"
    assert [h.value for h in at.header] == ["Запуск ETL", "Історія запусків", "Таблиці та свіжість даних",
                                           "Один запуск, таблиця за таблицею", "Відхилені рядки"]
    runs = at.dataframe[0]
    assert labels(runs)["rows_rejected"] == "Відхилені" and runs.value["status"].tolist() == ["із попередженням"]
    started = operations.runs()["started_at"].iloc[0]
    assert cells(runs).loc[0, "started_at"] == (f"{started.day} {UK_MONTHS[started.month - 1]} {started.year}\u202fр., "
                                                f"{started:%H:%M}")
    at.selectbox(key="ops_source").set_value("demo").run()  # "bad" was no named source: none is chosen for us
    confirm = at.checkbox(key="ops_confirm").label  # the demo replaces what the "bad" source loaded
    assert confirm.startswith("Я розумію: цей запуск очистить і заново завантажить ") and "orders (5 рядків)" in confirm
    assert "order_lines (6 рядків)" in confirm and confirm.endswith("(востаннє завантажено: bad).")
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("-ops_rejections_chart"))
    assert json.loads(chart.proto.spec)["layout"]["title"]["text"] == "Відхилені рядки за причинами"
    with get_engine(sqlite_url).connect() as conn:
        rejected = pd.read_sql("SELECT table_name, source_ref, reason, payload FROM rejected_rows ORDER BY id", conn)
    table = at.dataframe[4]
    assert labels(table) == {"table_name": "Таблиця", "source_ref": "Де", "reason": "Причина",
                             "payload": "Початкові значення"}
    same_rows(downloads(at, "ops_rejected"), rejected, labels(table))  # every rejected row of the run
    at.text_input(key="ops_rejected_search").input("duplicate").run()
    same_rows(downloads(at, "ops_rejected"), rejected[rejected["reason"].str.contains("duplicate")], labels(table))
    trail = audit.trail(get_engine(sqlite_url), action="download")  # one event per file made, newest first
    assert trail[["target", "detail"]].values.tolist() == [["rejected-run-1.csv", "1 rows"],
                                                           ["rejected-run-1.csv", f"{len(rejected)} rows"]]


def test_the_progress_of_a_refresh_reads_in_the_users_language(app_on, five_orders_url):
    file = ProgressFile(five_orders_url, "demo")  # a refresh of this process: alive while the test runs
    try:
        file.update("load: validate orders", 3, 10)
        at = open_operations(app_on, five_orders_url, "uk")
        text = at.get("progress")[0].proto.text.replace("\\", "")
        assert re.fullmatch(r"Виконується: demo – завантаження: перевірка orders \(минуло \d+ с\)", text)
        at.selectbox(key="ops_source").set_value("demo").run()
        assert at.button(key="ops_run").disabled  # one refresh at a time
        file.finish("finished", "Run 2 (success): ...", run_id=2, status="success", loaded=8936, unchanged=0,
                    rejected=0, series=None, opened=3, resolved=1,
                    failed_steps=[{"step": "forecasts", "error": "ValueError: no history"}])
        at.run()
        said = at.success[0].value.replace("\\", "")
        assert said.startswith("Запуск 2 (успішно): нових або змінених рядків — 8\u00a0936, незмінних — 0, відхилених "
                               "— 0. Сповіщення: відкрито — 3, закрито — 1. Прогнозування не вдалося (ValueError: no "
                               "history); саме завантаження успішне: усуньте причину й запустіть "
                               "`python -m forecasting run`. Усе оновлення тривало ")
        at.query_params["lang"] = "en"
        at.session_state["language"] = "en"
        at.run()
        assert at.success[0].value.replace("\\", "").startswith(
            "Run 2 (success): 8,936 rows new or changed, 0 unchanged, 0 rejected. Alerts: 3 opened, 1 resolved. The "
            "forecasts failed (ValueError: no history)")
    finally:
        progress_file(five_orders_url).unlink(missing_ok=True)
