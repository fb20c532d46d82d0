"""Data operations: run the ETL in the background, its progress, run history, tables, and rejected rows."""

from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import auth, safe
from dashboard import queries as q
from dashboard.charts.operations import rejections_by_rule
from dashboard.formatting import count
from dashboard.queries import operations
from etl.db import PROJECT_ROOT, database_url, masked
from refresh import worker
from refresh.orchestrator import Request
from refresh.progress import read_progress

DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"
CONFIGS = sorted((PROJECT_ROOT / "etl" / "sources").glob("*.yaml"))
URL = database_url()

st.title("Data operations")
principal = auth.require("operate_etl")


def _progress_panel(was_running: bool) -> None:
    """The refresh running on this warehouse (whoever started it), or how the last one ended."""
    state = read_progress(URL)
    if state is None:
        return
    if state["alive"]:
        elapsed = (datetime.now() - datetime.fromisoformat(state["started_at"])).total_seconds()
        st.progress(min(state["done"] / max(state["total"], 1), 1.0),
                    text=f"Running: {state['source']} - {state['step']} ({elapsed:,.0f} s so far)")
    elif was_running:  # it just ended: redraw the whole page with the new run
        st.rerun(scope="app")
    elif state["state"] == "running":
        st.warning(f"The run of {state['source']} started {state['started_at']} stopped before it finished (its "
                   "process ended); the warehouse kept the data it had.")
    elif state["state"] == "failed":
        st.error(f"The last run ({state['source']}) failed: {state['message']}")
    else:
        st.success(f"{state['message']} The whole refresh took {state['seconds']:,.1f} s.")


state = read_progress(URL)
running = bool(state and state["alive"])
st.fragment(run_every=2 if running else None)(_progress_panel)(running)

st.header("Run the ETL")
last = operations.last_loaded()
labels = {"demo": "Demo company"} | {str(p): f"Source config: {p.name}" for p in CONFIGS}
last_source = last["source_path"] if last and last["source_path"] in labels else None
keys = list(labels)
left, right = st.columns([3, 2])
source_key = left.selectbox("Source", keys, index=keys.index(last_source) if last_source else 0,
                            format_func=labels.get, key="ops_source",
                            help="Defaults to the source last loaded into this warehouse.")
same_dir = last and last["source_path"] == source_key and last["data_dir"]
default_dir = Path(last["data_dir"]) if same_dir else DATASETS / Path(source_key).stem if source_key != "demo" else None
data_dir = right.text_input("Data folder", value=str(default_dir) if default_dir and default_dir.is_dir() else "",
                            disabled=source_key == "demo", key=f"ops_data_dir:{source_key}",
                            help="The folder the config's file paths are relative to.")
full_refresh = left.checkbox("Full refresh (empty the tables first)", key="ops_full_refresh")
with_forecast = right.checkbox("Refresh forecasts afterwards", value=True, key="ops_forecast")
with_alerts = right.checkbox("Evaluate alerts afterwards", value=True, key="ops_alerts")
request = Request(source_key, data_dir=Path(data_dir) if data_dir else None, full_refresh=full_refresh,
                  forecast=with_forecast, alerts=with_alerts, actor=principal.username)
replaces, tables = worker.touches(request)
held = {t: n for t, n in q.table_rows().items() if n and t in tables}
confirmed = True
if held and (replaces or (last and last["source_path"] != source_key)):
    what = ", ".join(f"{t} ({n:,} rows)" for t, n in held.items())
    verb = "empties and reloads" if replaces else "merges new rows into"
    before = f" (last loaded: {last['source']})" if last else ""
    confirmed = st.checkbox(f"I understand: this run {verb} {what}{before}.", key="ops_confirm")
if st.button("Run ETL", type="primary", key="ops_run", disabled=running or not confirmed,
             help="Runs in the background: you may leave this page; anyone who opens it sees the progress."):
    try:
        worker.start(request, URL)
        st.rerun()
    except RuntimeError as error:
        st.error(str(error))

runs = operations.runs()
if runs.empty:
    st.info(f"The warehouse at {masked(URL)} has not been loaded yet: run the ETL above.")
    st.stop()

st.header("Run history")
runs["seconds"] = (runs["ended_at"] - runs["started_at"]).dt.total_seconds()
st.dataframe(runs[["run_id", "status", "source", "started_at", "seconds", "rows_read", "rows_loaded",
                   "rows_unchanged", "rows_rejected", "message"]], hide_index=True, column_config={
    "run_id": "Run", "status": "Status", "source": "Source",
    "started_at": st.column_config.DatetimeColumn("Started", format="YYYY-MM-DD HH:mm"),
    "seconds": st.column_config.NumberColumn("Seconds", format="%.1f", help="The whole refresh, forecasts and "
                                                                            "alerts included"),
    "rows_read": st.column_config.NumberColumn("Read", format="localized"),
    "rows_loaded": st.column_config.NumberColumn("New or changed", format="localized"),
    "rows_unchanged": st.column_config.NumberColumn("Unchanged", format="localized"),
    "rows_rejected": st.column_config.NumberColumn("Rejected", format="localized"), "message": "Message"})

st.header("Tables and freshness")
tables = operations.tables()
now = pd.Timestamp(datetime.now())
tables["age_days"] = (now.normalize() - tables["latest"].dt.normalize()).dt.days
st.dataframe(tables, hide_index=True, height=35 * (len(tables) + 1) + 3, column_config={
    "table": "Table", "rows": st.column_config.NumberColumn("Rows", format="localized"),
    "latest": st.column_config.DatetimeColumn("Newest row", format="YYYY-MM-DD HH:mm"),
    "age_days": st.column_config.NumberColumn("Age (days)", format="localized")})
st.caption("Freshness is the newest event time in each table (order date, ticket opened, ...); tables "
           "without one are blank.")

st.header("One run, table by table")
run_id = int(st.selectbox("Run", runs["run_id"].tolist(), key="ops_rejected_run"))
st.dataframe(operations.run_tables(run_id), hide_index=True, column_config={
    "table_name": "Table", "rows_read": st.column_config.NumberColumn("Read", format="localized"),
    "rows_loaded": st.column_config.NumberColumn("New or changed", format="localized"),
    "rows_unchanged": st.column_config.NumberColumn("Unchanged", format="localized"),
    "rows_rejected": st.column_config.NumberColumn("Rejected", format="localized"),
    "seconds": st.column_config.NumberColumn("Seconds", format="%.2f")})

st.header("Rejected rows")
by_table = operations.rejected_by_table(run_id)
if by_table.empty:
    st.success(f"Run {run_id} rejected no rows.")
    st.stop()
by_rule = operations.rejected_summary(run_id)
st.plotly_chart(rejections_by_rule(by_rule), key="ops_rejections_chart")
st.dataframe(by_rule, hide_index=True, key="ops_rejections_by_rule", column_config={
    "table_name": "Table", "rule": "Reason", "rows": st.column_config.NumberColumn("Rows", format="localized")})
middle, right = st.columns(2)
table = middle.selectbox("Table", [None, *by_table["table_name"]], key="ops_rejected_table",
                         format_func=lambda t: "all tables" if t is None else
                         f"{t} ({count(by_table.set_index('table_name').loc[t, 'rows'])})")
search = right.text_input("Reason or value contains", key="ops_rejected_search")
rows = operations.rejected(run_id, table, search)
st.dataframe(rows, hide_index=True, column_config={"table_name": "Table", "source_ref": "Where",
                                                    "reason": "Reason", "payload": "Original values"})
st.caption(f"Showing up to 2,000 of {count(by_table['rows'].sum())} rejected rows of run {run_id}; the download "
           "holds every row that matches.")
safe.download_csv("Download rejected rows (CSV)", operations.rejected(run_id, table, search, limit=None),
                  f"rejected-run-{run_id}.csv", "download_rejected", principal.username, q.engine())
