"""Sales forecast: pick a series, see its actual days, the forecast with its 80% band, and how far to trust it."""

import streamlit as st

from dashboard import auth, filters, safe
from dashboard import queries as q
from dashboard.charts import forecast as charts
from dashboard.formatting import forecast_sentence, percent, readable_reason, tick_prefix
from dashboard.queries import forecast
from forecasting.models import MODEL_LABELS

LEVEL_NAMES = {"total": "Company total", "department": "Departments", "category": "Categories",
               "region": "Regions", "product": "Products (units, by region)"}
NO_SERIES = ("This warehouse holds no sales orders, so there is nothing to forecast: load order data (the demo "
             "company with `make etl`, or an ERP export such as Online Retail), and the forecast runs after the load.")


def narrowed(options, level: str, chosen, names: dict):
    """The level's series within the sidebar's departments or regions, and a note when none of them is there."""
    mine = options[options["level"] == level]
    wanted = {"department": chosen.scope or (), "region": chosen.regions, "product": chosen.regions}.get(level, ())
    column = "region" if level == "product" else "member"
    if not wanted:
        return mine, None
    within = mine[mine[column].isin(wanted)]
    if within.empty:
        return mine, (f"None of the {LEVEL_NAMES[level].split(' ')[0].lower()} in the sidebar's filter "
                      f"({safe.md(', '.join(names.get(w, w) for w in wanted))}) has sales to forecast, so all of "
                      "them are listed.")
    return within, None


st.title("Sales forecast")
chosen = filters.require()
run = forecast.latest_run()
if run.empty:
    st.info("There is no forecast yet: run `python -m forecasting run` (it also runs after every "
            "`python -m etl run`), then reload this page.")
    st.stop()
run_id, horizon = int(run.iloc[0]["run_id"]), int(run.iloc[0]["horizon_days"])
options = forecast.series_options(run_id)
if options["model"].isna().all():
    st.info(NO_SERIES)
    st.stop()
if chosen.allowed is not None:  # a manager sees their departments' series; company-wide series are not theirs
    options = options[(options["level"] == "department") & options["member"].isin(chosen.scope or ())]
    if options["model"].isna().all():
        st.info("This forecast run has no series for your departments (`python -m forecasting run --by "
                "total,department` adds department series).")
        st.stop()

levels = [lv for lv in LEVEL_NAMES if lv in set(options.loc[options["model"].notna(), "level"])]
default = "department" if chosen.scope and "department" in levels else levels[0]
if chosen.scope and "department" not in levels:
    st.info("This forecast run has no department series (`python -m forecasting run --by total,department` "
            "adds them), so the departments in the sidebar's filter cannot be shown apart.")
level = st.selectbox("Forecast of", levels, index=levels.index(default), format_func=LEVEL_NAMES.get,
                     key="forecast_level")
departments = q.department_options()
candidates, note = narrowed(options, level, chosen, dict(zip(departments["department_id"], departments["name"])))
if note:
    st.info(note)
labels = dict(zip(candidates["series_id"], candidates["label"]))
series_id = st.selectbox("Series", list(labels), format_func=labels.get, key="forecast_series")
series = candidates.set_index("series_id").loc[series_id]

units = level == "product"
prefix = "" if units else tick_prefix(q.currency())
predicted = forecast.points(run_id, series_id)
last = series["history_end"].date()
start, end = min(chosen.start, last), last
actual = charts.actual_days(forecast.history(level, series["member"], series["region"], start, end), start, end)
title = f"{safe.plot(labels[series_id])}: {'units' if units else 'net revenue'}, next {horizon} days"
st.plotly_chart(charts.forecast(actual, predicted, series["closures"], prefix, title), width="stretch")
if chosen.end < last or chosen.start > last:
    st.caption(f"Actual days shown from {start:%Y-%m-%d} to {end:%Y-%m-%d}, so that they meet the forecast, "
               f"which starts after the last complete day ({last:%Y-%m-%d}).")
elif chosen.end > last:
    st.caption(f"The data's last day ({chosen.end:%Y-%m-%d}) is partial (its orders stop early in the day), so it "
               "is left out of the actuals and forecast instead.")
backtests = forecast.backtest_summary(run_id, series_id)
st.markdown(forecast_sentence(backtests, series["model"], horizon))
gap = series["reconciliation_gap"]
st.caption(f"Model used: {MODEL_LABELS.get(series['model'], 'none')} ({readable_reason(series['reason'])}). "
           f"Forecast run {run_id}, {run.iloc[0]['finished_at']:%Y-%m-%d %H:%M}."
           + (f" {len(series['closures'])} closed days ahead are forecast as zero (x on the chart)."
              if series["closures"] else "")
           + (f" Before reconciliation the {level} forecasts were {percent(gap)} off the total; they are scaled "
              "to add up to it." if level in ("department", "category", "region") and gap == gap else ""))

if not backtests.empty:
    st.subheader("Backtests: each model against the weekly repeat")
    table = backtests.assign(model=backtests["model"].map(MODEL_LABELS))
    st.dataframe(table[["model", "cutoffs", "smape", "mase", "coverage"]], hide_index=True, column_config={
        "model": "Model", "cutoffs": "Weekly backtests",
        "smape": st.column_config.NumberColumn("sMAPE", format="percent"),
        "mase": st.column_config.NumberColumn("MASE", format="%.2f", help="Below 1 beats the weekly repeat."),
        "coverage": st.column_config.NumberColumn("Inside 80% band", format="percent"),
    })
    st.caption("At each weekly origin every model is fitted on the days before it and scored on the next "
               f"{horizon} days, on trading days only. Its band and, for 'As deployed', the model itself are "
               "chosen from earlier origins whose horizon had ended. sMAPE = mean of 2|forecast - actual| / "
               "(|forecast| + |actual|); MASE = mean absolute error / that of repeating the weekday a week before.")

safe.download_csv("Download forecast (CSV)", predicted, f"forecast-{series_id.replace(':', '-').replace('@', '-')}.csv",
                  "download_forecast", auth.current().username, q.engine())
