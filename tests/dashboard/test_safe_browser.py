"""Hostile names on the alerts page in a real browser: shown as typed, never run as markup or script."""

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, update

from access.users import add_user
from alerts.config import load_config
from alerts.engine import evaluate
from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.schema import alert_impacts, alerts, departments
from etl.sources import FrameSource
from tests.conftest import skip_or_fail
from tests.fixtures import incident_frames
from tests.test_browser import CHROMIUM, PASSWORD, USER, _serve, browser, sign_in  # noqa: F401 - browser: fixture

pytestmark = pytest.mark.browser
NAME = '<img src=x onerror="alert(1)"> :red[x] **y** $$x^2$$'
TITLE = '<script>alert(2)</script> [x](javascript:alert(3)) =HYPERLINK("http://evil")'


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    """The incident warehouse whose department D2 and a high alert starting there carry hostile text."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'warehouse.db'}"
    engine = get_engine(url)
    run_pipeline(FrameSource("scenario", incident_frames(), currency="GBP"), engine)
    evaluate(engine, load_config())
    now = datetime.now()
    with engine.begin() as conn:
        conn.execute(update(departments).where(departments.c.department_id == "D2").values(name=NAME))
        conn.execute(insert(alerts).values(
            alert_id=2, rule_id="manual", kind="manual", fingerprint="manual:x", severity="high", status="open",
            origin_department_id="D2", entity_type="customer", entity_id="C2", title=TITLE, message=NAME,
            impact_amount=5.0, as_of=now.date(), opened_at=now, updated_at=now))
        conn.execute(insert(alert_impacts).values(alert_id=2, step=0, department_id="D2", area="origin",
                                                  entity_type="customer", entity_id="C2", description=TITLE))
    add_user(engine, USER, "admin", (), PASSWORD, "tests")
    yield from _serve(url)


def test_the_alerts_page_shows_hostile_text_as_typed(hostile_url, browser):  # noqa: F811 - the fixture
    page = browser.new_page(viewport={"width": 1440, "height": 1800})
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(hostile_url)
    sign_in(page)
    page.locator("[data-testid=stSidebarNav] a", has_text="Alerts").click()
    page.wait_for_selector("h1:has-text('Alerts')", timeout=30_000)
    page.wait_for_selector("[data-testid=stPlotlyChart] .js-plotly-plot", timeout=60_000)
    page.wait_for_timeout(1000)
    main = page.locator("[data-testid=stMain]")
    assert page.locator("h3", has_text="<script>alert(2)</script>").count() == 1  # the title, as typed
    body = main.inner_text()
    assert TITLE in body and ":red[x] **y** $$x^2$$" in body
    assert main.locator("img[src=x], a[href^='javascript'], script, .katex, [data-testid=stMarkdownColoredText]"
                        ).count() == 0
    ticks = page.locator(".js-plotly-plot .ytick text").all_text_contents()
    assert NAME in ticks  # Plotly shows the name itself, not an image or bold text
    assert page.locator(".js-plotly-plot image, .js-plotly-plot a").count() == 0
    assert dialogs == []
    page.close()
