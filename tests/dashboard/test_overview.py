"""The executive overview on the five-order fixture: every figure on screen, worked out by hand."""

from datetime import date

from tests.dashboard.conftest import metrics


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
    assert at.caption[0].value == "6 Jan 2025 – 20 Jan 2025, compared with the previous period, 22 Dec 2024 – 5 Jan 2025."
    assert "Returns in the period: -£20." in at.caption[-1].value


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
    at.sidebar.date_input[0].set_value((date(2025, 1, 13), date(2025, 1, 20))).run()
    # now: O4 (return, -20) and O5 (40); before (5-12 Jan): O1, O2, O3 = 275
    assert metrics(at) == {
        "Net revenue": ("£20", "-92.7%"),
        "Gross margin": ("10.0%", "-28.9 pts"),  # 2 / 20 against 107 / 275 = 38.9%
        "Orders": ("1", "-66.7%"),
        "Active customers": ("1", "-50.0%"),
        "On-time delivery": ("–", ""),
    }


def test_empty_warehouse_says_what_to_do(app_on, sqlite_url):
    at = app_on(sqlite_url)
    assert "The warehouse holds no orders yet: load data with `make etl`" in at.info[0].value
    assert not at.metric
