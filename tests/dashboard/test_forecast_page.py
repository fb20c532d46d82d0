"""The forecast page on every kind of warehouse and under every filter; the actual days it draws are checked
against pandas on the source tables (the demo's generated frames, Online Retail's raw CSV)."""

import base64
import json
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.db import get_engine
from etl.demo import generate_demo
from etl.pipeline import run_pipeline
from etl.sources import FrameSource
from etl.sources.configured import ConfigSource
from etl.sources.demo import DemoSource
from forecasting.runner import run_forecasts
from forecasting.settings import Settings
from i18n import speaking
from i18n.formats import money, number, period, signed_percent
from tests.dashboard.conftest import APP, metrics, signed_in
from tests.etl.test_online_retail import CONFIG, raw_lines
from tests.etl.test_real_datasets import northwind_url  # noqa: F401, F811 - a fixture
from tests.fixtures import deals_source, full_frames

QUICK = Settings(horizon_days=28, holidays_country=None, levels=("total", "department", "region", "product"),
                 prophet_levels=(), top_products=2, scored_origins=3, selection_origins=2)
DEMO = {"seed": 3, "end_date": date(2025, 6, 30), "scale": 0.2}
NO_SALES = "This warehouse holds no sales orders, so there is nothing to forecast"


def _warehouse(tmp_path_factory, name: str, source, forecast: bool = True) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'warehouse.db'}"
    run_pipeline(source, get_engine(url))
    if forecast:
        run_forecasts(get_engine(url), QUICK, workers=1)
    return url


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo company (small) with its forecast, and its generated tables for pandas."""
    return _warehouse(tmp_path_factory, "demo", DemoSource(**DEMO)), generate_demo(**DEMO)


@pytest.fixture(scope="module")
def retail(tmp_path_factory, datasets):
    """Online Retail with its forecast, and the raw CSV."""
    url = _warehouse(tmp_path_factory, "retail", ConfigSource(CONFIG, datasets / "online_retail"))
    return url, raw_lines(datasets / "online_retail")


def open_forecast(url: str, monkeypatch, **params) -> AppTest:
    """The forecast page with URL filters; it must run without an exception or an error box."""
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["principal"] = signed_in(url)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("views/forecast.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def chart_spec(at: AppTest, key: str) -> dict:
    """The Plotly figure drawn under a key."""
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.key == key)


def traces(at: AppTest) -> dict[str, dict]:
    """The forecast chart's traces by name."""
    return {t.get("name", ""): t for t in chart_spec(at, "forecast_chart")["data"]}


def values(array) -> np.ndarray:
    """A trace's array: a plain list, or Plotly's typed array ({"dtype": "f8", "bdata": base64})."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array)


def actual_line(at: AppTest) -> pd.Series:
    trace = traces(at)["Actual"]
    return pd.Series(values(trace["y"]).astype(float), index=pd.to_datetime(values(trace["x"])))


def demo_daily(tables: dict, column: str | None = None, member: str | None = None) -> pd.Series:
    """Net revenue per day from the generated frames (returns carry negative quantities)."""
    lines = tables["order_lines"].merge(tables["orders"], on="order_id")
    if column:
        lines = lines[lines[column] == member]
    value = lines["quantity"] * lines["unit_price"] * (1 - lines["discount"].fillna(0))
    return value.groupby(lines["ordered_at"].dt.normalize()).sum()


def assert_meets_forecast(at: AppTest) -> None:
    """Every day drawn, and the forecast starting the day after the last actual day."""
    actual, forecast = actual_line(at), traces(at)["Forecast"]
    assert actual.index.to_series().diff().dropna().eq(pd.Timedelta(days=1)).all()
    assert pd.Timestamp(values(forecast["x"])[0]) == actual.index.max() + pd.Timedelta(days=1)


def test_demo_total_draws_every_day_and_meets_the_forecast(demo, monkeypatch):
    url, tables = demo
    at = open_forecast(url, monkeypatch)
    assert at.selectbox[0].value == "total" and at.selectbox[1].value == "total"
    actual = actual_line(at)
    expected = demo_daily(tables).reindex(actual.index, fill_value=0.0)
    np.testing.assert_allclose(actual.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=0.01)
    assert_meets_forecast(at)
    assert "weekly backtests" in at.markdown[0].value and "of trading days" in at.markdown[0].value


@pytest.mark.parametrize("department", ["SAL-NOR", "SAL-SOU", "LOG", "FIN", "MKT", "PRC", "SUP"])
def test_demo_each_department_shows_its_own_series_or_says_why_not(demo, monkeypatch, department):
    url, tables = demo
    at = open_forecast(url, monkeypatch, dept=department)
    assert at.selectbox[0].value == "department"
    if department.startswith("SAL"):
        assert at.selectbox[1].value == f"department:{department}" and not at.info
        actual = actual_line(at)
        expected = demo_daily(tables, "department_id", department).reindex(actual.index, fill_value=0.0)
        np.testing.assert_allclose(actual.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=0.01)
    else:
        name = tables["departments"].set_index("department_id").loc[department, "name"]
        assert at.info[0].value == (f"None of the departments in the sidebar's filter ({name}) has sales "
                                    "to forecast, so all of them are listed.")


def test_demo_each_region_narrows_regions_and_products(demo, monkeypatch):
    url, tables = demo
    for region in sorted(tables["orders"]["region"].dropna().unique()):
        at = open_forecast(url, monkeypatch, region=region)
        at.selectbox[0].set_value("region").run()
        assert at.selectbox[1].options == [f"Region: {region}"]
        actual = actual_line(at)
        expected = demo_daily(tables, "region", region).reindex(actual.index, fill_value=0.0)
        np.testing.assert_allclose(actual.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=0.01)
        at.selectbox[0].set_value("product").run()
        assert all(label.endswith(f" · {region}") for label in at.selectbox[1].options) or at.info
        assert not at.exception


@pytest.mark.parametrize("start,end", [("2024-01-01", "2024-12-31"), ("2025-06-30", "2025-06-30"),
                                       ("2023-03-01", "2023-03-31")])
def test_demo_periods_past_and_single_day_still_meet_the_forecast(demo, monkeypatch, start, end):
    url, _ = demo
    at = open_forecast(url, monkeypatch, start=start, end=end)
    actual = actual_line(at)
    assert actual.index.min() == pd.Timestamp(start)
    assert_meets_forecast(at)  # a past period's actual days run on to the forecast: no gap before it
    if end < "2025-06-29":
        assert any("so that they meet the forecast" in c.value for c in at.caption)
        assert any(c.value.startswith("The sidebar's period ends on ") and "the figures above still compare the "
                   "forecast's 28 days from 1 Jul 2025" in c.value for c in at.caption)


def test_online_retail_total_shows_zeros_closures_and_leaves_out_the_partial_last_day(retail, monkeypatch):
    url, raw = retail
    at = open_forecast(url, monkeypatch, start="2011-11-01", end="2011-12-09")
    actual = actual_line(at)
    kept = raw[~raw.duplicated()]
    kept = kept[~kept["InvoiceNo"].str.startswith("A")]
    kept = kept[~((kept["Quantity"] < 0) & ~kept["InvoiceNo"].str.startswith("C"))]
    daily = (kept["Quantity"] * kept["UnitPrice"]).groupby(pd.to_datetime(kept["InvoiceDate"]).dt.normalize()).sum()
    expected = daily.reindex(actual.index, fill_value=0.0)
    np.testing.assert_allclose(actual.to_numpy(), expected.to_numpy(), atol=0.01)
    assert (actual[actual.index.day_of_week == 5] == 0).all() and len(actual) == 38  # Saturdays drawn as zero
    assert any(c.value.startswith("The data's last day (9 Dec 2011) is partial") for c in at.caption)
    forecast = traces(at)["Forecast"]
    assert str(values(forecast["x"])[0]).startswith("2011-12-09")  # 9 Dec ends at 12:50: left out of the history
    closed = pd.to_datetime(values(traces(at)["Closed"]["x"]))
    assert set(pd.date_range("2011-12-24", "2012-01-03")) <= set(closed)
    assert "closed days ahead are forecast as zero" in at.caption[-2].value or any(
        "closed days ahead" in c.value for c in at.caption)
    # December was seen once (the data starts on 1 Dec 2010): no 8-in-10 promise, the season's days named
    season = [c.value for c in at.caption if "season the history holds only once" in c.value]
    assert len(season) == 1 and "8 times in 10" not in season[0], [c.value for c in at.caption]
    forecast_x = pd.to_datetime(values(forecast["x"]))
    drawn = pd.Series(values(forecast["y"]), index=forecast_x)
    assert drawn["2012-01-05"] < 0.2 * drawn["2011-12-15"]  # after the shutdown, as slow as a year before
    said = at.markdown[0].value  # accuracy: absolute MASE, its ratio to the weekly repeat and to ETS, the range
    assert "weekly backtests" in said and "that of repeating last week" in said and "that of ETS" in said
    assert re.search(r"\(\d+% to \d+% at single backtests\)", said), said


def test_online_retail_every_department_region_and_a_period_without_sales(retail, monkeypatch):
    url, _ = retail
    for params in [{"dept": "SALES-UK"}, {"dept": "SALES-EU"}, {"dept": "SALES-INT"}, {"region": "Asia-Pacific"},
                   {"start": "2010-12-24", "end": "2011-01-03"}, {"start": "2011-01-01", "end": "2011-12-09"},
                   {"start": "2011-06-01", "end": "2011-06-01"}, {"start": "2011-12-09", "end": "2011-12-09"}]:
        at = open_forecast(url, monkeypatch, **params)
        if "dept" in params:
            assert at.selectbox[1].value == f"department:{params['dept']}"
        if params.get("start") == "2010-12-24":
            assert (actual_line(at)["2010-12-24":"2011-01-03"] == 0).all()
        assert_meets_forecast(at)


@pytest.mark.parametrize("config,folder", [("crm_sales_opportunities.yaml", "crm_sales_opportunities"),
                                           ("olist.yaml", "olist")])
def test_warehouses_without_orders_say_what_to_load(tmp_path_factory, datasets, monkeypatch, config, folder):
    url = _warehouse(tmp_path_factory, folder, ConfigSource(CONFIG.parent / config, datasets / folder))
    at = open_forecast(url, monkeypatch)
    assert at.info[0].value.startswith(NO_SALES) or at.info[0].value.startswith("The warehouse holds no orders")


def test_empty_crm_only_and_erp_only_warehouses(tmp_path_factory, monkeypatch):
    empty = f"sqlite:///{tmp_path_factory.mktemp('empty') / 'warehouse.db'}"
    at = open_forecast(empty, monkeypatch)
    assert at.info[0].value.startswith("The warehouse holds nothing yet")
    frames = full_frames()
    crm = {k: v for k, v in frames.items() if k in ("departments", "employees", "customers", "products",
                                                    "opportunities", "interactions", "tickets")}
    at = open_forecast(_warehouse(tmp_path_factory, "crm", FrameSource("crm", crm, currency="USD")), monkeypatch)
    assert at.info[0].value.startswith(NO_SALES)
    erp = {k: v for k, v in frames.items() if k not in ("opportunities", "interactions", "tickets")}
    at = open_forecast(_warehouse(tmp_path_factory, "erp", FrameSource("erp", erp, currency="GBP")), monkeypatch)
    assert at.selectbox[1].value == "total"
    actual = actual_line(at)
    expected = demo_daily(erp).reindex(actual.index, fill_value=0.0)
    assert actual.index.max() == pd.Timestamp("2025-01-20") and (actual == 0).any()
    np.testing.assert_allclose(actual.to_numpy(), expected.to_numpy(), atol=0.01)


def test_a_warehouse_of_deals_never_forecast_says_there_are_no_sales_not_no_forecast_yet(tmp_path_factory,
                                                                                          monkeypatch):
    """A CRM-only load run with --skip-forecast has no forecast run; running one would not help, so the page says
    there are no sales orders rather than "no forecast yet: run python -m forecasting run"."""
    url = _warehouse(tmp_path_factory, "deals", deals_source(), forecast=False)
    at = open_forecast(url, monkeypatch)
    assert [i.value for i in at.info] == [
        NO_SALES + "; the forecast runs after the company's orders are loaded. Load this company's own data to fill "
        "it: `python -m etl run --source SOURCE.yaml` with a source config for its exports (docs/sources.md), or the "
        "Data operations page; then reload this page."]


@pytest.mark.postgres
def test_northwind_from_postgresql_draws_its_well_known_total(northwind_url, tmp_path_factory, monkeypatch):  # noqa: F811
    source = ConfigSource(CONFIG.parent / "northwind.yaml", variables={"northwind_url": northwind_url})
    url = _warehouse(tmp_path_factory, "northwind", source)
    at = open_forecast(url, monkeypatch, start="1996-07-04", end="1998-05-06")
    assert round(actual_line(at).sum(), 2) == 1_265_793.04  # Northwind's total of sales after discounts
    assert_meets_forecast(at)


# The headline: the next 28 days against the 28 before and the same 28 days a year before, each checked against
# pandas on the warehouse's own tables (forecasts as stored, actuals from orders and their lines).

HEADLINE_LABELS = {
    "en": ("Forecast, next 28 days", "Actual, last 28 days", "Actual, same 28 days a year before"),
    "uk": ("Прогноз на 28 днів уперед", "Факт за останні 28 днів", "Факт за ті самі 28 днів роком раніше")}


def sale_lines(url: str) -> pd.DataFrame:
    """Order lines of orders that were not cancelled, with their order's date, department and region and value."""
    engine = get_engine(url)
    orders = pd.read_sql_table("orders", engine, parse_dates=["ordered_at"])
    lines = pd.read_sql_table("order_lines", engine).merge(orders[orders["status"] != "cancelled"], on="order_id")
    return lines.assign(day=lines["ordered_at"].dt.normalize(),
                        value=lines["quantity"] * lines["unit_price"] * (1 - lines["discount"].fillna(0)))


def expected_headline(url: str, series_id: str, daily: pd.Series) -> dict:
    """The headline's figures by hand: the stored forecast of the latest run summed over its first 28 days (and
    its bounds), the actual daily values summed over the 28 days up to the series' last day and over the
    forecast's days a year earlier (None when the series starts later)."""
    engine = get_engine(url)
    runs = pd.read_sql_table("forecast_runs", engine)
    run_id = runs.loc[runs["status"] == "success", "run_id"].max()
    points = pd.read_sql_table("forecasts", engine, parse_dates=["ds"])
    ahead = points[(points["run_id"] == run_id) & (points["series_id"] == series_id)].sort_values("ds").head(28)
    series = pd.read_sql_table("forecast_series", engine, parse_dates=["history_end"])
    end = series.loc[(series["run_id"] == run_id) & (series["series_id"] == series_id), "history_end"].iloc[0]
    year_start = ahead["ds"].iloc[0] - pd.DateOffset(years=1)
    return {"forecast": ahead["yhat"].sum(), "lower": ahead["yhat_lower"].sum(), "upper": ahead["yhat_upper"].sum(),
            "recent": daily[end - pd.Timedelta(days=27):end].sum(),
            "year_before": daily[year_start:year_start + pd.Timedelta(days=27)].sum()
            if daily.index.min() <= year_start else None,
            "first": ahead["ds"].iloc[0], "end": end}


def assert_headline(at: AppTest, expected: dict, language: str, as_text) -> None:
    """The three cards, the bar chart (with the band as the forecast's error bar) and the range sentence."""
    forecast_label, recent_label, back_label = HEADLINE_LABELS[language]
    cards = metrics(at)
    with speaking(language):
        assert cards[forecast_label][0] == as_text(expected["forecast"])
        assert cards[recent_label][0] == as_text(expected["recent"])
        assert cards[back_label][0] == ("–" if expected["year_before"] is None else as_text(expected["year_before"]))
        assert as_text(expected["lower"]) in at.caption[0].value and as_text(expected["upper"]) in at.caption[0].value
    bars = chart_spec(at, "forecast_headline")["data"][0]
    shown = [expected["forecast"], expected["recent"]] + ([] if expected["year_before"] is None
                                                          else [expected["year_before"]])
    np.testing.assert_allclose(values(bars["x"]).astype(float), shown, rtol=1e-9)
    error = bars["error_x"]
    assert error["array"][0] + bars_x0(bars) == pytest.approx(expected["upper"], rel=1e-9)
    assert bars_x0(bars) - error["arrayminus"][0] == pytest.approx(expected["lower"], rel=1e-9)
    assert error["array"][1:] == [None] * (len(shown) - 1)  # only the forecast has a band


def bars_x0(bars: dict) -> float:
    return float(values(bars["x"])[0])


@pytest.mark.parametrize("language", ["en", "uk"])
def test_headline_total_equals_pandas_on_the_warehouse(matrix_warehouse, app_on, language):
    url = matrix_warehouse("demo")
    lines = sale_lines(url)
    expected = expected_headline(url, "total", lines.groupby("day")["value"].sum())
    at = app_on(url, language=language)
    at.switch_page("views/forecast.py").run()
    assert not at.exception and not at.error
    assert_headline(at, expected, language, lambda v: money(v, "GBP"))
    caption = at.caption[0].value
    if language == "uk":
        assert at.title[0].value == "Прогноз продажів"
        assert re.fullmatch(r"\d+,\d\s\S+\s£", metrics(at)["Прогноз на 28 днів уперед"][0])  # 459,6 тис. £
        assert caption.startswith("80% діапазон прогнозу: ") and "щонайменше 8 разів із 10" in caption
        assert at.selectbox[0].label == "Прогноз для" and at.selectbox[1].options == ["Загалом"]
        assert traces(at).keys() >= {"Факт", "Прогноз", "80% інтервал"}
        assert at.markdown[0].value.startswith("Якщо обирати й оцінювати модель так, як у робочому прогнозі")
        model = next(c.value for c in at.caption if c.value.startswith("Модель: "))
        assert "найнижчий MASE за останні" in model and "Model" not in model
    else:
        assert caption.startswith("80% range of the forecast: ") and "adds up each day's stored 80% band" in caption
        change = (expected["forecast"] - expected["year_before"]) / abs(expected["year_before"])
        with speaking("en"):
            assert caption.endswith(f"Against the same days a year before: {signed_percent(change)}.")
    with speaking(language):  # the cards' hover help names the days each figure covers
        first = expected["first"]
        assert metrics_help(at)[2] == period(first - pd.DateOffset(years=1),
                                             first - pd.DateOffset(years=1) + pd.Timedelta(days=27))
        assert metrics_help(at)[1] == period(expected["end"] - pd.Timedelta(days=27), expected["end"])


def metrics_help(at: AppTest) -> list[str]:
    return [m.help for m in at.metric]


def test_headline_of_a_department_and_a_past_period_still_reads_the_forecast_days(matrix_warehouse, app_on):
    url = matrix_warehouse("demo")
    lines = sale_lines(url)
    department = "SAL-NOR"
    expected = expected_headline(url, f"department:{department}",
                                 lines[lines["department_id"] == department].groupby("day")["value"].sum())
    at = app_on(url)
    at.sidebar.multiselect(key="filter_departments").set_value([department]).run()
    at.sidebar.date_input(key="filter_period").set_value((date(2026, 1, 1), date(2026, 3, 31))).run()
    at.switch_page("views/forecast.py").run()
    assert at.selectbox[1].value == f"department:{department}"
    assert_headline(at, expected, "en", lambda v: money(v, "GBP"))
    assert any(c.value.startswith("The sidebar's period ends on 31 Mar 2026, before the data's last complete day "
                                  "(30 Jun 2026); the figures above still compare the forecast's 28 days from "
                                  "1 Jul 2026") for c in at.caption)


def test_headline_of_a_product_counts_units(demo, monkeypatch):
    url, _ = demo
    at = open_forecast(url, monkeypatch)
    at.selectbox[0].set_value("product").run()
    series_id = at.selectbox[1].value
    product, region = series_id.split(":", 1)[1].split("@")
    lines = sale_lines(url)
    mine = lines[(lines["product_id"] == product) & (lines["region"] == region) & (lines["kind"] == "sale")]
    expected = expected_headline(url, series_id, mine.groupby("day")["quantity"].sum())
    assert_headline(at, expected, "en", lambda v: f"{number(v)} units")
