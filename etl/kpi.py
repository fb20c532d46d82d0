"""KPI definitions: the one place where every business formula lives.

The marts build their sums with the SQL expressions here; the dashboard derives ratios with the functions
here and shows ``CAPTIONS`` under the charts, so a number and its definition never drift apart.
"""

from sqlalchemy import ColumnElement, Table, func

CHURN_DAYS = 90
"""A customer with no sale order in this many days counts as churned."""

CAPTIONS = {
    "net_revenue": "Net revenue = sales lines' quantity x unit price x (1 - discount), plus returns (negative).",
    "gross_margin": "Gross margin % = (net revenue - quantity x unit cost) / net revenue; shown as – when the "
                    "source has no product costs.",
    "orders": "Orders = sale orders placed in the period (returns not counted).",
    "active_customers": "Active customers = customers with at least one sale order in the period; guest sales "
                        "count in revenue but not here.",
    "on_time": "On-time delivery = orders delivered by their promised time / orders delivered.",
    "cycle_time": "Order cycle time = delivered at - ordered at, in days.",
    "change": "Change against the previous period of the same length.",
}


def line_value(lines: Table) -> ColumnElement:
    """Signed value of an order line: quantity x unit price x (1 - discount); return lines are negative."""
    return lines.c.quantity * lines.c.unit_price * (1 - func.coalesce(lines.c.discount, 0))


def line_cost(lines: Table, products: Table) -> ColumnElement:
    """Signed cost of an order line: quantity x unit cost (the product's cost when the line has none).

    NULL when the source knows no cost: a margin is then unknown, never silently 100%.
    """
    return lines.c.quantity * func.coalesce(lines.c.unit_cost, products.c.unit_cost)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when the denominator is zero or missing."""
    if not denominator or numerator is None:
        return None
    return numerator / denominator


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change from the previous period, or None when there is nothing to compare with."""
    if current is None or not previous:
        return None
    return (current - previous) / abs(previous)
