"""The forecast page on the five-order fixture, with backtest scores set by hand."""

from datetime import date

from sqlalchemy import insert, update

from etl.db import get_engine
from etl.schema import forecast_backtests, forecast_series
from forecasting.runner import run_forecasts
from forecasting.settings import Settings

SETTINGS = Settings(horizon_days=7, levels=("total", "department"), holidays_country=None)


def _forecast(url: str, with_scores: bool) -> None:
    engine = get_engine(url)
    run_id = run_forecasts(engine, SETTINGS, workers=1).run_id
    if not with_scores:
        return
    scores = [("prophet", "2025-01-01", 0.10, 0.8, 0.75), ("prophet", "2025-01-08", 0.12, 0.9, 0.85),
              ("seasonal_naive", "2025-01-01", 0.16, 1.0, 0.9), ("seasonal_naive", "2025-01-08", 0.18, 1.0, 0.9)]
    with engine.begin() as conn:
        conn.execute(update(forecast_series).where(forecast_series.c.series_id == "total")
                     .values(model="prophet", reason="best backtest MASE: prophet 0.85"))
        conn.execute(insert(forecast_backtests), [
            {"run_id": run_id, "series_id": "total", "model": m, "cutoff": date.fromisoformat(c),
             "horizon_days": 7, "smape": s, "mase": a, "coverage": v} for m, c, s, a, v in scores])


def _open_forecast_page(app_on, url):
    at = app_on(url)
    at.switch_page("views/forecast.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_forecast_page_says_how_far_to_trust_the_forecast(app_on, five_orders_url):
    _forecast(five_orders_url, with_scores=True)
    at = _open_forecast_page(app_on, five_orders_url)
    assert at.title[0].value == "Sales forecast"
    assert at.selectbox[0].options == ["Total", "Department: Sales North", "Department: Sales South"]
    assert at.markdown[0].value == (
        "Over the last month (2 backtests), the 7-day forecast (Prophet) was off by 11% on average; the simple "
        "weekly repeat was off by 17%. Actual sales fell inside the 80% band on 80% of days.")
    table = at.dataframe[0].value
    assert table["model"].tolist() == ["Prophet", "Seasonal naive (same weekday last week)"]
    assert table["mase"].round(2).tolist() == [0.85, 1.0]


def test_department_filter_drives_the_series_picker_and_persists_across_pages(app_on, five_orders_url):
    _forecast(five_orders_url, with_scores=False)
    at = app_on(five_orders_url)
    at.sidebar.multiselect[0].set_value(["D2"]).run()  # chosen on the overview
    at.switch_page("views/forecast.py").run()
    assert at.sidebar.multiselect[0].value == ["D2"]
    assert at.selectbox[0].options == ["Department: Sales South"]
    assert at.markdown[0].value.startswith("This series has too little history to backtest, so the forecast "
                                           "simply repeats last week")
    assert "Model used: Seasonal naive (same weekday last week) (fallback: only 14 days" in at.caption[0].value


def test_forecast_page_without_a_forecast_says_what_to_do(app_on, five_orders_url):
    at = _open_forecast_page(app_on, five_orders_url)
    assert "There is no forecast yet: run `python -m forecasting run`" in at.info[0].value
