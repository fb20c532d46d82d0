"""The process-efficiency page on the demo warehouse, in English and Ukrainian: its cards equal pandas on the
canonical orders and purchase orders, its words are translated, a click on a supplier lists that supplier's late
deliveries, a click on a department filters to it, a click on a week drills into it, and the CSV download of the
late deliveries holds the table's rows."""

from datetime import date, timedelta

import pandas as pd
import pytest

from dashboard.formatting import percent
from dashboard.i18n import speaking
from etl.db import get_engine
from etl.kpi import CANCELLED, ratio
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
