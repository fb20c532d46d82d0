"""Maps frame their data: points are centred and zoomed on where most of them are (a few tweets from Sydney or
Honolulu do not turn a map of US tweets into a map of the Pacific), and a choropleth of one country shows its value
instead of a colour bar with nothing to compare."""

import pandas as pd
import pytest

from dashboard.charts import geography
from i18n import speaking


def us_tweets() -> pd.DataFrame:
    """20 tweets in the US (10 at 30N 120W, 10 at 45N 70W), one at 151E (Sydney's longitude) and one at 158W
    (Honolulu's)."""
    return pd.DataFrame({"latitude": [30.0, 45.0] * 10 + [30.0, 45.0],
                         "longitude": [-120.0, -70.0] * 10 + [151.0, -158.0],
                         "label": "negative", "author": "@a", "brand": "Delta"})


def test_a_map_of_us_tweets_is_centred_on_the_us_not_the_pacific():
    """22 points: the 5th and 95th percentiles are the US ones (-120..-70, 30..45); spans 50 and 15 widened by 30% each
    side to 80 and 24 degrees: lon -135..-55 around -95, lat 25.5..49.5 around 37.5."""
    with speaking("en"):
        geo = geography.mentions_map(us_tweets()).layout.geo
    assert geo.fitbounds is False
    assert (geo.center.lon, geo.center.lat) == pytest.approx((-95.0, 37.5))
    assert list(geo.lonaxis.range) == pytest.approx([-135.0, -55.0])
    assert list(geo.lataxis.range) == pytest.approx([25.5, 49.5])


def test_points_either_side_of_the_antimeridian_are_framed_across_it():
    """Fiji (178E, 179E) and Samoa (172W): across the antimeridian they span 10 degrees (178..188E), not 351; widened to
    16 degrees around 177W; latitudes -18..-14 widened to the least span of 8 around -16."""
    frame = geography.focus(pd.Series([-18.0, -17.0, -14.0]), pd.Series([178.0, 179.0, -172.0]))
    assert frame["center"] == pytest.approx({"lon": -177.0, "lat": -16.0})
    assert frame["lonaxis_range"] == pytest.approx([-185.0, -169.0])
    assert frame["lataxis_range"] == pytest.approx([-20.0, -12.0])
    assert geography.focus(pd.Series([], dtype=float), pd.Series([], dtype=float)) == {}


@pytest.mark.parametrize(("language", "title"), [("en", "Net revenue by country: United Kingdom: £295"),
                                                 ("uk", "Чиста виручка за країнами: United Kingdom: 295\u00a0£")])
def test_a_single_country_has_no_colour_bar_and_says_its_value(language, title):
    """The five-order fixture sells only in the United Kingdom: 295 of net revenue, in one colour, no colour bar."""
    one = pd.DataFrame({"country": ["United Kingdom"], "map_id": ["826"], "net_revenue": [295.0], "orders": [4]})
    with speaking(language):
        fig = geography.revenue_choropleth(one, "GBP")
    assert fig.layout.title.text == title
    assert fig.data[0].showscale is False and list(fig.data[0].locations) == ["826"]
    assert fig.layout.geo.fitbounds == "locations"


def test_two_countries_keep_their_colour_bar():
    two = pd.DataFrame({"country": ["United Kingdom", "France"], "map_id": ["826", "250"],
                        "net_revenue": [1000.0, 10.0], "orders": [4, 1]})
    with speaking("en"):
        fig = geography.revenue_choropleth(two, "GBP")
    assert fig.layout.title.text == "Net revenue by country" and fig.data[0].showscale is not False
    assert list(fig.data[0].colorbar.ticktext) == ["£10", "£100", "£1,000"]
