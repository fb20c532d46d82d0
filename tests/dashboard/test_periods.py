"""Period presets and comparisons: each preset's exact dates for a fixed last day, the period each comparison
compares with (29 February included), how finely time charts split a period, and the choice going into the URL
and coming back from a copied link (invalid values ignored)."""

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.filters import COMPARE, PERIOD, PRESET, preset_period
from dashboard.queries import Filters
from tests.dashboard.conftest import APP, signed_in

LAST = date(2026, 11, 26)  # a Thursday in the year's fourth quarter
FIRST = date(2020, 1, 1)
D = date


@pytest.mark.parametrize("preset, expected", [
    ("this_month", (D(2026, 11, 1), LAST)),
    ("last_month", (D(2026, 10, 1), D(2026, 10, 31))),
    ("qtd", (D(2026, 10, 1), LAST)),
    ("ytd", (D(2026, 1, 1), LAST)),
    ("last_12_months", (D(2025, 11, 27), LAST)),
    ("last_90_days", (D(2026, 8, 29), LAST)),  # 2 days of August + 30 + 31 + 26 = 90
    ("last_year", (D(2025, 1, 1), D(2025, 12, 31))),  # the whole calendar year before the last day's
])
def test_presets_end_on_the_data_s_last_day(preset, expected):
    assert preset_period(preset, FIRST, LAST) == expected


def test_presets_at_month_ends_and_on_a_leap_day():
    assert preset_period("this_month", FIRST, D(2028, 2, 29)) == (D(2028, 2, 1), D(2028, 2, 29))
    assert preset_period("last_12_months", FIRST, D(2028, 2, 29)) == (D(2027, 3, 1), D(2028, 2, 29))
    assert preset_period("last_month", FIRST, D(2026, 3, 31)) == (D(2026, 2, 1), D(2026, 2, 28))
    assert preset_period("last_month", FIRST, D(2026, 1, 5)) == (D(2025, 12, 1), D(2025, 12, 31))
    assert preset_period("qtd", FIRST, D(2026, 3, 31)) == (D(2026, 1, 1), D(2026, 3, 31))
    assert preset_period("qtd", FIRST, D(2026, 4, 1)) == (D(2026, 4, 1), D(2026, 4, 1))


def test_presets_start_no_earlier_than_the_data():
    first = D(2026, 10, 15)
    assert preset_period("ytd", first, LAST) == (first, LAST)
    assert preset_period("last_month", first, LAST) == (first, D(2026, 10, 31))
    assert preset_period("last_12_months", first, LAST) == (first, LAST)
    assert preset_period("this_month", first, LAST) == (D(2026, 11, 1), LAST)


@pytest.mark.parametrize("period, expected", [
    ((D(2026, 11, 1), D(2026, 11, 30)), (D(2025, 11, 1), D(2025, 11, 30))),
    ((D(2026, 11, 1), D(2026, 11, 26)), (D(2025, 11, 1), D(2025, 11, 26))),  # month to date: the same days
    ((D(2025, 12, 20), D(2026, 1, 10)), (D(2024, 12, 20), D(2025, 1, 10))),  # across the new year
    ((D(2028, 2, 29), D(2028, 2, 29)), (D(2027, 2, 28), D(2027, 2, 28))),  # a leap day: the last day of February
    ((D(2028, 2, 1), D(2028, 2, 29)), (D(2027, 2, 1), D(2027, 2, 28))),  # February against February
    ((D(2025, 2, 1), D(2025, 2, 28)), (D(2024, 2, 1), D(2024, 2, 29))),  # ... through the leap year's 29th
    ((D(2025, 2, 10), D(2025, 2, 27)), (D(2024, 2, 10), D(2024, 2, 27))),
    ((D(2027, 3, 1), D(2028, 2, 29)), (D(2026, 3, 1), D(2027, 2, 28))),  # the last 12 months to a leap day
])
def test_same_period_last_year(period, expected):
    chosen = Filters(*period, ("D1",), ("North",), ("D1", "D2"), compare="yoy")
    before = chosen.baseline()
    assert (before.start, before.end) == expected
    assert (before.departments, before.regions, before.allowed, before.compare) == (("D1",), ("North",),
                                                                                    ("D1", "D2"), "yoy")


@pytest.mark.parametrize("preset, period, expected", [
    ("custom", (D(2026, 11, 10), D(2026, 11, 19)), (D(2026, 10, 31), D(2026, 11, 9))),  # 10 days just before
    ("last_90_days", (D(2026, 8, 29), LAST), (D(2026, 5, 31), D(2026, 8, 28))),
    ("this_month", (D(2026, 11, 1), LAST), (D(2026, 10, 1), D(2026, 10, 26))),  # the same days of the month before
    ("last_month", (D(2026, 10, 1), D(2026, 10, 31)), (D(2026, 9, 1), D(2026, 9, 30))),  # not 1-30 Sep + 1 day
    ("qtd", (D(2026, 10, 1), LAST), (D(2026, 7, 1), D(2026, 8, 26))),  # the quarter before, to the same day
    ("ytd", (D(2026, 1, 1), LAST), (D(2025, 1, 1), D(2025, 11, 26))),
    ("last_12_months", (D(2025, 11, 27), LAST), (D(2024, 11, 27), D(2025, 11, 26))),
    ("custom", (D(2026, 7, 1), D(2026, 9, 30)), (D(2026, 4, 1), D(2026, 6, 30))),  # whole months: Q3 -> Q2
    ("custom", (D(2026, 3, 1), D(2026, 3, 31)), (D(2026, 2, 1), D(2026, 2, 28))),  # March -> February
    ("custom", (D(2024, 3, 1), D(2024, 3, 31)), (D(2024, 2, 1), D(2024, 2, 29))),
    ("this_month", (D(2026, 3, 1), D(2026, 3, 30)), (D(2026, 2, 1), D(2026, 2, 28))),  # no 30 February
])
def test_the_previous_period(preset, period, expected):
    before = Filters(*period, preset=preset).baseline()
    assert (before.start, before.end) == expected


@pytest.mark.parametrize("period, grain", [
    ((D(2026, 3, 1), D(2026, 3, 31)), "week"),  # a month drills into its weeks
    ((D(2026, 2, 1), D(2026, 2, 28)), "week"),
    ((D(2026, 3, 1), D(2026, 3, 27)), "day"),
    ((D(2026, 3, 9), D(2026, 3, 15)), "day"),  # a week into its days
    ((D(2026, 1, 1), D(2026, 4, 2)), "week"),  # 92 days
    ((D(2026, 1, 1), D(2026, 4, 3)), "month"),
])
def test_how_finely_time_charts_split_a_period(period, grain):
    assert Filters(*period).grain == grain


def open_with(url: str, monkeypatch, params: dict) -> AppTest:
    """The app opened from a link with these query parameters, signed in as an admin."""
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.session_state["principal"] = signed_in(url)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def chosen(at: AppTest) -> tuple:
    """What the sidebar chose: preset, start, end, comparison; and the widgets agree."""
    filters = at.session_state["filters"]
    assert at.sidebar.selectbox(key=PRESET).value == filters.preset
    assert at.sidebar.date_input(key=PERIOD).value == (filters.start, filters.end)
    assert at.sidebar.radio(key=COMPARE).value == filters.compare
    return filters.preset, filters.start, filters.end, filters.compare


def url_of(at: AppTest) -> dict:
    return {k: v for k, v in at.query_params.items() if k != "lang"}


@pytest.fixture
def demo_url(matrix_warehouse) -> str:
    """The demo company's ERP side: 2 Jul 2023 to 30 Jun 2026."""
    return matrix_warehouse("erp_only")


def test_a_link_with_a_preset_and_a_comparison_opens_them(demo_url, monkeypatch):
    at = open_with(demo_url, monkeypatch, {"preset": "ytd", "compare": "yoy"})
    assert chosen(at) == ("ytd", D(2026, 1, 1), D(2026, 6, 30), "yoy")
    assert url_of(at) == {"preset": "ytd", "compare": "yoy"}  # a preset's dates follow the data: none in the link
    at = open_with(demo_url, monkeypatch, {"preset": "custom", "start": "2026-01-05", "end": "2026-02-10"})
    assert chosen(at) == ("custom", D(2026, 1, 5), D(2026, 2, 10), "previous")
    assert url_of(at) == {"preset": "custom", "compare": "previous", "start": "2026-01-05", "end": "2026-02-10"}
    at = open_with(demo_url, monkeypatch, {"start": "2026-01-05", "end": "2026-02-10"})  # a link from before presets
    assert chosen(at) == ("custom", D(2026, 1, 5), D(2026, 2, 10), "previous")


@pytest.mark.parametrize("params, expected", [
    ({"preset": "fortnight", "compare": "last-week"}, ("last_90_days", D(2026, 4, 2), D(2026, 6, 30), "previous")),
    ({"preset": "custom"}, ("last_90_days", D(2026, 4, 2), D(2026, 6, 30), "previous")),  # custom needs dates
    ({"preset": "custom", "start": "2026-02-30", "end": "yesterday"},
     ("last_90_days", D(2026, 4, 2), D(2026, 6, 30), "previous")),
    ({"start": "2019-01-01", "end": "2031-01-01", "compare": "yoy"},  # beyond the data: the data's days
     ("custom", D(2023, 7, 2), D(2026, 6, 30), "yoy")),
    ({"start": "2019-01-01", "end": "2019-01-31"},  # wholly outside the data: the default, and the page says so
     ("last_90_days", D(2026, 4, 2), D(2026, 6, 30), "previous")),
    ({"preset": "bogus", "start": "2026-05-01", "end": "2026-04-01"}, ("custom", D(2026, 5, 1), D(2026, 5, 1),
                                                                       "previous")),
])
def test_invalid_link_values_are_ignored(demo_url, monkeypatch, params, expected):
    at = open_with(demo_url, monkeypatch, params)
    assert chosen(at) == expected


def test_choices_go_into_the_link_and_come_back_from_it(demo_url, monkeypatch):
    at = open_with(demo_url, monkeypatch, {})
    assert chosen(at) == ("last_90_days", D(2026, 4, 2), D(2026, 6, 30), "previous")  # the default
    at.sidebar.selectbox(key=PRESET).set_value("last_month").run()
    assert chosen(at) == ("last_month", D(2026, 5, 1), D(2026, 5, 31), "previous")
    at.sidebar.radio(key=COMPARE).set_value("yoy").run()
    assert url_of(at) == {"preset": "last_month", "compare": "yoy"}
    at.sidebar.date_input(key=PERIOD).set_value((D(2026, 3, 2), D(2026, 3, 8))).run()  # edited dates: custom
    assert chosen(at) == ("custom", D(2026, 3, 2), D(2026, 3, 8), "yoy")
    assert url_of(at) == {"preset": "custom", "compare": "yoy", "start": "2026-03-02", "end": "2026-03-08"}
    at.switch_page("views/geography.py").run()  # the choice stays from page to page
    assert chosen(at) == ("custom", D(2026, 3, 2), D(2026, 3, 8), "yoy")
    copied = open_with(demo_url, monkeypatch, url_of(at))
    assert chosen(copied) == chosen(at)
    at.sidebar.selectbox(key=PRESET).set_value("qtd").run()  # back to a preset: its dates again
    assert chosen(at) == ("qtd", D(2026, 4, 1), D(2026, 6, 30), "yoy")
    assert url_of(at) == {"preset": "qtd", "compare": "yoy"}


def test_the_sidebar_in_ukrainian(demo_url, monkeypatch):
    at = open_with(demo_url, monkeypatch, {"lang": "uk", "preset": "qtd"})
    preset = at.sidebar.selectbox(key=PRESET)
    assert preset.label == "Період"
    assert preset.options == [
        "Цей місяць", "Минулий місяць", "З початку кварталу", "З початку року", "Останні 90 днів",
        "Останні 12 місяців", "Минулий календарний рік", "Довільні дати"]
    compare = at.sidebar.radio(key=COMPARE)
    assert compare.label == "Порівняти з"
    assert compare.options == ["Попереднім періодом", "Тим самим періодом минулого року"]
    assert "останнім днем даних (30 черв. 2026\u202fр.)." in preset.help  # Babel: a narrow space before р.


@pytest.mark.parametrize(("params", "said"), [
    ({"start": "2019-01-01", "end": "2019-01-31"}, "The link asks for 1 Jan 2019 – 31 Jan 2019, which the data does "
     "not reach (it runs 2 Jul 2023 – 30 Jun 2026): the page shows the default period instead."),
    ({"start": "2026-06-01", "end": "2026-07-31"}, "The link asks for 1 Jun 2026 – 31 Jul 2026; the data runs "
     "2 Jul 2023 – 30 Jun 2026, so the page shows the part inside it."),
])
def test_a_link_outside_the_data_says_so_instead_of_becoming_another_period(demo_url, monkeypatch, params, said):
    at = open_with(demo_url, monkeypatch, params)
    assert [w.value for w in at.warning if w.value.startswith("The link")] == [said]
    at.run()  # said once, not on every click
    assert not [w.value for w in at.warning if w.value.startswith("The link")]


def test_a_comparison_the_data_covers_in_part_shows_no_change_but_says_why(demo_url, monkeypatch):
    """The ERP demo starts on 2 Jul 2023: its last 12 months compare with 1 Jul 2024 - 30 Jun 2025 (whole), but the
    year before that holds data for 365 of 366 days... its first 12 months' comparison holds none at all."""
    at = open_with(demo_url, monkeypatch, {"preset": "custom", "start": "2023-07-02", "end": "2024-06-30"})
    assert [m.delta for m in at.metric] == [""] * 5
    assert ("No change is shown: the comparison period, 2 Jul 2022 – 1 Jul 2023, holds data for 0 of its 365 days."
            in [c.value for c in at.caption])
    at = open_with(demo_url, monkeypatch, {"preset": "last_12_months"})
    assert all(m.delta for m in at.metric if m.label in ("Net revenue", "Orders"))
    at = open_with(demo_url, monkeypatch, {"preset": "custom", "start": "2023-08-01", "end": "2023-08-31"})
    assert "holds data for 30 of its 31 days" in " ".join(c.value for c in at.caption)  # July 2023 from the 2nd


@pytest.mark.parametrize("page, labels", [
    ("retention", ["Retention rate", "Customers at start", "Customers at end", "New or won back", "Churned"]),
    ("efficiency", ["Median cycle time", "90th percentile", "On-time delivery", "Average lead time",
                    "Supplier on time"]),  # open lines: none then, none now; no percentage of nothing
])
def test_retention_and_efficiency_cards_show_their_changes(demo_url, monkeypatch, page, labels):
    at = open_with(demo_url, monkeypatch, {"preset": "last_month"})
    at.switch_page(f"views/{page}.py").run()
    deltas = {m.label: m.delta for m in at.metric}
    assert all(deltas[label] for label in labels), [(k, v) for k, v in deltas.items() if not v]
    assert "Changes on the cards are against the previous period, 1 Apr 2026 – 30 Apr 2026." in [
        c.value for c in at.caption]


def test_online_retail_s_last_12_months_show_no_change_against_nine_days(matrix_warehouse, monkeypatch):
    """Before: +2,387.8% revenue and +2,193.6% orders against 10 Dec 2009 - 9 Dec 2010, of which the data holds the
    9 days from 1 Dec 2010."""
    at = open_with(matrix_warehouse("online_retail"), monkeypatch, {"preset": "last_12_months"})
    assert [m.delta for m in at.metric] == [""] * 5
    assert ("No change is shown: the comparison period, 10 Dec 2009 – 9 Dec 2010, holds data for 9 of its 365 days."
            in [c.value for c in at.caption])
