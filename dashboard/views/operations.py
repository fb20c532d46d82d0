"""Data operations: ETL runs, rows and freshness per table, rejected rows, and a button to run the ETL."""

from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import queries as q
from dashboard.formatting import count
from dashboard.queries import operations
from etl.db import PROJECT_ROOT, database_url
from etl.errors import EtlError
from etl.pipeline import run_pipeline, stored_cursors
from etl.sources.configured import ConfigSource
from etl.sources.demo import DemoSource
from forecasting.runner import run_forecasts
from forecasting.settings import load_settings

DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"
CONFIGS = sorted((PROJECT_ROOT / "etl" / "sources").glob("*.yaml"))

st.title("Data operations")

st.header("Run the ETL")
labels = {"demo": "Demo company"} | {str(p): f"Source config: {p.name}" for p in CONFIGS}
left, right = st.columns([3, 2])
source_key = left.selectbox("Source", list(labels), format_func=labels.get, key="ops_source")
default_dir = DATASETS / Path(source_key).stem if source_key != "demo" else None
data_dir = right.text_input("Data folder", value=str(default_dir) if default_dir and default_dir.is_dir() else "",
                            disabled=source_key == "demo", key=f"ops_data_dir:{source_key}",
                            help="The folder the config's file paths are relative to.")
full_refresh = left.checkbox("Full refresh (empty the tables first)", key="ops_full_refresh")
with_forecast = right.checkbox("Refresh forecasts afterwards", value=True, key="ops_forecast")
if st.button("Run ETL", type="primary", key="ops_run"):
    bar = st.progress(0.0, text="extract")
    try:
        engine = q.engine()
        if source_key == "demo":
            source = DemoSource()
        else:
            source = ConfigSource(Path(source_key), Path(data_dir) if data_dir else None)
            if not full_refresh and not source.replace:
                source.previous_cursors = stored_cursors(engine, source.name)
        summary = run_pipeline(source, engine, full_refresh,
                               lambda label, done, total: bar.progress(done / total, text=label))
        if with_forecast:
            bar.progress(1.0, text="forecasts")
            run_forecasts(engine, load_settings())
        st.cache_data.clear()  # every page reads the new data at once
        st.success(f"Run {summary.run_id}: {summary.rows_loaded:,} rows loaded, {summary.rows_rejected:,} "
                   f"rejected, in {summary.seconds:.1f} s.")
    except EtlError as error:
        st.error(str(error))
    bar.empty()

runs = operations.runs()
if runs.empty:
    st.info(f"The warehouse at {database_url()} has not been loaded yet: run the ETL above.")
    st.stop()

st.header("Run history")
runs["seconds"] = (runs["finished_at"] - runs["started_at"]).dt.total_seconds()
st.dataframe(runs[["run_id", "status", "source", "started_at", "seconds", "rows_read", "rows_loaded",
                   "rows_rejected", "message"]], hide_index=True, column_config={
    "run_id": "Run", "status": "Status", "source": "Source",
    "started_at": st.column_config.DatetimeColumn("Started", format="YYYY-MM-DD HH:mm"),
    "seconds": st.column_config.NumberColumn("Seconds", format="%.1f"),
    "rows_read": st.column_config.NumberColumn("Read", format="localized"),
    "rows_loaded": st.column_config.NumberColumn("Loaded", format="localized"),
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
run_ids = runs["run_id"].tolist()
run_id = st.selectbox("Run", run_ids, key="ops_rejected_run")
st.dataframe(operations.run_tables(run_id), hide_index=True, column_config={
    "table_name": "Table", "rows_read": st.column_config.NumberColumn("Read", format="localized"),
    "rows_loaded": st.column_config.NumberColumn("Loaded", format="localized"),
    "rows_rejected": st.column_config.NumberColumn("Rejected", format="localized"),
    "seconds": st.column_config.NumberColumn("Seconds", format="%.2f")})

st.header("Rejected rows")
middle, right = st.columns(2)
summary = operations.rejected_summary(run_id)
if summary.empty:
    st.success(f"Run {run_id} rejected no rows.")
    st.stop()
table = middle.selectbox("Table", [None, *summary["table_name"]], key="ops_rejected_table",
                         format_func=lambda t: "all tables" if t is None else
                         f"{t} ({count(summary.set_index('table_name').loc[t, 'rows'])})")
search = right.text_input("Reason or value contains", key="ops_rejected_search")
rows = operations.rejected(run_id, table, search)
st.dataframe(rows, hide_index=True, column_config={"table_name": "Table", "source_ref": "Where",
                                                    "reason": "Reason", "payload": "Original values"})
st.caption(f"Showing up to 2,000 of {count(summary['rows'].sum())} rejected rows of run {run_id}; the download "
           "holds every row that matches.")
st.download_button("Download rejected rows (CSV)",
                   operations.rejected(run_id, table, search, limit=None).to_csv(index=False).encode(),
                   file_name=f"rejected-run-{run_id}.csv", mime="text/csv")
