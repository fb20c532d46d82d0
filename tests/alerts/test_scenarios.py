"""Alert scenarios: a calm company raises nothing; a late supplier raises exactly its chain, by hand."""

from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import select, update

from alerts.config import load_config
from alerts.engine import act, evaluate
from alerts.texts import english_message
from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.schema import alert_events, alert_impacts, alerts, inventory, purchase_orders
from etl.sources import FrameSource
from tests.fixtures import calm_frames, incident_frames

CONFIG = load_config()


def warehouse(url: str, frames) -> object:
    engine = get_engine(url)
    run_pipeline(FrameSource("scenario", frames, currency="GBP"), engine)
    return engine


def rows(engine, table) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(select(table)).mappings().all())


def test_a_calm_company_raises_no_alert_at_all(sqlite_url):
    engine = warehouse(sqlite_url, calm_frames())
    result = evaluate(engine, CONFIG)
    assert str(result.as_of) == "2025-01-20"
    assert (result.opened, result.updated, result.resolved) == ([], 0, 0)


def test_a_late_supplier_raises_its_chain_with_the_revenue_at_risk(sqlite_url):
    engine = warehouse(sqlite_url, incident_frames())
    result = evaluate(engine, CONFIG)
    assert len(result.opened) == 1
    alert = rows(engine, alerts).iloc[0]
    assert (alert["rule_id"], alert["severity"], alert["status"], alert["origin_department_id"]) == (
        "late_purchase_orders", "high", "open", "PRC")
    assert alert["title"] == ("Late purchase order PO4 from Slow Parts: Widget at risk of a stock-out, GBP 75.00 of "
                              "sales at risk")
    assert alert["impact_amount"] == pytest.approx(75.00)
    chain = rows(engine, alert_impacts).sort_values("step")
    assert chain[["area", "department_id", "entity_id", "unit"]].fillna("").values.tolist() == [
        ["origin", "PRC", "PO4/1", ""],
        ["procurement", "PRC", "PO4/1", "days"],
        ["logistics", "LOG", "P1", "units"],
        ["sales", "D1", "D1", "currency"],
        ["sales", "D2", "D2", "currency"],
        ["support", "SUP", "C1", "orders"],
    ]
    assert chain["amount"].tolist()[1:] == pytest.approx([7 + 14 / 24, 3.5, 67.05, 7.95, 1.0], abs=0.005)
    assert chain["description"].iloc[5] == "tell Acme Ltd that order O6 with Widget may be late"


def test_the_same_condition_is_not_raised_twice_and_resolves_itself_when_it_clears(sqlite_url):
    engine = warehouse(sqlite_url, incident_frames())
    first = evaluate(engine, CONFIG)
    again = evaluate(engine, CONFIG)
    assert (len(again.opened), again.updated, again.resolved) == (0, 0, 0)
    with engine.begin() as conn:  # the order arrives, and the Widgets are on the shelf
        conn.execute(update(purchase_orders).where(purchase_orders.c.po_id == "PO4")
                     .values(received_at=datetime(2025, 1, 20, 16, 0), received_quantity=50.0))
        conn.execute(update(inventory).values(on_hand=52.0).where(
            inventory.c.product_id == "P1", inventory.c.snapshot_date == date(2025, 1, 20)))
    cleared = evaluate(engine, CONFIG)
    assert cleared.resolved == 1
    alert = rows(engine, alerts).iloc[0]
    assert alert["status"] == "resolved" and alert["alert_id"] == first.opened[0]
    history = rows(engine, alert_events)
    assert history[["actor", "action"]].values.tolist() == [["alerts", "opened"], ["alerts", "resolved"]]


def test_people_acknowledge_comment_and_resolve_and_every_change_is_kept(sqlite_url):
    engine = warehouse(sqlite_url, incident_frames())
    alert_id = evaluate(engine, CONFIG).opened[0]
    act(engine, alert_id, "acknowledge", "Dana (procurement)", "chasing Slow Parts")
    act(engine, alert_id, "comment", "Sam (sales)", "C1 informed")
    act(engine, alert_id, "resolve", "Dana (procurement)", "goods arrived")
    with pytest.raises(ValueError, match="say who you are"):
        act(engine, alert_id, "comment", "  ", "anonymous")
    history = rows(engine, alert_events)
    assert history[["actor", "action", "comment"]].values.tolist()[1:] == [
        ["Dana (procurement)", "acknowledged", "chasing Slow Parts"],
        ["Sam (sales)", "commented", "C1 informed"],
        ["Dana (procurement)", "resolved", "goods arrived"]]
    assert rows(engine, alerts).iloc[0]["status"] == "resolved"


def test_the_cli_evaluates_and_a_bad_rules_file_is_one_sentence(sqlite_url, tmp_path):
    from typer.testing import CliRunner

    from alerts.cli import app

    warehouse(sqlite_url, incident_frames())
    result = CliRunner().invoke(app, ["evaluate", "--db", sqlite_url], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "Alerts as of 2025-01-20: 1 opened, 0 updated, 0 resolved." in result.output
    bad = tmp_path / "rules.yaml"
    bad.write_text("rules:\n  - {id: x, kind: late_purchase_order, min_days_lat: 3}\n")
    result = CliRunner().invoke(app, ["evaluate", "--db", sqlite_url, "--rules", str(bad)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    said = " ".join(result.output.replace("\n", "").split())
    assert "rules.yaml: unknown key 'min_days_lat' in rules.0: did you mean 'min_days_late'? See docs/alerts.md." \
        in said


def test_stockout_risk_reads_the_product_forecast(sqlite_url):
    from etl.schema import forecast_product_series, forecast_runs, forecasts

    engine = warehouse(sqlite_url, calm_frames())
    with engine.begin() as conn:  # a forecast of 40 units a day of P1 in the North from 21 January
        conn.execute(forecast_runs.insert().values(run_id=1, started_at=datetime(2025, 1, 20), status="success",
                                                   horizon_days=7))
        conn.execute(forecast_product_series.insert().values(run_id=1, series_id="product:P1@North",
                                                             product_id="P1", region="North"))
        conn.execute(forecasts.insert(), [{"run_id": 1, "series_id": "product:P1@North", "ds": date(2025, 1, d),
                                           "yhat": 40.0, "yhat_lower": 30.0, "yhat_upper": 50.0, "yhat_base": 40.0}
                                          for d in range(21, 28)])
    result = evaluate(engine, CONFIG)
    found = rows(engine, alerts)
    risk = found[found["rule_id"] == "stockout_risk"]
    assert len(result.opened) == len(found) and risk["entity_id"].tolist() == ["P1"]
    # P1's lead time is PO1's 3.917 days: the forecast days 21, 22 and 23 January, 3 x 40 = 120 units, against
    # 10 on hand on the 20th and nothing on order (tests/fixtures.py)
    assert english_message(risk["message"].iloc[0]) == ("Needs 120 over its 3.9-day lead time by its forecast, "
                                                        "has 10 on hand and on order.")
    assert risk["metric_value"].iloc[0] == pytest.approx(110.0)


def test_a_late_supplier_with_nothing_on_hand_says_none_on_hand(sqlite_url):
    """The incident with no Widget on hand on the 20th: 0.7857 a day x 7 days = 5.5 Widgets short, and the
    logistics step says 'none on hand', never '0 on hand last 0.0 days'."""
    frames = incident_frames()
    stock = frames["inventory"]
    stock.loc[(stock["product_id"] == "P1") & (stock["snapshot_date"] == pd.Timestamp("2025-01-20")), "on_hand"] = 0.0
    engine = warehouse(sqlite_url, frames)
    evaluate(engine, CONFIG)
    chain = rows(engine, alert_impacts).sort_values("step")
    logistics = chain[chain["area"] == "logistics"].iloc[0]
    assert logistics["amount"] == pytest.approx(5.5, abs=0.005)
    assert logistics["description"] == ("Widget: none on hand, selling 0.79 a day, and the late order is assumed 7 "
                                        "more days away; about 5.5 units short")


def test_without_a_support_department_the_chain_has_no_support_step(sqlite_url):
    """The incident where SUP is of kind 'other': no department of kind support, so nobody to tell C1 about O6 in
    the chain (no 'Support -> —' step); the rest of the chain as before (75.00 at risk)."""
    frames = incident_frames()
    frames["departments"].loc[frames["departments"]["department_id"] == "SUP", "kind"] = "other"
    engine = warehouse(sqlite_url, frames)
    evaluate(engine, CONFIG)
    chain = rows(engine, alert_impacts).sort_values("step")
    assert chain[["area", "department_id"]].values.tolist() == [
        ["origin", "PRC"], ["procurement", "PRC"], ["logistics", "LOG"], ["sales", "D1"], ["sales", "D2"]]
    assert rows(engine, alerts).iloc[0]["impact_amount"] == pytest.approx(75.00)
