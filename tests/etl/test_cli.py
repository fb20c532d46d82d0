"""The command line: the contract of DESIGN.md, and one clear sentence with a non-zero exit for bad input."""

import pytest
from typer.testing import CliRunner

from refresh.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_run_loads_the_demo_and_prints_a_summary(sqlite_url):
    result = invoke("run", "--db", sqlite_url, "--seed", "5", "--end-date", "2025-03-31", "--scale", "0.1",
                    "--skip-forecast")
    assert result.exit_code == 0, result.output
    assert "ETL run 1: demo(seed=5, end_date=2025-03-31, scale=0.1)" in result.output
    assert "order_lines" in result.output and "Marts rebuilt: mart_order_fulfilment" in result.output
    again = invoke("run", "--db", sqlite_url, "--if-empty")
    assert again.exit_code == 0 and "already holds data (run 1): nothing loaded" in again.output
    status = invoke("status", "--db", sqlite_url)
    assert status.exit_code == 0 and "success" in status.output and "mart_daily_sales" in status.output


def test_database_url_comes_from_the_environment(sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    result = invoke("run", "--end-date", "2025-03-31", "--scale", "0.05", "--skip-forecast")
    assert result.exit_code == 0, result.output
    assert sqlite_url.replace("sqlite:///", "") in result.output.replace("\n", "")


@pytest.mark.parametrize(("args", "message"), [
    (["--end-date", "2025-02-30"], "--end-date '2025-02-30' is not a date: write it as YYYY-MM-DD."),
    (["--scale", "0"], "--scale 0 must be positive: 1 is the default size, 12 about a million lines."),
    (["--source", "crm.xlsx"], "Unknown source 'crm.xlsx': use --source demo or the path of a source config"),
    (["--source", "missing.yaml"], "The source config missing.yaml does not exist: check the path given to --source."),
    (["--source", "etl/sources/olist.yaml", "--var", "novalue"], "--var 'novalue' is not NAME=VALUE"),
    (["--db", "not a url"], "The database URL 'not a url' is not valid: use a SQLAlchemy URL such as"),
])
def test_bad_command_lines_fail_with_one_sentence(args, message, sqlite_url):
    full = ["run", *args] if "--db" in args else ["run", "--db", sqlite_url, *args]
    result = invoke(*full)
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert result.output.count("Error:") == 1 and "Traceback" not in result.output


def test_status_of_a_warehouse_never_loaded_says_what_to_do(tmp_path):
    result = invoke("status", "--db", f"sqlite:///{tmp_path}/empty.db")
    assert result.exit_code == 1
    assert "(OperationalError): run `python -m etl run` first or check --db." in " ".join(result.output.split())


def test_a_crm_only_load_names_what_it_loaded_and_why_no_alert_rule_applies(tmp_path, sqlite_url):
    (tmp_path / "deals.csv").write_text("id,stage,amount\nD1,Won,100\nD2,Lost,50\nD3,Engaging,70\n")
    (tmp_path / "crm.yaml").write_text(ONE_DEAL)
    result = invoke("run", "--db", sqlite_url, "--source", str(tmp_path / "crm.yaml"), "--skip-forecast")
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert "Loaded: 1 department, 3 deals." in output
    assert ("Alerts: no rule applies to what the warehouse holds (3 deals): the rules read orders, stock, purchase "
            "orders and tickets; nothing evaluated.") in output
    again = invoke("run", "--db", sqlite_url, "--source", str(tmp_path / "crm.yaml"), "--skip-forecast")
    assert again.exit_code == 0, again.output
    from sqlalchemy import select

    from etl.db import get_engine
    from etl.schema import etl_runs
    with get_engine(sqlite_url).connect() as conn:
        rerun = conn.execute(select(etl_runs.c.rows_read, etl_runs.c.rows_loaded, etl_runs.c.rows_unchanged)
                             .where(etl_runs.c.run_id == 2)).one()
    assert tuple(rerun) == (4, 0, 4)  # a rerun of the same input: every row unchanged


ONE_DEAL = """
name: crm
currency: USD
inputs: {deals: {files: {path: deals.csv}}}
tables:
  departments: {rows: [{department_id: S, name: Sales, kind: sales}]}
  opportunities:
    input: deals
    columns: {opportunity_id: id, stage: stage, amount: amount, department_id: {value: S}}
"""


def test_counts_of_one_are_singular(tmp_path, sqlite_url):
    """One department, one deal loaded and one rejected (an amount that is not a number): every count of one reads
    in the singular."""
    (tmp_path / "deals.csv").write_text("id,stage,amount\nD1,Won,100\nD2,Lost,lots\n")
    (tmp_path / "crm.yaml").write_text(ONE_DEAL)
    result = invoke("run", "--db", sqlite_url, "--source", str(tmp_path / "crm.yaml"), "--skip-forecast")
    output = " ".join(result.output.split())
    assert "Loaded: 1 department, 1 deal." in output
    assert "1 row was rejected: see `python -m etl status`" in output
    assert "Warning: 1 opportunities row rejected (1 for:" in output
    assert "(1 deal)" in output and "1 deals" not in output and "1 departments" not in output


def test_table_counts_read_in_the_singular_or_plural():
    from etl.pipeline import counted, rows_of

    assert counted("customers", 1) == "1 customer" and counted("customers", 2) == "2 customers"
    assert counted("order_lines", 1234) == "1,234 order lines" and counted("inventory", 1) == "1 stock snapshot"
    assert counted("mart_daily_sales", 1) == "1 mart_daily_sales row" and rows_of(1) == "1 row"


def test_status_fits_80_columns(tmp_path, sqlite_url):
    """With COLUMNS=80 every line of `etl status` fits, nothing is cut with '…': the longest table name
    (mart_daily_product_sales, 24 characters), a freshness to the minute, and a warning run whose source and
    message wrap in the last column."""
    from etl.db import get_engine
    from etl.pipeline import run_pipeline
    from tests.fixtures import full_source

    run_pipeline(full_source(), get_engine(sqlite_url))
    (tmp_path / "deals.csv").write_text("id,stage,amount\nD1,Won,100\nD2,Lost,lots\n")
    (tmp_path / "crm.yaml").write_text(ONE_DEAL)
    assert invoke("run", "--db", sqlite_url, "--source", str(tmp_path / "crm.yaml"), "--skip-forecast").exit_code == 2
    result = runner.invoke(app, ["status", "--db", sqlite_url], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80 and "…" not in result.output
    assert any(line.split()[:2] == ["mart_daily_product_sales", "6"] for line in lines if line.strip())
    orders = next(line.split() for line in lines if line.strip().startswith("orders "))
    assert orders == ["orders", "5", "0", "0", "2025-01-20", "08:00", orders[-1]]  # rows, rejected, latest row, age
    runs = " ".join(result.output.split())
    assert "2 20" in runs and "warning" in runs and "1 opportunities row rejected" in runs.replace("- ", "")


def test_a_warning_run_ends_saying_what_exit_2_means_for_its_rows(tmp_path, sqlite_url):
    """One deal of two rejected (50% > 1%): exit 2, and the last line says the run is committed, with its 2 new rows
    (1 department, 1 deal) in the warehouse and its 1 rejected row in rejected_rows, as the warehouse confirms."""
    from sqlalchemy import func, select

    from etl.db import get_engine
    from etl.schema import etl_runs, opportunities, rejected_rows

    (tmp_path / "deals.csv").write_text("id,stage,amount\nD1,Won,100\nD2,Lost,lots\n")
    (tmp_path / "crm.yaml").write_text(ONE_DEAL)
    result = invoke("run", "--db", sqlite_url, "--source", str(tmp_path / "crm.yaml"), "--skip-forecast")
    assert result.exit_code == 2
    assert " ".join(result.output.split()).endswith(
        "Exit 2: a warning, not a failure. Run 1 is committed like a successful one: its 2 new or changed rows are in "
        "the warehouse, its marts are rebuilt, and its 1 rejected row is kept in rejected_rows. Fix the source and "
        "run again (only what changed loads), or pass --accept-rejects to end such a run with exit 0.")
    with get_engine(sqlite_url).connect() as conn:
        assert conn.execute(select(func.count()).select_from(opportunities)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(rejected_rows)).scalar() == 1
        assert conn.execute(select(etl_runs.c.status)).scalar() == "warning"
    accepted = invoke("run", "--db", sqlite_url, "--source", str(tmp_path / "crm.yaml"), "--skip-forecast",
                      "--accept-rejects")
    assert accepted.exit_code == 0 and "Exit 2" not in accepted.output


def test_status_tables_fit_80_columns_with_the_widest_values():
    """The longest table name (24 characters), 12,345,678 rows, six-digit rejected counts, a time and a five-digit
    age still fit 80 columns without '…'; so does a run with 12,345,678 rows read and a long source."""
    import io

    import pandas as pd
    from rich.console import Console

    from refresh.cli import _runs_table, _tables_table

    tables = pd.DataFrame([{"table": "mart_daily_product_sales", "rows": 12_345_678, "rejected_last_run": 123_456,
                            "rejected_all_runs": 999_999, "latest": pd.Timestamp("1999-01-01 12:30")}])
    runs = pd.DataFrame([{"run_id": 12345, "started_at": pd.Timestamp("2026-12-08 00:52"), "seconds": 12345.6,
                          "status": "interrupted", "rows_read": 12_345_678, "rows_loaded": 12_345_678,
                          "rows_rejected": 123_456, "source": "demo(seed=42, end_date=2026-12-07, scale=12.0)",
                          "message": "its process ended before the run finished (stopped or killed)"}])
    out = io.StringIO()
    console = Console(file=out, width=80)
    console.print(_tables_table(tables))
    console.print(_runs_table(runs))
    text = out.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80 and "…" not in text
    assert "mart_daily_product_sales 12,345,678" in " ".join(text.split())
    assert "1999-01-01 12:30" in text
