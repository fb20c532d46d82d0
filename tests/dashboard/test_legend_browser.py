"""A legend never covers a chart's title: the shared layout puts the title in the figure's top 40 px and the legend
under it, both from the top of the figure, so a legend that wraps on a narrow screen pushes the plot down instead of
growing over the title (the Social CRM page's six airlines did, at 450 px). Drawn by plotly.js in Chromium."""

from pathlib import Path

import pandas as pd
import plotly
import pytest

from dashboard.charts import TITLE_BAND, social
from i18n import speaking
from tests.conftest import skip_or_fail

CHROMIUM = "/usr/bin/chromium"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
AIRLINES = ["American", "Delta", "Southwest Airlines", "United", "US Airways", "Virgin America"]


def mentions_chart():
    """Mentions per day of the six airlines over a week, in Ukrainian (the longer title)."""
    rows = pd.DataFrame([{"period": day, "brand": brand, "mentions": 10 + i} for i, brand in enumerate(AIRLINES)
                         for day in pd.date_range("2015-02-16", periods=7)])
    with speaking("uk"):
        return social.volume(rows, social.brand_colours(AIRLINES), "day", "2015-02-16", "2015-02-22")


def test_the_layout_puts_the_legend_under_the_title_from_the_figures_top():
    fig = mentions_chart()
    assert (fig.layout.title.yref, fig.layout.title.y, fig.layout.title.yanchor) == ("container", 1, "top")
    assert (fig.layout.legend.yref, fig.layout.legend.yanchor) == ("container", "top")
    assert fig.layout.legend.y == pytest.approx(1 - 40 / 340) and TITLE_BAND == 40  # 40 px under the top of 340


@pytest.mark.browser
@pytest.mark.parametrize("width", [450, 700, 1100])
def test_a_wrapping_legend_stays_between_the_title_and_the_plot(tmp_path, width):
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    fig = mentions_chart()
    page_file = tmp_path / "chart.html"
    page_file.write_text(
        f"<html><body style='margin:0'><div id='c' style='width:{width}px'></div><script src='file://{PLOTLY_JS}'>"
        f"</script><script>const f = {fig.to_json()}; Plotly.newPlot('c', f.data, f.layout)"
        ".then(() => { document.title = 'drawn'; });</script></body></html>")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": width + 20, "height": 600})
        page.goto(page_file.as_uri())
        page.wait_for_function("document.title === 'drawn'")
        box = {name: page.eval_on_selector(selector, "e => { const r = e.getBoundingClientRect(); "
                                                     "return {top: r.top, bottom: r.bottom}; }")
               for name, selector in (("title", ".gtitle"), ("legend", ".legend"), ("plot", ".nsewdrag"))}
        browser.close()
    assert box["title"]["bottom"] <= box["legend"]["top"] <= TITLE_BAND
    assert box["legend"]["bottom"] <= box["plot"]["top"]
