"""The app served as `make run` serves it (`streamlit run dashboard/server.py`), for the browser tests and the
first-page benchmark, and a free local port for any test server."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_app(url: str, seconds: float = 60) -> Iterator[str]:
    """The app on the warehouse at ``url``, in its own Streamlit server; yields its address once it answers, and
    stops the server afterwards. A server that does not answer within ``seconds`` raises RuntimeError."""
    port = free_port()
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent))
    process = subprocess.Popen([streamlit, "run", "dashboard/server.py", "--server.port", str(port)], cwd=ROOT,
                               env={**os.environ, "DATABASE_URL": url}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, seconds)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_healthy(base: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Streamlit did not answer on {base} within {seconds:.0f} s")
