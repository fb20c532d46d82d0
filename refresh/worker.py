"""The app's Run ETL button: a refresh in a background process of its own, which outlives the page, the session
and even the app, and reports through the progress file like any refresh."""

import os
import subprocess
import sys
from pathlib import Path

from etl.db import PROJECT_ROOT, get_engine
from etl.errors import EtlError
from etl.lock import is_locked
from etl.schema import CANONICAL_TABLES
from etl.sources.configured import ConfigSource
from i18n import _
from refresh.orchestrator import Request
from refresh.progress import ProgressFile, progress_file, read_progress


def command(request: Request) -> list[str]:
    """The command line that runs the request (the warehouse URL travels in the environment, not in argv)."""
    argv = [sys.executable, "-m", "etl", "run", "--source", request.source, "--accept-rejects"]
    if request.data_dir:
        argv += ["--data-dir", str(request.data_dir)]
    argv += ["--full-refresh"] if request.full_refresh else []
    argv += ["--allow-empty"] if request.allow_empty else []
    argv += [] if request.forecast else ["--skip-forecast"]
    argv += [] if request.alerts else ["--skip-alerts"]
    return argv


def touches(request: Request) -> tuple[bool, list[str]]:
    """Whether the request empties the warehouse's tables first, and the tables it writes (for the confirmation)."""
    if request.source == "demo":
        return True, [t.name for t in CANONICAL_TABLES]
    try:
        config = ConfigSource(Path(request.source), request.data_dir).config
    except EtlError:  # the run itself will say what is wrong with the config
        return request.full_refresh, []
    replaces = request.full_refresh or config.mode == "replace"
    return replaces, [t.name for t in CANONICAL_TABLES] if replaces else list(config.tables)


def start(request: Request, url: str) -> int:
    """Start the refresh in the background; returns its process id. Refuses while another run holds the warehouse."""
    if is_locked(get_engine(url)):
        raise RuntimeError(_("Another ETL run is writing to this warehouse: its progress is shown above."))
    log = progress_file(url).with_suffix(".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    starting = ProgressFile(url, request.source)  # shown at once; the worker takes over the file when it starts
    with open(log, "w") as output:
        process = subprocess.Popen(command(request), cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True,
                                   env={**os.environ, "DATABASE_URL": url, "COLUMNS": "120"})
    current = read_progress(url)
    if current is None or current.get("started_at", "") <= starting.state["started_at"]:
        starting.state["pid"] = process.pid
        starting.update("starting", 0, 1)
    return process.pid
