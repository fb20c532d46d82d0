"""Fresh, empty warehouses to measure in: a new SQLite file or a new PostgreSQL database each time."""

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

from etl.db import get_engine

POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextlib.contextmanager
def fresh_sqlite() -> Iterator[str]:
    """The URL of a new SQLite file, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'warehouse.db'}"
        yield url
        get_engine(url).dispose()


@contextlib.contextmanager
def fresh_postgres() -> Iterator[str]:
    """The URL of a new PostgreSQL database, dropped afterwards."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_available() -> bool:
    """Whether the PostgreSQL server answers."""
    try:
        with create_engine(POSTGRES_ADMIN_URL).connect():
            return True
    except Exception:
        return False
