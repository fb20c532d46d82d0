"""One whole refresh: load (with marts) -> forecasts -> alerts, holding the warehouse's writer lock throughout.

The command line (``python -m etl run``) and the app's background worker both run this, so a refresh started
from either does the same steps, reports the same progress and leaves the same bookkeeping.
"""

import contextlib
import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from access import audit
from alerts.config import load_config as load_alert_config
from alerts.engine import Evaluation
from alerts.engine import evaluate as evaluate_alerts
from etl.db import database_url, ensure_schema, get_engine, masked
from etl.errors import EtlError
from etl.lock import WarehouseBusyError, warehouse_lock
from etl.pipeline import RunSummary, run_pipeline, running_note, stored_cursors
from etl.runs import mark_refreshed
from etl.sources.configured import ConfigSource
from etl.sources.demo import DemoSource
from forecasting.runner import ForecastSummary, run_forecasts
from forecasting.settings import load_settings
from i18n import ngettext
from refresh.progress import ProgressFile

Progress = Callable[[str, int, int], None]


@dataclass
class Request:
    """What to refresh: the source and its options, the warehouse, and which steps follow the load."""

    source: str = "demo"  # "demo" or the path of a source config
    db: str | None = None
    data_dir: Path | None = None
    variables: list[str] = field(default_factory=list)
    seed: int = 42
    end_date: str | None = None
    scale: float = 1.0
    full_refresh: bool = False
    allow_empty: bool = False
    wait: float = 0.0
    forecast: bool = True
    alerts: bool = True
    actor: str = field(default_factory=lambda: f"cli:{getpass.getuser()}")  # who asked, for the audit trail
    allow_deletes: bool = False  # a run may delete more than 10% of a table (rows the source no longer gives)


@dataclass
class Outcome:
    """What a refresh did: the load, then the forecasts and alerts (None when skipped), and any step that failed."""

    load: RunSummary
    forecast: ForecastSummary | None = None
    alerts: Evaluation | None = None
    failures: list[str] = field(default_factory=list)
    failed_steps: list[dict[str, str]] = field(default_factory=list)  # {"step": "forecasts", "error": "..."}


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


def open_source(request: Request):
    """The source a request names: the demo, or a source config file."""
    if request.source == "demo":
        if request.scale <= 0:
            raise EtlError(f"--scale {request.scale:g} must be positive: 1 is the default size, 12 about a million "
                           "lines.")
        return DemoSource(request.seed, _parse_date(request.end_date), request.scale)
    if request.source.endswith((".yaml", ".yml")):
        if request.data_dir is not None and not Path(request.data_dir).is_dir():
            raise EtlError(f"--data-dir {request.data_dir} is not a folder: point it at the folder holding the files.")
        return ConfigSource(Path(request.source), request.data_dir, _parse_vars(request.variables))
    raise EtlError(f"Unknown source '{request.source}': use --source demo or the path of a source config (.yaml).")


def run_refresh(request: Request, progress: Progress | None = None) -> Outcome:
    """Load, then refresh forecasts and alerts, under one writer lock; progress also goes to the progress file."""
    engine, url = get_engine(request.db), database_url(request.db)
    file = ProgressFile(url, request.source)

    def report(step: str, done: int, total: int) -> None:
        file.update(step, done, total)
        if progress:
            progress(step, done, total)

    try:
        source = open_source(request)
        file.state["source"] = source.name
        ensure_schema(engine)
        with warehouse_lock(engine, request.wait, running_note(engine)):
            report("starting", 0, 1)
            outcome = _steps(request, source, engine, report)
    except WarehouseBusyError:  # the progress file belongs to the run that holds the lock
        raise
    except EtlError as error:
        file.finish("failed", str(error))
        with contextlib.suppress(SQLAlchemyError):  # a warehouse that cannot be reached cannot keep the record
            audit.record(engine, request.actor, "etl_run", file.state.get("source", request.source), "failed",
                         masked(str(error))[:500])
        raise
    file.finish("finished", outcome_line(outcome), **outcome_fields(outcome))
    audit.record(engine, request.actor, "etl_run", source.name, outcome.load.status, outcome_line(outcome)[:500])
    return outcome


def _steps(request: Request, source, engine, report: Progress) -> Outcome:
    if isinstance(source, ConfigSource) and not request.full_refresh and not source.replace:
        source.previous_cursors = stored_cursors(engine, source.name)
    path = request.source if request.source == "demo" else str(Path(request.source).resolve())
    origin = (path, str(Path(request.data_dir).resolve()) if request.data_dir else None)  # as the app lists them
    outcome = Outcome(run_pipeline(source, engine, request.full_refresh,
                                   lambda step, done, total: report(f"load: {step}", done, total),
                                   allow_empty=request.allow_empty, origin=origin,
                                   allow_deletes=request.allow_deletes))
    if request.forecast:
        outcome.forecast = _after_load(outcome, "forecasts", "python -m forecasting run", lambda: run_forecasts(
            engine, load_settings(), progress=lambda step, done, total: report(f"forecasts: {step}", done, total)))
    if request.alerts:
        report("alerts: evaluating the rules", 0, 1)
        outcome.alerts = _after_load(outcome, "alert evaluation", "python -m alerts evaluate",
                                     lambda: evaluate_alerts(engine, load_alert_config()))
    mark_refreshed(engine, outcome.load.run_id)
    return outcome


def _after_load(outcome: Outcome, what: str, command: str, step):
    """A step that follows a committed load (``what``: forecasts or alert evaluation): its failure leaves the load
    in place and says how to retry."""
    try:
        return step()
    except Exception as error:
        reason = f"{type(error).__name__}: {masked(str(error))}"
        outcome.failures.append(f"the {what} failed ({reason}); the load itself succeeded: fix the cause and run "
                                f"`{command}`.")
        outcome.failed_steps.append({"step": what, "error": reason})
        return None


def outcome_fields(outcome: Outcome) -> dict:
    """What the refresh did as numbers, for the progress file (the app words them in the reader's language)."""
    load = outcome.load
    return {"run_id": load.run_id, "status": load.status, "loaded": load.rows_loaded,
            "unchanged": load.rows_unchanged, "rejected": load.rows_rejected,
            "series": outcome.forecast.series if outcome.forecast is not None else None,
            "opened": len(outcome.alerts.opened) if outcome.alerts is not None else None,
            "resolved": outcome.alerts.resolved if outcome.alerts is not None else None,
            "failed_steps": outcome.failed_steps}


def outcome_line(outcome: Outcome) -> str:
    """One line for people: the run, what it loaded, and how the steps after it went."""
    load = outcome.load
    parts = [ngettext("Run {run} ({status}): {count} row new or changed, {unchanged} unchanged, {rejected} rejected",
                      "Run {run} ({status}): {count} rows new or changed, {unchanged} unchanged, {rejected} rejected",
                      load.rows_loaded).format(run=load.run_id, status=load.status, count=f"{load.rows_loaded:,}",
                                               unchanged=f"{load.rows_unchanged:,}",
                                               rejected=f"{load.rows_rejected:,}")]
    if outcome.forecast is not None:
        parts.append(f"{outcome.forecast.series} forecast series")
    if outcome.alerts is not None:
        parts.append(f"alerts: {len(outcome.alerts.opened)} opened, {outcome.alerts.resolved} resolved")
    return "; ".join(parts + outcome.failures) + "."
