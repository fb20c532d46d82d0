"""Process-efficiency queries: fulfilment, procurement, stock, cash collection and support times."""

import pandas as pd
from sqlalchemy import case, desc, func, select

from dashboard.queries import Filters, read, where_period, where_scope
from etl.schema import (
    departments,
    mart_inventory,
    mart_invoices,
    mart_order_fulfilment,
    mart_procurement,
    mart_tickets,
    products,
    suppliers,
)


def cycle_times(filters: Filters) -> pd.DataFrame:
    """Delivered sale orders' cycle times: order_date, department_id, cycle_days."""
    f = mart_order_fulfilment
    statement = select(f.c.order_date, f.c.department_id, f.c.cycle_days).where(
        f.c.kind == "sale", f.c.cycle_days.is_not(None))
    return read(where_period(statement, f, "order_date", filters))


def on_time_by_department_month(filters: Filters) -> pd.DataFrame:
    """department_id, department (name), month_start, delivered, on_time, on_time_rate over delivered sale
    orders."""
    f = mart_order_fulfilment
    delivered = func.count().label("delivered")
    on_time = func.count().filter(f.c.is_on_time).label("on_time")
    statement = (select(f.c.department_id, func.coalesce(departments.c.name, f.c.department_id).label("department"),
                        f.c.month_start, delivered, on_time)
                 .select_from(f.outerjoin(departments, departments.c.department_id == f.c.department_id))
                 .where(f.c.kind == "sale", f.c.is_delivered, f.c.is_on_time.is_not(None))
                 .group_by(departments.c.name, f.c.department_id, f.c.month_start))
    frame = read(where_period(statement, f, "order_date", filters).order_by(f.c.month_start))
    frame["on_time_rate"] = frame["on_time"] / frame["delivered"]
    return frame


def procurement_totals(filters: Filters) -> pd.DataFrame:
    """One row: lines, received, on_time, avg_lead_days, open_lines, late_open_value."""
    p = mart_procurement
    statement = select(func.count().label("lines"), func.count().filter(p.c.is_received).label("received"),
                       func.count().filter(p.c.is_on_time).label("on_time"),
                       func.avg(p.c.lead_days).label("avg_lead_days"),
                       func.count().filter(~p.c.is_received).label("open_lines"))
    return read(where_period(statement, p, "ordered_date", filters))


def late_suppliers(filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Suppliers with lines received late, most first (all, or the first ``limit``): supplier_id, supplier,
    received, late, late_rate, avg_days_late (of the late lines), avg_lead_days."""
    p = mart_procurement
    received = func.count().filter(p.c.is_received)
    late = func.count().filter(_late(p))
    statement = (select(p.c.supplier_id, func.coalesce(suppliers.c.name, p.c.supplier_id).label("supplier"),
                        received.label("received"), late.label("late"),
                        (late * 1.0 / func.nullif(received, 0)).label("late_rate"),
                        func.avg(case((p.c.days_late > 0, p.c.days_late))).label("avg_days_late"),
                        func.avg(p.c.lead_days).label("avg_lead_days"))
                 .select_from(p.outerjoin(suppliers, suppliers.c.supplier_id == p.c.supplier_id))
                 .group_by(p.c.supplier_id, suppliers.c.name).having(late > 0))
    return read(where_period(statement, p, "ordered_date", filters)
                .order_by(desc("late"), desc("late_rate"), p.c.supplier_id).limit(limit))


def _late(p):
    """A purchase-order line received after its expected date."""
    return p.c.is_on_time.is_not(None) & ~p.c.is_on_time


def late_deliveries(filters: Filters, supplier_ids: tuple[str, ...] = (), limit: int = 200) -> pd.DataFrame:
    """Purchase-order lines ordered in the period and received late (of the given suppliers, or all), the latest
    first, at most ``limit``: po_id, line_no, supplier_id, supplier, product, ordered_date, lead_days, days_late,
    value."""
    p = mart_procurement
    statement = (select(p.c.po_id, p.c.line_no, p.c.supplier_id,
                        func.coalesce(suppliers.c.name, p.c.supplier_id).label("supplier"),
                        func.coalesce(products.c.name, p.c.product_id).label("product"), p.c.ordered_date,
                        p.c.lead_days, p.c.days_late, p.c.value)
                 .select_from(p.outerjoin(suppliers, suppliers.c.supplier_id == p.c.supplier_id)
                              .outerjoin(products, products.c.product_id == p.c.product_id))
                 .where(_late(p)))
    if supplier_ids:
        statement = statement.where(p.c.supplier_id.in_(supplier_ids))
    return read(where_period(statement, p, "ordered_date", filters)
                .order_by(desc(p.c.days_late), p.c.po_id, p.c.line_no).limit(limit))


def stock_totals(filters: Filters) -> pd.DataFrame:
    """One row: days, avg_stock_value, stockout_days (product-days with nothing on hand), products."""
    i = mart_inventory
    statement = select(func.count(func.distinct(i.c.snapshot_date)).label("days"),
                       (func.sum(i.c.stock_value) / func.nullif(func.count(func.distinct(i.c.snapshot_date)), 0))
                       .label("avg_stock_value"),
                       func.count().filter(i.c.is_stockout).label("stockout_days"),
                       func.count(func.distinct(i.c.product_id)).label("products"))
    return read(where_period(statement, i, "snapshot_date", filters))


def stock_count_span() -> pd.DataFrame:
    """One row: first_day and last_day, the dates of the first and the last stock count in the warehouse."""
    i = mart_inventory
    return read(select(func.min(i.c.snapshot_date).label("first_day"), func.max(i.c.snapshot_date).label("last_day")))


def below_reorder(filters: Filters) -> pd.DataFrame:
    """Products under their reorder point on the last day of the period: product, category, on_hand,
    reorder_point, stockout_days in the period."""
    i = mart_inventory
    last_day = where_period(select(func.max(i.c.snapshot_date)), i, "snapshot_date", filters).scalar_subquery()
    stockouts = where_period(select(i.c.product_id, func.count().filter(i.c.is_stockout).label("stockout_days")),
                             i, "snapshot_date", filters).group_by(i.c.product_id).subquery()
    statement = (select(func.coalesce(products.c.name, i.c.product_id).label("product"), i.c.category, i.c.on_hand,
                        i.c.reorder_point, stockouts.c.stockout_days)
                 .select_from(i.outerjoin(products, products.c.product_id == i.c.product_id)
                              .outerjoin(stockouts, stockouts.c.product_id == i.c.product_id))
                 .where(i.c.snapshot_date == last_day, i.c.is_below_reorder)
                 .order_by(i.c.on_hand / func.nullif(i.c.reorder_point, 0)))
    return read(statement)


def receivables(filters: Filters) -> pd.DataFrame:
    """One row: invoiced (amount issued in the period), open_at_start and open_at_end (amounts issued but not
    yet paid on those days), avg_order_to_cash_days and avg_days_to_pay of invoices paid in the period."""
    v = mart_invoices

    def open_on(day):
        return where_scope(select(func.coalesce(func.sum(v.c.amount), 0.0))
                           .where(v.c.issued_date <= day, v.c.paid_date.is_(None) | (v.c.paid_date > day)),
                           v, filters).scalar_subquery()

    issued = where_period(select(func.coalesce(func.sum(v.c.amount), 0.0)), v, "issued_date", filters)
    paid = where_period(select(func.avg(v.c.order_to_cash_days).label("o2c"), func.avg(v.c.days_to_pay).label("dtp")),
                        v, "paid_date", filters).subquery()
    return read(select(issued.scalar_subquery().label("invoiced"), open_on(filters.start).label("open_at_start"),
                       open_on(filters.end).label("open_at_end"),
                       select(paid.c.o2c).scalar_subquery().label("avg_order_to_cash_days"),
                       select(paid.c.dtp).scalar_subquery().label("avg_days_to_pay")))


def ticket_times(filters: Filters) -> pd.DataFrame:
    """Per day tickets were opened: opened_date, tickets, responded (with a first response), resolved,
    first_response_hours and resolution_hours (sums over the answered and the resolved tickets)."""
    t = mart_tickets
    statement = (select(t.c.opened_date, func.count().label("tickets"),
                        func.count(t.c.first_response_hours).label("responded"),
                        func.count().filter(t.c.is_resolved).label("resolved"),
                        func.coalesce(func.sum(t.c.first_response_hours), 0.0).label("first_response_hours"),
                        func.coalesce(func.sum(t.c.resolution_hours), 0.0).label("resolution_hours"))
                 .group_by(t.c.opened_date))
    return read(where_period(statement, t, "opened_date", filters).order_by(t.c.opened_date))


def open_tickets_by_category(filters: Filters) -> pd.DataFrame:
    """category (NULL for tickets without one), tickets, open over the period; most open first."""
    t = mart_tickets
    statement = (select(t.c.category, func.count().label("tickets"),
                        func.count().filter(~t.c.is_resolved).label("open"))
                 .group_by(t.c.category))
    return read(where_period(statement, t, "opened_date", filters).order_by(desc("open"), t.c.category))
