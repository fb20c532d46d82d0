"""``python -m alerts evaluate``: evaluate the alert rules on the warehouse and notify."""

import os
from pathlib import Path

import typer
from rich.console import Console

from alerts.config import RULES_FILE, load_config
from alerts.engine import Evaluation, evaluate
from etl.db import get_engine
from etl.errors import EtlError
from etl.pipeline import counted
from etl.terminal import text
from i18n import ngettext

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Cross-department alerts.")
console = Console()


@app.callback()
def alerts() -> None:
    """Cross-department alerts: rules, impacts, lifecycle and notifications."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():  # as in scripts and tests: the output's width
        console.width = int(columns)


def print_summary(result: Evaluation) -> None:
    """One line: what the evaluation opened, updated and resolved."""
    if result.as_of is None:
        console.print(text(f"Alerts: {no_rule_applies(result.held)}"))
        return
    sent = "; " + ngettext("{count} notification sent, {failed} failed", "{count} notifications sent, {failed} failed",
                           result.notified).format(count=result.notified, failed=result.failed)
    console.print(text(f"Alerts as of {result.as_of}: {len(result.opened)} opened, {result.updated} updated, "
                       f"{result.resolved} resolved" + (sent if result.notified or result.failed else "") + "."))


def no_rule_applies(held: dict[str, int]) -> str:
    """Why nothing was evaluated: the warehouse is empty, or holds only data no rule reads (deals, ...)."""
    rows = ", ".join(counted(table, n) for table, n in held.items() if n)
    if not rows:
        return "the warehouse holds no data yet; nothing evaluated."
    return (f"no rule applies to what the warehouse holds ({rows}): the rules read orders, stock, purchase orders "
            "and tickets; nothing evaluated.")


@app.command("evaluate")
def evaluate_command(
    db: str | None = typer.Option(None, help="Warehouse URL; default: $DATABASE_URL or sqlite:///data/warehouse.db."),
    rules: Path = typer.Option(RULES_FILE, help="The rules file."),
) -> None:
    """Evaluate every rule, open, update and resolve alerts, and send notifications."""
    try:
        print_summary(evaluate(get_engine(db), load_config(rules)))
    except EtlError as error:
        console.print(text(("Error: ", "bold red"), error))
        raise typer.Exit(1) from None


def main() -> None:
    """Entry point of ``python -m alerts``."""
    app()
