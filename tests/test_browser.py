"""The app in a real browser, started as `make run` starts it: every page draws its charts without an error.

Saves a screenshot of every page into docs/screenshots/ (the README shows them). Uses the system Chromium
through Playwright; never downloads a browser.
"""

import time
from pathlib import Path

import pytest

from access.users import add_user
from etl.db import get_engine
from etl.pipeline import run_pipeline
from i18n import _, speaking
from tests.conftest import skip_or_fail
from tests.fixtures import deals_source
from tests.served import streamlit_app
from tests.warehouses import private_copy

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PAGES = {  # sidebar link -> screenshot name
    "Executive overview": "overview", "Customer retention": "retention", "Process efficiency": "efficiency",
    "CRM pipeline": "pipeline", "Sales forecast": "forecast", "Alerts": "alerts", "Data operations": "operations",
}
CHARTLESS = {"Data operations"}  # a page of tables
USER, PASSWORD = "browser", "a password for the browser test"


def sign_in(page, language: str = "en") -> None:
    """Sign in through the form, as a person does (its labels in the page's language)."""
    with speaking(language):
        page.get_by_role("textbox", name=_("Username")).fill(USER)
        page.get_by_role("textbox", name=_("Password")).fill(PASSWORD)
        page.get_by_role("button", name=_("Sign in")).click()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, matrix_warehouse):
    """The app on the demo warehouse with forecasts and alerts, started with `streamlit run dashboard/app.py` like
    `make run` does. The warehouse is built once per session (tests/warehouses.py); this module serves a copy."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    url = private_copy(matrix_warehouse("browser_demo"), tmp_path_factory.mktemp("browser"))
    add_user(get_engine(url), USER, "admin", (), PASSWORD, "tests")
    yield from _serve(url)


@pytest.fixture(scope="module")
def retail_app_url(tmp_path_factory, datasets, matrix_warehouse):
    """The app on the Online Retail warehouse (built once per session; this module serves a copy)."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    url = private_copy(matrix_warehouse("online_retail_loaded"), tmp_path_factory.mktemp("retail"))
    add_user(get_engine(url), USER, "admin", (), PASSWORD, "tests")
    yield from _serve(url)


@pytest.fixture(scope="module")
def deals_only_app_url(tmp_path_factory):
    """The app on a warehouse of deals only (no orders): its first page is the CRM pipeline."""
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    url = f"sqlite:///{tmp_path_factory.mktemp('deals') / 'warehouse.db'}"
    run_pipeline(deals_source(), get_engine(url))
    add_user(get_engine(url), USER, "admin", (), PASSWORD, "tests")
    yield from _serve(url)


class Served(str):
    """The app's address, which also knows the warehouse it serves (``warehouse``)."""

    warehouse: str


def _serve(url: str):
    with streamlit_app(url) as base:
        served = Served(base)
        served.warehouse = url
        yield served


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.mark.parametrize("link", list(PAGES))
def test_page_draws_its_charts_without_errors(app_url, browser, link):
    """Open the app, go to the page through the sidebar as a user does, and wait for its charts."""
    _visit(browser, app_url, link, PAGES[link])


def test_a_download_needs_the_session_and_is_one_audit_event_per_click(app_url, browser):
    """A CSV is made when a signed-in user clicks, once per click, each an audit event; its address, fetched again
    without the session (a copied link), gives nothing."""
    import urllib.error
    import urllib.request

    from access import audit

    warehouse = get_engine(app_url.warehouse)
    before = len(audit.trail(warehouse, action="download"))
    page = _visit(browser, app_url, "Executive overview", "overview", keep_open=True)
    button = page.locator("[data-testid=stDownloadButton] button").first
    files = []
    for _click in range(2):
        with page.expect_download(timeout=30_000) as started:
            button.click()
        files.append((started.value.url, Path(started.value.path()).read_text()))
    page.close()
    assert all(text.count("\n") > 1 for _url, text in files) and files[0][1] == files[1][1]
    for address, _text in files:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(address, timeout=10)
        assert refused.value.code == 404
    assert len(audit.trail(warehouse, action="download")) == before + 2


def test_a_reload_a_new_tab_and_a_bookmark_stay_signed_in_until_sign_out(app_url, browser):
    """Signed in once, a reload, a second tab and a bookmarked page open signed in; the cookie that does it is
    HttpOnly and SameSite=Strict; after signing out in one tab, the other tab's next click and the token replayed
    in a fresh browser open nothing but the sign-in form."""
    context = browser.new_context(viewport={"width": 1440, "height": 1200})
    first = context.new_page()
    first.goto(app_url)
    sign_in(first)
    first.wait_for_selector("[data-testid=stSidebarNav] a", timeout=60_000)
    for _wait in range(50):  # the page's script trades its one-time ticket for the cookie
        if any(c["name"] == "cockpit_session" for c in context.cookies()):
            break
        first.wait_for_timeout(100)
    cookie = next(c for c in context.cookies() if c["name"] == "cockpit_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    first.reload()
    first.wait_for_selector("[data-testid=stSidebarNav] a", timeout=60_000)  # no sign-in form
    second = context.new_page()
    second.goto(app_url + "/pipeline")  # a bookmark, in a new tab
    second.wait_for_selector("h1:has-text('CRM pipeline')", timeout=60_000)
    first.get_by_role("button", name="Sign out").click()
    first.wait_for_selector("text=You have signed out.", timeout=30_000)
    second.locator("[data-testid=stSidebarNav] a", has_text="Alerts").click()  # the other tab's next click
    second.get_by_role("button", name="Sign in").wait_for(timeout=30_000)  # the form, not the alerts page's forms
    assert second.locator("h1:has-text('Alerts')").count() == 0
    replay = browser.new_context()
    replay.add_cookies([{"name": cookie["name"], "value": cookie["value"], "url": app_url}])
    stranger = replay.new_page()
    stranger.goto(app_url)
    stranger.get_by_role("button", name="Sign in").wait_for(timeout=60_000)  # the replayed token opens nothing
    assert stranger.locator("[data-testid=stSidebarNav] a").count() == 0
    replay.close()
    context.close()


@pytest.mark.datasets
def test_overview_on_online_retail(retail_app_url, browser):
    """The overview on real data: Online Retail's last 90 days."""
    page = _visit(browser, retail_app_url, "Executive overview", "online_retail_overview", keep_open=True)
    values = page.locator("[data-testid=stMetricValue]").all_inner_texts()
    page.close()
    assert values[0].startswith("£") and values[1] == "–"  # revenue in pounds; no costs, so no margin


UKRAINIAN_MONTHS = ("січ", "лют", "бер", "квіт", "трав", "черв", "лип", "серп", "вер", "жовт", "лист", "груд")
LAYOUT_PAGES = {  # the pages with rows of KPI cards or charts: address -> title
    "overview": "Executive overview", "retention": "Customer retention", "efficiency": "Process efficiency",
    "pipeline": "CRM pipeline", "alerts": "Alerts", "forecast": "Sales forecast", "social": "Social CRM",
    "geography": "Geography"}
TRUNCATED = """() => Array.from(document.querySelectorAll(
    '[data-testid=stMetricValue], [data-testid=stMetricValue] *, [data-testid=stMetricLabel] p'))
    .filter(e => e.scrollWidth > e.clientWidth + 1 || getComputedStyle(e).textOverflow === 'ellipsis')
    .map(e => e.innerText)"""
CLIPPED = """() => {
    const out = [];
    document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot').forEach(plot => {
        const svg = plot.querySelector('svg.main-svg').getBoundingClientRect();
        const area = plot.querySelector('.bglayer rect, .cartesianlayer .bg');
        const inner = area ? area.getBoundingClientRect() : svg;
        plot.querySelectorAll('.bartext, .textpoint text, .xtick text, .ytick text, .gtitle').forEach(t => {
            const r = t.getBoundingClientRect();
            if (!r.width) return;
            const outsideSvg = r.left < svg.left - 1 || r.right > svg.right + 1 || r.top < svg.top - 1
                || r.bottom > svg.bottom + 1;
            const clipped = t.closest('[clip-path]') && (r.left < inner.left - 1 || r.right > inner.right + 1);
            if (outsideSvg || clipped) out.push(t.textContent);
        });
    });
    return out;
}"""

TO_TOP = """() => document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })"""


@pytest.mark.parametrize("language", ["en", "uk"])
@pytest.mark.parametrize("width", [800, 1440])
def test_cards_never_truncate_and_labels_never_clip(app_url, browser, width, language):
    """From 800 px to a wide screen, in both languages: every KPI card shows its whole value and label, and no
    bar or axis label or chart title is cut off; a screenshot of each page at each width goes to docs/screenshots/."""
    page = browser.new_page(viewport={"width": width, "height": 1600})
    quiet = network_quiet(page)
    problems = {}
    page.goto(f"{app_url}/overview?lang={language}")  # a link to the first page: it opens once signed in
    sign_in(page, language)
    for name in LAYOUT_PAGES:  # then from page to page through the sidebar, in the one session, as a person does
        with speaking(language):
            title = _(LAYOUT_PAGES[name])
        if name != "overview":
            page.locator(f"[data-testid=stSidebarNav] a[href$='/{name}']").click()
        page.mouse.move(width - 1, 1)  # the pointer off the link and the charts: no hover in the screenshot
        page.wait_for_selector(f"h1:has-text('{title}')", timeout=30_000)  # that page, not the previous one
        page.wait_for_selector("[data-testid=stPlotlyChart] .js-plotly-plot", timeout=60_000)
        settle(page, quiet)
        truncated, clipped = page.evaluate(TRUNCATED), page.evaluate(CLIPPED)
        if truncated or clipped:
            problems[name] = {"truncated": truncated[:5], "clipped": clipped[:5]}
        if page.locator("[data-testid=stDataFrame]").count():  # its toolbar shows on hover
            page.locator("[data-testid=stDataFrame]").first.hover()
            page.wait_for_timeout(300)
            assert page.locator('button[aria-label="Download as CSV"]:visible').count() == 0, (
                f"{name}: the table toolbar offers a raw CSV download beside the formula-safe one")
            page.mouse.move(width - 1, 1)
            page.wait_for_timeout(300)  # the toolbar fades out before the screenshot
        if language == "uk" and name == "overview":  # month names on the date axis come from the Plotly locale
            ticks = " ".join(page.locator("[data-testid=stPlotlyChart] .xtick text").all_text_contents())
            assert any(month in ticks for month in UKRAINIAN_MONTHS), f"no Ukrainian month on the axis: {ticks}"
        page.evaluate(TO_TOP)  # as a page opened afresh: the hover above, or the previous page, scrolled it
        page.screenshot(path=str(SCREENSHOTS / f"layout-{width}-{language}-{name}.png"), full_page=True)
    page.close()
    assert not problems, f"at {width} px in {language}: {problems}"


def network_quiet(page) -> dict:
    """Follow the page's requests: how many are in flight, and when the last one started or ended."""
    state = {"open": 0, "last": time.monotonic()}

    def started(request) -> None:
        state["open"] += 1
        state["last"] = time.monotonic()

    def ended(request) -> None:
        state["open"] -= 1
        state["last"] = time.monotonic()

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    return state


def settle(page, quiet: dict, seconds: float = 0.5) -> None:
    """Wait until the app's script has finished, no element is left over from the previous page and no request
    has been in flight for ``seconds`` (Playwright's "networkidle", which a page switch inside one session does not
    reset; the maps fetch their geometry), then two animation frames, so Plotly has drawn what arrived."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-stale=true]')", timeout=30_000)
    deadline = time.monotonic() + 60
    while (quiet["open"] > 0 or time.monotonic() - quiet["last"] < seconds) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


ADDRESSES = {  # a link's address -> the page it opens, and the address the browser shows then
    "pipeline": ("CRM pipeline", "/pipeline"), "overview": ("Executive overview", "/overview"),
    "retention": ("Customer retention", "/retention"), "operations": ("Data operations", "/operations"),
    "?start=2025-01-06&end=2025-01-16&lang=uk": ("Воронка продажів CRM", "/pipeline"),  # the root: the first page
}


@pytest.mark.parametrize("address", list(ADDRESSES))
def test_a_link_opens_its_page_on_a_warehouse_of_deals_only(deals_only_app_url, browser, address):
    """A link to any page by its address opens that page once signed in, the first page (the pipeline) included,
    never Streamlit's "Page not found"; the root opens the first page at its own address, keeping the link's
    period and language."""
    title, path = ADDRESSES[address]
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{deals_only_app_url}/{address}")
    page.wait_for_selector("input[type=password]", timeout=30_000)
    page.wait_for_timeout(500)
    assert page.get_by_text("Page not found").count() == 0  # Streamlit says so over the sign-in form
    sign_in(page, "uk" if "lang=uk" in address else "en")
    page.wait_for_selector(f"h1:has-text('{title}')", timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Page not found").count() == 0
    assert page.url.split("?")[0] == deals_only_app_url + path
    if "start=" in address:
        assert "start=2025-01-06" in page.url and "end=2025-01-16" in page.url
    page.close()


def _visit(browser, app_url: str, link: str, name: str, keep_open: bool = False):
    page = browser.new_page(viewport={"width": 1440, "height": 1800})  # Streamlit scrolls inside: a tall window
    console_errors, outside = [], []
    quiet = network_quiet(page)
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(
        (app_url, "data:", "blob:")) else None)
    page.goto(app_url)
    sign_in(page)
    page.wait_for_selector("[data-testid=stPlotlyChart] .js-plotly-plot", timeout=60_000)
    page.locator("[data-testid=stSidebarNav] a", has_text=link).click()
    page.wait_for_selector(f"h1:has-text('{link}')", timeout=30_000)
    ready = "[data-testid=stDataFrame]" if link in CHARTLESS else "[data-testid=stPlotlyChart] .js-plotly-plot"
    page.wait_for_selector(ready, timeout=60_000)
    settle(page, quiet)  # the script done (the cards too, not only the first chart), then Plotly's drawing
    assert page.locator("[data-testid=stException]").count() == 0
    assert console_errors == [] and outside == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    if keep_open:
        return page
    page.close()
    return None
