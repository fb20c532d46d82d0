"""The customer-retention page on the demo warehouse, in English and Ukrainian: its cards equal pandas on the
canonical orders, its words are translated, a click on an RFM segment lists that segment's customers, a click on
a month narrows the period to it, and a table's CSV download holds the table's rows."""

from datetime import date, timedelta

import pandas as pd
import pytest

from etl.db import get_engine
from etl.kpi import CANCELLED, CHURN_DAYS, ratio
from i18n import speaking
from i18n.formats import percent
from tests.dashboard.conftest import metrics
from tests.dashboard.page_tools import chart_spec, click, plotted, record_downloads, table_with

TITLES = {"en": ("Customer retention", "Retention rate", "Monthly cohort retention", "RFM segments"),
          "uk": ("Утримання клієнтів", "Коефіцієнт утримання", "Щомісячне утримання когорт", "RFM-сегменти")}


@pytest.fixture
def demo(matrix_warehouse):
    return matrix_warehouse("demo")


def open_retention(app_on, url: str, language: str):
    at = app_on(url, language=language)
    at.switch_page("views/retention.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def sale_days(url: str) -> pd.DataFrame:
    """customer_id and day of every sale order to a known customer (not cancelled), from the canonical table."""
    orders = pd.read_sql("SELECT customer_id, kind, status, ordered_at FROM orders", get_engine(url))
    sales = orders[(orders["kind"] == "sale") & (orders["status"] != CANCELLED) & orders["customer_id"].notna()]
    return sales.assign(day=pd.to_datetime(sales["ordered_at"], format="ISO8601").dt.date)[["customer_id", "day"]]


def retention_by_hand(url: str, start: date, end: date) -> float | None:
    """(E - N) / S with pandas: S buyers in the 90 days before the start, E in the 90 days up to the end."""
    sales, window = sale_days(url), timedelta(days=CHURN_DAYS)
    at_start = set(sales.loc[(sales["day"] >= start - window) & (sales["day"] < start), "customer_id"])
    at_end = set(sales.loc[(sales["day"] > end - window) & (sales["day"] <= end), "customer_id"])
    new = len(at_end - at_start)
    return ratio(len(at_end) - new, len(at_start))


@pytest.mark.parametrize("language", ["en", "uk"])
def test_the_retention_card_equals_pandas_and_the_page_speaks_the_language(app_on, demo, language):
    at = open_retention(app_on, demo, language)
    start, end = at.sidebar.date_input(key="filter_period").value
    expected = retention_by_hand(demo, start, end)
    title, card, cohorts, segments = TITLES[language]
    with speaking(language):
        assert metrics(at)[card][0] == percent(expected)
    if language == "uk":  # '75,8%': a decimal comma
        assert metrics(at)[card][0] == f"{expected * 100:.1f}%".replace(".", ",")
    assert at.title[0].value == title
    assert chart_spec(at, "retention_cohorts")["layout"]["title"]["text"] == cohorts
    assert chart_spec(at, "retention_rfm")["layout"]["title"]["text"] == segments


def test_in_ukrainian_segment_names_and_table_labels_are_translated(app_on, demo, monkeypatch):
    download = record_downloads(monkeypatch)
    at = open_retention(app_on, demo, "uk")
    rfm = chart_spec(at, "retention_rfm")["data"][0]
    assert "Не можна втратити" in rfm["y"] and "Can't lose them" not in rfm["y"]
    stored = dict(zip(rfm["y"], (c[0] for c in rfm["customdata"])))
    assert stored["Не можна втратити"] == "Can't lose them"  # a click carries the stored (English) name
    listed = table_with(at, "segment_name")
    assert set(listed["segment_name"]) <= {"Не можна втратити", "Під загрозою"}
    csv = download(at, "retention_customers", keep_default_na=False, dtype={"Клієнт": str})
    assert list(csv.columns) == ["Клієнт", "Назва", "Регіон", "Сегмент", "Днів від останнього продажу", "Замовлення",
                                 "Чиста виручка", "CLV"]
    assert csv["Клієнт"].tolist() == listed["customer_id"].tolist()  # the download holds the table's rows
    assert csv["Сегмент"].tolist() == listed["segment_name"].tolist()
    assert csv["Чиста виручка"].tolist() == listed["monetary"].round(2).tolist()  # money in the CSV: to the cent


def test_a_click_on_a_segment_lists_only_its_customers(app_on, demo, monkeypatch):
    from dashboard.queries import Filters, customers
    from etl.kpi import rfm_frame

    monkeypatch.setenv("DATABASE_URL", demo)
    at = open_retention(app_on, demo, "en")
    assert at.subheader[0].value == "Valuable customers at risk"
    click(at, "retention_rfm", ["Champions"])
    start, end = at.sidebar.date_input(key="filter_period").value
    scored = rfm_frame(customers.rfm(Filters(start, end)), end)
    champions = scored[scored["segment"] == "Champions"].sort_values("monetary", ascending=False)
    listed = table_with(at, "segment_name")
    assert at.multiselect(key="retention_segments").value == ["Champions"]
    assert at.subheader[0].value == "Customers of the chosen segments"
    assert set(listed["segment_name"]) == {"Champions"}
    assert sorted(listed["customer_id"]) == sorted(champions["customer_id"]) and len(listed) > 0
    bars = chart_spec(at, "retention_rfm")["data"][0]
    bar = dict(zip(bars["y"], plotted(bars, "x")))
    assert bar["Champions"] == len(listed)  # the bar clicked counts the customers listed


def test_a_click_on_a_month_of_churn_narrows_the_period_to_that_month(app_on, demo):
    at = open_retention(app_on, demo, "en")
    start, end = at.sidebar.date_input(key="filter_period").value
    month = date(end.year, end.month, 1) - timedelta(days=1)  # the month before the last one
    click(at, "retention_churn", [month.replace(day=1).isoformat()])
    assert at.sidebar.date_input(key="filter_period").value == (month.replace(day=1), month)
    assert metrics(at)["Retention rate"][0] == percent(retention_by_hand(demo, month.replace(day=1), month))


def test_rfm_labels_have_room_and_a_long_cohort_table_keeps_its_values_for_hover():
    from dashboard.charts.customers import cohort_heatmap, rfm_segments

    segments = pd.DataFrame({"segment": ["Champions", "Potential loyalists", "Can't lose them"],
                             "customers": [120, 45, 8], "monetary": [1_234_567.0, 98_765.0, 4_321.0]})
    with speaking("uk"):
        fig = rfm_segments(segments, "GBP")
    bars = fig.data[0]
    assert list(bars.y) == ["Не можна втратити", "Потенційно лояльні", "Чемпіони"]
    assert [t.replace("\xa0", " ") for t in bars.text] == ["8 · 4 321 £", "45 · 98,8 тис. £", "120 · 1,23 млн £"]
    assert bars.textposition == "outside" and bars.cliponaxis is False
    longest = max(len(t) for t in bars.text)  # beyond the longest bar, room for about its label's characters
    assert fig.layout.xaxis.range[1] >= 120 * (1 + 0.03 * longest)

    months = pd.date_range("2024-01-01", periods=24, freq="MS")
    retention = pd.DataFrame([[1.0] + [0.5] * 23] * 24, index=months, columns=range(24))
    with speaking("uk"):
        wide = cohort_heatmap(retention, date(2025, 12, 31))
        narrow = cohort_heatmap(retention.iloc[:3, :3], date(2025, 12, 31))
    assert wide.data[0].texttemplate == "" and wide.layout.height >= 24 * 26  # values on hover, rows readable
    assert narrow.data[0].texttemplate == "%{text}" and narrow.data[0].text[0][1] == "50%"
    assert list(narrow.data[0].y) == ["січ. 2024", "лют. 2024", "бер. 2024"]


def test_lifetime_value_says_how_much_history_its_churn_rests_on(app_on, demo, matrix_warehouse):
    """Online Retail's last 90 days: a year before their end the data holds 9 days (it starts on 1 Dec 2010), so the
    page says there is not enough history and draws no lifetime value; the demo's three years give the full 90."""
    retail = open_retention(app_on, matrix_warehouse("online_retail"), "en")
    said = [i.value for i in retail.info if i.value.startswith("Not enough history for lifetime value")]
    assert said and "customers seen in 9 days a year before the period's end, and it needs 90" in said[0]
    assert not any(c.proto.id.endswith("-retention_clv") for c in retail.get("plotly_chart"))
    at = open_retention(app_on, demo, "en")
    assert any(c.proto.id.endswith("-retention_clv") for c in at.get("plotly_chart"))
    assert any(f"customers seen in the {CHURN_DAYS} days a year before the period's end" in c.value
               for c in at.caption)


def test_the_month_the_data_end_cuts_is_marked_on_cohorts_and_churn():
    from dashboard.charts import partial_month_note
    from dashboard.charts.customers import churn, cohort_heatmap

    months = pd.date_range("2025-01-01", periods=3, freq="MS")
    retention = pd.DataFrame([[1.0, 0.5, 0.2], [1.0, 0.4, None], [1.0, None, None]], index=months, columns=range(3))
    with speaking("en"):
        cells = cohort_heatmap(retention, date(2025, 3, 9)).data[0].text
        whole = cohort_heatmap(retention, date(2025, 3, 31)).data[0].text
        monthly = pd.DataFrame({"month_start": months, "active": [5, 6, 4], "new": [5, 2, 1], "retained": [0, 4, 3],
                                "churned": [0, 1, 2]})
        bars = churn(monthly, date(2025, 3, 9))
        note = partial_month_note(date(2011, 12, 9))
    # the diagonal of March: January's month +2, February's +1, March's own month
    assert [list(row) for row in cells] == [["100%", "50%", "20%*"], ["100%", "40%*", ""], ["100%*", "", ""]]
    assert [list(row) for row in whole] == [["100%", "50%", "20%"], ["100%", "40%", ""], ["100%", "", ""]]
    assert [list(trace.marker.opacity) for trace in bars.data] == [[1.0, 1.0, 0.45]] * 3
    assert [(a.text, a.y) for a in bars.layout.annotations] == [("9 days", 4)]  # above March's 3 + 1 customers
    assert note == ("Dec 2011 holds data for 9 of its 31 days (the data ends on 9 Dec 2011): its figures are "
                    "still growing.")


def test_the_retention_page_says_which_month_the_data_end_cuts(app_on, five_orders_url):
    at = open_retention(app_on, five_orders_url, "en")  # the data ends on 20 Jan 2025
    cut = "Jan 2025 holds data for 20 of its 31 days (the data ends on 20 Jan 2025): its figures are still growing."
    said = [c.value for c in at.caption]
    assert any(c.endswith("Cells marked * fall in the month the data's end cuts: " + cut) for c in said), said
    assert any(c.endswith("The faded month: " + cut) for c in said), said
    assert chart_spec(at, "retention_cohorts")["data"][0]["text"] == [["100%*"]]


@pytest.fixture
def comeback_url(sqlite_url):
    """The full fixture plus O7: Acme (C1) buys again on 10 May 2025, after nothing since 20 January."""
    from etl.pipeline import run_pipeline
    from etl.sources import FrameSource
    from tests.fixtures import T, full_frames

    frames = full_frames()
    frames["orders"] = pd.concat([frames["orders"], pd.DataFrame({
        "order_id": ["O7"], "customer_id": ["C1"], "department_id": ["D1"], "employee_id": ["E1"], "kind": ["sale"],
        "status": ["delivered"], "ordered_at": [T("2025-05-10 10:00")], "promised_at": [T("2025-05-12 18:00")],
        "shipped_at": [T("2025-05-11 10:00")], "delivered_at": [T("2025-05-12 10:00")], "region": [None]})],
        ignore_index=True)
    frames["order_lines"] = pd.concat([frames["order_lines"], pd.DataFrame({
        "order_id": ["O7"], "line_no": [1], "product_id": ["P1"], "quantity": [1], "unit_price": [10.0],
        "discount": [0.0], "unit_cost": [6.0]})], ignore_index=True)
    run_pipeline(FrameSource("comeback", frames, currency="GBP"), get_engine(sqlite_url))
    return sqlite_url


def test_a_period_without_first_purchases_says_so_and_explains_who_is_new(app_on, comeback_url):
    """1-10 May 2025: S = nobody (no sale 31 Jan - 30 Apr), E = {C1} (O7 on 10 May), so N = 1; C1 first bought on
    6 Jan, so 0 first-time buyers and 1 won back. No cohort starts in May: one sentence instead of an empty
    heatmap."""
    at = open_retention(app_on, comeback_url, "en")
    at.sidebar.date_input(key="filter_period").set_value((date(2025, 5, 1), date(2025, 5, 10))).run()
    assert not at.exception, [e.message for e in at.exception]
    assert metrics(at)["New or won back"][0] == "1"
    said = next(c.value for c in at.caption if "for the first time" in c.value)
    assert said.startswith("0 customers bought for the first time in the period.")
    assert ("Of the 1 customer counted as new or won back, 0 bought for the first time and 1 came back after 90 "
            "days or more without a sale.") in said
    assert [i.value for i in at.info][0] == ("No customer made a first purchase in the months of this period, so "
                                             "there is no cohort to follow: choose a period that includes first "
                                             "purchases.")
    assert not any(c.proto.id.endswith("-retention_cohorts") for c in at.get("plotly_chart"))


def test_first_time_buyers_are_told_apart_from_customers_won_back(app_on, full_url):
    """6-20 Jan 2025 (the full fixture): C1 and C2 first bought in the period, so both of N are first-time."""
    at = open_retention(app_on, full_url, "en")
    assert ("Of the 2 customers counted as new or won back, 2 bought for the first time and 0 came back"
            in next(c.value for c in at.caption if "for the first time" in c.value))
    assert any(c.proto.id.endswith("-retention_cohorts") for c in at.get("plotly_chart"))
