"""The Social CRM and Geography pages in a real browser: the maps draw from geometry the app serves itself and
no request leaves 127.0.0.1 (Plotly would otherwise fetch outlines from its CDN). Saves the screenshots of both
pages into docs/screenshots/. Uses the system Chromium through Playwright; never downloads a browser."""

import contextlib
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from access.users import AccessError, add_user
from etl.db import get_engine
from tests.conftest import skip_or_fail
from tests.test_browser import (  # noqa: F401
    CHROMIUM,
    PASSWORD,
    SCREENSHOTS,
    USER,
    _serve,
    browser,
    sign_in,
)
from tests.warehouses import private_copy

pytestmark = pytest.mark.browser
GEOMETRY = {"/app/static/countries.geojson", "/app/static/world_50m.json"}


def _served(url: str):
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    with contextlib.suppress(AccessError, IntegrityError):  # the shared tweets warehouse may have the user already
        add_user(get_engine(url), USER, "admin", (), PASSWORD, "tests")
    yield from _serve(url)


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, matrix_warehouse):
    """The app on the demo warehouse the other browser tests see (built once per session; this module serves a
    copy). Its forecasts and alerts are not on these pages."""
    yield from _served(private_copy(matrix_warehouse("browser_demo"), tmp_path_factory.mktemp("social_demo")))


@pytest.fixture(scope="module")
def twitter_app(twitter_url):
    """The app on the airline tweets."""
    yield from _served(twitter_url)


@pytest.fixture(scope="module")
def retail_geo_app(tmp_path_factory, datasets, matrix_warehouse):
    """The app on Online Retail (built once per session; this module serves a copy)."""
    yield from _served(private_copy(matrix_warehouse("online_retail_loaded"), tmp_path_factory.mktemp("retail_geo")))


def visit(browser, base: str, link: str, name: str, query: str = "", countries: int = 0) -> dict:  # noqa: F811
    """Open a page through the sidebar, wait for its charts (and for ``countries`` coloured countries, which Plotly
    draws after the chart appears: on a busy machine a fixed pause is not enough), screenshot it; what the browser
    requested."""
    page = browser.new_page(viewport={"width": 1440, "height": 2200})
    errors, outside, local = [], [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: (local if request.url.startswith(base) else outside).append(request.url)
            if not request.url.startswith(("data:", "blob:")) else None)
    page.goto(base + query)
    sign_in(page)
    page.wait_for_selector("[data-testid=stSidebarNav] a", timeout=60_000)
    page.locator("[data-testid=stSidebarNav] a", has_text=link).click()
    page.wait_for_selector(f"h1:has-text('{link}')", timeout=30_000)
    page.wait_for_selector("[data-testid=stPlotlyChart] .js-plotly-plot", timeout=60_000)
    page.wait_for_load_state("networkidle")
    if countries:
        page.wait_for_function(f"document.querySelectorAll('.choroplethlocation').length >= {countries}",
                               timeout=60_000)
    page.wait_for_timeout(500)  # the last frame of the drawing
    found = {"errors": errors, "outside": outside, "local": {u.removeprefix(base).split("?")[0] for u in local},
             "countries": page.locator(".choroplethlocation").count(),
             "land": page.locator(".geo .layer.bg path, .geo path.land, .geo .land path").count(),
             "exceptions": page.locator("[data-testid=stException]").count()}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.close()
    return found


def test_geography_draws_offline_on_the_demo(demo_app, browser):  # noqa: F811
    found = visit(browser, demo_app, "Geography", "geography", countries=1)
    assert found["outside"] == [] and found["errors"] == [] and found["exceptions"] == 0
    assert found["local"] >= GEOMETRY  # the outlines came from the app itself
    assert found["countries"] == 1 and found["land"] > 0  # the United Kingdom, over the shipped land


def test_social_page_on_the_demo(demo_app, browser):  # noqa: F811
    found = visit(browser, demo_app, "Social CRM", "social")
    assert found["outside"] == [] and found["errors"] == [] and found["exceptions"] == 0


@pytest.mark.datasets
def test_social_page_on_the_airline_tweets(twitter_app, browser):  # noqa: F811
    found = visit(browser, twitter_app, "Social CRM", "social_twitter")
    assert found["outside"] == [] and found["errors"] == [] and found["exceptions"] == 0


@pytest.mark.datasets
def test_geography_on_online_retail_colours_36_countries(retail_geo_app, browser):  # noqa: F811
    found = visit(browser, retail_geo_app, "Geography", "geography_online_retail",
                  "/?start=2010-12-01&end=2011-12-09", countries=36)
    assert found["outside"] == [] and found["errors"] == [] and found["exceptions"] == 0
    assert found["countries"] == 36  # 38 countries, less European Community and Unspecified
