"""Money axes read like the KPI cards in both languages: every chart with a money axis labels its ticks through
dashboard.charts.money_ticks ('£20K', '20 тис. £'), never with Plotly's own SI suffixes."""

from datetime import date

import pandas as pd
import pytest

from dashboard.charts import alerts, customers, forecast, money_ticks, sales
from i18n import speaking

NB = "\u00a0"
TICKS = {  # language -> the labels of ticks at 0, 20,000, 40,000 and 60,000 pounds
    "en": ["£0", "£20K", "£40K", "£60K"],
    "uk": [f"0{NB}£", f"20{NB}тис.{NB}£", f"40{NB}тис.{NB}£", f"60{NB}тис.{NB}£"]}


def axis(fig, name: str) -> tuple[list, list]:
    """An axis' tick values and texts; no Plotly SI format or currency prefix is left on it."""
    settings = fig.layout[name]
    assert settings.tickprefix is None and settings.ticksuffix is None and settings.tickformat is None
    return list(settings.tickvals), list(settings.ticktext)


@pytest.mark.parametrize("language", ["en", "uk"])
def test_lifetime_value_axis_reads_like_the_cards(language):
    with speaking(language):
        fig = customers.clv_histogram(pd.Series([120.0, 9_500.0, 48_000.0]), "GBP")
    assert axis(fig, "xaxis") == ([0, 20_000, 40_000, 60_000], TICKS[language])


@pytest.mark.parametrize("language", ["en", "uk"])
def test_money_at_risk_axis_reads_like_the_cards(language):
    split = pd.DataFrame({"money_kind": ["one_off", "one_off", "expected_loss"], "severity": ["high", "low", "low"],
                          "money": [30_000.0, 10_000.0, 12_000.0], "alerts": [2, 1, 4]})
    with speaking(language):
        fig = alerts.money_by_kind(split, "GBP")
    assert fig.layout.xaxis.range == (0, 54_000)  # 1.35 x the largest kind leaves room for its total
    assert axis(fig, "xaxis") == ([0, 20_000, 40_000, 60_000], TICKS[language])
    totals = fig.data[-1]  # one total per kind, never one across kinds
    assert list(totals.x) == [40_000.0, 12_000.0] and len(totals.y) == 2


@pytest.mark.parametrize("language", ["en", "uk"])
def test_forecast_axes_and_hovers_read_like_the_cards(language):
    days = pd.date_range("2026-03-01", periods=3, freq="D")
    actual = pd.Series([12_000.0, 0.0, 31_000.5], index=days)
    predicted = pd.DataFrame({"ds": pd.date_range("2026-03-04", periods=2, freq="D"), "yhat": [30_000.0, 35_000.0],
                              "yhat_lower": [20_000.0, 25_000.0], "yhat_upper": [40_000.0, 45_000.0]})
    windows = pd.DataFrame({"label": ["Forecast", "Last 2 days"], "value": [65_000.0, 31_000.5],
                            "lower": [45_000.0, None], "upper": [85_000.0, None], "text": ["", ""],
                            "dates": ["4-5 Mar", "2-3 Mar"]})
    with speaking(language):
        chart = forecast.forecast(actual, predicted, [], "GBP", "Total")
        headline = forecast.headline(windows, "GBP", "Headline")
    assert axis(chart, "yaxis") == ([0, 20_000, 40_000, 60_000], TICKS[language])  # the band reaches 45,000
    hovers = {"en": ["£12,000", "£0", "£31,000"], "uk": [f"12{NB}000{NB}£", f"0{NB}£", f"31{NB}000{NB}£"]}
    assert list(chart.data[2].customdata) == hovers[language]  # the actual days, in full
    ticks, labels = axis(headline, "xaxis")  # the band reaches 85,000: steps of 25,000
    assert ticks == [0, 25_000, 50_000, 75_000, 100_000]
    assert labels[1:] == {"en": ["£25K", "£50K", "£75K", "£100K"],
                          "uk": [f"{n}{NB}тис.{NB}£" for n in (25, 50, 75, 100)]}[language]
    assert headline.data[0].customdata[1][1] == hovers[language][2]


def test_a_forecast_of_units_has_a_count_axis_and_plain_numbers():
    days = pd.date_range("2026-03-01", periods=2, freq="D")
    predicted = pd.DataFrame({"ds": [pd.Timestamp("2026-03-03")], "yhat": [1_500.0], "yhat_lower": [1_000.0],
                              "yhat_upper": [2_000.0]})
    with speaking("uk"):
        fig = forecast.forecast(pd.Series([1_200.0, 900.0], index=days), predicted, [], "GBP", "Units", units=True)
    assert fig.layout.yaxis.tickformat == ",d" and fig.layout.yaxis.ticktext is None
    assert list(fig.data[2].customdata) == [f"1{NB}200", "900"]


@pytest.mark.parametrize("language", ["en", "uk"])
def test_revenue_trend_axis_reads_like_the_cards(language):
    daily = pd.DataFrame({"sales_date": pd.to_datetime(["2026-03-02", "2026-03-09"]),
                          "net_revenue": [18_000.0, 55_000.0]})
    points = sales.trend_points(daily, date(2026, 3, 2), date(2026, 3, 15), "week")
    with speaking(language):
        fig = sales.revenue_trend(points, "GBP", "week")
    assert axis(fig, "yaxis") == ([0, 20_000, 40_000, 60_000], TICKS[language])


def test_small_amounts_tick_in_whole_units():
    """An axis up to £2 ticks at £0, £1, £2: never at 25p steps that all read '£0'."""
    with speaking("en"):
        assert money_ticks(pd.Series([0.4, 2.0]), "GBP") == {"tickvals": [0, 1, 2], "ticktext": ["£0", "£1", "£2"]}
