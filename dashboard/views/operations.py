"""Data operations: run the ETL in the background, its progress, run history, tables, and rejected rows."""

import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import auth, safe, show
from dashboard import queries as q
from dashboard.charts.operations import rejections_by_rule
from dashboard.queries import operations
from etl.db import PROJECT_ROOT, database_url, masked
from i18n import N_, _, ngettext
from i18n.formats import count, day_time, number
from refresh import worker
from refresh.orchestrator import Request
from refresh.progress import read_progress

DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"
CONFIGS = sorted((PROJECT_ROOT / "etl" / "sources").glob("*.yaml"))
URL = database_url()
STATUSES = {"success": N_("success"), "warning": N_("warning"), "failed": N_("failed"), "running": N_("running"),
            "aborted": N_("aborted")}
STEPS = [  # a refresh's step as the progress file names it (English, from the worker) -> as shown
    (r"starting", N_("starting")), (r"load: validate (?P<table>.+)", N_("loading: checking {table}")),
    (r"load: load (?P<table>.+)", N_("loading: writing {table}")),
    (r"load: build marts", N_("loading: building the marts")), (r"load: done", N_("loading: done")),
    (r"forecasts: (?P<series>.+)", N_("forecasting: {series}")),
    (r"alerts: evaluating the rules", N_("evaluating the alert rules")),
]
FAILED_STEPS = {
    "forecasts": N_("The forecasts failed ({error}); the load itself succeeded: fix the cause and run "
                    "`python -m forecasting run`."),
    "alert evaluation": N_("The alert evaluation failed ({error}); the load itself succeeded: fix the cause and run "
                           "`python -m alerts evaluate`."),
}


def status_name(status: str) -> str:
    """A run's status in the session's language."""
    return _(STATUSES[status]) if status in STATUSES else status


def step_text(step: str) -> str:
    """What a running refresh is doing, in the session's language."""
    for pattern, text in STEPS:
        found = re.fullmatch(pattern, step)
        if found:
            return _(text).format(**found.groupdict())
    return step


def finished_text(state: dict) -> str:
    """How the last refresh ended, from the numbers its progress file keeps (markdown: its data escaped)."""
    if "loaded" not in state:  # written by an older version: its English line
        return safe.md(state["message"])
    said = [_("Run {run} ({status}): {loaded} rows new or changed, {unchanged} unchanged, {rejected} rejected.")
            .format(run=state["run_id"], status=status_name(state["status"]), loaded=count(state["loaded"]),
                    unchanged=count(state["unchanged"]), rejected=count(state["rejected"]))]
    if state.get("series") is not None:
        said.append(ngettext("{count} series forecast.", "{count} series forecast.", state["series"])
                    .format(count=count(state["series"])))
    if state.get("opened") is not None:
        said.append(_("Alerts: {opened} opened, {resolved} resolved.").format(opened=count(state["opened"]),
                                                                           resolved=count(state["resolved"])))
    for failed in state.get("failed_steps", []):
        step, error = failed["step"], safe.md(failed["error"])
        said.append(_(FAILED_STEPS[step]).format(error=error) if step in FAILED_STEPS else error)
    return " ".join(said)


def _progress_panel(was_running: bool) -> None:
    """The refresh running on this warehouse (whoever started it), or how the last one ended."""
    state = read_progress(URL)
    if state is None:
        return
    if state["alive"]:
        elapsed = (datetime.now() - datetime.fromisoformat(state["started_at"])).total_seconds()
        st.progress(min(state["done"] / max(state["total"], 1), 1.0),
                    text=_("Running: {source} – {step} ({seconds} s so far)").format(
                        source=safe.md(state["source"]), step=safe.md(step_text(state["step"])),
                        seconds=number(elapsed)))
    elif was_running:  # it just ended: redraw the whole page with the new run
        st.rerun(scope="app")
    elif state["state"] == "running":
        st.warning(_("The run of {source} started {started} stopped before it finished (its process ended); the "
                     "warehouse kept the data it had.").format(source=safe.md(state["source"]),
                                                               started=day_time(state["started_at"])))
    elif state["state"] == "failed":
        st.error(_("The last run ({source}) failed: {message}").format(source=safe.md(state["source"]),
                                                                      message=safe.md(state["message"])))
    else:
        st.success(" ".join((finished_text(state), _("The whole refresh took {seconds} s.").format(
            seconds=number(state["seconds"], 1)))))


def confirmation(replaces: bool, what: str, last: dict | None) -> str:
    """The sentence a user ticks before a run that replaces or merges into the tables that hold data."""
    if replaces:
        if last:
            return _("I understand: this run empties and reloads {tables} (last loaded: {source}).").format(
                tables=what, source=safe.md(last["source"]))
        return _("I understand: this run empties and reloads {tables}.").format(tables=what)
    if last:
        return _("I understand: this run merges new rows into {tables} (last loaded: {source}).").format(
            tables=what, source=safe.md(last["source"]))
    return _("I understand: this run merges new rows into {tables}.").format(tables=what)


st.title(_("Data operations"))
principal = auth.require("operate_etl")
state = read_progress(URL)
running = bool(state and state["alive"])
st.fragment(run_every=2 if running else None)(_progress_panel)(running)

st.header(_("Run the ETL"))
last = operations.last_loaded()
loaded = operations.loaded_sources()
labels = {"demo": _("Demo company")} | {str(p): _("Source config: {name}").format(name=p.name) for p in CONFIGS}
for path in loaded["source_path"]:  # configs kept elsewhere that this warehouse was loaded from
    labels.setdefault(path, _("Source config: {name}").format(name=path) if Path(path).is_file() else
                      _("{name} (loaded before; the file is no longer there)").format(name=path))
keys = list(labels)
last_source = last["source_path"] if last and last["source_path"] in labels else None
has_data = q.has_data()
left, right = st.columns([3, 2])
source_key = left.selectbox(_("Source"), keys, index=keys.index(last_source) if last_source else
                            None if has_data else 0, format_func=labels.get, key="ops_source",
                            placeholder=_("Choose the source to load"),
                            help=_("Defaults to the source last loaded into this warehouse; a warehouse that holds "
                                   "data from a source it cannot name offers none, so no click replaces it."))
if source_key is None:
    st.info(_("This warehouse holds data that was not loaded from a source it can name: choose the source to "
              "load before running."))
else:
    dirs = dict(zip(loaded["source_path"], loaded["data_dir"]))
    known_dir = dirs.get(source_key)
    default_dir = (Path(known_dir) if known_dir else DATASETS / Path(source_key).stem if source_key != "demo" else None)
    data_dir = right.text_input(_("Data folder"),
                                value=str(default_dir) if default_dir and default_dir.is_dir() else "",
                                disabled=source_key == "demo", key=f"ops_data_dir:{source_key}",
                                help=_("The folder the config's file paths are relative to."))
    full_refresh = left.checkbox(_("Full refresh (empty the tables first)"), key="ops_full_refresh")
    with_forecast = right.checkbox(_("Refresh forecasts afterwards"), value=True, key="ops_forecast")
    with_alerts = right.checkbox(_("Evaluate alerts afterwards"), value=True, key="ops_alerts")
    request = Request(source_key, data_dir=Path(data_dir) if data_dir else None, full_refresh=full_refresh,
                      forecast=with_forecast, alerts=with_alerts, actor=principal.username)
    replaces, tables = worker.touches(request)
    held = {t: n for t, n in q.table_rows().items() if n and t in tables}
    confirmed = True
    if held and (replaces or (last and last["source_path"] != source_key)):
        what = ", ".join(ngettext("{table} ({rows} row)", "{table} ({rows} rows)", n).format(table=t, rows=count(n))
                         for t, n in held.items())
        confirmed = st.checkbox(confirmation(replaces, what, last), key="ops_confirm")
    if st.button(_("Run ETL"), type="primary", key="ops_run", disabled=running or not confirmed,
                 help=_("Runs in the background: you may leave this page; anyone who opens it sees the progress.")):
        try:
            worker.start(request, URL)
            st.rerun()
        except RuntimeError as error:
            st.error(str(error))

runs = operations.runs()
if runs.empty:
    st.info(_("The warehouse at `{url}` has not been loaded yet: run the ETL above.").format(url=masked(URL)))
    st.stop()

st.header(_("Run history"))
runs["seconds"] = (runs["ended_at"] - runs["started_at"]).dt.total_seconds()
runs["status"] = runs["status"].map(status_name)
ROWS = {"rows_read": (_("Read"), "count"), "rows_loaded": (_("New or changed"), "count"),
        "rows_unchanged": (_("Unchanged"), "count"), "rows_rejected": (_("Rejected"), "count")}
show.table(runs, {"run_id": (_("Run"), "text"), "status": (_("Status"), "text"), "source": (_("Source"), "text"),
                  "started_at": (_("Started"), "datetime"), "seconds": (_("Seconds"), "number"), **ROWS,
                  "message": (_("Message"), "text")}, "etl-runs", "ops_runs")
st.caption(_("Seconds cover the whole refresh, forecasts and alerts included."))

st.header(_("Tables and freshness"))
tables = operations.tables()
tables["age_days"] = (pd.Timestamp(datetime.now()).normalize() - tables["latest"].dt.normalize()).dt.days
show.table(tables, {"table": (_("Table"), "text"), "rows": (_("Rows"), "count"),
                    "latest": (_("Newest row"), "datetime"), "age_days": (_("Age (days)"), "count")},
           "warehouse-tables", "ops_tables", height=35 * (len(tables) + 1) + 3)
st.caption(_("Freshness is the newest event time in each table (order date, ticket opened, ...); tables without "
             "one are blank."))

st.header(_("One run, table by table"))
run_id = int(st.selectbox(_("Run"), runs["run_id"].tolist(), key="ops_rejected_run"))
show.table(operations.run_tables(run_id), {"table_name": (_("Table"), "text"), **ROWS,
                                           "seconds": (_("Seconds"), "number")}, f"run-{run_id}-tables",
           "ops_run_tables")

st.header(_("Rejected rows"))
by_table = operations.rejected_by_table(run_id)
if by_table.empty:
    st.success(_("Run {run} rejected no rows.").format(run=run_id))
    st.stop()
by_rule = operations.rejected_summary(run_id)
show.chart(rejections_by_rule(by_rule), by_rule, f"rejected-run-{run_id}-by-reason", "ops_rejections_chart")
show.table(by_rule, {"table_name": (_("Table"), "text"), "rule": (_("Reason"), "text"), "rows": (_("Rows"), "count")},
           f"rejected-run-{run_id}-reasons", "ops_rejections_by_rule")
middle, right = st.columns(2)
choices = {None: _("all tables")} | {t: _("{table} ({rows})").format(table=t, rows=count(n))
                                     for t, n in zip(by_table["table_name"], by_table["rows"])}
table = middle.selectbox(_("Table"), list(choices), format_func=choices.get, key="ops_rejected_table")
search = right.text_input(_("Reason or value contains"), key="ops_rejected_search")
REJECTED = {"table_name": (_("Table"), "text"), "source_ref": (_("Where"), "text"), "reason": (_("Reason"), "text"),
            "payload": (_("Original values"), "text")}
show.table(operations.rejected(run_id, table, search, limit=show.SHOWN_ROWS), REJECTED, f"rejected-run-{run_id}",
           "ops_rejected", everything=operations.rejected(run_id, table, search, limit=None))
