"""One writer per warehouse: a lock held for a whole run, released by the operating system or the server when
the process ends, however it ends.

PostgreSQL: a session advisory lock on a connection kept for the run (the server drops it with the session).
SQLite: an exclusive ``flock`` on a file beside the database's real file (the kernel drops it with the process),
so every path that names the file (a symlink, a relative or a ``..`` path) shares one lock. SQLite's own write
lock lasts one transaction, and a run is several (its "running" row must be visible while it loads), so it cannot
span the run by itself.
"""

import contextlib
import fcntl
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, text

from etl.errors import EtlError

ADVISORY_KEY = 4_242_001  # any constant: the lock names the warehouse database, not a row
_held: dict[str, int] = {}  # warehouses this process holds the lock of -> depth, so an inner run re-enters


class WarehouseBusyError(EtlError):
    """Another run holds the warehouse."""


@contextlib.contextmanager
def warehouse_lock(engine: Engine, wait: float = 0.0, busy: str = "") -> Iterator[None]:
    """Hold the warehouse's writer lock; wait up to ``wait`` seconds for another run, then refuse in one sentence."""
    key = _identity(engine)
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    with _acquire(engine, wait, busy):
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]


def _lock_file(engine: Engine) -> Path | None:
    """The lock file of a file database, beside its real file; None for an in-memory one."""
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    # Resolved as SQLite resolves symlinks to name its journal: runs through a symlink and through the real path
    # took two locks, both ran, and the later commit replaced the other's rows.
    real = Path(database).resolve()
    return real.with_name(real.name + ".lock")


def _identity(engine: Engine) -> str:
    """What names the warehouse's lock in this process: its lock file, else its URL (PostgreSQL, in-memory)."""
    lock_file = None if engine.dialect.name == "postgresql" else _lock_file(engine)
    return str(lock_file) if lock_file else engine.url.render_as_string(hide_password=False)


def _acquire(engine: Engine, wait: float, busy: str):
    if engine.dialect.name == "postgresql":
        return _advisory(engine, wait, busy)
    lock_file = _lock_file(engine)
    return _file_lock(lock_file, wait, busy) if lock_file else contextlib.nullcontext()


def _refuse(busy: str) -> WarehouseBusyError:
    return WarehouseBusyError(f"Another ETL run is writing to this warehouse{busy}: wait for it to finish (its "
                              "progress is on the Data operations page) or pass --wait SECONDS to queue behind it.")


def _poll(try_once, wait: float, busy: str) -> None:
    deadline = time.monotonic() + wait
    while not try_once():
        if time.monotonic() >= deadline:
            raise _refuse(busy)
        time.sleep(0.2)


@contextlib.contextmanager
def _advisory(engine: Engine, wait: float, busy: str) -> Iterator[None]:
    conn = engine.connect()
    try:
        def try_once() -> bool:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
            conn.commit()
            return bool(got)

        _poll(try_once, wait, busy)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
            conn.commit()
    finally:
        conn.close()


@contextlib.contextmanager
def _file_lock(path: Path, wait: float, busy: str) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        def try_once() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                return False

        _poll(try_once, wait, busy)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_locked(engine: Engine) -> bool:
    """Whether some run holds the warehouse's writer lock right now (False when this process holds it)."""
    try:
        with _acquire(engine, 0.0, ""):
            return False
    except WarehouseBusyError:
        return True
