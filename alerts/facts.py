"""What the alert rules need to know from the warehouse, each fact one query."""

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection, func, select, union_all

from etl.kpi import line_value
from etl.schema import (
    customers,
    departments,
    etl_runs,
    forecast_product_series,
    forecast_runs,
    forecasts,
    interactions,
    inventory,
    mart_inventory,
    mart_mentions,
    mart_order_fulfilment,
    mart_procurement,
    mart_tickets,
    opportunities,
    order_lines,
    orders,
    products,
    purchase_orders,
    social_mentions,
    suppliers,
)


def data_day(conn: Connection) -> date | None:
    """The latest day the warehouse has data for: rules look back from it, not from the wall clock."""
    days = union_all(select(func.max(mart_order_fulfilment.c.order_date).label("day")),
                     select(func.max(mart_inventory.c.snapshot_date)), select(func.max(mart_tickets.c.opened_date)),
                     select(func.max(mart_procurement.c.ordered_date)),
                     select(func.max(mart_mentions.c.posted_date))).subquery()
    latest = conn.execute(select(func.max(days.c.day))).scalar()
    return None if latest is None else pd.Timestamp(latest).date()


def held_rows(conn: Connection) -> dict[str, int]:
    """Rows of the tables no alert rule reads (deals, customers, interactions, mentions), when no rule applies."""
    tables = [opportunities, customers, interactions, social_mentions]
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}


def department_of_kind(conn: Connection, kind: str) -> str | None:
    """The first department of a kind (logistics, support, ...), or None when there is none."""
    return conn.execute(select(departments.c.department_id).where(departments.c.kind == kind)
                        .order_by(departments.c.department_id).limit(1)).scalar()


def daily_units(conn: Connection, as_of: date, days: int) -> pd.DataFrame:
    """Average units sold per day over the last ``days`` days: product_id, department_id, units_per_day."""
    f = mart_order_fulfilment
    rows = conn.execute(
        select(order_lines.c.product_id, f.c.department_id, func.sum(order_lines.c.quantity))
        .select_from(order_lines.join(f, f.c.order_id == order_lines.c.order_id))
        .where(f.c.kind == "sale", f.c.order_date > as_of - timedelta(days=days), f.c.order_date <= as_of)
        .group_by(order_lines.c.product_id, f.c.department_id)).all()
    frame = pd.DataFrame(rows, columns=["product_id", "department_id", "units"])
    return frame.assign(units_per_day=frame["units"].astype(float) / days).drop(columns="units")


def stock_on_hand(conn: Connection) -> pd.Series:
    """Units on hand per product on the latest stock snapshot (all warehouses)."""
    latest = select(func.max(inventory.c.snapshot_date)).scalar_subquery()
    rows = conn.execute(select(inventory.c.product_id, func.sum(inventory.c.on_hand))
                        .where(inventory.c.snapshot_date == latest).group_by(inventory.c.product_id)).all()
    return pd.Series(dict(rows), dtype=float)


def open_purchases(conn: Connection) -> pd.DataFrame:
    """Purchase-order lines not received yet: po_id, line_no, supplier, supplier_id, product_id, quantity,
    expected_at, department_id."""
    po = purchase_orders
    rows = conn.execute(
        select(po.c.po_id, po.c.line_no, func.coalesce(suppliers.c.name, po.c.supplier_id), po.c.supplier_id,
               po.c.product_id, po.c.quantity, po.c.expected_at, po.c.department_id)
        .select_from(po.outerjoin(suppliers, suppliers.c.supplier_id == po.c.supplier_id))
        .where(po.c.received_at.is_(None)).order_by(po.c.po_id, po.c.line_no)).all()
    frame = pd.DataFrame(rows, columns=["po_id", "line_no", "supplier", "supplier_id", "product_id", "quantity",
                                        "expected_at", "department_id"])
    frame["expected_at"] = pd.to_datetime(frame["expected_at"], format="ISO8601")
    return frame


def supplier_lead_days(conn: Connection) -> pd.Series:
    """Average received lead time in days per product's supplier lines (product_id -> days)."""
    p = mart_procurement
    rows = conn.execute(select(p.c.product_id, func.avg(p.c.lead_days)).where(p.c.is_received)
                        .group_by(p.c.product_id)).all()
    return pd.Series(dict(rows), dtype=float)


def names(conn: Connection) -> dict[str, dict[str, str]]:
    """Names for titles: {"department": {id: name}, "customer": {id: name}}."""
    found = {}
    for kind, table, key in (("department", departments, departments.c.department_id),
                             ("customer", customers, customers.c.customer_id)):
        found[kind] = {k: n for k, n in conn.execute(select(key, table.c.name)) if n}
    return found


def currency(conn: Connection) -> str | None:
    """The ISO currency code of the latest successful load (None when the source did not say)."""
    return conn.execute(select(etl_runs.c.currency).where(etl_runs.c.status == "success")
                        .order_by(etl_runs.c.run_id.desc()).limit(1)).scalar()


def product_info(conn: Connection) -> pd.DataFrame:
    """product_id (index), name, category, list_price."""
    rows = conn.execute(select(products.c.product_id, products.c.name, products.c.category,
                               products.c.list_price)).all()
    return pd.DataFrame(rows, columns=["product_id", "name", "category", "list_price"]).set_index("product_id")


def open_orders_with(conn: Connection, product_id: str) -> pd.DataFrame:
    """Sale orders not shipped yet that hold the product: order_id, customer_id, department_id, value (of that
    product's lines)."""
    rows = conn.execute(
        select(orders.c.order_id, orders.c.customer_id, orders.c.department_id, func.sum(line_value(order_lines)))
        .select_from(order_lines.join(orders, orders.c.order_id == order_lines.c.order_id))
        .where(order_lines.c.product_id == product_id, orders.c.kind == "sale", orders.c.shipped_at.is_(None),
               orders.c.status.not_in(["cancelled", "returned", "delivered"]))
        .group_by(orders.c.order_id, orders.c.customer_id, orders.c.department_id).order_by(orders.c.order_id)).all()
    return pd.DataFrame(rows, columns=["order_id", "customer_id", "department_id", "value"])


def forecast_units(conn: Connection, as_of: date) -> pd.DataFrame:
    """Forecast units per product and day after ``as_of``, summed over its regions, from the latest successful
    forecast run's product series: product_id, ds, units."""
    run = select(func.max(forecast_runs.c.run_id)).where(forecast_runs.c.status == "success").scalar_subquery()
    p, f = forecast_product_series, forecasts
    rows = conn.execute(select(p.c.product_id, f.c.ds, func.sum(f.c.yhat))
                        .join(f, (f.c.run_id == p.c.run_id) & (f.c.series_id == p.c.series_id))
                        .where(p.c.run_id == run, f.c.ds > as_of).group_by(p.c.product_id, f.c.ds)).all()
    frame = pd.DataFrame(rows, columns=["product_id", "ds", "units"])
    frame["ds"] = pd.to_datetime(frame["ds"])
    return frame
