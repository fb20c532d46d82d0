"""Geography: where the business happens - revenue by country, customers by place, late deliveries by region,
and where people post about the brand. Every map draws from geometry the app serves itself."""

import streamlit as st

from dashboard import filters
from dashboard import queries as q
from dashboard.charts import geography as charts
from dashboard.formatting import count, money_format, unmapped_sentence
from dashboard.geography import MAP_CONFIG
from dashboard.queries import geography, social

st.title("Geography")
chosen = filters.require()
currency = q.currency()

if q.has_rows("mart_order_fulfilment"):
    countries = geography.revenue_by_country(chosen)
    if countries.empty:
        st.info("No order was placed in this period under these filters.")
    else:
        st.plotly_chart(charts.revenue_choropleth(countries, currency), width="stretch", config=MAP_CONFIG)
        st.caption(unmapped_sentence(countries, currency))
        st.dataframe(countries, hide_index=True, column_config={
            "country": "Country", "map_id": "Map id (ISO numeric)",
            "net_revenue": st.column_config.NumberColumn("Net revenue", format=money_format(currency)),
            "orders": st.column_config.NumberColumn("Sale orders", format="%,d")})
else:
    st.info("The loaded data has no orders, so there is no revenue to map.")

places = geography.revenue_by_place(chosen) if q.has_rows("mart_order_fulfilment") else None
if places is not None and not places.empty:
    st.plotly_chart(charts.places(places, currency), width="stretch", config=MAP_CONFIG)
    st.caption("Each bubble is a place where customers are, sized by their net revenue in the period.")
elif places is not None:
    st.info("The customers in this data have no coordinates, so they cannot be placed on a map.")

regions = geography.late_by_region(chosen) if q.has_rows("mart_order_fulfilment") else None
if regions is not None and not regions.empty:
    left, right = st.columns(2)
    left.plotly_chart(charts.late_rate_bars(regions), width="stretch")
    if regions["latitude"].notna().any():
        right.plotly_chart(charts.late_rate_map(regions), width="stretch", config=MAP_CONFIG)
    st.caption("Late-delivery rate = orders delivered after their promised time / orders delivered, by the "
               "order's region; a region sits at the mean position of its customers.")
elif regions is not None:
    st.info("No order in this period has both a promised and a delivery time, so lateness cannot be measured.")

if q.has_rows("mart_mentions"):
    mentions = social.located(chosen)
    if mentions.empty:
        st.info("No mention in this period carries coordinates.")
    else:
        st.plotly_chart(charts.mentions_map(mentions), width="stretch", config=MAP_CONFIG)
        st.caption(f"{count(len(mentions))} mentions with coordinates in the period (the newest 5,000 at most); "
                   "posts without a location, or with [0, 0], are left out.")
