"""The executive overview: every figure on screen worked out by hand (the five-order fixture) or with pandas on the
demo company's orders, in English and in Ukrainian; the comparison with the same period last year; a click on a
department filtering every page to it; a click on a month drilling into its weeks, and on a week into its days."""

import base64
import json
from datetime import date
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard import filters
from dashboard.filters import DEPARTMENTS
from dashboard.queries import Filters, sales
from etl.db import get_engine
from etl.schema import order_lines, orders
from i18n import speaking
from i18n.formats import count, money, signed_percent
from tests.dashboard.conftest import metrics
from tests.dashboard.matrix import busiest_department
from tests.dashboard.test_periods import open_with

NS = "\u202f"  # Babel's narrow space before the Ukrainian year's "р."


def test_overview_shows_the_hand_computed_kpis(app_on, five_orders_url):
    at = app_on(five_orders_url)
    assert at.title[0].value == "Executive overview"
    assert metrics(at) == {
        "Net revenue": ("£295", ""),
        "Gross margin": ("36.9%", ""),
        "Orders": ("4", ""),
        "Active customers": ("2", ""),
        "On-time delivery": ("66.7%", ""),
    }
    assert at.caption[0].value == ("6 Jan 2025 – 20 Jan 2025, compared with the previous period, 22 Dec 2024 – "
                                   "5 Jan 2025.")
    no_change = "No change is shown: the comparison period, 22 Dec 2024 – 5 Jan 2025, holds data for 0 of its 15 days."
    assert at.caption[1].value == no_change  # the data starts on 6 Jan: no day of the previous period is loaded
    assert at.metric[0].help.endswith(no_change)
    assert "Returns in the period: -£20." in at.caption[-1].value


def test_the_overview_in_ukrainian(app_on, five_orders_url):
    at = app_on(five_orders_url, language="uk")
    assert at.title[0].value == "Огляд для керівництва"
    assert metrics(at) == {
        "Чиста виручка": ("295\u00a0£", ""),
        "Валова маржа": ("36,9%", ""),
        "Замовлення": ("4", ""),
        "Активні клієнти": ("2", ""),
        "Вчасна доставка": ("66,7%", ""),
    }
    assert at.caption[0].value == (f"6 січ. 2025{NS}р. – 20 січ. 2025{NS}р. порівняно з попереднім періодом "
                                   f"(22 груд. 2024{NS}р. – 5 січ. 2025{NS}р.).")
    assert at.metric[0].help.startswith("Чиста виручка = кількість × ціна за одиницю")
    assert at.metric[0].help.endswith(at.caption[1].value)
    assert at.caption[1].value.startswith("Зміни не показано")
    assert "Повернення за період: -20\u00a0£." in at.caption[-1].value
    at.sidebar.date_input[0].set_value((date(2025, 1, 14), date(2025, 1, 20))).run()
    assert metrics(at) == {
        "Чиста виручка": ("20\u00a0£", "-84,6%"),
        "Валова маржа": ("10,0%", "-30,0 в. п."),
        "Замовлення": ("1", "-50,0%"),
        "Активні клієнти": ("1", "+0,0%"),
        "Вчасна доставка": ("–", ""),
    }
    assert at.metric[4].help.startswith("Жодне замовлення періоду ще не доставлено, тож частки вчасних доставок немає.")


def test_department_filter_narrows_every_kpi(app_on, five_orders_url):
    at = app_on(five_orders_url)
    at.sidebar.multiselect[0].set_value(["D2"]).run()
    assert metrics(at) == {
        "Net revenue": ("£140", ""),
        "Gross margin": ("35.7%", ""),
        "Orders": ("2", ""),
        "Active customers": ("1", ""),
        "On-time delivery": ("0.0%", ""),
    }


def test_period_is_compared_with_the_period_before_it(app_on, five_orders_url):
    at = app_on(five_orders_url)
    at.sidebar.date_input[0].set_value((date(2025, 1, 14), date(2025, 1, 20))).run()
    # now: O4 (return, -20) and O5 (40); before (7-13 Jan, all loaded): O2 (100) and O3 (30, a guest) = 130
    assert metrics(at) == {
        "Net revenue": ("£20", "-84.6%"),
        "Gross margin": ("10.0%", "-30.0 pts"),  # 2 / 20 against 52 / 130 = 40.0%
        "Orders": ("1", "-50.0%"),
        "Active customers": ("1", "+0.0%"),  # C2 both times
        "On-time delivery": ("–", ""),
    }
    # 14-20 Jan: O5, the one sale order, is shipped but not delivered: the card's help says why it shows no rate
    assert at.metric[4].help.startswith("No order of the period has been delivered yet, so there is no on-time rate. "
                                        "On-time delivery = ")
    assert not at.metric[0].help.startswith("No order")
    at.sidebar.date_input[0].set_value((date(2025, 1, 13), date(2025, 1, 20))).run()  # before: 5-12 Jan, from 6 Jan
    assert {change for _, change in metrics(at).values()} == {""}
    assert at.caption[1].value == ("No change is shown: the comparison period, 5 Jan 2025 – 12 Jan 2025, holds data "
                                   "for 7 of its 8 days.")


def test_empty_warehouse_says_what_to_do(app_on, sqlite_url):
    at = app_on(sqlite_url)
    assert at.info[0].value.startswith("The warehouse holds no orders yet, so there are no sales figures to show. "
                                       "Load this company's own data to fill it: `python -m etl run --source")
    assert not at.metric


@pytest.fixture
def demo_url(matrix_warehouse) -> str:
    """The demo company's ERP side: 2 Jul 2023 to 30 Jun 2026, in pounds."""
    return matrix_warehouse("erp_only")


def order_values(url: str) -> pd.DataFrame:
    """Every order line with pandas, straight from the canonical tables: order_id, department_id, kind, day, value
    (quantity x unit price x (1 - discount), negative for returns); cancelled orders left out, as the KPIs do."""
    o, lines = orders, order_lines
    with get_engine(url).connect() as conn:
        rows = conn.execute(select(o.c.order_id, o.c.department_id, o.c.kind, o.c.status, o.c.ordered_at,
                                   lines.c.quantity, lines.c.unit_price, lines.c.discount)
                            .select_from(o.outerjoin(lines, lines.c.order_id == o.c.order_id))).all()
    frame = pd.DataFrame(rows, columns=["order_id", "department_id", "kind", "status", "ordered_at", "quantity",
                                        "unit_price", "discount"])
    frame = frame[frame["status"] != "cancelled"]
    value = frame["quantity"] * frame["unit_price"] * (1 - frame["discount"].fillna(0))
    return frame.assign(value=value.fillna(0.0), day=pd.to_datetime(frame["ordered_at"]).dt.normalize())


def within(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    return frame[(frame["day"] >= pd.Timestamp(start)) & (frame["day"] <= pd.Timestamp(end))]


def bars(at: AppTest, index: int) -> tuple[str, dict]:
    """A Plotly chart on the page: its title, and every bar as x -> y (x as drawn: a date or a category)."""
    spec = json.loads(at.get("plotly_chart")[index].proto.spec)

    def values(v):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist() if isinstance(v, dict) else v

    drawn = {}
    for trace in spec["data"]:
        if trace["type"] == "bar":
            x, y = values(trace["x"]), values(trace["y"])
            drawn |= dict(zip(y, x)) if trace.get("orientation") == "h" else dict(zip((d[:10] for d in x), y))
    if spec["data"] and spec["data"][0].get("orientation") != "h":  # bars over time: in time order
        drawn = dict(sorted(drawn.items()))
    return spec["layout"]["title"]["text"], drawn


@pytest.mark.parametrize("language, labels, caption, against", [
    ("en", ("Net revenue", "Orders", "Net revenue per week"),
     "1 May 2026 – 31 May 2026, compared with the same period last year, 1 May 2025 – 31 May 2025.",
     "The change is against the same period last year, 1 May 2025 – 31 May 2025."),
    ("uk", ("Чиста виручка", "Замовлення", "Чиста виручка за тиждень"),
     f"1 трав. 2026{NS}р. – 31 трав. 2026{NS}р. порівняно з тим самим періодом минулого року "
     f"(1 трав. 2025{NS}р. – 31 трав. 2025{NS}р.).",
     f"Зміна — відносно того самого періоду минулого року (1 трав. 2025{NS}р. – 31 трав. 2025{NS}р.)."),
])
def test_last_month_against_the_same_month_last_year(demo_url, monkeypatch, language, labels, caption, against):
    at = open_with(demo_url, monkeypatch, {"lang": language, "preset": "last_month", "compare": "yoy"})
    lines = order_values(demo_url)
    now, before = within(lines, date(2026, 5, 1), date(2026, 5, 31)), within(lines, date(2025, 5, 1), date(2025, 5, 31))
    kpis = sales.period_kpis(Filters(date(2026, 5, 1), date(2026, 5, 31)))
    assert kpis["net_revenue"] == pytest.approx(now["value"].sum(), abs=0.01)
    orders_now, orders_before = (frame.loc[frame["kind"] == "sale", "order_id"].nunique() for frame in (now, before))
    assert kpis["orders"] == orders_now
    revenue_change = (now["value"].sum() - before["value"].sum()) / abs(before["value"].sum())
    with speaking(language):
        assert metrics(at)[labels[0]] == (money(kpis["net_revenue"], "GBP"), signed_percent(revenue_change))
        orders_change = (orders_now - orders_before) / orders_before
        assert metrics(at)[labels[1]] == (count(orders_now), signed_percent(orders_change))
    assert at.caption[0].value == caption
    assert all(m.help.endswith(against) for m in at.metric)
    title, drawn = bars(at, 0)  # May's weeks from Monday: 27 Apr (1-3 May) to 25 May (25-31 May)
    assert title == labels[2]
    weeks = now.groupby(now["day"].dt.to_period("W-SUN").dt.start_time)["value"].sum()
    assert drawn == pytest.approx({d.strftime("%Y-%m-%d"): v for d, v in weeks.items()}, abs=0.01)
    assert list(drawn)[0] == "2026-04-27" and list(drawn)[-1] == "2026-05-25"


def one_department(at) -> str:
    """The sentence that stands for the revenue-by-department chart when one department is in scope."""
    return next(m.value for m in at.markdown if m.value.startswith("**Net revenue by department**")).replace("\\", "")


def test_a_click_on_a_department_filters_every_page_to_it(demo_url, app_on):
    at = app_on(demo_url)  # the last 90 days: 2 Apr - 30 Jun 2026
    department = busiest_department(demo_url)
    with mock.patch.object(filters.st, "session_state", at.session_state):  # the click's callback, on this session
        filters.pick_departments([department, "NO-SUCH-DEPARTMENT"])
    at.run()
    assert at.session_state["filters"].departments == (department,)
    assert at.sidebar.multiselect(key=DEPARTMENTS).value == [department]
    assert at.query_params["dept"] == department  # in the link, so every page and a copied link keep it
    lines = within(order_values(demo_url), date(2026, 4, 2), date(2026, 6, 30))
    expected = lines.loc[lines["department_id"] == department, "value"].sum()
    assert metrics(at)["Net revenue"][0] == money(expected, "GBP")
    # one department: its revenue in a sentence, not a chart of one bar
    assert one_department(at).startswith(f"**Net revenue by department**: Sales South — {money(expected, 'GBP')}, ")
    assert sales.period_kpis(at.session_state["filters"])["net_revenue"] == pytest.approx(expected, abs=0.01)


def test_a_manager_s_click_cannot_reach_another_department(demo_url, app_on):
    department = busiest_department(demo_url)
    at = app_on(demo_url, role="manager", departments=(department,))
    other = next(d for d in order_values(demo_url)["department_id"].unique() if d != department)
    with mock.patch.object(filters.st, "session_state", at.session_state):
        filters.pick_departments([other])
    at.run()
    assert at.session_state["filters"].scope == (department,)
    lines = within(order_values(demo_url), date(2026, 4, 2), date(2026, 6, 30))
    expected = lines.loc[lines["department_id"] == department, "value"].sum()
    assert f"— {money(expected, 'GBP')}, " in one_department(at)  # still only their department


def test_a_click_on_a_month_shows_its_weeks_and_a_week_its_days(demo_url, monkeypatch):
    at = open_with(demo_url, monkeypatch, {"preset": "last_12_months"})  # 1 Jul 2025 - 30 Jun 2026, by month
    title, drawn = bars(at, 0)
    assert title == "Net revenue per month" and len(drawn) == 12 and list(drawn)[0] == "2025-07-01"
    lines = order_values(demo_url)

    def click(day: str) -> None:
        with mock.patch.object(filters.st, "session_state", at.session_state):
            filters.drill([day])
        at.run()

    click("2026-03-01")
    chosen = at.session_state["filters"]
    assert (chosen.start, chosen.end, chosen.preset) == (date(2026, 3, 1), date(2026, 3, 31), "custom")
    title, drawn = bars(at, 0)
    march = within(lines, date(2026, 3, 1), date(2026, 3, 31))
    weeks = march.groupby(march["day"].dt.to_period("W-SUN").dt.start_time)["value"].sum()
    assert title == "Net revenue per week"
    assert list(drawn) == ["2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]
    assert drawn == pytest.approx({d.strftime("%Y-%m-%d"): v for d, v in weeks.items()}, abs=0.01)
    assert at.caption[1].value.endswith("Click a week to see its days.")

    click("2026-03-09")
    chosen = at.session_state["filters"]
    assert (chosen.start, chosen.end) == (date(2026, 3, 9), date(2026, 3, 15))
    title, drawn = bars(at, 0)
    week = within(lines, date(2026, 3, 9), date(2026, 3, 15)).groupby("day")["value"].sum()
    assert title == "Net revenue per day"
    assert drawn == pytest.approx({d.strftime("%Y-%m-%d"): v for d, v in week.items()}, abs=0.01)
    assert at.query_params["start"] == "2026-03-09" and at.query_params["end"] == "2026-03-15"


def test_the_charts_read_in_ukrainian_and_keep_their_labels_in_view():
    from dashboard.charts import sales as charts

    by_department = pd.DataFrame({"department_id": ["D1", "D2"], "department": ["Sales <North>", "Returns desk"],
                                  "net_revenue": [614_200.0, -20.0], "gross_margin": [194_700.0, None]})
    with speaking("uk"):
        fig = charts.revenue_by_department(by_department, "GBP")
        table = charts.department_table(by_department)
    bar = fig.data[0]
    assert list(bar.y) == ["Returns desk", "Sales &lt;North&gt;"]  # data is text, never markup
    assert list(bar.text) == ["-20\u00a0£", "614,2\u00a0тис.\u00a0£<br>маржа 31,7%"]
    assert bar.customdata.tolist() == [["D2"], ["D1"]]  # what a click filters on
    assert bar.cliponaxis is False and fig.layout.xaxis.range[0] < -20 and fig.layout.xaxis.range[1] > 614_200 * 1.1
    assert "600\u00a0тис.\u00a0£" in fig.layout.xaxis.ticktext
    assert list(table.columns) == ["Відділ", "Чиста виручка", "Валова маржа"]

    daily = pd.DataFrame({"sales_date": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-10", "2026-03-31"]),
                          "net_revenue": [10.0, 20.0, 30.0, 40.0]})
    points = charts.trend_points(daily, date(2026, 3, 1), date(2026, 3, 31), "week")
    with speaking("uk"):
        trend = charts.trend_table(points, "week")
    assert list(trend.columns) == ["Тиждень із", "Перший день", "Останній день", "Чиста виручка"]
    assert trend.values.tolist() == [  # a Sunday, 1 March, is all of its week the period holds; so are 30-31 March
        [date(2026, 2, 23), date(2026, 3, 1), date(2026, 3, 1), 10.0],
        [date(2026, 3, 2), date(2026, 3, 2), date(2026, 3, 8), 20.0],
        [date(2026, 3, 9), date(2026, 3, 9), date(2026, 3, 15), 30.0],
        [date(2026, 3, 16), date(2026, 3, 16), date(2026, 3, 22), 0.0],
        [date(2026, 3, 23), date(2026, 3, 23), date(2026, 3, 29), 0.0],
        [date(2026, 3, 30), date(2026, 3, 30), date(2026, 3, 31), 40.0]]
    assert points["partial"].tolist() == [True, False, False, False, False, True]


def test_every_business_page_says_how_fresh_its_data_is(app_on, five_orders_url):
    """The five orders end on 20 Jan 2025, long before today: one warning on each business page, and the sidebar's
    line on when the data was refreshed and its newest day."""
    from datetime import date as day_type

    from sqlalchemy import text

    with get_engine(five_orders_url).begin() as conn:
        conn.execute(text("UPDATE etl_runs SET finished_at = '2025-01-21 06:30:00'"))
    age = (day_type.today() - date(2025, 1, 20)).days
    stale = (f"The newest data is from 20 Jan 2025, {age:,} days ago: every figure, forecast and alert here stops "
             "there. Refresh the data (Data operations, or `python -m etl run`) to see today.")
    at = app_on(five_orders_url)
    for page in ["overview", "retention", "efficiency", "geography", "forecast", "alerts"]:
        at.switch_page(f"views/{page}.py").run()
        assert [w.value for w in at.warning] == [stale], page
        assert ":gray[:small[Data refreshed 21 Jan 2025 06:30; its newest day is 20 Jan 2025.]]" in [
            m.value for m in at.sidebar.markdown], page


def test_the_on_time_card_says_why_it_has_no_rate():
    """No delivered order: '–' with the reason first in its help; no order at all: another reason; a rate: none."""
    from dashboard.formatting import overview_cards
    from etl.kpi import CAPTIONS

    base = {"net_revenue": 40.0, "gross_margin": 10.0, "orders": 1, "active_customers": 1, "returns": 0.0}
    with speaking("en"):
        shipped = overview_cards(base | {"on_time": 0, "delivered": 0}, None, "GBP", CAPTIONS)[4]
        empty = overview_cards(base | {"orders": 0, "on_time": 0, "delivered": 0}, None, "GBP", CAPTIONS)[4]
        delivered = overview_cards(base | {"on_time": 2, "delivered": 3}, None, "GBP", CAPTIONS)[4]
    assert shipped.value == "–" and shipped.help.startswith(
        "No order of the period has been delivered yet, so there is no on-time rate. On-time delivery = ")
    assert empty.help.startswith("No order was placed in the period, so there is no on-time rate.")
    assert delivered.value == "66.7%" and delivered.help.startswith("On-time delivery = ")


def test_one_department_in_scope_is_a_sentence_not_a_one_bar_chart(app_on, five_orders_url):
    """D1 alone: O1 145 + O3 30 + O4 -20 = £155 of net revenue, margin (55 + 12 - 8) / 155 = 38.1%, said in one
    line instead of a chart with one bar; the CSV stays. Both departments: the chart."""
    at = app_on(five_orders_url)
    assert any(c.proto.id.endswith("-overview_departments") for c in at.get("plotly_chart"))
    at.sidebar.multiselect[0].set_value(["D1"]).run()
    assert not any(c.proto.id.endswith("-overview_departments") for c in at.get("plotly_chart"))
    said = [m.value.replace("\\", "") for m in at.markdown]
    assert "**Net revenue by department**: Sales North — £155, margin 38.1%" in said
    assert any("overview_departments_csv" in b.proto.id for b in at.get("download_button"))


def test_a_stacked_bar_of_one_category_names_each_part():
    """One department with 2 high and 1 low alert: 'Open alerts by where they start: Logistics — High 2, Low 1'."""
    from dashboard.charts import alerts as alert_charts
    from dashboard.show import single_bar

    counts = pd.DataFrame({"origin": ["Logistics", "Logistics"], "origin_department_id": ["LOG", "LOG"],
                           "severity": ["high", "low"], "alerts": [2, 1]})
    with speaking("en"):
        said = single_bar(alert_charts.by_severity(counts))
    assert said.replace("\\", "") == "**Open alerts by where they start**: Logistics — High 2, Low 1"
    two = pd.concat([counts, counts.assign(origin="Sales", origin_department_id="SAL")])
    with speaking("en"):
        assert single_bar(alert_charts.by_severity(two)) is None
