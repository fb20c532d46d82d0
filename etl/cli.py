"""Command line: ``python -m etl run`` loads a source, ``python -m etl status`` tells what the warehouse holds."""

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import make_url

from alerts.cli import print_summary as print_alert_summary
from alerts.config import load_config as load_alert_config
from alerts.engine import evaluate as evaluate_alerts
from etl import status as warehouse_status
from etl.db import database_url, get_engine
from etl.errors import EtlError
from etl.pipeline import RunSummary, run_pipeline, stored_cursors
from etl.sources.configured import ConfigSource
from etl.sources.demo import DemoSource
from forecasting.cli import forecast_with_progress
from forecasting.cli import print_summary as print_forecast_summary
from forecasting.settings import load_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Load CRM and ERP data into the warehouse.")
console = Console()


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EtlError(f"--end-date '{value}' is not a date: write it as YYYY-MM-DD.") from None


def _parse_vars(pairs: list[str]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise EtlError(f"--var '{pair}' is not NAME=VALUE: write it as --var data_dir=/path/to/exports.")
        found[name.strip()] = value
    return found


def open_source(source: str, seed: int, end_date: str | None, scale: float, data_dir: Path | None = None,
                variables: list[str] | None = None, cursors: dict[str, str] | None = None):
    """The source named on the command line: the demo, or a source config file."""
    if source == "demo":
        if scale <= 0:
            raise EtlError(f"--scale {scale:g} must be positive: 1 is the default size, 12 about a million lines.")
        return DemoSource(seed, _parse_date(end_date), scale)
    if source.endswith((".yaml", ".yml")):
        if data_dir is not None and not data_dir.is_dir():
            raise EtlError(f"--data-dir {data_dir} is not a folder: point it at the folder holding the files.")
        return ConfigSource(Path(source), data_dir, _parse_vars(variables or []), cursors)
    raise EtlError(f"Unknown source '{source}': use --source demo or the path of a source config (.yaml).")


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
) -> None:
    """Extract, validate and load a source, rebuild the marts, then refresh the forecasts and alerts."""
    try:
        engine = get_engine(db)
        chosen = open_source(source, seed, end_date, scale, data_dir, var)
        if isinstance(chosen, ConfigSource) and not full_refresh and not chosen.replace:
            chosen.previous_cursors = stored_cursors(engine, chosen.name)
        last_run = warehouse_status.last_successful_run(engine) if if_empty else None
        if last_run is not None:
            console.print(f"The warehouse at {_safe_url(database_url(db))} already holds data (run {last_run}): "
                          "nothing loaded. Run without --if-empty to load again.")
            return
        with _progress() as progress:
            task = progress.add_task("extract", total=None)
            summary = run_pipeline(chosen, engine, full_refresh,
                                   lambda label, done, total: progress.update(task, description=label,
                                                                              completed=done, total=total))
    except EtlError as error:
        console.print(f"[bold red]Error:[/] {error}", highlight=False)
        raise typer.Exit(1) from None
    _print_summary(summary, database_url(db))
    if not skip_forecast:
        _after_load("forecasts", "python -m forecasting run",
                    lambda: print_forecast_summary(forecast_with_progress(engine, load_settings())))
    if not skip_alerts:
        _after_load("alert evaluation", "python -m alerts evaluate",
                    lambda: print_alert_summary(evaluate_alerts(engine, load_alert_config())))


def _after_load(what: str, command: str, step) -> None:
    """Run a step that follows a successful load; its failure leaves the load in place and says how to retry."""
    try:
        step()
    except Exception as error:
        console.print(f"[bold red]Error:[/] the {what} failed ({type(error).__name__}: {error}); the load itself "
                      f"succeeded: fix the cause and run `{command}`.", highlight=False)
        raise typer.Exit(1) from None


def _progress() -> Progress:
    return Progress(TextColumn("{task.description:<28}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), console=console, transient=True)


def _print_summary(summary: RunSummary, url: str) -> None:
    table = Table(title=f"ETL run {summary.run_id}: {summary.source}", title_justify="left")
    for name, justify in [("table", "left"), ("read", "right"), ("loaded", "right"), ("rejected", "right"),
                          ("seconds", "right")]:
        table.add_column(name, justify=justify)
    for s in summary.tables:
        rejected = f"[yellow]{s.rejected:,}[/]" if s.rejected else "0"
        table.add_row(s.table, f"{s.read:,}", f"{s.loaded:,}", rejected, f"{s.seconds:.2f}")
    table.add_row("[bold]total", f"[bold]{summary.rows_read:,}", f"[bold]{summary.rows_loaded:,}",
                  f"[bold]{summary.rows_rejected:,}", f"[bold]{summary.seconds:.2f}")
    console.print(table)
    marts = ", ".join(f"{name} {rows:,}" for name, rows in summary.marts.items())
    console.print(f"Marts rebuilt: {marts}")
    console.print(f"Warehouse: {_safe_url(url)}")
    if summary.rows_rejected:
        console.print(f"[yellow]{summary.rows_rejected:,} rows were rejected:[/] see `python -m etl status` "
                      "and the rejected_rows table for the reasons.")


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@app.command()
def status(db: str | None = typer.Option(None, help="Warehouse URL (as for run).")) -> None:
    """Show the last runs, row counts, rejected rows and freshness per table."""
    try:
        engine = get_engine(db)
        runs = warehouse_status.recent_runs(engine)
        tables = warehouse_status.table_overview(engine)
    except EtlError as error:
        console.print(f"[bold red]Error:[/] {error}", highlight=False)
        raise typer.Exit(1) from None
    except Exception as error:  # an empty or unreachable warehouse
        console.print(f"[bold red]Error:[/] cannot read the warehouse at {_safe_url(database_url(db))} "
                      f"({type(error).__name__}): run `python -m etl run` first or check --db.", highlight=False)
        raise typer.Exit(1) from None
    console.print(_runs_table(runs))
    console.print(_tables_table(tables))


def _runs_table(runs) -> Table:
    table = Table(title="Last runs", title_justify="left")
    for name in ["run", "started", "seconds", "status", "read", "loaded", "rejected", "source"]:
        numeric = name in {"run", "seconds", "read", "loaded", "rejected"}
        table.add_column(name, justify="right" if numeric else "left", no_wrap=name != "source")
    for r in runs.itertuples():
        seconds = (r.finished_at - r.started_at).total_seconds() if r.finished_at is not None else None
        colour = {"success": "green", "failed": "red"}.get(r.status, "yellow")
        source = r.source if r.status != "failed" else f"{r.source}\n[red]{r.message}[/]"
        table.add_row(str(r.run_id), f"{r.started_at:%Y-%m-%d %H:%M}", f"{seconds:.1f}" if seconds else "",
                      f"[{colour}]{r.status}[/]", f"{r.rows_read or 0:,}", f"{r.rows_loaded or 0:,}",
                      f"{r.rows_rejected or 0:,}", source)
    return table


def _tables_table(tables) -> Table:
    table = Table(title="Tables", title_justify="left")
    for name in ["table", "rows", "rejected (last run)", "rejected (all runs)", "latest row", "age (days)"]:
        table.add_column(name, justify="left" if name in {"table", "latest row"} else "right")
    now = datetime.now()
    for t in tables.itertuples():
        latest = "" if pd.isna(t.latest) else f"{t.latest:%Y-%m-%d %H:%M}"
        age = "" if not latest else f"{(now - t.latest).days:,}"
        table.add_row(t.table, f"{t.rows:,}", f"{t.rejected_last_run:,}", f"{t.rejected_all_runs:,}", latest, age)
    return table


def main() -> None:
    """Entry point of ``python -m etl``."""
    app()

