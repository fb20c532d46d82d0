"""Marts: the aggregates the app and the forecaster read, rebuilt in SQL at the end of every load.

Each mart is one INSERT ... SELECT written with SQLAlchemy Core, so the same code runs on SQLite and
PostgreSQL; calendar columns are computed here once (``etl.sqlfunc``) so no query above needs a date function.
The order-level mart comes first and carries each order's date, department and region, so the other marts
join one narrow table instead of repeating the work.
"""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Connection, and_, case, delete, false, func, insert, literal, select, true

from etl.kpi import CANCELLED, DEFAULT_STAGE_PROBABILITY, STAGE_PROBABILITY, line_cost, line_value
from etl.schema import (
    customers,
    inventory,
    invoices,
    mart_customer_month,
    mart_daily_product_sales,
    mart_daily_sales,
    mart_inventory,
    mart_invoices,
    mart_opportunities,
    mart_order_fulfilment,
    mart_procurement,
    mart_tickets,
    opportunities,
    order_lines,
    orders,
    products,
    purchase_orders,
    tickets,
)
from etl.social import read_social, score_social, write_social
from etl.sqlfunc import day_of, days_between, month_index, month_of

UNKNOWN_REGION = "Unknown"


def order_fulfilment_select():
    """One row per order: value, margin, calendar columns, cycle time and whether it arrived on time."""
    totals = (
        select(order_lines.c.order_id, func.sum(line_value(order_lines)).label("value"),
               func.sum(line_cost(order_lines, products)).label("cost"))
        .select_from(order_lines.join(products, products.c.product_id == order_lines.c.product_id))
        .group_by(order_lines.c.order_id)
        .subquery("totals")
    )
    cancelled = orders.c.status == CANCELLED  # counts in no KPI: zero value, never delivered or on time
    value = case((cancelled, 0.0), else_=func.coalesce(totals.c.value, 0.0))
    cost = case((cancelled, 0.0), else_=totals.c.cost)
    delivered_at = case((cancelled, None), else_=orders.c.delivered_at)
    on_time = case(
        (delivered_at.is_(None) | orders.c.promised_at.is_(None), None),
        (orders.c.delivered_at <= orders.c.promised_at, true()),
        else_=false(),
    )
    return select(
        orders.c.order_id, orders.c.customer_id, orders.c.department_id,
        func.coalesce(orders.c.region, customers.c.region, literal(UNKNOWN_REGION)),
        case((cancelled, literal(CANCELLED)), else_=orders.c.kind),
        orders.c.status, day_of(orders.c.ordered_at), month_of(orders.c.ordered_at),
        month_index(orders.c.ordered_at), value, value - cost,
        days_between(orders.c.ordered_at, delivered_at),
        case((delivered_at.is_not(None), true()), else_=false()), on_time,
    ).select_from(
        orders.outerjoin(customers, orders.c.customer_id == customers.c.customer_id)
        .outerjoin(totals, totals.c.order_id == orders.c.order_id)
    )


def daily_sales_select():
    """Sales per day x department x category x region; ``orders`` counts sale orders with a line there."""
    f = mart_order_fulfilment
    value, cost = line_value(order_lines), line_cost(order_lines, products)
    is_sale = f.c.kind == "sale"
    keys = (f.c.order_date, f.c.department_id, products.c.category, f.c.region)
    return (
        select(
            *keys, func.min(f.c.month_start),  # one per day: an aggregate, not one more sort key
            func.sum(case((is_sale, value), else_=0.0)), func.sum(case((is_sale, 0.0), else_=value)),
            func.sum(value), func.sum(cost), func.sum(value) - func.sum(cost),
            func.count(func.distinct(case((is_sale, f.c.order_id)))),
            func.sum(case((is_sale, order_lines.c.quantity), else_=0.0)),
        )
        .select_from(
            order_lines.join(f, f.c.order_id == order_lines.c.order_id)
            .join(products, products.c.product_id == order_lines.c.product_id)
        )
        .where(f.c.kind != CANCELLED)
        .group_by(*keys)
    )


def daily_product_sales_select():
    """Units and net revenue per day x product x region: the grain of the product forecasts."""
    f = mart_order_fulfilment
    keys = (f.c.order_date, order_lines.c.product_id, f.c.region)
    return (
        select(*keys, func.sum(case((f.c.kind == "sale", order_lines.c.quantity), else_=0.0)),
               func.sum(line_value(order_lines)))
        .select_from(order_lines.join(f, f.c.order_id == order_lines.c.order_id))
        .where(f.c.kind != CANCELLED)
        .group_by(*keys)
    )


def customer_month_select():
    """Per customer and month: orders, net revenue and margin, with the cohort (month of first sale)."""
    f = mart_order_fulfilment
    is_sale = f.c.kind == "sale"
    activity = (
        select(
            f.c.customer_id, f.c.month_start, func.min(f.c.month_index).label("month_index"),  # one per month
            func.count(case((is_sale, f.c.order_id))).label("orders"),
            func.sum(f.c.net_revenue).label("net_revenue"), func.sum(f.c.gross_margin).label("gross_margin"),
        )
        .where(f.c.customer_id.is_not(None), f.c.kind != CANCELLED)
        .group_by(f.c.customer_id, f.c.month_start)
        .cte("activity")
    )
    first = (
        select(f.c.customer_id, func.min(f.c.month_index).label("first_index"),
               func.min(f.c.month_start).label("cohort_month"))
        .where(and_(f.c.customer_id.is_not(None), is_sale))
        .group_by(f.c.customer_id)
        .cte("first_sale")
    )
    return select(
        activity.c.customer_id, activity.c.month_start, activity.c.month_index, first.c.cohort_month,
        activity.c.month_index - first.c.first_index, customers.c.department_id, customers.c.region,
        activity.c.orders, activity.c.net_revenue, activity.c.gross_margin,
    ).select_from(
        activity.join(first, first.c.customer_id == activity.c.customer_id)
        .join(customers, customers.c.customer_id == activity.c.customer_id)
    )


def _flag(condition):
    """A boolean column from a condition, portable to SQLite (0/1) and PostgreSQL (true/false)."""
    return case((condition, true()), else_=false())


def procurement_select():
    """One row per purchase-order line: value, lead time, and whether it arrived by the expected date."""
    po = purchase_orders
    received = po.c.received_at.is_not(None)
    on_time = case((~received | po.c.expected_at.is_(None), None), (po.c.received_at <= po.c.expected_at, true()),
                   else_=false())
    return select(
        po.c.po_id, po.c.line_no, po.c.supplier_id, po.c.product_id, po.c.department_id, day_of(po.c.ordered_at),
        month_of(po.c.ordered_at), po.c.quantity * func.coalesce(po.c.unit_cost, products.c.unit_cost),
        days_between(po.c.ordered_at, po.c.received_at), _flag(received), on_time,
        days_between(po.c.expected_at, po.c.received_at),
    ).select_from(po.outerjoin(products, products.c.product_id == po.c.product_id))


def inventory_select():
    """Stock per day and product with its value, stock-outs and products under their reorder point."""
    i = inventory
    return select(
        i.c.snapshot_date, i.c.product_id, i.c.warehouse, func.coalesce(products.c.category, literal("Unknown")),
        i.c.on_hand, i.c.reorder_point, i.c.on_hand * products.c.unit_cost, _flag(i.c.on_hand <= 0),
        _flag(func.coalesce(i.c.on_hand < i.c.reorder_point, false())),
    ).select_from(i.outerjoin(products, products.c.product_id == i.c.product_id))


def invoices_select():
    """One row per invoice: dates, order-to-cash and days to pay, paid or overdue at the latest issue date."""
    v = invoices
    latest = select(func.max(v.c.issued_at)).scalar_subquery()
    return select(
        v.c.invoice_id, v.c.customer_id, v.c.department_id, day_of(v.c.issued_at), day_of(v.c.paid_at),
        month_of(v.c.issued_at), v.c.amount, days_between(orders.c.ordered_at, v.c.paid_at),
        days_between(v.c.issued_at, v.c.paid_at), _flag(v.c.paid_at.is_not(None)),
        _flag(v.c.paid_at.is_(None) & (v.c.due_at < latest)),
    ).select_from(v.outerjoin(orders, orders.c.order_id == v.c.order_id))


def tickets_select():
    """One row per ticket: hours to first response and to resolution."""
    t = tickets
    return select(
        t.c.ticket_id, t.c.customer_id, t.c.department_id, func.coalesce(customers.c.region, literal(UNKNOWN_REGION)),
        t.c.category, t.c.priority, day_of(t.c.opened_at), month_of(t.c.opened_at),
        days_between(t.c.opened_at, t.c.first_response_at) * 24, days_between(t.c.opened_at, t.c.resolved_at) * 24,
        _flag(t.c.resolved_at.is_not(None)), t.c.satisfaction,
    ).select_from(t.outerjoin(customers, customers.c.customer_id == t.c.customer_id))


def opportunities_select():
    """One row per deal: expected value, stage probability, open or won, and the sales cycle."""
    o = opportunities
    probability = case(*((o.c.stage == stage, p) for stage, p in STAGE_PROBABILITY.items()),
                       else_=DEFAULT_STAGE_PROBABILITY)
    is_open = o.c.is_won.is_(None) & o.c.stage.not_in(["Won", "Lost"])
    return select(
        o.c.opportunity_id, o.c.customer_id, o.c.owner_id, o.c.department_id,
        func.coalesce(customers.c.region, literal(UNKNOWN_REGION)), o.c.stage, o.c.amount,
        func.coalesce(o.c.amount, products.c.list_price), probability, _flag(is_open), o.c.is_won,
        day_of(o.c.created_at), day_of(o.c.closed_at), month_of(func.coalesce(o.c.created_at, o.c.closed_at)),
        days_between(o.c.created_at, o.c.closed_at),
    ).select_from(o.outerjoin(products, products.c.product_id == o.c.product_id)
                  .outerjoin(customers, customers.c.customer_id == o.c.customer_id))


MARTS = [  # the customer-month and daily-sales marts read mart_order_fulfilment, so it is built first
    (mart_order_fulfilment, order_fulfilment_select),
    (mart_customer_month, customer_month_select),
    (mart_daily_sales, daily_sales_select),
    (mart_daily_product_sales, daily_product_sales_select),
    (mart_procurement, procurement_select),
    (mart_inventory, inventory_select),
    (mart_invoices, invoices_select),
    (mart_tickets, tickets_select),
    (mart_opportunities, opportunities_select),
]


def build_marts(conn: Connection) -> dict[str, int]:
    """Rebuild every mart inside the caller's transaction; returns the row count of each. The mentions are scored
    in a worker thread while the database builds the SQL marts: the driver releases Python's lock while a statement
    runs, so the scoring uses the second core instead of waiting for the SQL."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        social = worker.submit(score_social, read_social(conn))
        counts = _build_sql_marts(conn)
        counts.update(write_social(conn, social.result()))
    return counts


def _build_sql_marts(conn: Connection) -> dict[str, int]:
    counts = {}
    for mart, build in MARTS:
        conn.execute(delete(mart))
        for index in mart.indexes:  # built once over the new rows, not maintained row by row
            index.drop(conn)
        columns = [c.name for c in mart.columns]
        conn.execute(insert(mart).from_select(columns, build()))
        for index in mart.indexes:
            index.create(conn)
        counts[mart.name] = conn.execute(select(func.count()).select_from(mart)).scalar_one()
    return counts
