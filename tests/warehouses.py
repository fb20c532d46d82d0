"""The warehouses of the page matrix, each built once per test session and shared by every xdist worker.

A warehouse is built by the first worker that asks for it, under a file lock in the session's shared temporary
folder; the others wait and reuse it. Each builder runs the real commands (`python -m etl run`, `python -m
forecasting run`) or the real pipeline on a cut of the demo company, so the matrix sees what a user sees.
"""

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from etl.db import ensure_schema, get_engine
from etl.demo import generate_demo
from etl.pipeline import run_pipeline
from etl.sources import FrameSource

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
DEMO_END = date(2026, 6, 30)  # fixed, so the small demo is the same whatever day the suite runs
DEMO_SCALE = 0.25
BROWSER_DEMO_END = date(2025, 6, 30)  # the browser tests' and the README screenshots' demo (seed 42)
CRM_TABLES = ("interactions", "opportunities", "tickets", "social_mentions")
ERP_TABLES = ("orders", "order_lines", "invoices", "inventory", "purchase_orders")


def shared_root(basetemp: Path) -> Path:
    """The folder every worker of one session sees: the controller's base temp (a worker's is inside it), or
    BI_TEST_WAREHOUSES when set, to keep the built warehouses across sessions while working on pages."""
    if os.environ.get("BI_TEST_WAREHOUSES"):
        return Path(os.environ["BI_TEST_WAREHOUSES"])
    return basetemp.parent if basetemp.name.startswith("popen-gw") else basetemp


def postgres_name(root: Path, name: str) -> str:
    """A PostgreSQL database name unique to this test session."""
    return f"bi_matrix_{hashlib.sha1(str(root).encode()).hexdigest()[:10]}_{name}"


def _cli(*args: str) -> None:
    """Run one of the project's commands; its output is shown when it fails."""
    done = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _config(dataset: str, url: str, *extra: str) -> None:
    _cli("etl", "run", "--db", url, "--source", f"etl/sources/{dataset}.yaml", "--data-dir",
         str(DATASETS / dataset), "--skip-forecast", "--accept-rejects", *extra)  # their rejections are documented


def _demo_frames(drop: tuple[str, ...] = ()) -> dict:
    frames = generate_demo(seed=7, end_date=DEMO_END, scale=DEMO_SCALE)
    return {table: frame.iloc[0:0] if table in drop else frame for table, frame in frames.items()}


def _load_frames(url: str, frames: dict) -> None:
    engine = get_engine(url)
    run_pipeline(FrameSource("demo-cut", frames, replace=True, currency="GBP"), engine)
    engine.dispose()


def build_demo(url: str, root: Path) -> None:
    """The demo company at a quarter of its size, ending 30 June 2026, with forecasts and alerts."""
    _cli("etl", "run", "--db", url, "--source", "demo", "--seed", "7", "--end-date", DEMO_END.isoformat(),
         "--scale", str(DEMO_SCALE), "--skip-forecast")
    _cli("forecasting", "run", "--db", url, "--by", "total,department")


def build_online_retail(url: str, root: Path) -> None:
    """UCI Online Retail through its shipped config, with the total forecast."""
    _config("online_retail", url)
    _cli("forecasting", "run", "--db", url, "--by", "total")


def build_crm(url: str, root: Path) -> None:
    """The CRM sales-opportunities sample: deals only."""
    _config("crm_sales_opportunities", url)


def build_olist(url: str, root: Path) -> None:
    """The Olist marketing funnel, sellers and catalogue."""
    _config("olist", url)


def build_northwind(url: str, root: Path) -> None:
    """Northwind read from its SQL dump in PostgreSQL, into a PostgreSQL warehouse."""
    source = _create_postgres(postgres_name(root, "northwind_source"))
    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", source.rsplit("/", 1)[1], "-f",
                    str(DATASETS / "northwind" / "northwind_postgres.sql")], check=True, capture_output=True)
    _cli("etl", "run", "--db", url, "--source", "etl/sources/northwind.yaml", "--var", f"northwind_url={source}",
         "--skip-forecast", "--accept-rejects")


def build_empty(url: str, root: Path) -> None:
    """Tables and nothing in them."""
    engine = get_engine(url)
    ensure_schema(engine)
    engine.dispose()


def build_crm_only(url: str, root: Path) -> None:
    """The small demo without its ERP tables (orders, lines, invoices, stock, purchasing)."""
    _load_frames(url, _demo_frames(ERP_TABLES))


def build_erp_only(url: str, root: Path) -> None:
    """The small demo without its CRM tables (interactions, deals, tickets, mentions)."""
    _load_frames(url, _demo_frames(CRM_TABLES))


def build_hostile(url: str, root: Path) -> None:
    """The incident fixture with names a renderer could run (tests/dashboard/hostile.py), alerts evaluated."""
    from tests.dashboard.hostile import hostile_frames

    _load_frames(url, hostile_frames())
    _cli("alerts", "evaluate", "--db", url)


POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BUILDERS: dict[str, tuple[Callable[[str, Path], None], str]] = {  # name -> (builder, "sqlite" or "postgres")
    "demo": (build_demo, "sqlite"),
    "online_retail": (build_online_retail, "sqlite"),
    "crm_sales_opportunities": (build_crm, "sqlite"),
    "olist": (build_olist, "sqlite"),
    "northwind": (build_northwind, "postgres"),
    "empty": (build_empty, "sqlite"),
    "crm_only": (build_crm_only, "sqlite"),
    "erp_only": (build_erp_only, "sqlite"),
    "hostile": (build_hostile, "sqlite"),
}
NEEDS_DATASETS = {"online_retail", "crm_sales_opportunities", "olist", "northwind"}


def build_twitter(url: str, root: Path) -> None:
    """Twitter US Airline Sentiment through its shipped config: social mentions only (Social CRM)."""
    _config("twitter_airline_sentiment", url)  # its 155 rejected duplicates are documented in its header


BUILDERS["twitter_airline_sentiment"] = (build_twitter, "sqlite")
NEEDS_DATASETS.add("twitter_airline_sentiment")


def build_browser_demo(url: str, root: Path) -> None:
    """The whole demo company (seed 42, ending 30 June 2025) with the total and department forecasts and its alerts
    evaluated: what the browser tests and the README's screenshots show. Their fixtures serve a private copy."""
    from alerts.config import load_config
    from alerts.engine import evaluate
    from etl.sources.demo import DemoSource
    from forecasting.runner import run_forecasts
    from forecasting.settings import load_settings

    engine = get_engine(url)
    run_pipeline(DemoSource(seed=42, end_date=BROWSER_DEMO_END), engine)
    run_forecasts(engine, load_settings().with_overrides(levels=("total", "department")))
    evaluate(engine, load_config())
    engine.dispose()


def build_online_retail_loaded(url: str, root: Path) -> None:
    """UCI Online Retail through its shipped config by the pipeline itself (no forecast): what the browser tests and
    the Geography page test read, each from a private copy."""
    from etl.sources.configured import ConfigSource

    engine = get_engine(url)
    run_pipeline(ConfigSource(ROOT / "etl" / "sources" / "online_retail.yaml", DATASETS / "online_retail"), engine)
    engine.dispose()


def build_twitter_loaded(url: str, root: Path) -> None:
    """Twitter US Airline Sentiment through its shipped config by the pipeline itself (conftest's twitter_url)."""
    from etl.sources.configured import ConfigSource

    engine = get_engine(url)
    run_pipeline(ConfigSource(ROOT / "etl" / "sources" / "twitter_airline_sentiment.yaml",
                              DATASETS / "twitter_airline_sentiment"), engine)
    engine.dispose()


SHARED: dict[str, tuple[Callable[[str, Path], None], str]] = {  # built once per session too, outside the matrix
    "browser_demo": (build_browser_demo, "sqlite"),
    "online_retail_loaded": (build_online_retail_loaded, "sqlite"),
    "twitter_loaded": (build_twitter_loaded, "sqlite"),
}
NEEDS_DATASETS.update({"online_retail_loaded", "twitter_loaded"})


def private_copy(url: str, folder: Path) -> str:
    """A copy of a built SQLite warehouse in ``folder``, which one test module may change (a user, sign-ins) without
    touching the one every worker shares. SQLite's backup API copies it consistently, write-ahead log included."""
    import sqlite3

    target = folder / "warehouse.db"
    source, copy = sqlite3.connect(url.removeprefix("sqlite:///")), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return f"sqlite:///{target}"


def _create_postgres(name: str) -> str:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres(root: Path) -> None:
    """Drop the PostgreSQL databases this session's matrix created."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for name in ("northwind", "northwind_source"):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{postgres_name(root, name)}" WITH (FORCE)'))
    finally:
        admin.dispose()


def warehouse(name: str, root: Path) -> str:
    """The URL of the named warehouse, built now by this worker or earlier by another."""
    builder, backend = (BUILDERS | SHARED)[name]
    folder = root / "warehouses"
    folder.mkdir(exist_ok=True)
    done = folder / f"{name}.url"
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists():
            return done.read_text()
        if backend == "postgres":
            url = _create_postgres(postgres_name(root, name))
        else:
            shutil.rmtree(folder / name, ignore_errors=True)
            (folder / name).mkdir()
            url = f"sqlite:///{folder / name / 'warehouse.db'}"
        builder(url, root)
        done.write_text(url)
        return url


def copy_to_postgres(url: str, target: str) -> None:
    """Every row of the warehouse at ``url`` into the empty PostgreSQL warehouse at ``target`` (same schema), with its
    id sequences moved past the copied ids: a PostgreSQL twin of a SQLite warehouse built once per session."""
    from sqlalchemy import select

    from etl.load import copy_rows
    from etl.schema import metadata

    source, copy = get_engine(url), get_engine(target)
    ensure_schema(copy)
    with source.connect() as reader, copy.begin() as writer:
        for table in metadata.sorted_tables:
            names = ", ".join(c.name for c in table.columns)
            copy_rows(writer, table.name, names, reader.execute(select(table)))
            for column in table.primary_key.columns:
                if column.autoincrement is True or (column.autoincrement == "auto" and len(table.primary_key.columns)
                                                    == 1 and column.type.python_type is int):
                    writer.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                                        f"coalesce(max({column.name}), 0) + 1, false) FROM {table.name}"))
    with copy.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))  # the planner's statistics, as after a load
