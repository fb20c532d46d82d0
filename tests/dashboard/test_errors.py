"""An unexpected error: one sentence and a reference for the user, the traceback in the server log only."""

import logging
import re
from pathlib import Path

from dashboard.queries import sales


def test_an_unexpected_error_is_one_sentence_with_a_reference(app_on, five_orders_url, monkeypatch, caplog):
    def broken(filters):
        raise RuntimeError("the secret internals of the failure")

    monkeypatch.setattr(sales, "period_kpis", broken)
    with caplog.at_level(logging.ERROR, logger="dashboard"):
        at = app_on(five_orders_url)  # the overview, the default page
    assert not at.exception
    shown = at.error[0].value
    reference = re.search(r"reference ([0-9a-f]{8})", shown).group(1)
    assert "secret internals" not in shown and "Traceback" not in shown
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and "the secret internals of the failure" in str(logged[0].exc_info[1])


def test_streamlit_shows_no_error_details_to_users():
    config = (Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text()
    assert re.search(r'^showErrorDetails = "none"', config, re.MULTILINE)
