"""The audit trail records ETL runs: who asked, which source, and how it ended."""

import getpass

from access import audit
from etl.db import get_engine
from refresh.orchestrator import Request, run_refresh


def test_an_etl_run_is_recorded_with_its_actor_source_and_outcome(sqlite_url):
    run_refresh(Request("demo", db=sqlite_url, end_date="2025-03-31", scale=0.05, forecast=False, alerts=False,
                        actor="ana"))
    run_refresh(Request("demo", db=sqlite_url, end_date="2025-03-31", scale=0.05, forecast=False, alerts=False))
    trail = audit.trail(get_engine(sqlite_url), action="etl_run")
    assert sorted(trail["actor"]) == sorted(["ana", f"cli:{getpass.getuser()}"])
    assert set(trail["target"]) == {"demo(seed=42, end_date=2025-03-31, scale=0.05)"}
    assert set(trail["outcome"]) == {"success"}
