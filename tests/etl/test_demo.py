"""The demo company: deterministic, the promised size, and with real causes for the analytics to find."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from etl.demo import generate_demo
from etl.demo.simulation import WEEKLY_PATTERN
from etl.schema import CANONICAL_TABLES

END = date(2025, 6, 30)


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    return generate_demo(seed=7, end_date=END, scale=1.0)


def test_same_seed_and_end_date_give_the_same_company(demo):
    again = generate_demo(seed=7, end_date=END, scale=1.0)
    for name, frame in demo.items():
        pd.testing.assert_frame_equal(frame, again[name], obj=name)
    other = generate_demo(seed=8, end_date=END, scale=0.2)
    assert not other["orders"]["ordered_at"].head(50).equals(demo["orders"]["ordered_at"].head(50))


def test_every_canonical_table_is_there_with_its_columns(demo):
    for table in CANONICAL_TABLES:
        assert list(demo[table.name].columns) == [c.name for c in table.columns], table.name
        assert len(demo[table.name]) > 0, table.name


def test_default_size_matches_the_brief(demo):
    orders, lines = demo["orders"], demo["order_lines"]
    assert 27_000 <= (orders["kind"] == "sale").sum() <= 33_000
    assert 80_000 <= len(lines) <= 100_000
    assert len(demo["customers"]) == 2000 and len(demo["products"]) == 150
    assert demo["products"]["category"].nunique() == 8
    assert 35 <= len(demo["employees"]) <= 45 and len(demo["departments"]) >= 6
    assert demo["customers"]["region"].nunique() == 4
    span = orders["ordered_at"].max() - orders["ordered_at"].min()
    assert span.days >= 3 * 365 - 3 and orders["ordered_at"].max().date() == END
    assert orders["customer_id"].isna().sum() > 0  # guest sales exist
    assert (orders["kind"] == "return").sum() > 0 and (lines["quantity"] < 0).sum() > 0


def test_weekly_pattern_in_orders_matches_the_generator(demo):
    sales = demo["orders"][demo["orders"]["kind"] == "sale"]
    per_day = sales.groupby(sales["ordered_at"].dt.normalize()).size()
    per_day = per_day.reindex(pd.date_range(per_day.index.min(), per_day.index.max()), fill_value=0)
    by_weekday = per_day.groupby(per_day.index.day_of_week).mean()
    observed = (by_weekday / by_weekday.mean()).to_numpy()
    assert np.abs(observed - WEEKLY_PATTERN).max() < 0.08


def test_late_deliveries_make_customers_churn_more(demo):
    orders = demo["orders"][(demo["orders"]["kind"] == "sale") & demo["orders"]["customer_id"].notna()]
    late = (orders["delivered_at"] > orders["promised_at"]).groupby(orders["customer_id"]).mean()
    last = orders.groupby("customer_id")["ordered_at"].max()
    churned = last < pd.Timestamp(END) - pd.Timedelta(days=180)
    busy = orders.groupby("customer_id").size() >= 5
    often_late = late[busy] > late[busy].median()
    assert churned[busy][often_late].mean() > 1.2 * churned[busy][~often_late].mean()


def test_late_purchase_orders_empty_the_shelf_and_cut_sales(demo):
    po, stock = demo["purchase_orders"], demo["inventory"]
    received = po[po["received_at"].notna()]
    late_share = (received["received_at"] > received["expected_at"]).mean()
    assert 0.05 < late_share < 0.4
    empty_days = stock[stock["on_hand"] <= 0]
    assert len(empty_days) > 0
    lines = demo["order_lines"].merge(demo["orders"][["order_id", "ordered_at"]], on="order_id")
    sold = lines.assign(snapshot_date=lines["ordered_at"].dt.normalize())
    sold = sold[sold["quantity"] > 0].groupby(["snapshot_date", "product_id"]).size()
    empty = pd.MultiIndex.from_arrays([pd.to_datetime(empty_days["snapshot_date"]), empty_days["product_id"]])
    # a product whose shelf was empty at the end of a day sold next to nothing the next day
    next_day = pd.MultiIndex.from_arrays([empty.get_level_values(0) + pd.Timedelta(days=1), empty.get_level_values(1)])
    assert sold.reindex(next_day, fill_value=0).mean() < 0.05 * sold.mean() + 0.01


def test_negative_mentions_follow_service_failures(demo):
    mentions = demo["social_mentions"]
    negative = mentions[mentions["label"] == "negative"]  # the social team's labels, on a fifth of the own brand's
    assert negative["customer_id"].notna().mean() > 0.5
    assert set(mentions["label_source"].dropna()) == {"person"} and mentions["text"].str.len().min() > 10
    assert set(mentions["brand"]) == set(demo["brands"]["brand"]) and demo["brands"]["is_own"].sum() == 1


def test_a_share_of_the_mentions_is_in_ukrainian(demo):
    from etl.demo.activity import UKRAINIAN, UKRAINIAN_SHARE
    from etl.language import detect_languages

    mentions = demo["social_mentions"]
    written = {t for rows in UKRAINIAN.values() for pair in rows for t in pair}
    cyrillic = mentions["text"].str.contains("[а-яіїєґ]", regex=True)
    assert mentions["language"].isna().all()  # the demo says none: the ETL detects it
    assert abs(cyrillic.mean() - UKRAINIAN_SHARE) < 0.03 and len(written) == 28
    sample = mentions["text"]
    detected = detect_languages(sample)
    assert (detected == sample.str.contains("[а-яіїєґ]", regex=True).map({True: "uk", False: "en"})).all()
