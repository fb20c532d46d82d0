"""AppTest helpers: the app started against a given warehouse."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture
def app_on(monkeypatch):
    """Start the app on the warehouse at a URL and run it once."""

    def start(url: str) -> AppTest:
        monkeypatch.setenv("DATABASE_URL", url)
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return start


def metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    """The KPI cards on screen: label -> (value, delta); no delta reads as ''."""
    return {m.label: (m.value, m.delta) for m in at.metric}
