"""Geography: where the business happens - revenue by country, customers by place, late deliveries by region,
and where people post about the brand. Every map draws from geometry the app serves itself."""

import streamlit as st

from dashboard import filters, safe, show
from dashboard import queries as q
from dashboard.charts import geography as charts
from dashboard.formatting import unmapped_sentence
from dashboard.geography import MAP_CONFIG, UNKNOWN
from dashboard.queries import geography, social
from i18n import _, ngettext
from i18n.formats import count

COUNTRIES = "geo_countries"  # the countries a click on the map chose for the table


def pick_places(values: list) -> None:
    """A click on the map or the bars: regions of the warehouse filter every page (the sidebar's regions); any
    other country filters this page's table of countries."""
    clicked = {str(v) for v in values}
    regions = clicked & set(q.region_options())
    if regions:
        filters.pick_regions(sorted(regions))
    st.session_state[COUNTRIES] = tuple(sorted(clicked - regions))


def every_country() -> None:
    """Undo the click: the table lists every country again."""
    st.session_state[COUNTRIES] = ()


def country_table(countries, currency: str | None) -> None:
    """The table of countries, only those a click chose when it chose some."""
    picked = st.session_state.get(COUNTRIES, ())
    rows = countries[countries["country"].isin(picked)] if picked else countries
    if picked:
        note, undo = st.columns([4, 1])
        note.caption(ngettext("Only the country clicked on the map: {countries}.",
                              "Only the countries clicked on the map: {countries}.", len(picked)).format(
            countries=safe.md(", ".join(picked))))
        undo.button(_("Show every country"), key="geo_every_country", on_click=every_country)
    show.table(rows, {"country": (_("Country"), "text"), "map_id": (_("Map id (ISO numeric)"), "text"),
                      "net_revenue": (_("Net revenue"), "money"), "orders": (_("Sale orders"), "count")},
               "net-revenue-by-country", "geo_countries_table", currency=currency)


st.title(_("Geography"))
chosen = filters.require()
currency = q.currency()
has_orders = q.has_rows("mart_order_fulfilment")

if has_orders:
    countries = geography.revenue_by_country(chosen)
    countries["country"] = countries["country"].replace({UNKNOWN: _("Unknown")})
    if countries.empty:
        st.info(_("No order was placed in this period under these filters."))
    else:
        show.chart(charts.revenue_choropleth(countries, currency), countries, "net-revenue-by-country-map",
                   "geo_countries_map", on_click=pick_places, config=MAP_CONFIG)
        st.caption(unmapped_sentence(countries, currency) + " " + _("Click a country to filter the table, or a "
                                                                    "region to filter every page."))
        country_table(countries, currency)
else:
    st.info(_("The loaded data has no orders, so there is no revenue to map."))

places = geography.revenue_by_place(chosen) if has_orders else None
if places is not None and not places.empty:
    show.chart(charts.places(places, currency), places, "net-revenue-by-place", "geo_places", config=MAP_CONFIG)
    st.caption(_("Each bubble is a place where customers are, sized by their net revenue in the period."))
elif places is not None:
    st.info(_("The customers in this data have no coordinates, so they cannot be placed on a map."))

regions = geography.late_by_region(chosen) if has_orders else None
if regions is not None and not regions.empty:
    rates = charts.late_rates(regions)
    show.chart(charts.late_rate_bars(rates), rates, "late-deliveries-by-region", "geo_late_bars",
               on_click=pick_places)  # full width, as the map below: room for the labels at 800 px
    if rates["latitude"].notna().any():
        show.chart(charts.late_rate_map(rates), rates, "late-deliveries-by-region-map", "geo_late_map",
                   on_click=pick_places, config=MAP_CONFIG)
    st.caption(_("Late-delivery rate = orders delivered after their promised time / orders delivered, by the "
                 "order's region; a region sits at the mean position of its customers. Click a region to filter "
                 "every page to it."))
elif regions is not None and not q.has_values("mart_order_fulfilment", "is_on_time"):
    st.info(_("The loaded orders have no promised and delivery times together (their source does not record "
              "them), so lateness cannot be measured."))
elif regions is not None:
    st.info(_("No order in this period has both a promised and a delivery time, so lateness cannot be measured."))

if q.has_rows("mart_mentions"):
    mentions = social.located(chosen)
    if mentions.empty and not q.has_values("mart_mentions", "latitude"):
        st.info(_("The loaded mentions carry no coordinates (their source does not record where they were posted), "
                  "so none can be placed on a map."))
    elif mentions.empty:
        st.info(_("No mention in this period carries coordinates."))
    else:
        show.chart(charts.mentions_map(mentions), mentions, "mentions-with-coordinates", "geo_mentions",
                   config=MAP_CONFIG)
        st.caption(ngettext("{count} mention with coordinates in the period (the newest {limit} at most); posts "
                            "without a location, or with [0, 0], are left out.",
                            "{count} mentions with coordinates in the period (the newest {limit} at most); posts "
                            "without a location, or with [0, 0], are left out.", len(mentions)).format(
            count=count(len(mentions)), limit=count(social.LOCATED)))
