"""Process efficiency: fulfilment, procurement, stock, cash collection and support, each where data exists."""

import pandas as pd
import streamlit as st

from dashboard import filters, show
from dashboard import queries as q
from dashboard.charts import efficiency as charts
from dashboard.formatting import caption, delta
from dashboard.queries import Filters, efficiency, sales
from etl.kpi import days_of_inventory, days_sales_outstanding, inventory_turnover, ratio
from i18n import N_, _, ngettext
from i18n.formats import count, day, duration, money, percent, times_a_year

NO_ROWS = {
    "mart_order_fulfilment": N_("The loaded data has no orders, so there is nothing to show here."),
    "mart_procurement": N_("The loaded data has no purchase orders, so there is nothing to show here."),
    "mart_inventory": N_("The loaded data has no stock levels, so there is nothing to show here."),
    "mart_invoices": N_("The loaded data has no invoices, so there is nothing to show here."),
    "mart_tickets": N_("The loaded data has no support tickets, so there is nothing to show here."),
}
SUPPLIERS = "efficiency_suppliers"  # the late-deliveries table's suppliers (a click on the chart sets them)

st.title(_("Process efficiency"))
chosen = filters.require()
currency = q.currency()


def unavailable(table: str, what: str) -> bool:
    """Say in one sentence when the loaded data has no such rows, or the chosen departments own none of them."""
    if not q.has_rows(table):
        st.info(_(NO_ROWS[table]))
        return True
    return filters.outside_scope(table, what)


def no_cycle_times() -> str:
    """Why there are no cycle times: the source records no deliveries at all, no order was placed in the period,
    or none placed in it has been delivered yet."""
    if not q.has_values("mart_order_fulfilment", "cycle_days"):
        return _("The loaded orders have no delivery dates (their source does not record deliveries), so there are "
                 "no cycle times or on-time deliveries to show.")
    if not sales.period_kpis(chosen)["orders"]:
        return _("No order was placed in this period, so there are no cycle times to show.")
    return _("No order placed in this period has been delivered yet, so there are no cycle times to show.")


def nothing_received() -> str:
    """Why no purchase-order line of the period has a lead time: the source records no receipts at all, or none
    of the period's lines has been received yet."""
    if not q.has_values("mart_procurement", "lead_days"):
        return _("The loaded purchase orders have no receipt dates (their source does not record deliveries from "
                 "suppliers), so there are no lead times or supplier on-time shares to show.")
    return _("No purchase-order line placed in this period has been received yet, so there are no lead times to "
             "show.")


def pick_suppliers(values: list) -> None:
    """A click on suppliers in the late-deliveries chart shows their late lines in the table."""
    st.session_state[SUPPLIERS] = sorted(set(values))


def fulfilment(period) -> dict:
    """Delivered sale orders' median and 90th-percentile cycle days and on-time share over a period."""
    cycles, rates = efficiency.cycle_times(period), efficiency.on_time_by_department_month(period)
    return {"median": cycles["cycle_days"].median(), "p90": cycles["cycle_days"].quantile(0.9),
            "on_time": ratio(rates["on_time"].sum(), rates["delivered"].sum())}


def cash_cards(period) -> dict:
    """Days sales outstanding, order to cash, invoiced and open receivables over a period."""
    cash = efficiency.receivables(period).iloc[0]
    length = (period.end - period.start).days + 1
    return {"dso": days_sales_outstanding(cash["open_at_start"], cash["open_at_end"], cash["invoiced"], length),
            "o2c": cash["avg_order_to_cash_days"], "invoiced": cash["invoiced"], "open": cash["open_at_end"]}


def support_cards(period) -> dict:
    """Tickets opened, mean first response and resolution hours, and tickets still open, over a period."""
    daily = efficiency.ticket_times(period)
    opened, resolved = daily["tickets"].sum(), daily["resolved"].sum()
    return {"tickets": opened, "response": ratio(daily["first_response_hours"].sum(), daily["responded"].sum()),
            "resolution": ratio(daily["resolution_hours"].sum(), resolved), "open": opened - resolved}


def stock_cards(period) -> dict:
    """Inventory turnover (on the company's COGS: stock is company-wide), days of inventory, average stock value and
    stock-out days over a period."""
    stock = efficiency.stock_totals(period).iloc[0]
    company = Filters(period.start, period.end)
    turnover = inventory_turnover(sales.period_kpis(company)["cogs"], (period.end - period.start).days + 1,
                                  stock["avg_stock_value"])
    return {"turnover": turnover, "days": days_of_inventory(turnover), "value": stock["avg_stock_value"],
            "stockouts": stock["stockout_days"]}


baseline = filters.compared(chosen)
st.header(_("Order fulfilment"))
if not unavailable("mart_order_fulfilment", _("Orders")):
    cycles = efficiency.cycle_times(chosen)
    rates = efficiency.on_time_by_department_month(chosen)
    if cycles.empty:
        st.info(no_cycle_times())
    else:
        now, before = fulfilment(chosen), fulfilment(baseline) if baseline else {}
        cards = st.columns(3)
        cards[0].metric(_("Median cycle time"), duration(now["median"]), delta(now["median"], before.get("median")),
                        delta_color="inverse", border=True, help=caption("cycle_time"))
        cards[1].metric(_("90th percentile"), duration(now["p90"]), delta(now["p90"], before.get("p90")),
                        delta_color="inverse", border=True,
                        help=_("Nine in ten delivered orders took at most this long."))
        cards[2].metric(_("On-time delivery"), percent(now["on_time"]),
                        delta(now["on_time"], before.get("on_time"), points=True), help=caption("on_time"),
                        border=True)
        left, right = st.columns(2)
        show.chart(charts.cycle_histogram(cycles), cycles, "order-cycle-times", "efficiency_cycles", where=left)
        trend = charts.cycle_per_bucket(cycles, chosen.grain)
        show.chart(charts.cycle_trend(trend, chosen.grain), trend, "cycle-time-trend", "efficiency_cycle_trend",
                   on_click=filters.drill, where=right)
        if not rates.empty:
            show.chart(charts.on_time_heatmap(rates, chosen.start, chosen.end), rates, "on-time-delivery",
                       "efficiency_on_time", on_click=filters.pick_departments)
        st.caption(caption("cycle_time") + " " + caption("on_time") + " "
                   + _("Orders count in the month they were placed; a month the period covers only in part shows "
                       "the days it covers. Click a point to drill into it, or a department to filter to it."))

st.header(_("Procurement"))
if not unavailable("mart_procurement", _("Purchase orders")):
    totals = efficiency.procurement_totals(chosen).iloc[0]
    if not totals["lines"]:
        st.info(_("No purchase order was placed in this period."))
    else:
        if not totals["received"]:
            st.info(nothing_received())
        before = efficiency.procurement_totals(baseline).iloc[0] if baseline else {}
        supplier_on_time = ratio(totals["on_time"], totals["received"])
        cards = st.columns(3)
        cards[0].metric(_("Average lead time"), duration(totals["avg_lead_days"]),
                        delta(totals["avg_lead_days"], before.get("avg_lead_days")), delta_color="inverse",
                        border=True, help=caption("procurement"))
        cards[1].metric(_("Supplier on time"), percent(supplier_on_time),
                        delta(supplier_on_time, ratio(before.get("on_time"), before.get("received")), points=True),
                        border=True)
        cards[2].metric(_("Open purchase-order lines"), count(totals["open_lines"]),
                        delta(totals["open_lines"], before.get("open_lines")), delta_color="inverse", border=True)
        late = efficiency.late_suppliers(chosen)
        if not late.empty:
            top = late.head(10)
            show.chart(charts.late_suppliers(top), top, "late-suppliers", "efficiency_late_suppliers",
                       on_click=pick_suppliers)
            names = dict(zip(late["supplier_id"], late["supplier"]))
            st.session_state[SUPPLIERS] = [s for s in st.session_state.get(SUPPLIERS, []) if s in names]
            picked = st.multiselect(_("Late deliveries of"), list(names), format_func=names.get, key=SUPPLIERS,
                                    placeholder=_("All suppliers"),
                                    help=_("Click a supplier's bar in the chart to show only its late deliveries."))
            lines = efficiency.late_deliveries(chosen, tuple(picked))
            total = int((late[late["supplier_id"].isin(picked)] if picked else late)["late"].sum())
            show.table(lines, {
                "po_id": (_("Purchase order"), "text"), "line_no": (_("Line"), "count"),
                "supplier": (_("Supplier"), "text"), "product": (_("Product"), "text"),
                "ordered_date": (_("Ordered"), "date"), "lead_days": (_("Lead time (days)"), "days"),
                "days_late": (_("Days late"), "days"), "value": (_("Value"), "money")},
                "late-deliveries", "efficiency_late_deliveries", currency=currency)
            st.caption(ngettext("{shown} of {total} late line, the latest first.",
                                "{shown} of {total} late lines, the latest first.", total)
                       .format(shown=count(len(lines)), total=count(total)))
    st.caption(caption("procurement") + filters.unsplit_note("mart_procurement", _("Purchase orders")))

st.header(_("Stock"))
if not unavailable("mart_inventory", _("Stock levels")):
    stock = efficiency.stock_totals(chosen).iloc[0]
    if not stock["days"]:
        span = efficiency.stock_count_span().iloc[0]
        st.info(_("There is no stock count in this period; the loaded stock counts run from {first} to {last}.")
                .format(first=day(span["first_day"]), last=day(span["last_day"])))
    else:
        now, before = stock_cards(chosen), stock_cards(baseline) if baseline else {}
        cards = st.columns(4)
        cards[0].metric(_("Inventory turnover"), times_a_year(now["turnover"]),
                        delta(now["turnover"], before.get("turnover")), border=True, help=caption("inventory"))
        cards[1].metric(_("Days of inventory"), duration(now["days"], digits=0), delta(now["days"], before.get("days")),
                        delta_color="inverse", border=True)
        cards[2].metric(_("Average stock value"), money(now["value"], currency),
                        delta(now["value"], before.get("value")), border=True,
                        help=_("– when the source has no product costs to value the stock at."))
        cards[3].metric(_("Stock-out days"), count(now["stockouts"]), delta(now["stockouts"], before.get("stockouts")),
                        delta_color="inverse", border=True, help=_("Product-days that ended with nothing on hand."))
        low = efficiency.below_reorder(chosen)
        st.markdown(ngettext("**{count} product under its reorder point** on the period's last stock count",
                             "**{count} products under their reorder point** on the period's last stock count",
                             len(low)).format(count=count(len(low))))
        show.table(low, {"product": (_("Product"), "text"), "category": (_("Category"), "text"),
                         "on_hand": (_("On hand"), "count"), "reorder_point": (_("Reorder point"), "count"),
                         "stockout_days": (_("Stock-out days in period"), "count")},
                   "below-reorder-point", "efficiency_below_reorder")
    st.caption(caption("inventory") + " " + _("Turnover annualises the period's company-wide COGS.")
               + filters.unsplit_note("mart_inventory", _("Stock levels")))

st.header(_("Order to cash"))
if not unavailable("mart_invoices", _("Invoices")):
    cash = efficiency.receivables(chosen).iloc[0]
    if not (cash["invoiced"] or cash["open_at_start"] or cash["open_at_end"]) and pd.isna(cash["avg_days_to_pay"]):
        st.info(_("No invoice was issued, paid or open in this period."))
    else:
        now, before = cash_cards(chosen), cash_cards(baseline) if baseline else {}
        cards = st.columns(4)
        cards[0].metric(_("Days sales outstanding"), duration(now["dso"], digits=0),
                        delta(now["dso"], before.get("dso")), delta_color="inverse", border=True, help=caption("dso"))
        cards[1].metric(_("Order to cash"), duration(now["o2c"], digits=0), delta(now["o2c"], before.get("o2c")),
                        delta_color="inverse", border=True,
                        help=_("Average days from order to payment of the invoices paid in the period."))
        cards[2].metric(_("Invoiced"), money(now["invoiced"], currency), delta(now["invoiced"], before.get("invoiced")),
                        border=True)
        cards[3].metric(_("Open receivables"), money(now["open"], currency), delta(now["open"], before.get("open")),
                        delta_color="inverse", border=True,
                        help=_("Issued and unpaid on {day}.").format(day=day(chosen.end)))
    st.caption(caption("dso") + " " + _("Average receivables = mean of the open amounts on the first and last "
                                            "day.") + filters.unsplit_note("mart_invoices", _("Invoices")))

st.header(_("Support"))
if not unavailable("mart_tickets", _("Support tickets")):
    daily = efficiency.ticket_times(chosen)
    if daily.empty:
        st.info(_("No ticket was opened in this period."))
    else:
        now, before = support_cards(chosen), support_cards(baseline) if baseline else {}
        cards = st.columns(4)
        cards[0].metric(_("Tickets"), count(now["tickets"]), delta(now["tickets"], before.get("tickets")),
                        delta_color="inverse", border=True)
        cards[1].metric(_("First response"), duration(now["response"], "hours"),
                        delta(now["response"], before.get("response")), delta_color="inverse", border=True,
                        help=caption("tickets"))
        cards[2].metric(_("Resolution"), duration(now["resolution"], "hours"),
                        delta(now["resolution"], before.get("resolution")), delta_color="inverse", border=True)
        cards[3].metric(_("Still open"), count(now["open"]), delta(now["open"], before.get("open")),
                        delta_color="inverse", border=True)
        buckets = charts.tickets_per_bucket(daily, chosen.grain)
        show.chart(charts.ticket_times(buckets), buckets, "support-times", "efficiency_ticket_times",
                   on_click=filters.drill)
        categories = efficiency.open_tickets_by_category(chosen)
        show.table(categories.fillna({"category": _("No category")}),
                   {"category": (_("Category"), "text"), "tickets": (_("Tickets"), "count"),
                    "open": (_("Open"), "count")}, "tickets-by-category", "efficiency_ticket_categories")
        st.caption(caption("tickets"))
