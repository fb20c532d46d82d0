"""Sales forecast: the next 28 days against the last 28 and the same days a year before, then the series' actual
days, the forecast with its 80% band, and how far to trust it."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import filters, safe, show
from dashboard import queries as q
from dashboard.charts import forecast as charts
from dashboard.formatting import forecast_sentence, model_name, readable_reason
from dashboard.queries import forecast
from etl.kpi import change
from i18n import N_, _, ngettext
from i18n.formats import count, day, days_count, money, number, percent, period, signed_percent

HEADLINE_DAYS = 28
NO_SALES = N_("This warehouse holds no sales orders, so there is nothing to forecast; the forecast runs after the "
              "company's orders are loaded.")
LEVEL_NAMES = {"total": N_("Company total"), "department": N_("Departments"), "category": N_("Categories"),
               "region": N_("Regions"), "product": N_("Products (units, by region)")}
NONE_IN_FILTER = {
    "department": N_("None of the departments in the sidebar's filter ({names}) has sales to forecast, so all of "
                     "them are listed."),
    "region": N_("None of the regions in the sidebar's filter ({names}) has sales to forecast, so all of them are "
                 "listed."),
    "product": N_("None of the products in the sidebar's regions ({names}) has sales to forecast, so all of them "
                  "are listed.")}
RECONCILED = {
    "department": N_("Before reconciliation the department forecasts were {gap} off the total; they are scaled to "
                     "add up to it."),
    "category": N_("Before reconciliation the category forecasts were {gap} off the total; they are scaled to add "
                   "up to it."),
    "region": N_("Before reconciliation the region forecasts were {gap} off the total; they are scaled to add up "
                 "to it.")}


def series_label(row) -> str:
    """'Total', 'Department: Sales North', 'Product: Mug (P1) · North'."""
    if row.level == "total":
        return _("Total")
    if row.level == "product":
        name = row.member if row.member_name == row.member else f"{row.member_name} ({row.member})"
        return _("Product: {name} · {region}").format(name=name, region=row.region)
    return {"department": _("Department: {name}"), "category": _("Category: {name}"),
            "region": _("Region: {name}")}[row.level].format(name=row.member_name)


def narrowed(options, level: str, chosen, names: dict):
    """The level's series within the sidebar's departments or regions, and a note when none of them is there."""
    mine = options[options["level"] == level]
    wanted = {"department": chosen.scope or (), "region": chosen.regions, "product": chosen.regions}.get(level, ())
    column = "region" if level == "product" else "member"
    if not wanted:
        return mine, None
    within = mine[mine[column].isin(wanted)]
    if within.empty:
        return mine, _(NONE_IN_FILTER[level]).format(names=safe.md(", ".join(names.get(w, w) for w in wanted)))
    return within, None


def headline_windows(predicted: pd.DataFrame, series, allowed) -> tuple[pd.DataFrame, dict]:
    """The forecast's first days (at most 28), and the actual totals of as many days before them and of the same
    days a year before: recent, year_before (None when the data does not reach back that far) and the windows'
    first and last days."""
    ahead = predicted.head(HEADLINE_DAYS)
    span = timedelta(days=len(ahead) - 1)
    last = series["history_end"].date()
    first_ahead = ahead["ds"].iloc[0].date()
    year_start = (pd.Timestamp(first_ahead) - pd.DateOffset(years=1)).date()
    recent, year_before = (last - span, last), (year_start, year_start + span)
    totals = forecast.window_totals(series["level"], series["member"], series["region"], recent, year_before, allowed)
    row = totals.iloc[0]
    reaches_back = pd.notna(row["first_day"]) and row["first_day"].date() <= year_start
    return ahead, {"recent": float(row["recent"]), "year_before": float(row["year_before"]) if reaches_back else None,
                   "windows": {"ahead": (first_ahead, first_ahead + span), "recent": recent,
                               "year_before": year_before}}


def show_headline(ahead: pd.DataFrame, totals: dict, value_text, currency: str | None, units: bool,
                  season_once: list[str]) -> None:
    """Three cards (forecast with its summed band, the days before, a year before), a compact bar chart of the
    same (money in ``currency``, or with ``units`` counts of units), and how the range is formed (with no promise
    of 8 in 10 when ``season_once``, days of a season the history holds once, fall in it)."""
    n, windows = len(ahead), totals["windows"]
    expected, lower, upper = ahead["yhat"].sum(), ahead["yhat_lower"].sum(), ahead["yhat_upper"].sum()
    back = totals["year_before"]
    against = change(expected, totals["recent"])
    cards = st.columns(3)
    cards[0].metric(ngettext("Forecast, next {n} day", "Forecast, next {n} days", n).format(n=n),
                    value_text(expected), border=True,
                    delta=None if against is None else ngettext(
                        "{change} vs the last {n} day", "{change} vs the last {n} days", n).format(
                        change=signed_percent(against), n=n),
                    help=_("The forecast for {period}.").format(period=period(*windows["ahead"])))
    cards[1].metric(ngettext("Actual, last {n} day", "Actual, last {n} days", n).format(n=n),
                    value_text(totals["recent"]), border=True, help=period(*windows["recent"]))
    cards[2].metric(ngettext("Actual, same {n} day a year before", "Actual, same {n} days a year before", n)
                    .format(n=n), "–" if back is None else value_text(back), border=True,
                    help=period(*windows["year_before"]) if back is not None else _(
                        "The data does not reach back to {day}.").format(day=day(windows["year_before"][0])))
    labels = [_("Forecast"), ngettext("Last {n} day", "Last {n} days", n).format(n=n), _("A year before")]
    bars = pd.DataFrame({"label": labels, "first_day": [w[0] for w in windows.values()],
                         "last_day": [w[1] for w in windows.values()], "value": [expected, totals["recent"], back],
                         "lower": [lower, None, None], "upper": [upper, None, None]}).dropna(subset=["value"])
    bars = bars.assign(text=[value_text(v) for v in bars["value"]],
                       dates=[period(a, b) for a, b in zip(bars["first_day"], bars["last_day"])])
    title = _("Forecast against the days before and a year before")  # the bars name their days
    show.chart(charts.headline(bars, currency, title, units), bars.drop(columns=["text", "dates"]).rename(columns={
        "label": _("Days"), "first_day": _("First day"), "last_day": _("Last day"), "value": _("Total"),
        "lower": _("80% range, low"), "upper": _("80% range, high")}), "forecast-headline", "forecast_headline")
    unseen = [d for d in season_once if windows["ahead"][0].isoformat() <= d <= windows["ahead"][1].isoformat()]
    if unseen:
        said = ngettext(
            "Range of the forecast: {lower} – {upper}, the days' bands added up. {count} of its days falls in a "
            "season the history holds only once ({days}): the weekly model has never been tested there, so the "
            "band on those days is stretched to the same days a year before (scaled by this year's growth) and no "
            "8-in-10 promise is made.",
            "Range of the forecast: {lower} – {upper}, the days' bands added up. {count} of its days fall in a "
            "season the history holds only once ({days}): the weekly model has never been tested there, so the "
            "band on those days is stretched to the same days a year before (scaled by this year's growth) and no "
            "8-in-10 promise is made.", len(unseen)).format(
            lower=value_text(lower), upper=value_text(upper), count=count(len(unseen)),
            days=period(pd.Timestamp(unseen[0]).date(), pd.Timestamp(unseen[-1]).date()))
    else:
        said = _("80% range of the forecast: {lower} – {upper}. It adds up each day's stored 80% band (learnt from "
                 "the model's errors at earlier origins), the lower bounds and the upper bounds apart. That makes it "
                 "wide: the days' errors partly cancel out, so when the daily bands hold as often as they should, the "
                 "total over {days} falls inside this range at least 8 times in 10.").format(
            lower=value_text(lower), upper=value_text(upper), days=days_count(n))
    if back is not None and change(expected, back) is not None:
        said += " " + _("Against the same days a year before: {change}.").format(
            change=signed_percent(change(expected, back)))
    st.caption(said)


st.title(_("Sales forecast"))
chosen = filters.require()
if not q.has_rows("mart_order_fulfilment"):  # said before "no forecast yet": a forecast run would not help
    st.info(filters.empty_state(_(NO_SALES)))
    st.stop()
run = forecast.latest_run()
if run.empty:
    st.info(_("There is no forecast yet: run `python -m forecasting run` (it also runs after every "
              "`python -m etl run`), then reload this page."))
    st.stop()
run_id, horizon = int(run.iloc[0]["run_id"]), int(run.iloc[0]["horizon_days"])
options = forecast.series_options(run_id, chosen.allowed)  # a manager's: their departments' series only
if chosen.allowed is None and options["model"].isna().all():
    st.info(filters.empty_state(_(NO_SALES)))
    st.stop()
if chosen.allowed is not None:
    options = options[options["member"].isin(chosen.scope or ())]
    if options["model"].isna().all():
        st.info(_("This forecast run has no series for your departments (`python -m forecasting run --by "
                  "total,department` adds department series)."))
        st.stop()

levels = [lv for lv in LEVEL_NAMES if lv in set(options.loc[options["model"].notna(), "level"])]
default = "department" if chosen.scope and "department" in levels else levels[0]
if chosen.scope and "department" not in levels:
    st.info(_("This forecast run has no department series (`python -m forecasting run --by total,department` "
              "adds them), so the departments in the sidebar's filter cannot be shown apart."))
level_names = {lv: _(LEVEL_NAMES[lv]) for lv in levels}  # labels made in this run, in its language
level = st.selectbox(_("Forecast of"), levels, index=levels.index(default), format_func=level_names.get,
                     key="forecast_level")
departments = q.department_options()
candidates, note = narrowed(options, level, chosen, dict(zip(departments["department_id"], departments["name"])))
if note:
    st.info(note)
labels = {row.series_id: series_label(row) for row in candidates.itertuples()}
series_id = st.selectbox(_("Series"), list(labels), format_func=labels.get, key="forecast_series")
series = candidates.set_index("series_id").loc[series_id]

units, currency = level == "product", q.currency()


def value_text(value: float) -> str:
    """A total as the series counts it: money, or units for a product series."""
    return _("{value} units").format(value=number(value)) if units else money(value, currency)


predicted = forecast.points(run_id, series_id, chosen.allowed)
last = series["history_end"].date()
ahead, totals = headline_windows(predicted, series, chosen.allowed)
show_headline(ahead, totals, value_text, currency, units, series["season_once"])
if chosen.end < last:
    st.caption(_("The sidebar's period ends on {end}, before the data's last complete day ({last}); the figures "
                 "above still compare the forecast's {days} from {first} with the days before it and a year "
                 "before.").format(end=day(chosen.end), last=day(last), days=days_count(len(ahead)),
                                   first=day(ahead["ds"].iloc[0])))

start, end = min(chosen.start, last), last
days_shown = forecast.history(level, series["member"], series["region"], start, end, chosen.allowed)
actual = charts.actual_days(days_shown, start, end)
title = (_("{series}: units, forecast for {days}") if units else _("{series}: net revenue, forecast for {days}")
         ).format(series=safe.plot(labels[series_id]), days=days_count(horizon))
drawn = pd.concat([actual.rename("actual").rename_axis("ds").reset_index(), predicted], ignore_index=True)
show.chart(charts.forecast(actual, predicted, series["closures"], currency, title, units),
           drawn[["ds", "actual", "yhat", "yhat_lower", "yhat_upper"]].rename(columns={
               "ds": _("Date"), "actual": _("Actual"), "yhat": _("Forecast"), "yhat_lower": _("80% band, low"),
               "yhat_upper": _("80% band, high")}),
           f"forecast-{series_id.replace(':', '-').replace('@', '-')}", "forecast_chart")
if chosen.end < last or chosen.start > last:
    st.caption(_("Actual days shown from {start} to {end}, so that they meet the forecast, which starts after the "
                 "last complete day ({last}).").format(start=day(start), end=day(end), last=day(last)))
elif chosen.end > last:
    st.caption(_("The data's last day ({day}) is partial (its orders stop early in the day), so it is left out of "
                 "the actuals and forecast instead.").format(day=day(chosen.end)))
backtests = forecast.backtest_summary(run_id, series_id, chosen.allowed)
st.markdown(forecast_sentence(backtests, series["model"], horizon))
gap = series["reconciliation_gap"]
said = [_("Model used: {model} ({reason}). Forecast run {run}, {finished}.").format(
    model=model_name(series["model"]), reason=readable_reason(series["reason"]), run=run_id,
    finished=f"{day(run.iloc[0]['finished_at'])} {run.iloc[0]['finished_at']:%H:%M}")]
if series["closures"]:
    said.append(ngettext("{count} closed day ahead is forecast as zero (x on the chart).",
                         "{count} closed days ahead are forecast as zero (x on the chart).",
                         len(series["closures"])).format(count=count(len(series["closures"]))))
if level in RECONCILED and pd.notna(gap):
    said.append(_(RECONCILED[level]).format(gap=percent(gap)))
st.caption(" ".join(said))

if not backtests.empty:
    st.subheader(_("Backtests: each model against the weekly repeat"))
    show.table(backtests.assign(model=[model_name(m) for m in backtests["model"]]), {
        "model": (_("Model"), "text"), "cutoffs": (_("Weekly backtests"), "count"), "smape": ("sMAPE", "percent"),
        "mase": ("MASE", "number"), "coverage": (_("Inside 80% band"), "percent")},
        f"forecast-backtests-{series_id.replace(':', '-').replace('@', '-')}", "forecast_backtests")
    st.caption(_("At each weekly origin every model is fitted on the days before it and scored on the next {days}, "
                 "on trading days only. Its band and, for 'As deployed', the model itself are chosen from earlier "
                 "origins whose horizon had ended. sMAPE = mean of 2|forecast - actual| / (|forecast| + |actual|); "
                 "MASE = mean absolute error / that of repeating the weekday a week before (below 1 beats it)."
                 ).format(days=days_count(horizon)))
