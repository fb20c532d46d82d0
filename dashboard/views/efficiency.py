"""Process efficiency: fulfilment, procurement, stock, cash collection and support, each where data exists."""

import streamlit as st

from dashboard import filters
from dashboard import queries as q
from dashboard.charts import operations as charts
from dashboard.formatting import count, duration, money, percent, times_a_year
from dashboard.queries import Filters, efficiency, sales
from etl.kpi import CAPTIONS, days_of_inventory, days_sales_outstanding, inventory_turnover, ratio

st.title("Process efficiency")
chosen = filters.require()
currency = q.currency()
days = (chosen.end - chosen.start).days + 1


def unavailable(what: str, table: str) -> bool:
    """Say in one sentence when the loaded data has no such rows, or the chosen departments own none of them."""
    if not q.has_rows(table):
        st.info(f"The loaded data has no {what.lower()}, so there is nothing to show here.")
        return True
    return filters.outside_scope(table, what)


st.header("Order fulfilment")
if not unavailable("Orders", "mart_order_fulfilment"):
    cycles = efficiency.cycle_times(chosen)
    rates = efficiency.on_time_by_department_month(chosen)
    if cycles.empty:
        st.info("No order placed in this period has been delivered yet, so there are no cycle times to show.")
    else:
        cards = st.columns(3)
        cards[0].metric("Median cycle time", duration(cycles["cycle_days"].median()), border=True,
                        help=CAPTIONS["cycle_time"])
        cards[1].metric("90th percentile", duration(cycles["cycle_days"].quantile(0.9)), border=True)
        cards[2].metric("On-time delivery", percent(ratio(rates["on_time"].sum(), rates["delivered"].sum())),
                        help=CAPTIONS["on_time"], border=True)
        left, right = st.columns(2)
        left.plotly_chart(charts.cycle_histogram(cycles), width="stretch")
        right.plotly_chart(charts.cycle_trend(cycles), width="stretch")
        if not rates.empty:
            st.plotly_chart(charts.on_time_heatmap(rates, chosen.start, chosen.end), width="stretch")
        st.caption(f"{CAPTIONS['cycle_time']} {CAPTIONS['on_time']} Orders count in the month they were placed; "
                   "a month the period covers only in part shows the days it covers.")

st.header("Procurement")
if not unavailable("Purchase orders", "mart_procurement"):
    totals = efficiency.procurement_totals(chosen).iloc[0]
    cards = st.columns(3)
    cards[0].metric("Average lead time", duration(totals["avg_lead_days"]), border=True)
    cards[1].metric("Supplier on time", percent(ratio(totals["on_time"], totals["received"])), border=True)
    cards[2].metric("Open purchase-order lines", count(totals["open_lines"]), border=True)
    late = efficiency.late_suppliers(chosen)
    if not late.empty:
        st.plotly_chart(charts.late_suppliers(late), width="stretch")
    st.caption(CAPTIONS["procurement"] + filters.unsplit_note("mart_procurement", "Purchase orders"))

st.header("Stock")
if not unavailable("Stock levels", "mart_inventory"):
    stock = efficiency.stock_totals(chosen).iloc[0]
    company = Filters(chosen.start, chosen.end)  # stock is company-wide, so its turnover uses the company's COGS
    turnover = inventory_turnover(sales.period_kpis(company)["cogs"], days, stock["avg_stock_value"])
    cards = st.columns(4)
    cards[0].metric("Inventory turnover", times_a_year(turnover), border=True, help=CAPTIONS["inventory"])
    cards[1].metric("Days of inventory", duration(days_of_inventory(turnover), digits=0), border=True)
    cards[2].metric("Average stock value", money(stock["avg_stock_value"], currency), border=True,
                    help="– when the source has no product costs to value the stock at.")
    cards[3].metric("Stock-out days", count(stock["stockout_days"]), border=True,
                    help="Product-days that ended with nothing on hand.")
    low = efficiency.below_reorder(chosen)
    st.markdown(f"**{count(len(low))} products under their reorder point** on the period's last stock count")
    st.dataframe(low, hide_index=True, column_config={
        "product": "Product", "category": "Category",
        "on_hand": st.column_config.NumberColumn("On hand", format="%d"),
        "reorder_point": st.column_config.NumberColumn("Reorder point", format="%d"),
        "stockout_days": st.column_config.NumberColumn("Stock-out days in period", format="%d")})
    st.caption(CAPTIONS["inventory"] + " Turnover annualises the period's company-wide COGS."
               + filters.unsplit_note("mart_inventory", "Stock levels"))

st.header("Order to cash")
if not unavailable("Invoices", "mart_invoices"):
    cash = efficiency.receivables(chosen).iloc[0]
    dso = days_sales_outstanding(cash["open_at_start"], cash["open_at_end"], cash["invoiced"], days)
    cards = st.columns(4)
    cards[0].metric("Days sales outstanding", duration(dso, digits=0), border=True, help=CAPTIONS["dso"])
    cards[1].metric("Order to cash", duration(cash["avg_order_to_cash_days"], digits=0), border=True)
    cards[2].metric("Invoiced", money(cash["invoiced"], currency), border=True)
    cards[3].metric("Open receivables", money(cash["open_at_end"], currency), border=True,
                    help=f"Issued and unpaid on {chosen.end:%d %b %Y}.")
    st.caption(CAPTIONS["dso"] + " Average receivables = mean of the open amounts on the first and last day."
               + filters.unsplit_note("mart_invoices", "Invoices"))

st.header("Support")
if not unavailable("Support tickets", "mart_tickets"):
    monthly = efficiency.ticket_times(chosen)
    if monthly.empty:
        st.info("No ticket was opened in this period.")
    else:
        opened, resolved = monthly["tickets"], monthly["resolved"]
        first_response = ratio((monthly["avg_first_response_hours"] * monthly["responded"]).sum(),
                               monthly["responded"].sum())
        resolution = ratio((monthly["avg_resolution_hours"] * resolved).sum(), resolved.sum())
        cards = st.columns(4)
        cards[0].metric("Tickets", count(opened.sum()), border=True)
        cards[1].metric("First response", duration(first_response, "h"), border=True, help=CAPTIONS["tickets"])
        cards[2].metric("Resolution", duration(resolution, "h"), border=True)
        cards[3].metric("Still open", count(opened.sum() - resolved.sum()), border=True)
        st.plotly_chart(charts.ticket_times(monthly), width="stretch")
        st.dataframe(efficiency.open_tickets_by_category(chosen), hide_index=True,
                     column_config={"category": "Category", "tickets": "Tickets", "open": "Open"})
        st.caption(CAPTIONS["tickets"])
