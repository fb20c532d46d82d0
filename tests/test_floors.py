"""The floors of the design (../shared/DESIGN.md): a package imports only the floors below it, so the app can change
without the ETL, the alerts or the command line noticing. i18n (words and formats) is the ground floor."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BELOW = {  # each package and the project packages it may import
    "i18n": set(),
    "etl": {"i18n", "forecasting"},  # etl.kpi names the forecast models' labels; forecasting reads etl's schema
    "forecasting": {"i18n", "etl"},
    "access": {"i18n", "etl"},
    "alerts": {"i18n", "etl", "forecasting"},
    "refresh": {"i18n", "etl", "forecasting", "alerts", "access"},
}
ENTRY_POINTS = {"etl/__main__.py"}  # `python -m etl` is the orchestrator's command (DESIGN.md): the one way up
PROJECT = {"i18n", "etl", "forecasting", "access", "alerts", "refresh", "dashboard"}


def _imported(path: Path) -> set[str]:
    """The project packages a module imports (at any depth, lazily or not)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & PROJECT


@pytest.mark.parametrize("package", sorted(BELOW))
def test_a_package_imports_only_the_floors_below_it(package):
    wrong = {str(p.relative_to(ROOT)): sorted(_imported(p) - BELOW[package] - {package})
             for p in (ROOT / package).rglob("*.py") if str(p.relative_to(ROOT)) not in ENTRY_POINTS}
    assert not {p: w for p, w in wrong.items() if w}, f"{package} reaches above its floor"
