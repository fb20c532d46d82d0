"""Shared fixtures: small hand-computable warehouses, and the real PostgreSQL server when it is there.

In CI (CI=true) the PostgreSQL, browser and dataset tests must run: a missing server fails them instead
of skipping. Elsewhere they skip with a one-line reason.
"""

import contextlib
import os
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from etl.db import get_engine
from etl.pipeline import run_pipeline
from tests.fixtures import five_orders_source, full_source

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MYSQL_ADMIN_URL = os.environ.get("TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")


def skip_or_fail(reason: str) -> None:
    """Skip outside CI; in CI a missing prerequisite is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


@pytest.fixture(scope="session")
def datasets() -> Path:
    """../shared/datasets, the real public datasets (required in CI)."""
    if not DATASETS.is_dir():
        skip_or_fail(f"the datasets folder {DATASETS} is not there")
    return DATASETS


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL for an empty SQLite warehouse in a temporary folder."""
    return f"sqlite:///{tmp_path / 'warehouse.db'}"


@pytest.fixture
def sqlite_engine(sqlite_url: str):
    """An engine on an empty SQLite warehouse (WAL mode, foreign keys on)."""
    engine = get_engine(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture
def five_orders_url(sqlite_url: str) -> str:
    """A SQLite warehouse loaded with the five-order fixture (see tests/fixtures.py for the numbers)."""
    run_pipeline(five_orders_source(), get_engine(sqlite_url))
    return sqlite_url


@pytest.fixture
def full_url(sqlite_url: str) -> str:
    """A SQLite warehouse loaded with the full fixture (every table; see tests/fixtures.py)."""
    run_pipeline(full_source(), get_engine(sqlite_url))
    return sqlite_url


@pytest.fixture
def postgres_url():
    """A URL for a fresh, empty PostgreSQL database, dropped after the test."""
    with fresh_postgres() as url:
        yield url


@pytest.fixture(scope="module")
def module_postgres_url():
    """A fresh, empty PostgreSQL database that one module's tests share, dropped after them."""
    with fresh_postgres() as url:
        yield url


@contextlib.contextmanager
def fresh_postgres():
    """A fresh, empty PostgreSQL database's URL while the block runs (skipped outside CI without a server)."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"bi_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # the server is not there
        admin.dispose()
        skip_or_fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} ({type(error).__name__})")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    get_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def mariadb_url():
    """A URL for a fresh, empty MariaDB/MySQL database (as the server's admin), dropped after the test."""
    admin = create_engine(MYSQL_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"bi_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE `{name}`"))
    except Exception as error:  # the server is not there
        admin.dispose()
        skip_or_fail(f"MariaDB/MySQL is not reachable at {MYSQL_ADMIN_URL} ({type(error).__name__})")
    yield MYSQL_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
    admin.dispose()


@pytest.fixture(scope="session")
def matrix_warehouse(tmp_path_factory):
    """The page matrix's warehouses, and the other shared ones, by name (tests/warehouses.py), built once per
    session across workers."""
    from tests import warehouses

    root = warehouses.shared_root(tmp_path_factory.getbasetemp())

    def get(name: str) -> str:
        if name in warehouses.NEEDS_DATASETS and not warehouses.DATASETS.is_dir():
            skip_or_fail(f"the datasets folder {warehouses.DATASETS} is not there")
        if (warehouses.BUILDERS | warehouses.SHARED)[name][1] == "postgres":
            _require_postgres()
        return warehouses.warehouse(name, root)

    return get


def _require_postgres() -> None:
    admin = create_engine(POSTGRES_ADMIN_URL)
    try:
        with admin.connect():
            pass
    except Exception as error:
        skip_or_fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} ({type(error).__name__})")
    finally:
        admin.dispose()


def pytest_sessionfinish(session):
    """The controller drops the PostgreSQL databases the page matrix created."""
    if hasattr(session.config, "workerinput") or os.environ.get("BI_TEST_WAREHOUSES"):
        return  # a worker, or warehouses deliberately kept across sessions
    from tests import warehouses

    root = warehouses.shared_root(session.config._tmp_path_factory.getbasetemp())
    with contextlib.suppress(Exception):  # the server is not there: nothing was created
        warehouses.drop_postgres(root)


@pytest.fixture(params=["sqlite", "postgres"])
def warehouse(request, tmp_path):
    """An empty warehouse on each backend in turn: the same test must give the same outcome on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.db'}"
    return request.getfixturevalue("postgres_url")


# ---------------------------------------------------------------------------------------------- Social CRM
TWITTER_CONFIG = Path(__file__).resolve().parents[1] / "etl" / "sources" / "twitter_airline_sentiment.yaml"


@pytest.fixture(scope="session")
def twitter_url(datasets, matrix_warehouse) -> str:
    """A SQLite warehouse with the 14,640 airline tweets, loaded by the pipeline once per session for every worker
    (tests/warehouses.py)."""
    return matrix_warehouse("twitter_loaded")


@pytest.fixture
def social_url(sqlite_url: str) -> str:
    """A SQLite warehouse loaded with the social fixture (tests/social_fixtures.py)."""
    from tests.social_fixtures import social_source

    run_pipeline(social_source(), get_engine(sqlite_url))
    return sqlite_url


@pytest.fixture(autouse=True)
def _main_module_stays():
    """AppTest runs the app as ``__main__`` and leaves it in sys.modules; a process pool started later in the same
    test worker (forecasting's spawn pool, Dask's nannies) would then re-run the app in every child. Put the real
    main module back after each test."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main
