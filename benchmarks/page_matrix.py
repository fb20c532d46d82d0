"""The page matrix's total time: every page x every warehouse x every filter, as `make test` runs it."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MATRIX = ["tests/dashboard/test_page_matrix.py", "tests/dashboard/test_invariants.py"]


def _pytest(folder: str) -> float:
    """Seconds for one run of the matrix on 2 workers, keeping its warehouses in the folder."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", *MATRIX, "-q", "-n", "2", "-p", "no:cacheprovider"],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "BI_TEST_WAREHOUSES": folder})
    if done.returncode != 0:
        raise RuntimeError(f"the page matrix failed:\n{done.stdout[-3000:]}")
    return time.perf_counter() - started


def _combinations(folder: str) -> int:
    """Pages x filters over the built warehouses."""
    from tests.dashboard.matrix import PAGES, matrix_filters

    urls = [p.read_text() for p in (Path(folder) / "warehouses").glob("*.url")]
    return sum(len(matrix_filters(url)) for url in urls) * len(PAGES)


def measure() -> dict:
    """The matrix with its warehouses built from scratch, then again on the built warehouses."""
    with tempfile.TemporaryDirectory() as folder:
        cold = _pytest(folder)
        warm = _pytest(folder)
        runs = _combinations(folder)
    print(f"page matrix: {runs:,} page runs; {cold:.0f} s with the warehouses built, {warm:.0f} s on built ones",
          flush=True)
    return {"runs": runs, "cold": cold, "warm": warm}


def section(result: dict) -> str:
    """The benchmarks.md section."""
    return f"""## Page matrix

Every page under AppTest on every warehouse of the matrix (demo, Online Retail, CRM sample, Olist, Northwind
on PostgreSQL, empty, CRM-only, ERP-only, airline tweets, hostile names) under every filter (default, each
department, each region, a full year, a period without data, a single day), again in Ukrainian (default, no
data, a single day), with the invariants test beside it, on 2 pytest-xdist workers: {result['runs']:,} page runs
in English. Building the warehouses and running: **{result['cold']:.0f} s**; on warehouses
already built: **{result['warm']:.0f} s**.
"""
