"""What every first page after a server start would otherwise pay for, done once per server process in a
background thread while the sign-in form waits: the pages' modules imported, Plotly's house template built and
validated, Babel's locale data and the Ukrainian catalogue loaded. Nothing here reads the warehouse."""

import importlib
import logging
import pkgutil
import threading

from dashboard import charts, queries

log = logging.getLogger(__name__)
_once = threading.Lock()


def start() -> None:
    """Start the warm-up unless this process has started it already."""
    if _once.acquire(blocking=False):
        threading.Thread(target=_warm, name="cockpit-warmup", daemon=True).start()


def _warm() -> None:
    try:
        for package in (charts, queries):
            for module in pkgutil.iter_modules(package.__path__):
                importlib.import_module(f"{package.__name__}.{module.name}")
        import plotly.graph_objects as go

        import i18n
        from i18n import formats

        for language in i18n.LANGUAGES:
            with i18n.speaking(language):
                charts.layout(go.Figure(go.Bar(x=[1], y=["a"], orientation="h")), i18n._("Sales forecast")).to_json()
                formats.money(1234.5, "GBP")
                formats.day("2026-01-01")
                charts.plotly_locale()
    except Exception:  # a warm-up that fails only leaves the first page slower
        log.exception("warm-up failed")
