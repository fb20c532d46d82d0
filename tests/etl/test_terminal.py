"""Text never drives a terminal or a markup engine: a column named [/red] and values holding escape sequences
print literally in `etl run`, `etl status`, the forecast progress bar and `access audit`, control characters
escaped, and nothing crashes (each crashed with Rich's MarkupError, or reached the terminal raw, before)."""

import io

import pytest
from rich.console import Console
from typer.testing import CliRunner

import access.cli
import forecasting.cli
from access import users
from etl.db import get_engine
from etl.terminal import printable, text
from refresh.cli import app as etl_app

ESCAPES = "\x1b]0;PWNED\x07\x1b[2J"  # retitles the terminal, then clears it
SHOWN = "\\x1b]0;PWNED\\x07\\x1b[2J"
CONFIG = """name: markup
inputs: {c: {files: {path: customers.csv}}}
tables:
  departments: {rows: [{department_id: D, name: Sales, kind: sales}]}
  customers:
    input: c
    columns: {customer_id: id, name: NAME, latitude: "[/red]", department_id: {value: D}}
"""


def test_control_characters_are_escaped_and_markup_stays_text():
    assert printable(f"a{ESCAPES}b\r\nc\td\x9bq\x7f") == f"a{SHOWN}b\nc\td\\x9bq\\x7f"
    line = text(("Error: ", "bold red"), "[/red] [bold]x[/bold] :smile:", ESCAPES)
    assert line.plain == f"Error: [/red] [bold]x[/bold] :smile:{SHOWN}"
    assert [(span.start, span.end, span.style) for span in line.spans] == [(0, 7, "bold red")]


@pytest.fixture
def hostile_export(tmp_path):
    """A CSV whose second column is named [/red] and holds escape sequences where numbers belong."""
    (tmp_path / "customers.csv").write_text(f"id,[/red],note\nC1,{ESCAPES}[/red]x,a\nC2,\x1b[31mred,b\n")
    return tmp_path


def invoke(app, *args):
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "1000"})  # wide: no line is wrapped
    assert "\x1b" not in result.output and "\x07" not in result.output and "Traceback" not in result.output
    return result


def test_etl_run_and_status_print_hostile_names_and_values_literally(hostile_export, sqlite_url):
    (hostile_export / "bad.yaml").write_text(CONFIG.replace("NAME", "nosuch"))
    failed = invoke(etl_app, "run", "--db", sqlite_url, "--source", str(hostile_export / "bad.yaml"),
                    "--skip-forecast", "--skip-alerts")
    assert failed.exit_code == 1, failed.output
    assert "names the column 'nosuch', which the input does not have (it has: id, [/red], note)" in failed.output

    (hostile_export / "ok.yaml").write_text(CONFIG.replace("NAME", "note"))
    loaded = invoke(etl_app, "run", "--db", sqlite_url, "--source", str(hostile_export / "ok.yaml"),
                    "--skip-forecast", "--skip-alerts", "--accept-rejects")
    assert loaded.exit_code == 0, loaded.output
    assert (f"Warning: 2 customers rows rejected (2 for: latitude: cannot read '{SHOWN}[/red]x' as a number, first "
            "at customers.csv:2)" in loaded.output)

    status = invoke(etl_app, "status", "--db", sqlite_url)
    assert status.exit_code == 0, status.output
    assert "(it has: id, [/red], note): fix the column name." in status.output  # run 1's message
    assert f"latitude: cannot read '{SHOWN}[/red]x' as a number" in status.output  # run 2's warning


def test_a_forecast_series_named_in_markup_shows_in_the_progress_bar(monkeypatch):
    screen = io.StringIO()
    monkeypatch.setattr(forecasting.cli, "console", Console(file=screen, force_terminal=True, width=120))

    def forecast(engine, settings, workers, progress, backend, scheduler):
        progress(f"category:[/red]{ESCAPES}", 1, 1)
        return "forecast done"

    monkeypatch.setattr(forecasting.cli, "run_forecasts", forecast)
    assert forecasting.cli.forecast_with_progress(None, None) == "forecast done"
    assert f"category:[/red]{SHOWN}" in screen.getvalue() and ESCAPES not in screen.getvalue()


def test_access_audit_shows_a_typed_username_escaped(sqlite_url, monkeypatch):
    monkeypatch.setattr(access.cli, "console", Console(highlight=False, width=400))  # wide, whatever it was made with
    engine = get_engine(sqlite_url)
    users.add_user(engine, "admin", "admin", (), "a long enough secret", "cli:root")
    with pytest.raises(users.AccessError):
        users.authenticate(engine, f"[/red]{ESCAPES}", "whatever it is")  # typed at the sign-in form
    trail = invoke(access.cli.app, "audit", "--db", sqlite_url)
    assert trail.exit_code == 0, trail.output
    row = next(line for line in trail.output.splitlines() if "sign_in_failed" in line)
    assert f"[/red]{SHOWN}" in row and "unknown username" in row
