"""A spike of negative mentions opens one alert whose chain names the posters' late deliveries and open tickets
(support) and the revenue they bring (sales): the figures of tests/social_fixtures.py, by hand."""

import pandas as pd
from sqlalchemy import select

from alerts.config import load_config
from alerts.engine import evaluate
from alerts.texts import english_message
from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.schema import alert_impacts, alerts
from etl.sources import FrameSource
from tests.social_fixtures import spike_frames


def negative_alert(url: str, frames) -> tuple[pd.DataFrame, pd.DataFrame]:
    engine = get_engine(url)
    run_pipeline(FrameSource("spike", frames, currency="GBP"), engine)
    evaluate(engine, load_config())
    with engine.connect() as conn:
        found = pd.DataFrame(conn.execute(select(alerts).where(alerts.c.rule_id == "negative_mentions"))
                             .mappings().all())
        chain = pd.DataFrame(conn.execute(select(alert_impacts)).mappings().all())
    return found, chain[chain["alert_id"].isin(found["alert_id"])] if len(found) else chain.iloc[:0]


def test_a_spike_reaches_support_and_sales_with_its_causes(sqlite_url):
    found, chain = negative_alert(sqlite_url, spike_frames())
    assert len(found) == 1
    alert = found.iloc[0]
    assert (alert["metric_value"], alert["threshold"]) == (6.0, 2.0)
    assert english_message(alert["message"]) == (
        "6 negative mentions against 1.0 usually. Of the 2 customers who posted, 1 had a late delivery in the 30 days "
        "before and 1 has an open ticket.")
    steps = chain.sort_values("step")
    support = steps[steps["area"] == "support"]
    assert support["department_id"].unique().tolist() == ["SUP"]
    assert support["description"].tolist()[1:] == [  # the customers by name (tests/fixtures.py)
        "answer Beta plc: 3 negative mentions; late deliveries 1, open tickets 0",
        "answer Acme Ltd: 3 negative mentions; late deliveries 0, open tickets 1"]
    sales = steps[steps["area"] == "sales"].set_index("department_id")["amount"].to_dict()
    assert sales == {"D1": 125.0, "D2": 140.0}


def test_no_alert_without_enough_history(sqlite_url):
    frames = spike_frames()
    mentions = frames["social_mentions"]
    frames["social_mentions"] = mentions[mentions["posted_at"] >= pd.Timestamp("2024-12-01")]
    found, _ = negative_alert(sqlite_url, frames)
    assert found.empty  # the mentions start after the 8-week baseline would: the rule cannot judge a spike


def test_on_the_demo_the_christmas_rush_raises_a_spike_traced_to_late_deliveries(sqlite_url):
    """Mid-December the demo's logistics slow down: late parcels, complaints. The causes in the alert are
    checked against the generated orders and tickets with pandas."""
    from datetime import date

    from etl.sources.demo import DemoSource

    raw = {name: table.frame for name, table in DemoSource(seed=42, end_date=date(2024, 12, 15)).extract().items()}
    found, chain = negative_alert(sqlite_url, raw)
    assert len(found) == 1 and found.iloc[0]["title"].startswith("Negative mentions spike")
    with get_engine(sqlite_url).connect() as conn:
        posters = pd.read_sql("SELECT DISTINCT customer_id FROM mart_mentions WHERE label = 'negative' AND "
                              "posted_date >= '2024-12-09' AND customer_id IS NOT NULL", conn)["customer_id"]
    orders = raw["orders"]
    recent = orders[orders["customer_id"].isin(posters) & (orders["ordered_at"] >= pd.Timestamp("2024-11-15"))
                    & (orders["kind"] == "sale")]
    late = recent[recent["delivered_at"] > recent["promised_at"]].groupby("customer_id").size()
    tickets = raw["tickets"]
    open_tickets = tickets[tickets["customer_id"].isin(posters) & tickets["resolved_at"].isna()]
    assert (f"Of the {len(posters)} customers who posted, {len(late)} had a late delivery in the 30 days before and "
            f"{open_tickets['customer_id'].nunique()} ") in english_message(found.iloc[0]["message"])
    assert len(late) > len(posters) / 2  # most of the complaints follow a late delivery
    support = chain[chain["area"] == "support"]
    assert support.iloc[0]["description"].startswith(f"{len(posters)} customers complained in public: "
                                                     f"{late.sum()} late deliveries, {len(open_tickets)} open tickets")
    assert set(chain[chain["area"] == "sales"]["department_id"]) <= set(raw["departments"]["department_id"])
