"""The Geography page in English and Ukrainian on Online Retail and the demo: revenue per country equal to pandas on
the warehouse, formats, titles and the data-exclusions sentence per language, clicks on the map and the bars, and
the CSV of the table."""

import json

import pandas as pd
import pytest

from etl.db import get_engine
from tests.dashboard.page_tools import cells, click, labels, record_downloads
from tests.dashboard.test_social_pages import open_page, same_rows

RETAIL = {"start": "2010-12-01", "end": "2011-12-09"}


def revenue_by_country(url: str, start: str, end: str, region: str | None = None) -> pd.Series:
    """Net revenue per country (the order's country, else the customer's, else Unknown), worked out with pandas."""
    with get_engine(url).connect() as conn:
        mart = pd.read_sql("SELECT order_id, customer_id, order_date, region, net_revenue FROM mart_order_fulfilment",
                           conn)
        orders = pd.read_sql("SELECT order_id, country AS order_country FROM orders", conn)
        customers = pd.read_sql("SELECT customer_id, country AS customer_country FROM customers", conn)
    rows = mart.merge(orders, on="order_id").merge(customers, on="customer_id", how="left")
    days = pd.to_datetime(rows["order_date"])
    rows = rows[(days >= start) & (days <= end) & ((rows["region"] == region) if region else True)]
    country = rows["order_country"].fillna(rows["customer_country"]).fillna("Unknown")
    return rows["net_revenue"].groupby(country).sum()


def rejected_by_rule(url: str) -> pd.Series:
    with get_engine(url).connect() as conn:
        rejected = pd.read_sql("SELECT coalesce(rule, reason) AS rule FROM rejected_rows", conn)
    return rejected["rule"].value_counts()


def uk_number(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}".replace(",", "\u00a0").replace(".", ",")


@pytest.mark.parametrize("language", ["en", "uk"])
def test_geography_in_both_languages_equals_pandas_on_online_retail(language, monkeypatch, matrix_warehouse):
    url, downloads = matrix_warehouse("online_retail"), record_downloads(monkeypatch)
    at = open_page(monkeypatch, url, "geography", lang=language, **RETAIL)
    expected = revenue_by_country(url, RETAIL["start"], RETAIL["end"])
    table = at.dataframe[0]
    countries = table.value.set_index("country")
    assert countries["net_revenue"].to_dict() == pytest.approx(expected.to_dict())
    france = cells(table).set_index("country").loc["France", "net_revenue"]
    rules, total = rejected_by_rule(url), rejected_by_rule(url).sum()
    if language == "en":
        assert at.title[0].value == "Geography" and labels(table)["country"] == "Country"
        assert france == f"£{expected['France']:,.2f}"
        exclusions = (f"The loaded data leaves out {total:,} source rows: exact duplicate "
                      f"{rules['exact duplicate']:,}; stock write-off")
    else:
        assert at.title[0].value == "Географія" and labels(table)["country"] == "Країна"
        assert france == f"{uk_number(expected['France'], 2)}\u00a0£"
        exclusions = (f"Завантажені дані не містять {uk_number(total)} рядк{'а' if total % 10 == 1 else 'ів'} "
                      f"джерела: exact duplicate {uk_number(rules['exact duplicate'])}; stock write-off")
        lost = expected[["Unspecified", "European Community"]].sum()
        assert any(c.value.startswith(f"На карті 36 з 38 країн. Не на карті (не одна країна або країну не вказано): "
                                      f"Unspecified, European Community — {uk_number(lost)}\u00a0£ чистої виручки")
                   for c in at.caption)
        chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("-geo_countries_map"))
        assert json.loads(chart.proto.spec)["layout"]["title"]["text"] == "Чиста виручка за країнами"
    assert at.caption[0].value.replace("\\", "").startswith(exclusions)
    same_rows(downloads(at, "geo_countries_table"), table.value, labels(table))
    lateness = {"en": "The loaded orders have no promised and delivery times together (their source does not "
                      "record them), so lateness cannot be measured.",
                "uk": "Завантажені замовлення не мають обіцяного часу й часу доставки разом (їхнє джерело їх не "
                      "фіксує), тож запізнення виміряти неможливо."}
    assert [i.value for i in at.info][-1] == lateness[language]  # the source has none: not "none in this period"


def test_a_click_on_a_country_filters_the_table_and_a_click_on_a_region_every_page(monkeypatch, matrix_warehouse):
    url = matrix_warehouse("online_retail")
    at = open_page(monkeypatch, url, "geography", **RETAIL)
    click(at, "geo_countries_map", ["France"])  # not a region of Online Retail: only this page's table
    expected = revenue_by_country(url, RETAIL["start"], RETAIL["end"])
    assert at.dataframe[0].value[["country", "net_revenue"]].values.tolist() == [["France", expected["France"]]]
    assert "Only the country clicked on the map: France." in [c.value for c in at.caption]
    assert at.sidebar.multiselect(key="filter_regions").value == []
    next(b for b in at.button if b.label == "Show every country").click().run()
    assert len(at.dataframe[0].value) == 38
    click(at, "geo_countries_map", ["United Kingdom"])  # also a region of the warehouse: every page follows
    assert at.sidebar.multiselect(key="filter_regions").value == ["United Kingdom"]
    in_region = revenue_by_country(url, RETAIL["start"], RETAIL["end"], region="United Kingdom")
    assert at.dataframe[0].value.set_index("country")["net_revenue"].to_dict() == pytest.approx(in_region.to_dict())


def test_a_click_on_a_regions_late_delivery_bar_filters_every_page(monkeypatch, matrix_warehouse):
    url = matrix_warehouse("demo")
    at = open_page(monkeypatch, url, "geography", lang="uk", start="2026-04-01", end="2026-06-30")
    click(at, "geo_late_bars", ["North"])
    assert at.sidebar.multiselect(key="filter_regions").value == ["North"]
    expected = revenue_by_country(url, "2026-04-01", "2026-06-30", region="North")
    assert at.dataframe[0].value["net_revenue"].tolist() == pytest.approx(expected.tolist())
    at.switch_page("views/overview.py").run()
    assert at.sidebar.multiselect(key="filter_regions").value == ["North"]  # the click filters the other pages too


def test_late_delivery_bars_label_share_and_counts_with_room_beside_them():
    from dashboard.charts.geography import late_rate_bars
    from i18n import speaking

    rates = pd.DataFrame({"region": ["South", "North"], "delivered": [417, 347], "late": [23, 34],
                          "rate": [23 / 417, 34 / 347], "latitude": [51.5, 53.8], "longitude": [-0.1, -1.5]})
    with speaking("uk"):
        fig = late_rate_bars(rates)
    bars = fig.data[0]
    assert list(bars.text) == ["5,5% (23 з 417)", "9,8% (34 з 347)"]  # short beside the bar, in words on hover
    assert bars.hovertext[1] == "9,8% із запізненням (34 з 347 доставлених замовлень)"
    assert bars.textposition == "outside" and bars.cliponaxis is False
    assert fig.layout.xaxis.range == pytest.approx((0, 34 / 347 * (1.2 + 0.035 * 15)))  # room for 15 characters
    assert fig.layout.title.text == "Частка запізнень за регіонами"


@pytest.mark.parametrize("language, said", [
    ("en", "The loaded mentions carry no coordinates (their source does not record where they were posted), so none "
           "can be placed on a map."),
    ("uk", "Завантажені згадки не мають координат (їхнє джерело не фіксує, звідки їх опубліковано), тож жодну не "
           "можна показати на карті.")])
def test_mentions_without_any_coordinates_say_the_source_has_none(monkeypatch, full_url, language, said):
    """The fixture's one mention has no coordinates: the source records none, which is not 'none in this period'."""
    at = open_page(monkeypatch, full_url, "geography", lang=language)
    assert at.info[-1].value == said
