"""The process-efficiency page on the demo warehouse, in English and Ukrainian: its cards equal pandas on the
canonical orders and purchase orders, its words are translated, a click on a supplier lists that supplier's late
deliveries, a click on a department filters to it, a click on a week drills into it, and the CSV download of the
late deliveries holds the table's rows."""

from datetime import date, timedelta

import pandas as pd
import pytest

from etl.db import get_engine
from etl.kpi import CANCELLED, ratio
from i18n import speaking
from i18n.formats import percent
from tests.dashboard.conftest import metrics
from tests.dashboard.page_tools import chart_spec, click, record_downloads, table_with

WORDS = {"en": ("Process efficiency", "On-time delivery", "Supplier on time", "Suppliers with the most late deliveries",
                "On-time delivery by department and month"),
         "uk": ("Ефективність процесів", "Вчасна доставка", "Постачальники вчасно",
                "Постачальники з найбільшою кількістю запізнених поставок", "Вчасна доставка за відділами й місяцями")}


@pytest.fixture
def demo(matrix_warehouse):
    return matrix_warehouse("demo")


def open_efficiency(app_on, url: str, language: str = "en"):
    at = app_on(url, language=language)
    at.switch_page("views/efficiency.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def read(url: str, sql: str, *dates: str) -> pd.DataFrame:
    frame = pd.read_sql(sql, get_engine(url))
    for column in dates:
        frame[column] = pd.to_datetime(frame[column], format="ISO8601")
    return frame


def on_time_by_hand(url: str, start: date, end: date, department: str | None = None) -> float | None:
    """Sale orders placed in the period and delivered: the share delivered by their promised time."""
    orders = read(url, "SELECT department_id, kind, status, ordered_at, promised_at, delivered_at FROM orders",
                  "ordered_at", "promised_at", "delivered_at")
    day = orders["ordered_at"].dt.date
    chosen = orders[(orders["kind"] == "sale") & (orders["status"] != CANCELLED) & (day >= start) & (day <= end)
                    & orders["delivered_at"].notna() & orders["promised_at"].notna()]
    if department is not None:
        chosen = chosen[chosen["department_id"] == department]
    return ratio(int((chosen["delivered_at"] <= chosen["promised_at"]).sum()), len(chosen))


def purchase_lines(url: str, start: date, end: date) -> pd.DataFrame:
    """Purchase-order lines ordered in the period, with whether each was received, and late."""
    lines = read(url, "SELECT po_id, line_no, supplier_id, ordered_at, expected_at, received_at FROM purchase_orders",
                 "ordered_at", "expected_at", "received_at")
    day = lines["ordered_at"].dt.date
    lines = lines[(day >= start) & (day <= end)]
    known = lines["received_at"].notna() & lines["expected_at"].notna()
    late = known & (lines["received_at"] > lines["expected_at"])
    return lines.assign(received=lines["received_at"].notna(), late=late)


@pytest.mark.parametrize("language", ["en", "uk"])
def test_on_time_cards_equal_pandas_and_the_page_speaks_the_language(app_on, demo, language):
    at = open_efficiency(app_on, demo, language)
    start, end = at.sidebar.date_input(key="filter_period").value
    title, on_time, supplier, late_chart, heatmap = WORDS[language]
    lines = purchase_lines(demo, start, end)
    supplier_on_time = ratio(int((lines["received"] & ~lines["late"]).sum()), int(lines["received"].sum()))
    shown = metrics(at)
    with speaking(language):
        assert shown[on_time][0] == percent(on_time_by_hand(demo, start, end))
        assert shown[supplier][0] == percent(supplier_on_time)
    if language == "uk":  # '88,4%'
        assert shown[on_time][0] == f"{on_time_by_hand(demo, start, end) * 100:.1f}%".replace(".", ",")
        assert shown["Медіанний цикл замовлення"][0].endswith(" дн.")
    assert at.title[0].value == title
    assert chart_spec(at, "efficiency_late_suppliers")["layout"]["title"]["text"] == late_chart
    assert chart_spec(at, "efficiency_on_time")["layout"]["title"]["text"] == heatmap


def test_a_click_on_a_supplier_lists_its_late_deliveries_and_the_csv_holds_them(app_on, demo, monkeypatch):
    download = record_downloads(monkeypatch)
    at = open_efficiency(app_on, demo, "uk")
    start, end = at.sidebar.date_input(key="filter_period").value
    lines = purchase_lines(demo, start, end)
    late = lines[lines["late"]]
    assert len(table_with(at, "po_id")) == min(len(late), 200)
    worst = late["supplier_id"].value_counts().index[0]
    click(at, "efficiency_late_suppliers", [worst])
    assert at.multiselect(key="efficiency_suppliers").value == [worst]
    listed = table_with(at, "po_id")
    expected = late[late["supplier_id"] == worst]
    assert sorted(zip(listed["po_id"], listed["line_no"])) == sorted(zip(expected["po_id"], expected["line_no"]))
    names = read(demo, "SELECT supplier_id, name FROM suppliers").set_index("supplier_id")["name"]
    assert set(listed["supplier"]) == {names[worst]}
    csv = download(at, "efficiency_late_deliveries", dtype={"Замовлення постачальнику": str})
    assert list(csv.columns) == ["Замовлення постачальнику", "Рядок", "Постачальник", "Товар", "Замовлено",
                                 "Час постачання (дні)", "Днів запізнення", "Вартість"]
    assert csv["Замовлення постачальнику"].tolist() == listed["po_id"].tolist()
    assert csv["Днів запізнення"].round(6).tolist() == listed["days_late"].round(6).tolist()


def test_a_click_on_a_department_filters_the_page_to_it(app_on, demo):
    at = open_efficiency(app_on, demo)
    start, end = at.sidebar.date_input(key="filter_period").value
    click(at, "efficiency_on_time", ["SAL-NOR"])
    assert at.sidebar.multiselect(key="filter_departments").value == ["SAL-NOR"]
    assert metrics(at)["On-time delivery"][0] == percent(on_time_by_hand(demo, start, end, "SAL-NOR"))


def test_a_click_on_a_week_of_cycle_times_drills_into_it(app_on, demo):
    at = open_efficiency(app_on, demo)
    start, end = at.sidebar.date_input(key="filter_period").value
    assert (end - start).days + 1 == 90  # a period of weeks
    trend = chart_spec(at, "efficiency_cycle_trend")
    assert trend["layout"]["title"]["text"] == "Cycle time per week"
    monday = date.fromisoformat(trend["data"][0]["customdata"][3])
    assert monday.weekday() == 0
    click(at, "efficiency_cycle_trend", [monday.isoformat()])
    assert at.sidebar.date_input(key="filter_period").value == (monday, monday + timedelta(days=6))
    assert chart_spec(at, "efficiency_cycle_trend")["layout"]["title"]["text"] == "Cycle time per day"
    assert metrics(at)["On-time delivery"][0] == percent(on_time_by_hand(demo, monday, monday + timedelta(days=6)))


def test_late_supplier_labels_have_room_and_months_read_in_ukrainian():
    from dashboard.charts.efficiency import late_suppliers, month_label

    suppliers = pd.DataFrame({"supplier_id": ["S1", "S2"], "supplier": ["Kestrel Components", "Orion <b>"],
                              "received": [40, 1234], "late": [12, 3], "late_rate": [0.3, 3 / 1234],
                              "avg_days_late": [2.25, 1.0]})
    with speaking("uk"):
        fig = late_suppliers(suppliers)
        assert month_label(pd.Timestamp("2026-03-01"), date(2026, 3, 29), date(2026, 6, 30)) == "бер. 2026 (29–31)"
    bars = fig.data[0]
    assert list(bars.y) == ["Orion &lt;b&gt;", "Kestrel Components"]  # data stays text in Plotly labels
    assert [t.replace("\xa0", " ") for t in bars.text] == ["3 з 1 234 (0%)", "12 з 40 (30%)"]
    assert [c[0] for c in bars.customdata] == ["S2", "S1"] and bars.customdata[1][2] == "2,2 дн."
    assert bars.textposition == "outside" and bars.cliponaxis is False
    assert fig.layout.xaxis.range[1] >= 12 * (1 + 0.03 * max(len(t) for t in bars.text))
    assert fig.layout.title.text == "Постачальники з найбільшою кількістю запізнених поставок"


SAYS = {  # what each section says when it has nothing to show, in both languages
    "no deliveries recorded": (
        "The loaded orders have no delivery dates (their source does not record deliveries), so there are no cycle "
        "times or on-time deliveries to show.",
        "Завантажені замовлення не мають дат доставки (їхнє джерело не фіксує доставок), тому циклів замовлень і "
        "вчасних доставок немає."),
    "none delivered yet": (
        "No order placed in this period has been delivered yet, so there are no cycle times to show.",
        "Жодне замовлення цього періоду ще не доставлено, тому показати цикл замовлення неможливо."),
    "no order": ("No order was placed in this period, so there are no cycle times to show.",
                 "У цьому періоді не було замовлень, тому показати цикл замовлення неможливо."),
    "no receipts recorded": (
        "The loaded purchase orders have no receipt dates (their source does not record deliveries from suppliers), "
        "so there are no lead times or supplier on-time shares to show.",
        "Завантажені замовлення постачальникам не мають дат отримання (їхнє джерело не фіксує поставок), тому часу "
        "постачання й частки вчасних поставок немає."),
    "none received yet": (
        "No purchase-order line placed in this period has been received yet, so there are no lead times to show.",
        "Жоден рядок замовлень постачальникам цього періоду ще не отримано, тому часу постачання немає."),
    "no purchase order": ("No purchase order was placed in this period.",
                          "У цьому періоді не було замовлень постачальникам."),
    "no stock count": (
        "There is no stock count in this period; the loaded stock counts run from 19 Jan 2025 to 20 Jan 2025.",
        "У цьому періоді не було обліку запасів: завантажені обліки охоплюють дні з 19 січ. 2025\u202fр. по 20 січ. "
        "2025\u202fр. включно."),
    "no invoice": ("No invoice was issued, paid or open in this period.",
                   "У цьому періоді не було виставлених, оплачених чи відкритих рахунків."),
    "no ticket": ("No ticket was opened in this period.", "У цьому періоді не відкрито жодного звернення."),
}


def efficiency_on(url: str, monkeypatch, start: str, end: str, language: str):
    """The efficiency page of a link to this period, in this language."""
    from tests.dashboard.test_periods import open_with

    at = open_with(url, monkeypatch, {"start": start, "end": end, "lang": language})
    at.switch_page("views/efficiency.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("language", ["en", "uk"])
@pytest.mark.parametrize("start, end, said, cards", [
    # 6 Jan: O1 delivered, PO1 received; stock is counted from the 19th, the first invoice issued on the 7th
    ("2025-01-06", "2025-01-06", ["no stock count", "no invoice", "no ticket"],
     {"Median cycle time", "Average lead time"}),
    # 9-14 Jan: no order, no purchase order, no stock count; invoices open, a ticket
    ("2025-01-09", "2025-01-14", ["no order", "no purchase order", "no stock count"],
     {"Days sales outstanding", "Tickets"}),
    # 15 Jan: PO3 ordered, still open; O4 is a return
    ("2025-01-15", "2025-01-15", ["no order", "none received yet", "no stock count"],
     {"Average lead time", "Open receivables"}),
    # 20 Jan: O5 not delivered yet; the last stock count; INV2 open
    ("2025-01-20", "2025-01-20", ["none delivered yet", "no purchase order", "no ticket"],
     {"Inventory turnover", "Open receivables"}),
])
def test_each_section_says_whether_the_period_or_the_source_has_nothing(full_url, monkeypatch, language, start,
                                                                       end, said, cards):
    """A period without orders, deliveries, purchase orders, receipts, stock counts, invoices or tickets says so
    in one sentence, in both languages, and shows no cards for what it cannot measure."""
    at = efficiency_on(full_url, monkeypatch, start, end, language)
    assert [i.value for i in at.info] == [SAYS[s][language == "uk"] for s in said]
    if language == "en":
        shown = set(metrics(at))
        assert cards <= shown
        for says, card in (("no stock count", "Inventory turnover"), ("no invoice", "Days sales outstanding"),
                           ("no purchase order", "Average lead time")):
            assert (says in said) != (card in shown)


@pytest.mark.parametrize("language", ["en", "uk"])
def test_a_source_without_delivery_or_receipt_dates_says_so(sqlite_url, monkeypatch, language):
    """Orders and purchase orders whose source records no deliveries: the page says the source has no such dates,
    not that nothing was delivered in the period."""
    from etl.pipeline import run_pipeline
    from etl.sources import FrameSource
    from tests.fixtures import full_frames

    frames = full_frames()
    frames["orders"]["delivered_at"] = None
    frames["purchase_orders"][["received_at", "received_quantity"]] = None
    run_pipeline(FrameSource("no-deliveries", frames, currency="GBP"), get_engine(sqlite_url))
    at = efficiency_on(sqlite_url, monkeypatch, "2025-01-06", "2025-01-20", language)
    assert [i.value for i in at.info][:2] == [SAYS["no deliveries recorded"][language == "uk"],
                                              SAYS["no receipts recorded"][language == "uk"]]


@pytest.mark.parametrize("language", ["en", "uk"])
def test_online_retail_says_its_source_records_no_deliveries(matrix_warehouse, app_on, language):
    """Online Retail's invoices carry no delivery dates at all: that is what the page says, in any period."""
    at = open_efficiency(app_on, matrix_warehouse("online_retail"), language)
    assert at.info[0].value == SAYS["no deliveries recorded"][language == "uk"]
