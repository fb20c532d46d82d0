"""Maps and charts of the Geography page; every map draws from geometry the app serves itself.

Countries and regions carry their name in customdata, so a click on one can filter the page.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import PALETTE, layout, room_for_labels
from dashboard.charts.social import LABEL_COLOURS, label_name
from dashboard.geography import GEOJSON_URL
from dashboard.safe import plot
from i18n import _, ngettext
from i18n.formats import count, money, percent

CORE = (0.05, 0.95)  # the share of points a map frames when it has many: a few far-off ones do not widen it
LEAST_SPAN = {"lon": 12.0, "lat": 8.0}  # degrees: one city's points still show the country around them


def focus(latitude: pd.Series, longitude: pd.Series) -> dict:
    """Centre and ranges (degrees) that frame the points: from the 5th to the 95th percentile of each axis when there
    are 20 points or more (a few tweets from Sydney or Honolulu do not turn a map of the US into the Pacific), with a
    margin of 30% of the span each side and at least LEAST_SPAN; longitudes are taken across the antimeridian when
    that frames them tighter (Fiji and Samoa). Empty when there is no point."""
    known = pd.DataFrame({"lat": latitude, "lon": longitude}).dropna().astype(float)
    if known.empty:
        return {}
    low, high = CORE if len(known) >= 20 else (0.0, 1.0)
    east = known["lon"] % 360  # the same longitudes on 0..360, for points either side of the antimeridian
    spans = [known["lon"].quantile([low, high]).tolist(), east.quantile([low, high]).tolist()]
    lon = min(spans, key=lambda pair: pair[1] - pair[0])
    lon = [v - 360 for v in lon] if sum(lon) / 2 > 180 else lon  # back to -180..180 unless across the antimeridian
    lat = known["lat"].quantile([low, high]).tolist()

    def padded(pair: list[float], axis: str) -> list[float]:
        middle, half = (pair[0] + pair[1]) / 2, max((pair[1] - pair[0]) * 1.6, LEAST_SPAN[axis]) / 2
        return [middle - half, middle + half]

    lon_range, lat_range = padded(lon, "lon"), padded(lat, "lat")
    lat_range = [max(lat_range[0], -90.0), min(lat_range[1], 90.0)]
    centre_lon = (sum(lon_range) / 2 + 180) % 360 - 180
    return {"center": {"lon": centre_lon, "lat": sum(lat_range) / 2}, "lonaxis_range": lon_range,
            "lataxis_range": lat_range}


def _geo(fig: go.Figure, title: str, fit: bool, height: int = 460, frame: dict | None = None) -> go.Figure:
    """Natural Earth projection over the shipped land and borders; only the layers the shipped file holds. ``frame``
    (from ``focus``) centres and zooms on points; ``fit`` lets Plotly fit the drawn countries."""
    fig.update_geos(projection_type="natural earth", resolution=50, showland=True, landcolor="#f1f5f9",
                    showcountries=True, countrycolor="#cbd5e1", showcoastlines=False, showocean=False,
                    showlakes=False, showrivers=False, showsubunits=False, showframe=False,
                    fitbounds="locations" if fit and not frame else False, bgcolor="rgba(0,0,0,0)", **(frame or {}))
    fig = layout(fig, title, height=height)
    fig.update_layout(hovermode="closest", margin={"l": 0, "r": 0, "t": 50, "b": 0})
    return fig


def revenue_choropleth(countries: pd.DataFrame, currency: str | None) -> go.Figure:
    """Net revenue by country, coloured on a log scale so that one home market does not wash out the rest; a single
    country has nothing to compare with, so it is one colour, no colour bar, and its value is in the title."""
    mapped = countries[countries["map_id"].notna() & (countries["net_revenue"] > 0)]
    if len(mapped) == 1:
        return _one_country(mapped.iloc[0], currency)
    z = np.log10(mapped["net_revenue"].clip(lower=1.0))
    ticks = [v for v in range(int(z.min()) if len(z) else 0, int(np.ceil(z.max())) + 1 if len(z) else 1)]
    fig = go.Figure(go.Choropleth(
        geojson=GEOJSON_URL, featureidkey="id", locations=mapped["map_id"], z=z, colorscale="Blues",
        marker_line_color="#ffffff", marker_line_width=0.4, customdata=mapped["country"],
        text=[f"{plot(c)}: {money(v, currency)}" for c, v in zip(mapped["country"], mapped["net_revenue"])],
        hovertemplate="%{text}<extra></extra>",
        colorbar={"title": _("Net revenue"), "tickvals": ticks,
                  "ticktext": [money(10.0 ** t, currency) for t in ticks]}))
    return _geo(fig, _("Net revenue by country"), fit=len(mapped) <= 3)  # one home market: zoom in on it


def _one_country(row: pd.Series, currency: str | None) -> go.Figure:
    """The one country with revenue, drawn in one colour and zoomed on, its net revenue said in the title."""
    said = f"{plot(row['country'])}: {money(row['net_revenue'], currency)}"
    fig = go.Figure(go.Choropleth(
        geojson=GEOJSON_URL, featureidkey="id", locations=[row["map_id"]], z=[1.0], showscale=False,
        colorscale=[[0, PALETTE[0]], [1, PALETTE[0]]], marker_line_color="#ffffff", marker_line_width=0.4,
        customdata=[row["country"]], text=[said], hovertemplate="%{text}<extra></extra>"))
    return _geo(fig, _("Net revenue by country: {country}").format(country=said), fit=True)


def places(points: pd.DataFrame, currency: str | None) -> go.Figure:
    """Customers' places as bubbles sized by net revenue."""
    size = 8 + 40 * np.sqrt(points["net_revenue"].clip(lower=0) / max(points["net_revenue"].max(), 1.0))
    fig = go.Figure(go.Scattergeo(
        lat=points["latitude"], lon=points["longitude"], mode="markers",
        marker={"size": size, "color": PALETTE[0], "opacity": 0.65, "line": {"width": 0.5, "color": "#ffffff"}},
        text=[ngettext("{place}: {revenue}, {customers} customer", "{place}: {revenue}, {customers} customers",
                       int(n)).format(place=plot(c) if c else _("Unknown place"), revenue=money(v, currency),
                                      customers=count(n))
              for c, v, n in zip(points["city"], points["net_revenue"], points["customers"])],
        hovertemplate="%{text}<extra></extra>"))
    return _geo(fig, _("Customers and net revenue by place"), fit=True,
                frame=focus(points["latitude"], points["longitude"]))


def late_rates(regions: pd.DataFrame) -> pd.DataFrame:
    """Per region the share of delivered orders that came late: region, delivered, late, rate, latitude,
    longitude; lowest rate first."""
    return regions.assign(rate=regions["late"] / regions["delivered"]).sort_values("rate", ignore_index=True)[
        ["region", "delivered", "late", "rate", "latitude", "longitude"]]


def _late_text(rate: float, late: int, delivered: int) -> str:
    return ngettext("{rate} late ({late} of {delivered} delivered order)",
                    "{rate} late ({late} of {delivered} delivered orders)", int(delivered)).format(
        rate=percent(rate), late=count(late), delivered=count(delivered))


def _region(name: str | None) -> str:
    return plot(name) if name is not None and not pd.isna(name) else _("No region")


def late_rate_map(rates: pd.DataFrame) -> go.Figure:
    """Regions at their customers' mean position, coloured by the share of deliveries that came late (``rates``
    from late_rates); the region in customdata."""
    data = rates.dropna(subset=["latitude", "longitude"])
    fig = go.Figure(go.Scattergeo(
        lat=data["latitude"], lon=data["longitude"], mode="markers", customdata=data["region"],
        text=[f"{_region(g)}: {_late_text(r, n, d)}" for g, r, n, d in
              zip(data["region"], data["rate"], data["late"], data["delivered"])],
        marker={"size": 14 + 30 * np.sqrt(data["delivered"] / data["delivered"].max()), "color": data["rate"],
                "colorscale": "OrRd", "cmin": 0, "cmax": max(float(data["rate"].max()), 0.05), "showscale": True,
                "colorbar": {"title": _("Late"), "tickformat": ".0%"}, "line": {"width": 0.5, "color": "#334155"}},
        hovertemplate="%{text}<extra></extra>"))
    return _geo(fig, _("Late deliveries by region"), fit=True, height=420,
                frame=focus(data["latitude"], data["longitude"]))


def late_rate_bars(rates: pd.DataFrame) -> go.Figure:
    """Share of delivered orders that came late, per region (``rates`` from late_rates), each bar labelled with its
    share and counts outside it (the axis leaves room, so no label is clipped; the hover says it in words); the
    region in customdata."""
    labels = [_("{rate} ({late} of {delivered})").format(rate=percent(r), late=count(n), delivered=count(d))
              for r, n, d in zip(rates["rate"], rates["late"], rates["delivered"])]
    fig = go.Figure(go.Bar(
        x=rates["rate"], y=[_region(g) for g in rates["region"]], orientation="h", marker_color=PALETTE[3],
        customdata=rates["region"], text=labels, textposition="outside", cliponaxis=False,
        hovertext=[_late_text(r, n, d) for r, n, d in zip(rates["rate"], rates["late"], rates["delivered"])],
        hovertemplate="%{y}: %{hovertext}<extra></extra>"))
    fig.update_xaxes(tickformat=".0%", range=room_for_labels(rates["rate"].max(), labels, least=0.01))
    fig = layout(fig, _("Late-delivery rate by region"), height=max(260, 70 + 30 * len(rates)))
    fig.update_layout(hovermode="closest")
    return fig


def mentions_map(points: pd.DataFrame) -> go.Figure:
    """Mentions with coordinates, coloured by their label."""
    fig = go.Figure()
    for label, colour in LABEL_COLOURS.items():
        rows = points[points["label"] == label]
        fig.add_scattergeo(lat=rows["latitude"], lon=rows["longitude"], mode="markers", name=label_name(label),
                           marker={"size": 6, "color": colour, "opacity": 0.7},
                           text=[_("{author} on {brand}").format(author=plot(a or ""), brand=plot(b))
                                 for a, b in zip(rows["author"], rows["brand"])],
                           hovertemplate="%{text}<extra>" + label_name(label) + "</extra>")
    return _geo(fig, _("Mentions with coordinates"), fit=True, frame=focus(points["latitude"], points["longitude"]))
