"""The rules: each kind reads the warehouse as of its latest data day and returns findings with their impacts.

A finding records where the problem starts (its origin department) and every area it reaches, with money or
counts where they can be computed: a late purchase order -> the product at stock-out risk (logistics) -> the
open orders and sales at risk (sales) -> the customers to tell (support).
"""

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection, func, select

from alerts import config as rules
from alerts import facts
from alerts.texts import Text, stock_cover
from etl.schema import (
    customers,
    forecast_runs,
    forecasts,
    mart_daily_sales,
    mart_order_fulfilment,
    mart_tickets,
)
from forecasting.runner import LEVEL_COLUMN


@dataclass
class Impact:
    """One area an alert reaches."""

    area: str
    department_id: str | None
    entity_type: str
    entity_id: str
    description: Text
    amount: float | None = None
    unit: str | None = None


ONE_OFF, EXPECTED_LOSS, YEARLY_REVENUE = "one_off", "expected_loss", "yearly_revenue"
MONEY_KINDS = (ONE_OFF, EXPECTED_LOSS, YEARLY_REVENUE)
"""What an alert's money is, never added across kinds: sales lost or held up once (a stock-out, a revenue gap), the
loss expected from customers who may not come back (their yearly revenue x the rule's back-tested chance that a
flagged customer does not buy again), and the yearly revenue of customers a problem touches (exposure, not loss)."""


@dataclass
class Finding:
    """A condition that holds now, on one entity; its impacts' money is of one kind (``money_kind``)."""

    rule: rules.Rule
    kind: str
    entity_type: str
    entity_id: str
    origin_department_id: str | None
    title: Text
    message: Text | list[Text]
    metric_value: float | None = None
    threshold: float | None = None
    impacts: list[Impact] = field(default_factory=list)
    money_kind: str = ONE_OFF

    def __post_init__(self):
        # A step names the department that has to act. Where the data has no department for it (no department of
        # kind support, so no one to tell the customers), the chain has no such step: never "Support -> —", and no
        # flow into "—" on the alerts page.
        self.impacts = [i for i in self.impacts if i.department_id is not None]

    @property
    def fingerprint(self) -> str:
        """The identity of the condition: the same rule on the same entity."""
        return f"{self.rule.id}:{self.entity_type}:{self.entity_id}"

    @property
    def impact_amount(self) -> float | None:
        """Money at risk over the impacts that carry an amount in the currency."""
        return money_at_risk(self.impacts)


def money_at_risk(impacts: list[Impact]) -> float | None:
    """The sum of the impacts' amounts in the currency; None when none carries one."""
    money = [i.amount for i in impacts if i.unit == "currency" and i.amount is not None]
    return round(sum(money), 2) if money else None


@dataclass
class Context:
    """Facts every rule may use, read once per evaluation."""

    conn: Connection
    as_of: date
    products: pd.DataFrame
    on_hand: pd.Series
    departments: dict[str, str | None]
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    currency: str | None = None
    read_demand: dict[int, pd.DataFrame] = field(default_factory=dict)

    @classmethod
    def read(cls, conn: Connection, as_of: date) -> "Context":
        """Read the shared facts."""
        kinds = ("logistics", "support", "procurement", "marketing")
        return cls(conn, as_of, facts.product_info(conn), facts.stock_on_hand(conn),
                   {k: facts.department_of_kind(conn, k) for k in kinds}, facts.names(conn), facts.currency(conn))

    def name(self, kind: str, key: str | None) -> str:
        """The name of a department, customer or product for a title ('Customer 187' reads as its name)."""
        if key is None:
            return "unknown"
        if kind == "product":
            known = key in self.products.index and not pd.isna(self.products.loc[key, "name"])
            return str(self.products.loc[key, "name"]) if known else str(key)
        return self.names.get(kind, {}).get(key, str(key))

    def demand(self, days: int) -> pd.DataFrame:
        """Units per day per product and department over the last days (the moving-average forecast);
        read once per evaluation and window, as several rules use it."""
        if days not in self.read_demand:
            self.read_demand[days] = facts.daily_units(self.conn, self.as_of, days)
        return self.read_demand[days]

    @functools.cached_property
    def open_purchases(self) -> pd.DataFrame:
        """Purchase-order lines not received yet (see facts.open_purchases)."""
        return facts.open_purchases(self.conn)


def shortage_impacts(ctx: Context, product_id: str, short_units: float, demand: pd.DataFrame,
                     cause: str) -> list[Impact]:
    """From a product that will run short to the sales it costs and the customers to tell."""
    info = ctx.products.loc[product_id] if product_id in ctx.products.index else None
    name = ctx.name("product", product_id)
    price = 0.0 if info is None or pd.isna(info["list_price"]) else float(info["list_price"])
    impacts = [Impact("logistics", ctx.departments["logistics"], "product", product_id,
                      Text("shortage_logistics", {"product": name, "cause": cause, "units": short_units}),
                      round(short_units, 2), "units")]
    mine = demand[demand["product_id"] == product_id].set_index("department_id")["units_per_day"]
    waiting = facts.open_orders_with(ctx.conn, product_id)
    for department in sorted(set(mine.index) | set(waiting["department_id"].dropna())):
        share = mine.get(department, 0.0) / mine.sum() if mine.sum() else 0.0
        lost = short_units * share * price
        open_orders = waiting[waiting["department_id"] == department]
        said = (Text("shortage_sales_held", {"product": name, "orders": len(open_orders),
                                             "value": open_orders["value"].sum(), "lost": lost})
                if len(open_orders) else Text("shortage_sales", {"product": name, "lost": lost}))
        impacts.append(Impact("sales", department, "department", department, said,
                              round(lost + open_orders["value"].sum(), 2), "currency"))
    for customer, group in waiting.dropna(subset=["customer_id"]).groupby("customer_id"):
        impacts.append(Impact("support", ctx.departments["support"], "customer", customer,
                              Text("shortage_support", {"customer": ctx.name("customer", customer),
                                                        "orders": ", ".join(group["order_id"]), "product": name}),
                              float(len(group)), "orders"))
    return impacts


def late_purchase_orders(ctx: Context, rule: rules.LatePurchaseOrder) -> list[Finding]:
    """Open purchase-order lines past their expected date, and the shortage each one causes."""
    purchases = ctx.open_purchases
    end_of_day = pd.Timestamp(ctx.as_of) + pd.Timedelta(days=1)
    demand = ctx.demand(rule.demand_days)
    found = []
    for po in purchases.itertuples():
        days_late = (end_of_day - po.expected_at).total_seconds() / 86400
        if pd.isna(days_late) or days_late < rule.min_days_late:
            continue
        per_day = demand.loc[demand["product_id"] == po.product_id, "units_per_day"].sum()
        stock = float(ctx.on_hand.get(po.product_id, 0.0))
        cover = stock / per_day if per_day else float("inf")
        wait = rule.assumed_further_delay_days
        product = ctx.name("product", po.product_id)
        impacts = [Impact("procurement", po.department_id, "purchase_order", f"{po.po_id}/{po.line_no}",
                          Text("po_late", {"supplier": po.supplier, "days": days_late, "quantity": po.quantity,
                                           "product": product}), round(days_late, 2), "days")]
        if cover < wait:
            cause = stock_cover(stock, per_day, wait)
            impacts += shortage_impacts(ctx, po.product_id, per_day * (wait - cover), demand, cause)
        said, at_risk = {"po": po.po_id, "supplier": po.supplier, "product": product}, money_at_risk(impacts)
        title = (Text("late_po", said) if cover >= wait else Text("late_po_stockout", said) if at_risk is None
                 else Text("late_po_stockout_money", said | {"money": at_risk}))
        found.append(Finding(rule, rule.kind, "purchase_order", f"{po.po_id}/{po.line_no}", po.department_id, title,
                             Text("late_po_message", {"expected": po.expected_at, "days": days_late}), days_late,
                             rule.min_days_late, impacts))
    return found


def forecast_need(forecast: pd.DataFrame, as_of: date, days: float) -> float:
    """Units a product's forecast asks for over the next ``days`` days; past the forecast's horizon its last
    week's daily mean carries on."""
    ahead = forecast[forecast["ds"] <= pd.Timestamp(as_of) + pd.Timedelta(days=days)]
    covered = (forecast["ds"].max() - pd.Timestamp(as_of)).days if len(forecast) else 0
    extra = max(days - covered, 0) * float(forecast["units"].tail(7).mean()) if len(forecast) else 0.0
    return float(ahead["units"].sum()) + extra


def stockout_risk(ctx: Context, rule: rules.StockoutRisk) -> list[Finding]:
    """Products whose demand over the supplier lead time exceeds stock plus open purchase orders: the product
    forecast's units where there is one, else the average of the last ``demand_days`` days."""
    demand = ctx.demand(rule.demand_days)
    per_day = demand.groupby("product_id")["units_per_day"].sum()
    predicted = dict(tuple(facts.forecast_units(ctx.conn, ctx.as_of).groupby("product_id")))
    incoming = ctx.open_purchases.groupby("product_id")["quantity"].sum()
    lead = facts.supplier_lead_days(ctx.conn)
    found = []
    for product_id in sorted(set(per_day.index) | set(predicted)):
        days = float(lead.get(product_id, rule.default_lead_days))
        forecast = predicted.get(product_id)
        need = forecast_need(forecast, ctx.as_of, days) if forecast is not None else per_day[product_id] * days
        have = float(ctx.on_hand.get(product_id, 0.0)) + float(incoming.get(product_id, 0.0))
        if need <= have or product_id not in ctx.on_hand.index:
            continue
        basis = "forecast" if forecast is not None else "average"
        said = {"need": need, "lead": days, "have": have} | ({} if forecast is not None else {"days": rule.demand_days})
        name = ctx.name("product", product_id)
        impacts = shortage_impacts(ctx, product_id, need - have, demand, Text(f"stockout_cause_{basis}", said))
        at_risk = money_at_risk(impacts)
        title = Text("stockout", {"product": name}) if at_risk is None else \
            Text("stockout_money", {"product": name, "money": at_risk})
        owner = ctx.departments["logistics"] or next((i.department_id for i in impacts if i.area == "sales"), None)
        found.append(Finding(rule, rule.kind, "product", product_id, owner, title,
                             Text(f"stockout_message_{basis}", said), need - have, 0.0, impacts))
    return found


def on_time_threshold(ctx: Context, rule: rules.MetricThreshold) -> list[Finding]:
    """Departments whose on-time delivery over the last days is under the floor."""
    f = mart_order_fulfilment
    start = ctx.as_of - timedelta(days=rule.window_days - 1)
    rows = ctx.conn.execute(
        select(f.c.department_id, func.count(), func.count().filter(f.c.is_on_time),
               func.count(func.distinct(f.c.customer_id)).filter(~f.c.is_on_time))
        .where(f.c.kind == "sale", f.c.is_on_time.is_not(None), f.c.order_date >= start, f.c.order_date <= ctx.as_of)
        .group_by(f.c.department_id)).all()
    found = []
    for department, delivered, on_time, customers_late in rows:
        rate = on_time / delivered
        if delivered < rule.min_count or rate >= rule.below:
            continue
        impacts = [Impact("sales", department, "department", department,
                          Text("late_orders", {"late": delivered - on_time, "delivered": delivered}),
                          delivered - on_time, "orders"),
                   Impact("support", ctx.departments["support"], "department", department,
                          Text("late_customers", {"customers": customers_late}), customers_late, "customers")]
        found.append(Finding(rule, rule.kind, "department", department, ctx.departments["logistics"] or department,
                             Text("on_time_title", {"rate": rate, "department": ctx.name("department", department)}),
                             Text("on_time_message", {"rate": rate, "delivered": delivered, "days": rule.window_days,
                                                      "floor": rule.below}), rate, rule.below, impacts))
    return found


def revenue_drop(ctx: Context, rule: rules.PeriodChange) -> list[Finding]:
    """Departments whose net revenue over the last days fell by more than the share against the days before."""
    s, w = mart_daily_sales, rule.window_days
    recent = s.c.sales_date > ctx.as_of - timedelta(days=w)
    rows = ctx.conn.execute(
        select(s.c.department_id, func.coalesce(func.sum(s.c.net_revenue).filter(recent), 0.0),
               func.coalesce(func.sum(s.c.net_revenue).filter(~recent), 0.0))
        .where(s.c.sales_date > ctx.as_of - timedelta(days=2 * w), s.c.sales_date <= ctx.as_of)
        .group_by(s.c.department_id)).all()
    found = []
    for department, now, before in rows:
        if before <= max(rule.min_previous, 0) or (before - now) / before <= rule.drop_above:
            continue
        change = (now - before) / before
        found.append(Finding(rule, rule.kind, "department", department, department,
                             Text("revenue_drop_title", {"drop": -change, "money": before - now, "days": w,
                                                         "department": ctx.name("department", department)}),
                             Text("revenue_drop_message", {"now": now, "before": before, "days": w}),
                             change, -rule.drop_above,
                             [Impact("sales", department, "department", department,
                                     Text("revenue_drop_impact", {"money": before - now, "days": w}),
                                     round(before - now, 2), "currency")]))
    return found


def outside_forecast(ctx: Context, rule: rules.ForecastBand) -> list[Finding]:
    """Series whose actual sales stayed outside the 80% band of their forecast for the last N days."""
    start = ctx.as_of - timedelta(days=rule.days_running - 1)
    covering = (select(forecasts.c.series_id, func.max(forecasts.c.run_id).label("run_id"))
                .join(forecast_runs, forecast_runs.c.run_id == forecasts.c.run_id)
                .where(forecast_runs.c.status == "success", forecasts.c.ds == start,
                       forecasts.c.series_id.not_like("product:%"))  # units, not the net revenue compared here
                .group_by(forecasts.c.series_id).subquery())
    rows = ctx.conn.execute(select(forecasts.c.series_id, forecasts.c.ds, forecasts.c.yhat, forecasts.c.yhat_lower,
                                   forecasts.c.yhat_upper)
                            .join(covering, (covering.c.series_id == forecasts.c.series_id)
                                  & (covering.c.run_id == forecasts.c.run_id))
                            .where(forecasts.c.ds >= start, forecasts.c.ds <= ctx.as_of)).all()
    predicted = pd.DataFrame(rows, columns=["series_id", "ds", "yhat", "lower", "upper"])
    found = []
    for series_id, band in predicted.groupby("series_id"):
        if len(band) < rule.days_running:
            continue
        level, _, member = series_id.partition(":")
        actual = _daily_actuals(ctx.conn, level, member, start, ctx.as_of)
        band = band.assign(ds=pd.to_datetime(band["ds"])).merge(actual, on="ds", how="left").fillna({"actual": 0.0})
        outside = (band["actual"] < band["lower"]) | (band["actual"] > band["upper"])
        if not outside.all():
            continue
        gap = float((band["actual"] - band["yhat"]).sum())
        department = member if level == "department" else None
        series = Text("all_sales") if level == "total" else ctx.name(level, member) if member else series_id
        title = Text("above_forecast_title", {"series": series}) if gap > 0 else \
            Text("below_forecast_title", {"series": series, "money": -gap})
        found.append(Finding(rule, rule.kind, "series", series_id, department, title,
                             Text("forecast_message", {"days": rule.days_running, "gap": gap}), gap, 0.0,
                             [Impact("sales", department, "series", series_id,
                                     Text("forecast_impact", {"gap": gap, "days": rule.days_running}),
                                     round(-gap, 2) if gap < 0 else None, "currency")]))
    return found


def _daily_actuals(conn: Connection, level: str, member: str, start: date, end: date) -> pd.DataFrame:
    s = mart_daily_sales
    statement = select(s.c.sales_date, func.sum(s.c.net_revenue)).where(s.c.sales_date >= start,
                                                                        s.c.sales_date <= end)
    if level in LEVEL_COLUMN:
        statement = statement.where(s.c[LEVEL_COLUMN[level]] == member)
    frame = pd.DataFrame(conn.execute(statement.group_by(s.c.sales_date)).all(), columns=["ds", "actual"])
    return frame.assign(ds=pd.to_datetime(frame["ds"]))


def support_backlog(ctx: Context, rule: rules.SupportBacklog) -> list[Finding]:
    """Too many tickets open for too long, or tickets resolved slower than the target."""
    t = mart_tickets
    old = ctx.as_of - timedelta(days=rule.max_open_hours / 24)
    waiting = ctx.conn.execute(
        select(customers.c.department_id, func.count(), func.count(func.distinct(t.c.customer_id)))
        .select_from(t.outerjoin(customers, customers.c.customer_id == t.c.customer_id))
        .where(~t.c.is_resolved, t.c.opened_date <= old).group_by(customers.c.department_id)).all()
    found = []
    backlog = sum(count for _, count, _ in waiting)
    if backlog > rule.max_open_tickets:
        impacts = [Impact("sales", department, "department", department or "unknown",
                          Text("backlog_impact", {"customers": people, "tickets": count,
                                                  "hours": rule.max_open_hours}),
                          people, "customers") for department, count, people in waiting]
        found.append(Finding(rule, rule.kind, "support", "backlog", ctx.departments["support"] or _ticket_owner(ctx),
                             Text("backlog_title", {"tickets": backlog, "hours": rule.max_open_hours}),
                             Text("backlog_message", {"tickets": backlog, "day": old,
                                                      "limit": rule.max_open_tickets}),
                             backlog, rule.max_open_tickets, impacts))
    start = ctx.as_of - timedelta(days=rule.window_days - 1)
    hours = ctx.conn.execute(select(func.avg(t.c.resolution_hours), func.count())
                             .where(t.c.is_resolved, t.c.opened_date >= start, t.c.opened_date <= ctx.as_of)).one()
    if hours[0] is not None and hours[0] > rule.target_resolution_hours:
        found.append(Finding(rule, rule.kind, "support", "resolution_time",
                             ctx.departments["support"] or _ticket_owner(ctx),
                             Text("resolution_title", {"hours": hours[0]}),
                             Text("resolution_message", {"tickets": hours[1], "days": rule.window_days,
                                                         "hours": hours[0], "target": rule.target_resolution_hours}),
                             hours[0], rule.target_resolution_hours))
    return found


def _ticket_owner(ctx: Context) -> str | None:
    """The department recording most tickets: where a support alert starts when no department is of kind support."""
    t = mart_tickets
    return ctx.conn.execute(select(t.c.department_id).where(t.c.department_id.is_not(None))
                            .group_by(t.c.department_id).order_by(func.count().desc(), t.c.department_id)
                            .limit(1)).scalar()


COMEBACK_DAYS = 90  # a flagged customer who buys again within this many days came back
BACKTEST_ORIGINS = 12  # earlier dates the flag is checked at, a month apart


def customers_at_risk(ctx: Context, rule: rules.CustomerAtRisk) -> list[Finding]:
    """Customers in the top share by net revenue over the last year without a sale for a while; the money at risk is
    the loss expected from each: its yearly revenue x the share of customers the rule flagged at earlier dates who
    did not buy again within COMEBACK_DAYS (None when no earlier date can be checked)."""
    silent = _quiet_customers(_customer_year(ctx.conn, ctx.as_of), rule, ctx.as_of)
    if silent.empty:
        return []
    flagged, back, origins = _comeback_backtest(ctx.conn, rule, ctx.as_of)
    gone = 1 - back / flagged if flagged else None
    history = {"flagged": flagged, "back": back, "origins": origins, "days": COMEBACK_DAYS}
    findings = []
    for c in silent.itertuples():
        loss = None if gone is None else round(c.revenue * gone, 2)
        name = ctx.name("customer", c.customer_id)
        title = (Text("quiet_customer_title", {"customer": name, "money": c.revenue}) if loss is None else
                 Text("quiet_customer_loss_title", {"customer": name, "loss": loss, "money": c.revenue}))
        message = [Text("quiet_customer_message", {"money": c.revenue, "day": pd.Timestamp(c.last_sale)}),
                   Text("quiet_customer_backtest", history) if flagged else Text("quiet_customer_no_backtest")]
        findings.append(Finding(
            rule, rule.kind, "customer", c.customer_id, c.department_id, title, message,
            float((pd.Timestamp(ctx.as_of) - pd.Timestamp(c.last_sale)).days), rule.silent_days,
            [Impact("sales", c.department_id, "customer", c.customer_id,
                    Text("quiet_revenue", {"money": c.revenue}) if loss is None else
                    Text("quiet_loss", {"money": c.revenue, "loss": loss}), loss, None if loss is None else "currency"),
             Impact("support", ctx.departments["support"], "customer", c.customer_id, Text("check_in"), None, None)],
            EXPECTED_LOSS))
    return findings


def _customer_year(conn: Connection, day: date, ahead: int = 0) -> pd.DataFrame:
    """Per customer with orders in the year up to ``day``: customer_id, revenue (net, that year), last_sale (on or
    before ``day``), department_id; with ``ahead``, next_sale: their first sale in the ``ahead`` days after it."""
    f, start = mart_order_fulfilment, day - timedelta(days=364)
    within = f.c.order_date <= day
    columns = [f.c.customer_id, func.sum(f.c.net_revenue).filter(within).label("revenue"),
               func.max(f.c.order_date).filter(within, f.c.kind == "sale").label("last_sale"),
               customers.c.department_id]
    if ahead:
        columns.append(func.min(f.c.order_date).filter(f.c.order_date > day, f.c.kind == "sale").label("next_sale"))
    rows = conn.execute(select(*columns).select_from(f.join(customers, customers.c.customer_id == f.c.customer_id))
                        .where(f.c.order_date >= start, f.c.order_date <= day + timedelta(days=ahead))
                        .group_by(f.c.customer_id, customers.c.department_id)
                        .having(func.count().filter(within) > 0)).all()
    return pd.DataFrame(rows, columns=[c.name for c in columns])


def _quiet_customers(frame: pd.DataFrame, rule: rules.CustomerAtRisk, day: date) -> pd.DataFrame:
    """The rule's flag on a day: customers in the top share by the year's revenue whose last sale is over
    ``silent_days`` old."""
    if frame.empty:
        return frame
    top = frame.nlargest(max(1, int(len(frame) * rule.top_share)), "revenue")
    return top[pd.to_datetime(top["last_sale"]) < pd.Timestamp(day - timedelta(days=rule.silent_days))]


def _comeback_backtest(conn: Connection, rule: rules.CustomerAtRisk, as_of: date) -> tuple[int, int, int]:
    """The flag checked at up to BACKTEST_ORIGINS earlier dates, a month apart, each at least COMEBACK_DAYS before
    the data's last day and with a year of data before it: (customers flagged, of them bought again within
    COMEBACK_DAYS, dates checked)."""
    first = conn.execute(select(func.min(mart_order_fulfilment.c.order_date))).scalar()
    first = pd.Timestamp(first).date() if first is not None else as_of
    flagged = back = checked = 0
    for k in range(BACKTEST_ORIGINS):
        day = as_of - timedelta(days=COMEBACK_DAYS + 30 * k)
        if day - timedelta(days=364) < first:
            break
        quiet = _quiet_customers(_customer_year(conn, day, COMEBACK_DAYS), rule, day)
        flagged, back, checked = flagged + len(quiet), back + int(quiet["next_sale"].notna().sum()), checked + 1
    return flagged, back, checked


DETECTORS = {
    "late_purchase_order": late_purchase_orders, "stockout_risk": stockout_risk,
    "metric_threshold": on_time_threshold, "period_change": revenue_drop, "forecast_band": outside_forecast,
    "support_backlog": support_backlog, "customer_at_risk": customers_at_risk,
}
