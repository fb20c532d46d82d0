"""The demo company with an injected incident: one supplier delivers three weeks late."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from alerts.config import load_config
from alerts.engine import evaluate
from etl.db import get_engine
from etl.demo import SupplierDelay
from etl.pipeline import run_pipeline
from etl.schema import alert_impacts, alerts
from etl.sources.demo import DemoSource

END = date(2025, 6, 30)
INCIDENT = SupplierDelay("S-03", days=21)


def late_po_alerts(url: str, incident) -> tuple[pd.DataFrame, dict]:
    source = DemoSource(seed=5, end_date=END, scale=0.3, incident=incident)
    raw = source.extract()
    source.extract = lambda: raw
    engine = get_engine(url)
    run_pipeline(source, engine)
    evaluate(engine, load_config())
    with engine.connect() as conn:
        found = pd.DataFrame(conn.execute(select(alerts).where(alerts.c.rule_id == "late_purchase_orders"))
                             .mappings().all())
        chains = pd.DataFrame(conn.execute(select(alert_impacts)).mappings().all())
    return found.merge(chains[chains["step"] == 1][["alert_id", "description"]], on="alert_id"), {
        name: table.frame for name, table in raw.items()}


def expected_revenue_at_risk(frames: dict, po_id: str) -> float:
    """The chain's money, computed straight from the generated tables."""
    po = frames["purchase_orders"].set_index(["po_id", "line_no"]).loc[(po_id, 1)]
    orders, lines = frames["orders"], frames["order_lines"]
    sold = lines.merge(orders[["order_id", "ordered_at", "kind", "shipped_at"]], on="order_id")
    recent = sold["ordered_at"].dt.normalize() > pd.Timestamp(END) - pd.Timedelta(days=28)
    window = sold[(sold["kind"] == "sale") & recent & (sold["product_id"] == po["product_id"])]
    per_day = window["quantity"].sum() / 28
    stock = frames["inventory"]
    on_hand = stock[(pd.to_datetime(stock["snapshot_date"]) == pd.Timestamp(END))
                    & (stock["product_id"] == po["product_id"])]["on_hand"].sum()
    short = max(0.0, per_day * 7 - on_hand)
    price = frames["products"].set_index("product_id").loc[po["product_id"], "list_price"]
    waiting = sold[(sold["kind"] == "sale") & sold["shipped_at"].isna() & (sold["product_id"] == po["product_id"])]
    return short * price + (waiting["quantity"] * waiting["unit_price"] * (1 - waiting["discount"])).sum()


def test_the_late_supplier_raises_exactly_its_chain_of_alerts(tmp_path):
    calm, _ = late_po_alerts(f"sqlite:///{tmp_path / 'calm.db'}", None)
    hit, frames = late_po_alerts(f"sqlite:///{tmp_path / 'hit.db'}", INCIDENT)
    supplier = "Vantage Devices"  # S-03
    mine = hit[hit["description"].str.startswith(f"{supplier} is ")]
    assert len(mine) > (calm["description"].str.startswith(f"{supplier} is ")).sum()
    po = frames["purchase_orders"]
    late = po[(po["supplier_id"] == "S-03") & po["received_at"].isna()
              & (po["expected_at"] <= pd.Timestamp(END))]  # at least a day late at the end of the 30th
    assert sorted(mine["entity_id"]) == sorted(f"{p}/{n}" for p, n in zip(late["po_id"], late["line_no"]))
    assert set(mine["origin_department_id"]) == {"PRC"} and set(mine["severity"]) == {"high"}
    for alert in mine.itertuples():
        expected = expected_revenue_at_risk(frames, alert.entity_id.split("/")[0])
        assert (alert.impact_amount or 0.0) == pytest.approx(expected, abs=0.02)
