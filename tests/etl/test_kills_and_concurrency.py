"""A run killed at any moment leaves the old state or the new one, never half; its bookkeeping is never left
"running"; two runs at once give the result of one serial order, and the bookkeeping says which."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from etl.db import get_engine
from etl.errors import EtlError
from etl.pipeline import run_pipeline
from etl.schema import etl_runs, mart_daily_sales, mart_order_fulfilment, order_lines
from tests.etl.run_in_child import SOURCES
from tests.etl.test_cli import invoke
from tests.etl.test_pipeline import snapshot
from tests.fixtures import five_orders_source

ROOT = Path(__file__).resolve().parents[2]


def child(url: str, change: str, kill_at: str = "", pause_at: str = "") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.etl.run_in_child", url, change, kill_at, pause_at],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def statuses(url: str) -> list[str]:
    with get_engine(url).connect() as conn:
        return conn.execute(select(etl_runs.c.status).order_by(etl_runs.c.run_id)).scalars().all()


def facts(url: str) -> list[tuple]:
    """Every order's status and value, and every line's price, comparable across backends."""
    f = mart_order_fulfilment
    with get_engine(url).connect() as conn:
        orders = [(o, s, round(v, 2)) for o, s, v in conn.execute(select(f.c.order_id, f.c.status, f.c.net_revenue))]
        prices = conn.execute(select(order_lines.c.order_id, order_lines.c.line_no, order_lines.c.unit_price)).all()
    return sorted(orders) + sorted(map(tuple, prices))


def expected_state(tmp_path: Path, changes: list[str]) -> list[tuple]:
    """The warehouse's facts after the five orders and then these loads, one after the other."""
    url = f"sqlite:///{tmp_path / ('serial-' + '-'.join(changes) + '.db')}"
    run_pipeline(five_orders_source(), get_engine(url))
    for change in changes:
        run_pipeline(SOURCES[change](), get_engine(url))
    return facts(url)


@pytest.mark.parametrize("moment", ["validate orders", "load orders", "load order_lines", "build marts"])
def test_a_run_killed_before_its_commit_leaves_the_old_state_and_is_closed_as_aborted(warehouse, tmp_path, moment):
    run_pipeline(five_orders_source(), get_engine(warehouse))
    before = snapshot(get_engine(warehouse))
    process = child(warehouse, "doubled", kill_at=moment)
    assert process.wait(120) == -9, process.stdout.read()
    assert snapshot(get_engine(warehouse)) == before
    assert statuses(warehouse) == ["success", "running"]  # what the killed process left
    run_pipeline(SOURCES["o5"](), get_engine(warehouse), wait=30)  # the next run closes it
    with get_engine(warehouse).connect() as conn:
        aborted = conn.execute(select(etl_runs.c.status, etl_runs.c.message).where(etl_runs.c.run_id == 2)).one()
    assert statuses(warehouse) == ["success", "aborted", "success"]
    assert "the process ended before the run finished" in aborted.message
    assert facts(warehouse) == expected_state(tmp_path, ["o5"])


def test_a_run_killed_right_after_its_commit_is_complete_and_the_app_sees_it(warehouse, tmp_path, monkeypatch):
    from dashboard import queries as q

    run_pipeline(five_orders_source(), get_engine(warehouse))
    monkeypatch.setenv("DATABASE_URL", warehouse)
    revenue = select(func.sum(mart_daily_sales.c.net_revenue).label("revenue"))
    assert q.read(revenue)["revenue"].iloc[0] == pytest.approx(295.0)  # cached from now on
    process = child(warehouse, "doubled", kill_at="done")
    assert process.wait(120) == -9, process.stdout.read()
    assert statuses(warehouse) == ["success", "success"]  # the outcome committed with the rows
    assert facts(warehouse) == expected_state(tmp_path, ["doubled"])
    assert q.data_version() == 2 and q.read(revenue)["revenue"].iloc[0] == pytest.approx(590.0)


def test_a_second_run_refuses_in_one_sentence_while_one_is_loading(warehouse):
    run_pipeline(five_orders_source(), get_engine(warehouse))
    process = child(warehouse, "doubled", pause_at="load orders")
    deadline = time.monotonic() + 60
    while statuses(warehouse) != ["success", "running"] and time.monotonic() < deadline:
        time.sleep(0.2)
    with pytest.raises(EtlError) as error:
        run_pipeline(SOURCES["o5"](), get_engine(warehouse))
    assert str(error.value).startswith("Another ETL run is writing to this warehouse (run 2 of doubled, started ")
    assert "pass --wait SECONDS to queue behind it." in str(error.value)
    assert process.wait(120) == 0, process.stdout.read()
    assert statuses(warehouse) == ["success", "success"]  # the refused run never started


def test_two_runs_at_once_give_one_serial_order_and_the_bookkeeping_says_which(warehouse, tmp_path):
    run_pipeline(five_orders_source(), get_engine(warehouse))
    replace, upsert = child(warehouse, "doubled", pause_at="load orders"), child(warehouse, "o5")
    assert replace.wait(180) == 0 and upsert.wait(180) == 0, (replace.stdout.read(), upsert.stdout.read())
    with get_engine(warehouse).connect() as conn:
        runs = conn.execute(select(etl_runs.c.run_id, etl_runs.c.source, etl_runs.c.status)
                            .order_by(etl_runs.c.run_id)).all()
        f = mart_order_fulfilment
        o5 = conn.execute(select(f.c.status).where(f.c.order_id == "O5")).scalar()
    assert [r.status for r in runs] == ["success"] * 3
    order = [{"doubled": "doubled", "o5-delivered": "o5"}[r.source] for r in runs[1:]]
    assert facts(warehouse) == expected_state(tmp_path, order)
    assert o5 == ("shipped" if order == ["o5", "doubled"] else "delivered")  # a replace after the upsert wipes it


def etl_run(url: str) -> subprocess.Popen:
    """A real ``python -m etl run`` of the demo (about 30 s of loading on a busy machine; the test kills it sooner)."""
    return subprocess.Popen([sys.executable, "-m", "etl", "run", "--db", url, "--end-date", "2025-03-31",
                             "--skip-forecast", "--skip-alerts"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def run_cells(output: str, run_id: int) -> list[str]:
    """One run of the status table, which takes two lines to fit 80 columns (run, day, status, read, loaded,
    rejected, source; then the time under the day and the seconds under the status), as the cells run, started,
    seconds, status, read, loaded, rejected, source."""
    lines = output.splitlines()
    for at, line in enumerate(lines):
        cells = line.split(None, 6)
        if cells and cells[0] == str(run_id) and len(cells) == 7:
            below = re.match(r"\s*(\d\d:\d\d)(?:\s+([\d.,]+ s)\b)?", lines[at + 1] if at + 1 < len(lines) else "")
            clock, seconds = (below.group(1), below.group(2) or "") if below else ("", "")
            return [cells[0], f"{cells[1]} {clock}", seconds, cells[2], *cells[3:6], cells[6].strip()]
    raise AssertionError(f"no line for run {run_id} in:\n{output}")


def test_status_shows_a_running_run_as_running_and_a_killed_one_as_interrupted(warehouse):
    run_pipeline(five_orders_source(), get_engine(warehouse))  # run 1's texts beside run 2's empty message
    process = etl_run(warehouse)
    deadline = time.monotonic() + 60
    while statuses(warehouse) != ["success", "running"] and time.monotonic() < deadline:
        time.sleep(0.2)
    with get_engine(warehouse).connect() as conn:
        started = conn.execute(select(etl_runs.c.started_at).where(etl_runs.c.run_id == 2)).scalar_one()
    polls = [invoke("status", "--db", warehouse) for _ in range(3)]
    assert statuses(warehouse) == ["success", "running"], process.stdout.read()  # still loading after the polls
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(60) == -9
    after = invoke("status", "--db", warehouse)
    assert [p.exit_code for p in polls] == [0, 0, 0] and after.exit_code == 0, (polls[0].output, after.output)
    demo = "demo(seed=42, end_date=2025-03-31, scale=1)"
    for poll in polls:  # run, started, seconds, status, read, loaded, rejected, source
        assert run_cells(poll.output, 2) == ["2", f"{started:%Y-%m-%d %H:%M}", "", "running", "0", "0", "0", demo]
        assert run_cells(poll.output, 1)[3:] == ["success", "19", "19", "0", "five-orders"]
    assert run_cells(after.output, 2) == ["2", f"{started:%Y-%m-%d %H:%M}", "", "interrupted", "0", "0", "0", demo]
    assert "its process ended before the run finished (stopped or killed)" in " ".join(after.output.split())
    assert statuses(warehouse) == ["success", "running"]  # status only reads; the next run closes it
    run_pipeline(SOURCES["o5"](), get_engine(warehouse))
    assert run_cells(invoke("status", "--db", warehouse).output, 2)[3] == "aborted"


def _symlink(tmp_path: Path, monkeypatch) -> str:
    (tmp_path / "elsewhere" / "link.db").symlink_to(tmp_path / "warehouse.db")
    return f"sqlite:///{tmp_path / 'elsewhere' / 'link.db'}"


def _relative(tmp_path: Path, monkeypatch) -> str:
    monkeypatch.chdir(tmp_path / "elsewhere")
    return "sqlite:///../warehouse.db"


def _dotdot(tmp_path: Path, monkeypatch) -> str:
    return f"sqlite:///{tmp_path / 'elsewhere' / '..' / 'warehouse.db'}"


OTHER_PATHS = {"symlink": _symlink, "relative": _relative, "dotdot": _dotdot}


@pytest.mark.parametrize("name", list(OTHER_PATHS))
def test_one_writer_per_sqlite_file_whatever_the_path_names_it(tmp_path, monkeypatch, name):
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    (tmp_path / "elsewhere").mkdir()
    other = OTHER_PATHS[name](tmp_path, monkeypatch)
    run_pipeline(five_orders_source(), get_engine(url))
    process = child(url, "doubled", pause_at="load orders")
    deadline = time.monotonic() + 60
    while statuses(url) != ["success", "running"] and time.monotonic() < deadline:
        time.sleep(0.2)
    with pytest.raises(EtlError) as refused:
        run_pipeline(SOURCES["o5"](), get_engine(other))
    assert str(refused.value).startswith("Another ETL run is writing to this warehouse (run 2 of doubled, started ")
    queued = run_pipeline(SOURCES["o5"](), get_engine(other), wait=120)  # waits for the first, then loads
    assert process.wait(120) == 0, process.stdout.read()
    assert (queued.run_id, statuses(url)) == (3, ["success", "success", "success"])
    assert facts(url) == expected_state(tmp_path, ["doubled", "o5"])  # both runs' rows, one after the other
