"""``python -m forecasting run``: forecast daily net revenue from the warehouse's sales mart."""

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from etl.db import get_engine
from etl.errors import EtlError
from etl.terminal import printable, text
from forecasting.backends import BACKENDS
from forecasting.runner import ForecastSummary, run_forecasts
from forecasting.settings import LEVELS, Settings, load_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Sales forecasts with Prophet, backtested.")
console = Console()


def parse_levels(by: str | None) -> tuple[str, ...] | None:
    """'total,department' -> ('total', 'department'); raises EtlError naming an unknown level."""
    if by is None:
        return None
    levels = tuple(part.strip() for part in by.split(",") if part.strip())
    unknown = [lv for lv in levels if lv not in LEVELS]
    if unknown or not levels:
        raise EtlError(f"--by {by!r} names unknown level(s) {', '.join(unknown) or '(none)'}: "
                       f"choose from {','.join(LEVELS)}.")
    return levels


def forecast_with_progress(engine, settings: Settings, workers: int | None = None, backend: str = "local",
                           scheduler: str | None = None) -> ForecastSummary:
    """Run the forecasts with a progress bar on the console."""
    with Progress(TextColumn("forecast {task.description:<32}", markup=False), BarColumn(),
                  TextColumn("{task.completed}/{task.total} series"), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("", total=None)
        return run_forecasts(engine, settings, workers, lambda label, done, total: progress.update(
            task, description=printable(label), completed=done, total=total), backend, scheduler)


def print_summary(summary: ForecastSummary) -> None:
    """One line per fact a planner needs: how many series, which models, how far the parts were off."""
    models = ", ".join(f"{name} {count}" for name, count in sorted(summary.models.items()))
    resumed = f", {summary.resumed} kept from the interrupted run it resumed" if summary.resumed else ""
    console.print(text(f"Forecast run {summary.run_id}: {summary.series} series ({models}"
                       f"{f', {summary.skipped} skipped' if summary.skipped else ''}{resumed})."))
    for level, gap in summary.gaps.items():
        console.print(text(f"  {level}: parts were {gap:.1%} off the total before reconciliation (now equal)."))


@app.callback()
def forecasting() -> None:
    """Sales forecasts with Prophet, backtested against simple baselines."""


@app.command()
def run(
    db: str | None = typer.Option(None, help="Warehouse URL; default: $DATABASE_URL or sqlite:///data/warehouse.db."),
    horizon: int | None = typer.Option(None, help="Days to forecast (default from forecasting/settings.yaml)."),
    by: str | None = typer.Option(None, help="Levels, comma-separated: total,department,category,region,product."),
    workers: int | None = typer.Option(None, help="Processes or LocalCluster workers (default: one per core)."),
    backend: str = typer.Option("local", help="local (processes on this machine) or dask (a Dask cluster)."),
    scheduler: str | None = typer.Option(None, help="Dask scheduler, tcp://HOST:8786; default: a LocalCluster."),
) -> None:
    """Fit, backtest and store forecasts for every series."""
    try:
        if horizon is not None and horizon < 1:
            raise EtlError(f"--horizon {horizon} must be at least 1 day.")
        if backend not in BACKENDS:
            raise EtlError(f"--backend {backend!r} is not known: choose local or dask.")
        if scheduler and backend != "dask":
            raise EtlError("--scheduler needs --backend dask.")
        settings = load_settings().with_overrides(horizon_days=horizon, levels=parse_levels(by))
        summary = forecast_with_progress(get_engine(db), settings, workers, backend, scheduler)
    except EtlError as error:
        console.print(text(("Error: ", "bold red"), error))
        raise typer.Exit(1) from None
    print_summary(summary)


def main() -> None:
    """Entry point of ``python -m forecasting``."""
    app()
