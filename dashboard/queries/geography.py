"""Geography queries: revenue by country, customers and revenue by place, late deliveries by region."""

import pandas as pd
from sqlalchemy import and_, func, literal, select

from dashboard.geography import UNKNOWN, country_id
from dashboard.queries import Filters, read, where_period
from etl.schema import customers, mart_order_fulfilment, orders

f = mart_order_fulfilment


def revenue_by_country(filters: Filters) -> pd.DataFrame:
    """Net revenue and orders per country (the order's ship-to country, else the customer's, else UNKNOWN), with
    the map id of each (None where the country is not on the map): country, map_id, net_revenue, orders."""
    country = func.coalesce(orders.c.country, customers.c.country, literal(UNKNOWN)).label("country")
    statement = (select(country, func.sum(f.c.net_revenue).label("net_revenue"),
                        func.count().filter(f.c.kind == "sale").label("orders"))
                 .select_from(f.join(orders, orders.c.order_id == f.c.order_id)
                              .outerjoin(customers, customers.c.customer_id == f.c.customer_id)))
    frame = read(where_period(statement, f, "order_date", filters).group_by(country).order_by(country))
    frame.insert(1, "map_id", frame["country"].map(country_id).astype(object))
    return frame.sort_values("net_revenue", ascending=False, ignore_index=True)


def revenue_by_place(filters: Filters) -> pd.DataFrame:
    """Customers with coordinates and their net revenue per city, placed at the customers' mean position: city,
    latitude, longitude, customers, net_revenue; largest first."""
    c = customers
    statement = (select(c.c.city, func.avg(c.c.latitude).label("latitude"), func.avg(c.c.longitude).label("longitude"),
                        func.count(func.distinct(f.c.customer_id)).label("customers"),
                        func.sum(f.c.net_revenue).label("net_revenue"))
                 .select_from(f.join(c, c.c.customer_id == f.c.customer_id))
                 .where(c.c.latitude.is_not(None), c.c.longitude.is_not(None)))
    return read(where_period(statement, f, "order_date", filters).group_by(c.c.city)
                .order_by(func.sum(f.c.net_revenue).desc(), c.c.city))


def late_by_region(filters: Filters) -> pd.DataFrame:
    """Delivered sale orders and late ones per region, with the mean coordinates of the region's customers (NULL
    without them): region, delivered, late, latitude, longitude."""
    c = customers
    delivered = and_(f.c.kind == "sale", f.c.is_on_time.is_not(None))
    statement = (select(f.c.region, func.count().filter(delivered).label("delivered"),
                        func.count().filter(delivered & ~f.c.is_on_time).label("late"),
                        func.avg(c.c.latitude).label("latitude"), func.avg(c.c.longitude).label("longitude"))
                 .select_from(f.outerjoin(c, c.c.customer_id == f.c.customer_id)))
    frame = read(where_period(statement, f, "order_date", filters).group_by(f.c.region).order_by(f.c.region))
    return frame[frame["delivered"] > 0].reset_index(drop=True)
