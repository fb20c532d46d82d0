"""Where the warehouse is and how to connect to it.

Settings resolve as: explicit argument > ``DATABASE_URL`` environment variable > ``.streamlit/secrets.toml``
> the embedded SQLite default. Engines are created lazily and cached, never at import time.
"""

import functools
import os
import re
import tomllib
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

from etl.errors import EtlError
from etl.schema import MART_TABLES, metadata

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'warehouse.db'}"
PASSWORD_IN_URL = re.compile(r"(\w[\w+.-]*://[^:/@\s]*:)[^@\s]*@")


def database_url(explicit: str | None = None) -> str:
    """The warehouse URL from the argument, the environment, Streamlit secrets or the default."""
    return explicit or _setting("DATABASE_URL") or DEFAULT_DATABASE_URL


def app_database_url() -> str:
    """The URL the app reads and writes the warehouse through: COCKPIT_APP_DATABASE_URL (on PostgreSQL, the
    application role that row-level security limits; see docs/security.md), else the warehouse's own URL."""
    return _setting("COCKPIT_APP_DATABASE_URL") or database_url()


def _setting(name: str) -> str | None:
    """A setting from the environment, else from .streamlit/secrets.toml (None when neither has it)."""
    if os.environ.get(name):
        return os.environ[name]
    secrets = PROJECT_ROOT / ".streamlit" / "secrets.toml"
    return tomllib.loads(secrets.read_text()).get(name) if secrets.exists() else None


@functools.cache
def get_engine(url: str | None = None) -> Engine:
    """A cached engine for the warehouse; SQLite gets WAL mode so the app can read during a load."""
    resolved = database_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError:
        raise EtlError(
            f"The database URL '{masked(resolved)}' is not valid: use a SQLAlchemy URL such as "
            "sqlite:///data/warehouse.db or postgresql+psycopg://user@host/db."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(resolved, parsed.database)
    return create_engine(resolved, pool_pre_ping=True)


def _sqlite_engine(url: str, path: str | None) -> Engine:
    if path and path != ":memory:":
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise EtlError(f"Cannot reach the warehouse at {url} (its folder cannot be created: {error.strerror}): "
                           "fix --db / DATABASE_URL.") from None
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # noqa: ANN001 - DBAPI hook signature
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers are not blocked by the loading writer
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints, safe in WAL mode
        cursor.execute("PRAGMA foreign_keys=ON")  # the same integrity as PostgreSQL
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB page cache for mart builds
        cursor.close()

    return engine


def ensure_schema(engine: Engine) -> None:
    """Create every warehouse table, index and (nullable) column that does not exist yet; an unreachable
    warehouse is one sentence."""
    try:
        metadata.create_all(engine, checkfirst=True)
        _add_missing_columns(engine)
        _relax_mart_columns(engine)
        _add_missing_indexes(engine)
    except (OperationalError, InterfaceError) as error:
        raise EtlError(f"Cannot reach the warehouse at {masked(str(engine.url))} ({_first_line(error)}): start the "
                       "database server or fix --db / DATABASE_URL.") from None


def _first_line(error: Exception) -> str:
    orig = getattr(error, "orig", None) or error
    return masked(str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__)


def _add_missing_columns(engine: Engine) -> None:
    """Columns a newer version added to an existing table (all nullable), so an older warehouse still opens."""
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
        present = {c["name"] for c in inspector.get_columns(table.name)}
        missing = [c for c in table.columns if c.name not in present]
        if not missing:
            continue
        with engine.begin() as conn:
            for column in missing:
                kind = column.type.compile(dialect=engine.dialect)
                conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}")


def _relax_mart_columns(engine: Engine) -> None:
    """Mart columns a newer version lets be NULL (mart_mentions' sentiment of a mention no scorer reads): PostgreSQL
    drops the NOT NULL; SQLite, which cannot, copies the mart into a new table made from the schema."""
    inspector = inspect(engine)
    for table in MART_TABLES:
        stored = {c["name"]: c["nullable"] for c in inspector.get_columns(table.name)}
        relaxed = [c.name for c in table.columns if c.nullable and stored.get(c.name) is False and not c.primary_key]
        if not relaxed:
            continue
        with engine.begin() as conn:
            if engine.dialect.name != "sqlite":
                for name in relaxed:
                    conn.exec_driver_sql(f"ALTER TABLE {table.name} ALTER COLUMN {name} DROP NOT NULL")
                continue
            for index in inspector.get_indexes(table.name):
                conn.exec_driver_sql(f'DROP INDEX "{index["name"]}"')
            conn.exec_driver_sql(f"ALTER TABLE {table.name} RENAME TO {table.name}_old")
            table.create(conn)
            columns = ", ".join(c.name for c in table.columns if c.name in stored)
            conn.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {table.name}_old")
            conn.exec_driver_sql(f"DROP TABLE {table.name}_old")


def _add_missing_indexes(engine: Engine) -> None:
    """Indexes a newer version added to an existing table (create_all makes a table's indexes only with the
    table), so an older warehouse gets the faster plans too."""
    inspector = inspect(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            present = {i["name"] for i in inspector.get_indexes(table.name)}
            for index in table.indexes:
                if index.name not in present:
                    index.create(conn)


def masked(text: str) -> str:
    """The text with any password in a URL replaced by ***: for errors, logs, pages and etl_runs."""
    return PASSWORD_IN_URL.sub(r"\1***@", text)


def has_table(engine: Engine, name: str) -> bool:
    """Whether the warehouse has the named table."""
    return inspect(engine).has_table(name)
