"""Sales forecast: pick a series, see its history, the forecast with its 80% band, and how far to trust it."""

import streamlit as st

from dashboard import filters
from dashboard import queries as q
from dashboard.charts import sales as charts
from dashboard.formatting import forecast_sentence, percent, readable_reason
from dashboard.queries import forecast
from forecasting.models import MODEL_LABELS

st.title("Sales forecast")
chosen = filters.require()
run = forecast.latest_run()
if run.empty:
    st.info("There is no forecast yet: run `python -m forecasting run` (it also runs after every "
            "`python -m etl run`), then reload this page.")
    st.stop()

run_id, horizon = int(run.iloc[0]["run_id"]), int(run.iloc[0]["horizon_days"])
options = forecast.series_options(run_id)
mine = options[(options["level"] == "department") & options["member"].isin(chosen.departments)]
if not mine.empty:  # the department filter narrows the picker to those departments
    options = mine
labels = dict(zip(options["series_id"], options["label"]))
series_id = st.selectbox("Series", list(labels), format_func=labels.get, key="forecast_series")
series = options.set_index("series_id").loc[series_id]

predicted = forecast.points(run_id, series_id)
st.plotly_chart(charts.forecast(forecast.history(series["level"], series["member"], chosen), predicted,
                                q.currency(), f"{labels[series_id]}: next {horizon} days"), width="stretch")
backtests = forecast.backtest_summary(run_id, series_id)
st.markdown(forecast_sentence(backtests, series["model"], horizon))
st.caption(f"Model used: {MODEL_LABELS.get(series['model'], 'none')} ({readable_reason(series['reason'])}). "
           f"Forecast run {run_id}, {run.iloc[0]['finished_at']:%Y-%m-%d %H:%M}."
           + (f" Before reconciliation the {series['level']} forecasts were {percent(series['reconciliation_gap'])} "
              "off the total; they are scaled to add up to it." if series["level"] != "total"
              and series["reconciliation_gap"] == series["reconciliation_gap"] else ""))

if not backtests.empty:
    st.subheader("Backtest against simple baselines")
    table = backtests.assign(model=backtests["model"].map(MODEL_LABELS))
    st.dataframe(table[["model", "cutoffs", "smape", "mase", "coverage"]], hide_index=True, column_config={
        "model": "Model", "cutoffs": "Backtests",
        "smape": st.column_config.NumberColumn("sMAPE", format="percent"),
        "mase": st.column_config.NumberColumn("MASE", format="%.2f", help="Below 1 beats the weekly repeat."),
        "coverage": st.column_config.NumberColumn("Inside 80% band", format="percent"),
    })
    st.caption("Rolling-origin backtests: each model is fitted up to a cutoff and scored on the next "
               f"{horizon} days. sMAPE = mean of 2|forecast - actual| / (|forecast| + |actual|). "
               "MASE = mean absolute error / that of repeating the same weekday of the previous week.")

st.download_button("Download forecast (CSV)", predicted.to_csv(index=False).encode(),
                   file_name=f"forecast-{series_id.replace(':', '-')}.csv", mime="text/csv")
