"""A refresh's progress in a small JSON file per warehouse, so anyone who opens Data operations sees it.

The file is written by the process that runs the refresh (the command line or the app's background worker) and
read by every app session; it lives in the temporary folder, named after the warehouse URL.
"""

import hashlib
import json
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

from etl.db import masked

FOLDER = Path(tempfile.gettempdir()) / "bi-cockpit-refresh"


def progress_file(url: str) -> Path:
    """Where the progress of refreshes of the warehouse at ``url`` is kept."""
    return FOLDER / f"{hashlib.sha1(url.encode()).hexdigest()[:16]}.json"


class ProgressFile:
    """Writes a refresh's state: running with its step, then finished or failed with the outcome."""

    def __init__(self, url: str, source: str):
        self.path, self.started = progress_file(url), time.time()
        self.state = {"pid": os.getpid(), "source": source, "started_at": datetime.now().isoformat(timespec="seconds"),
                      "state": "running", "step": "starting", "done": 0, "total": 1, "message": ""}

    def update(self, step: str, done: int, total: int, **extra) -> None:
        """Record the current step."""
        self.state.update(step=step, done=done, total=total, **extra)
        self._write()

    def finish(self, state: str, message: str, **extra) -> None:
        """Record the outcome: finished or failed, with one line for people, and the whole run's seconds."""
        self.state.update(state=state, message=masked(message), seconds=round(time.time() - self.started, 1),
                          finished_at=datetime.now().isoformat(timespec="seconds"), **extra)
        self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(self.state))
        partial.replace(self.path)  # readers see the old or the new state, never half of one


def read_progress(url: str) -> dict | None:
    """The latest refresh's state for the warehouse, with ``alive`` telling whether its process still runs."""
    path = progress_file(url)
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    state["alive"] = state.get("state") == "running" and _alive(int(state.get("pid", 0)))
    return state


def _alive(pid: int) -> bool:
    """Whether the process runs (a finished child the app has not reaped yet is a zombie: not running)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[-1].split()[0] == "Z")
