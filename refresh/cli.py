"""Command line: ``python -m etl run`` refreshes the warehouse from a source, ``python -m etl status`` tells what it
holds."""

import os
from datetime import datetime
from pathlib import Path

import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from alerts.cli import print_summary as print_alert_summary
from etl import status as warehouse_status
from etl.db import PROJECT_ROOT, database_url, get_engine, masked
from etl.errors import EtlError
from etl.pipeline import RunSummary, held
from etl.reference import reference_markdown
from etl.reference import write as write_reference
from etl.status import INTERRUPTED
from etl.terminal import printable, text
from forecasting.cli import print_summary as print_forecast_summary
from i18n import _, ngettext
from refresh.orchestrator import Request, run_refresh

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Load CRM and ERP data into the warehouse.")
console = Console()
DOCS_SOURCES = PROJECT_ROOT / "docs" / "sources.md"


@app.callback()
def etl() -> None:
    """Load CRM and ERP data into the warehouse; a set COLUMNS (as in scripts and tests) sets the output's width."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        console.width = int(columns)


@app.command()
def run(
    source: str = typer.Option("demo", help="demo (the generated demo company) or a source config PATH.yaml."),
    db: str | None = typer.Option(None, help="Warehouse URL; default: $DATABASE_URL or sqlite:///data/warehouse.db."),
    full_refresh: bool = typer.Option(False, "--full-refresh", help="Empty the canonical tables, then load."),
    seed: int = typer.Option(42, help="Demo: random seed."),
    end_date: str | None = typer.Option(None, help="Demo: last day of history, YYYY-MM-DD (default yesterday)."),
    scale: float = typer.Option(1.0, help="Demo: volume multiplier (12 gives about 1.1 million order lines)."),
    data_dir: Path | None = typer.Option(None, help="Config sources: the folder file paths are relative to."),
    var: list[str] = typer.Option([], help="Config sources: NAME=VALUE for a ${NAME} placeholder; repeatable."),
    if_empty: bool = typer.Option(False, "--if-empty", help="Load only when the warehouse was never loaded."),
    skip_forecast: bool = typer.Option(False, "--skip-forecast", help="Do not refresh the forecasts after loading."),
    skip_alerts: bool = typer.Option(False, "--skip-alerts", help="Do not evaluate the alert rules after loading."),
    allow_empty: bool = typer.Option(False, "--allow-empty", help="Let a full refresh empty a table that holds rows."),
    allow_deletes: bool = typer.Option(False, "--allow-deletes",
                                       help="Let a run delete more than 10% of a table (deletes: detect)."),
    accept_rejects: bool = typer.Option(False, "--accept-rejects",
                                        help="Exit 0 even when rejections cascade or pass the threshold."),
    wait: float = typer.Option(0.0, help="Seconds to wait for another run on the same warehouse before refusing."),
) -> None:
    """Extract, validate and load a source, rebuild the marts, then refresh the forecasts and alerts."""
    request = Request(source, db, data_dir, var, seed, end_date, scale, full_refresh, allow_empty, wait,
                      not skip_forecast, not skip_alerts, allow_deletes=allow_deletes)
    try:
        engine = get_engine(db)
        last_run = warehouse_status.last_successful_run(engine) if if_empty else None
        if last_run is not None:
            console.print(text(f"The warehouse at {masked(database_url(db))} already holds data (run {last_run}): "
                               "nothing loaded. Run without --if-empty to load again."))
            return
        with _progress() as progress:
            task = progress.add_task("extract", total=None)
            outcome = run_refresh(request, lambda label, done, total: progress.update(
                task, description=printable(label), completed=done, total=total))
    except EtlError as error:
        console.print(text(("Error: ", "bold red"), masked(str(error))))
        raise typer.Exit(1) from None
    _print_summary(outcome.load, database_url(db))
    if outcome.forecast is not None:
        print_forecast_summary(outcome.forecast)
    if outcome.alerts is not None:
        print_alert_summary(outcome.alerts)
    for failure in outcome.failures:
        console.print(text(("Error: ", "bold red"), failure))
    if outcome.failures:
        raise typer.Exit(1)
    if outcome.load.warning and not accept_rejects:
        console.print(text((warning_exit(outcome.load), "yellow")))
        raise typer.Exit(2)


def warning_exit(load: RunSummary) -> str:
    """The last line of a warning run: what exit 2 means for the rows it wrote (README, 'Exit codes')."""
    loaded = ngettext("its {count} new or changed row is in the warehouse",
                      "its {count} new or changed rows are in the warehouse", load.rows_loaded).format(
        count=f"{load.rows_loaded:,}")
    rejected = ngettext("its {count} rejected row is kept in rejected_rows",
                        "its {count} rejected rows are kept in rejected_rows", load.rows_rejected).format(
        count=f"{load.rows_rejected:,}")
    return _("Exit 2: a warning, not a failure. Run {run} is committed like a successful one: {loaded}, its marts "
             "are rebuilt, and {rejected}. Fix the source and run again (only what changed loads), or pass "
             "--accept-rejects to end such a run with exit 0.").format(run=load.run_id, loaded=loaded,
                                                                       rejected=rejected)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description:<28}", markup=False), BarColumn(),
                    TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=console, transient=True)


def _print_summary(summary: RunSummary, url: str) -> None:
    table = Table(title=text(f"ETL run {summary.run_id}: {summary.source}"), title_justify="left")
    for name in ["table", "read", "new or changed", "unchanged", "rejected", "seconds"]:
        table.add_column(name, justify="left" if name == "table" else "right")
    for s in summary.tables:
        rejected = f"[yellow]{s.rejected:,}[/]" if s.rejected else "0"
        table.add_row(text(s.table), f"{s.read:,}", f"{s.loaded:,}", f"{s.unchanged:,}", rejected, f"{s.seconds:.2f}")
    totals = [summary.rows_read, summary.rows_loaded, summary.rows_unchanged, summary.rows_rejected]
    table.add_row("[bold]total", *(f"[bold]{n:,}" for n in totals), f"[bold]{summary.seconds:.2f}")
    console.print(table)
    console.print(text(f"Loaded: {held(summary)}."))
    marts = ", ".join(f"{name} {rows:,}" for name, rows in summary.marts.items())
    console.print(text(f"Marts rebuilt: {marts}"))
    console.print(text(f"Warehouse: {masked(url)}"))
    if summary.rows_rejected:
        rejected = ngettext("{count} row was rejected:", "{count} rows were rejected:", summary.rows_rejected)
        console.print(f"[yellow]{rejected.format(count=f'{summary.rows_rejected:,}')}[/] see `python -m etl status` "
                      "and the rejected_rows table for the reasons.")
    if summary.warning:
        console.print(text(("Warning: ", "bold yellow"), summary.warning))


@app.command()
def status(db: str | None = typer.Option(None, help="Warehouse URL (as for run).")) -> None:
    """Show the last runs, row counts, rejected rows and freshness per table."""
    try:
        engine = get_engine(db)
        runs = warehouse_status.recent_runs(engine)
        tables = warehouse_status.table_overview(engine)
    except EtlError as error:
        console.print(text(("Error: ", "bold red"), error))
        raise typer.Exit(1) from None
    except Exception as error:  # an empty or unreachable warehouse
        console.print(text(("Error: ", "bold red"), f"cannot read the warehouse at {masked(database_url(db))} "
                           f"({type(error).__name__}): run `python -m etl run` first or check --db."))
        raise typer.Exit(1) from None
    console.print(_runs_table(runs))
    console.print(_tables_table(tables))


def _compact(title: str) -> Table:
    """A table that fits 80 columns: no vertical rules, one space between columns (the box's blank separator)."""
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=0, pad_edge=False)


def _runs_table(runs) -> Table:
    """The last runs in 80 columns: the day over the time, the run's seconds under its status, and the source (with
    the message of a run that did not succeed) in the remaining width, wrapped."""
    table = _compact("Last runs")
    for name in ["run", "started", "status", "read", "loaded", "rejected"]:
        table.add_column(name, justify="right" if name in {"run", "read", "loaded", "rejected"} else "left",
                         no_wrap=True)
    table.add_column("source", overflow="fold", ratio=1)
    for r in runs.itertuples():
        colour = {"success": "green", "failed": "red", "aborted": "red", INTERRUPTED: "red"}.get(r.status, "yellow")
        source = text(r.source) if r.status == "success" else text(r.source, "\n", (masked(r.message or ""), colour))
        took = "" if r.seconds is None else f"\n{r.seconds:.1f} s"
        table.add_row(str(r.run_id), f"{r.started_at:%Y-%m-%d}\n{r.started_at:%H:%M}", text((r.status, colour), took),
                      f"{r.rows_read or 0:,}", f"{r.rows_loaded or 0:,}", f"{r.rows_rejected or 0:,}", source)
    return table


def _tables_table(tables) -> Table:
    """Rows, rejected rows and freshness per table in 80 columns (the longest table name is 24 characters)."""
    table = _compact("Tables")
    for name in ["table", "rows", "rejected\nlast run", "rejected\nall runs", "latest row", "age\n(days)"]:
        table.add_column(name, justify="left" if name in {"table", "latest row"} else "right", no_wrap=True)
    now = datetime.now()
    for t in tables.itertuples():
        latest = "" if pd.isna(t.latest) else f"{t.latest:%Y-%m-%d %H:%M}"
        age = "" if not latest else f"{(now - t.latest).days:,}"
        table.add_row(text(t.table), f"{t.rows:,}", f"{t.rejected_last_run:,}", f"{t.rejected_all_runs:,}", latest,
                      age)
    return table


@app.command()
def reference(write: bool = typer.Option(False, "--write", help="Rewrite the reference section of docs/sources.md.")
              ) -> None:
    """Print the warehouse reference (every table and column) generated from etl/schema.py, or write it."""
    if write:
        changed = write_reference(DOCS_SOURCES)
        console.print(text(f"{DOCS_SOURCES}: {'reference updated' if changed else 'already up to date'}."))
        return
    print(reference_markdown())


def main() -> None:
    """Entry point of ``python -m etl``."""
    app()

