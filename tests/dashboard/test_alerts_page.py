"""The alerts page and the overview's alert link, on the late-supplier fixture."""

from access import audit
from alerts.config import load_config
from alerts.engine import evaluate
from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.sources import FrameSource
from tests.dashboard.conftest import metrics
from tests.fixtures import calm_frames, incident_frames


def _load(url: str, frames) -> None:
    engine = get_engine(url)
    run_pipeline(FrameSource("scenario", frames, currency="GBP"), engine)
    evaluate(engine, load_config())


def test_alerts_page_shows_the_chain_and_keeps_who_acted(app_on, sqlite_url):
    _load(sqlite_url, incident_frames())
    at = app_on(sqlite_url)
    assert at.get("page_link")[0].proto.label == "1 open alerts need attention"
    at.switch_page("views/alerts.py").run()
    assert not at.exception
    assert metrics(at) == {"High severity": ("1", ""), "Medium severity": ("0", ""), "Low severity": ("0", ""),
                           "Money at risk": ("£75", "")}
    chain = at.dataframe[1].value
    assert chain["area"].tolist() == ["origin", "procurement", "logistics", "sales", "sales", "support"]
    assert chain["department"].tolist() == ["Procurement", "Procurement", "Logistics", "Sales North", "Sales South",
                                            "Support"]
    # tests/fixtures.py incident_frames: 3.5 Widgets short, 67.05 and 7.95 of sales at risk, C1's one order
    assert chain["amount"].tolist()[2:] == ["3.5 units", "£67", "£8", "1 orders"]
    at.text_input(key="alert_comment").input("chasing the supplier")  # inside the form: sent with the button
    next(b for b in at.button if b.label == "Acknowledge").click().run()
    assert at.dataframe[0].value["status"].tolist() == ["acknowledged"]
    history = at.dataframe[-1].value
    assert history[["actor", "action", "comment"]].values.tolist()[-1] == ["test-admin", "acknowledged",
                                                                            "chasing the supplier"]
    trail = audit.trail(get_engine(sqlite_url), action="alert_acknowledge")
    assert trail[["actor", "target", "detail"]].values.tolist() == [["test-admin", "alert 1", "chasing the supplier"]]


def test_department_filter_shows_alerts_that_start_in_or_reach_it(app_on, sqlite_url):
    _load(sqlite_url, incident_frames())
    at = app_on(sqlite_url)
    at.switch_page("views/alerts.py").run()
    at.sidebar.multiselect(key="filter_departments").set_value(["D2"]).run()  # reached, not the origin
    assert metrics(at)["High severity"] == ("1", "")
    at.sidebar.multiselect(key="filter_departments").set_value(["SUP", "D1"]).run()
    assert metrics(at)["High severity"] == ("1", "")


def test_a_calm_company_shows_no_alert(app_on, sqlite_url):
    _load(sqlite_url, calm_frames())
    at = app_on(sqlite_url)
    assert not at.get("page_link")
    at.switch_page("views/alerts.py").run()
    assert at.success[0].value == "No open alert across the company."
