"""Map geometry served by the app itself, and the alias table that finds a source's country names on it.

Country outlines (Natural Earth 1:50m, see dashboard/static/README.md) live in dashboard/static/ and are served
by Streamlit's static file serving, so no page fetches geometry from a CDN: the choropleth reads
countries.geojson, and Plotly's own base layers (land, borders) read world_50m.json through ``MAP_CONFIG``.
"""

import functools
import json
from pathlib import Path

STATIC = Path(__file__).parent / "static"
GEOJSON_URL = "/app/static/countries.geojson"
MAP_CONFIG = {"topojsonURL": "/app/static/", "displayModeBar": False}
"""st.plotly_chart config for every map: Plotly fetches world_50m.json from the app, not from cdn.plot.ly."""

UNKNOWN = "Unknown"
"""The country of an order whose ship-to and customer countries are both empty (shown translated)."""

COUNTRY_ALIASES = {  # source spelling -> ISO 3166-1 numeric id in countries.geojson; None: not one country
    "EIRE": "372", "Ireland": "372", "RSA": "710", "USA": "840", "United States": "840", "UK": "826",
    "Great Britain": "826", "England": "826", "Channel Islands": "CHI", "Czech Republic": "203", "Czechia": "203",
    "Korea": "410", "South Korea": "410", "Russia": "643", "Hong Kong": "344", "Macau": "446",
    "European Community": None, "Unspecified": None, "Unknown": None,
}


@functools.cache
def country_ids() -> dict[str, str]:
    """Lower-case Natural Earth country name -> its feature id."""
    features = json.loads((STATIC / "countries.geojson").read_text())["features"]
    return {f["properties"]["name"].lower(): f["id"] for f in features}


def country_id(name: str | None) -> str | None:
    """The map id of a country name: the alias table first, then Natural Earth's own name; None when unmapped."""
    if name is None:
        return None
    if name in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[name]
    return country_ids().get(name.strip().lower())
