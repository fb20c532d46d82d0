"""KPI definitions: the one place where every business formula lives.

The marts build their sums with the SQL expressions here; the dashboard derives ratios with the functions
here and shows ``CAPTIONS`` under the charts, so a number and its definition never drift apart. The captions are
marked for the interface's message catalogue (``N_``); pages show them translated (``_(CAPTIONS[key])``).
"""

import pandas as pd
from sqlalchemy import ColumnElement, Table, func

from i18n import N_
from i18n.formats import known

CHURN_DAYS = 90
"""A customer with no sale order in this many days counts as churned."""

STAGE_PROBABILITY = {
    "Prospecting": 0.10, "Lead": 0.10, "Qualification": 0.20, "Engaging": 0.40, "Proposal": 0.50,
    "Negotiation": 0.70, "Won": 1.0, "Lost": 0.0,
}
"""Chance that a deal in a stage is won: weighted pipeline = sum(expected value x probability) over open deals.
Stages not listed count as 0.25."""
DEFAULT_STAGE_PROBABILITY = 0.25
CLOSED_SINCE_STAGE = "Closed since"
"""The stage, in a past period's open pipeline, of deals that were open at its end and have closed since (their
stage at that time is not recorded); they weigh DEFAULT_STAGE_PROBABILITY."""
MIN_DECIDED_DEALS = 5
"""An owner's win rate is ranked only from this many won or lost deals ("100% of 1" says nothing)."""

CAPTIONS = {
    "net_revenue": N_("Net revenue = sales lines' quantity x unit price x (1 - discount), plus returns (negative)."),
    "gross_margin": N_("Gross margin % = (net revenue - quantity x unit cost) / net revenue; shown as – when the "
                        "source has no product costs."),
    "orders": N_("Orders = sale orders placed in the period (returns not counted)."),
    "active_customers": N_("Active customers = customers with at least one sale order in the period; guest sales "
                            "count in revenue but not here."),
    "on_time": N_("On-time delivery = orders delivered by their promised time / orders delivered."),
    "cycle_time": N_("Order cycle time = delivered at - ordered at, in days."),
    "change": N_("Change against the previous period of the same length."),
    "cohorts": N_("Cohort = month of a customer's first sale; retention(c, k) = customers of cohort c with a sale in "
                   "month c + k / customers in c."),
    "retention_rate": N_("Retention rate = (E - N) / S: S = customers with a sale in the 90 days before the period "
                          "(the base at its start), E = customers with a sale in the 90 days up to its last day (the "
                          "base at its end), N = customers in E but not in S (first-time buyers and customers won "
                          "back). Churned = in S, no sale in the 90 days up to the last day. The 90-day windows are "
                          "the same whatever the period's length, so the rate always lies between 0% and 100%."),
    "rfm": N_("RFM: recency (days since last sale), frequency (sale orders) and monetary (net revenue) in the "
               "period, each scored 1-5 by quintile (5 best). 'New customers' are recent buyers with few sale orders "
               "in the period, not necessarily first-time buyers."),
    "clv": N_("CLV = average order value x orders per year x gross margin % x expected lifetime (1 / annual churn "
               "rate, at most 10 years). Annual churn = share of the customers with a sale in the 90 days a year "
               "before the period's end who have no sale in the 90 days up to it."),
    "win_rate": N_("Win rate = won / (won + lost) over the deals closed in the period; open deals do not count."),
    "weighted_pipeline": N_("Open pipeline = the deals open at the period's end (created by then, or undated, and "
                             "not closed by then), a snapshot; weighted pipeline = expected value x stage probability "
                             "over them (expected value = amount, or the product's list price when the deal has "
                             "none)."),
    "sales_cycle": N_("Sales cycle = closed - created, in days, for the deals won or lost in the period."),
    "procurement": N_("Purchase lead time = received - ordered; supplier on time = received by expected date / "
                       "received."),
    "inventory": N_("Inventory turnover = COGS / average stock value; days of inventory = 365 / turnover."),
    "dso": N_("Days sales outstanding = average receivables / invoiced sales x days; order-to-cash = paid - ordered."),
    "tickets": N_("First response time = first response - opened; resolution time = resolved - opened, in hours."),
}


def line_value(lines: Table) -> ColumnElement:
    """Signed value of an order line: quantity x unit price x (1 - discount); return lines are negative."""
    return lines.c.quantity * lines.c.unit_price * (1 - func.coalesce(lines.c.discount, 0))


def line_cost(lines: Table, products: Table) -> ColumnElement:
    """Signed cost of an order line: quantity x unit cost (the product's cost when the line has none).

    NULL when the source knows no cost: a margin is then unknown, never silently 100%.
    """
    return lines.c.quantity * func.coalesce(lines.c.unit_cost, products.c.unit_cost)


CANCELLED = "cancelled"
"""The order status that counts in no KPI: a cancelled order adds no revenue, cost, order, customer activity,
delivery or on-time share. Its mart row keeps the order with kind 'cancelled' and zero value."""


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is missing or the denominator is zero."""
    numerator, denominator = known(numerator), known(denominator)
    if not denominator or numerator is None:
        return None
    return numerator / denominator


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change from the previous period, or None when there is nothing to compare with."""
    current, previous = known(current), known(previous)
    if current is None or not previous:
        return None
    return (current - previous) / abs(previous)


RFM_SEGMENTS = [  # (segment, recency scores, frequency scores): the first that matches wins; names are stored in
    # English and marked for the catalogue (pages show them as ``_(segment)``)
    (N_("Champions"), {4, 5}, {4, 5}),
    (N_("Loyal"), {3, 4, 5}, {3, 4, 5}),
    (N_("New customers"), {4, 5}, {1}),
    (N_("Potential loyalists"), {3, 4, 5}, {1, 2}),
    (N_("Can't lose them"), {1}, {4, 5}),
    (N_("At risk"), {1, 2}, {3, 4, 5}),
    (N_("Hibernating"), {1, 2}, {1, 2}),
]
OTHER_SEGMENT = N_("Need attention")
AT_RISK_SEGMENTS = ("Can't lose them", "At risk")


def inventory_turnover(cogs: float | None, days: int, average_stock_value: float | None) -> float | None:
    """COGS / average stock value, annualised from a period of ``days`` days (None when either is unknown)."""
    per_day = ratio(cogs, days * known(average_stock_value) if known(average_stock_value) else None)
    return None if per_day is None else per_day * 365


def days_of_inventory(turnover: float | None) -> float | None:
    """365 / inventory turnover."""
    return ratio(365, turnover)


def days_sales_outstanding(open_at_start: float, open_at_end: float, invoiced: float, days: int) -> float | None:
    """Average receivables (mean of the open amounts on the first and last day) / invoiced sales x days."""
    return ratio((open_at_start + open_at_end) / 2 * days, invoiced)


def rfm_segment(recency_score: int, frequency_score: int) -> str:
    """The RFM segment of a customer's recency and frequency scores (1-5, 5 best)."""
    for name, recency, frequency in RFM_SEGMENTS:
        if recency_score in recency and frequency_score in frequency:
            return name
    return OTHER_SEGMENT


def retention_matrix(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Cohort retention(c, k): active customers of cohort c in month c + k / size of c (month 0).

    ``cohorts`` has cohort_month, months_since_cohort, customers; the result has one row per cohort and one
    column per month since the first sale.
    """
    table = cohorts.pivot(index="cohort_month", columns="months_since_cohort", values="customers")
    return table.div(table[0], axis=0) if 0 in table.columns else table * float("nan")


def retention_rate(start: int, end: int, new: int) -> float | None:
    """(E - N) / S: customers at the end who were not new, over customers at the start."""
    return ratio(end - new, start)


def retention_summary(start: int, end: int, retained: int) -> dict:
    """The retention cards from the two customer bases: S (start), E (end) and the customers in both.

    N (new or won back) = E - retained and churned = S - retained, so (E - N) / S = retained / S lies in 0..1.
    """
    new = end - retained
    return {"start": start, "end": end, "retained": retained, "new": new, "churned": start - retained,
            "rate": retention_rate(start, end, new)}


MAX_LIFETIME_YEARS = 10.0
"""Expected lifetime cap: an annual churn rate under 10% (or unknown) counts as 10%."""


def expected_lifetime(annual_churn: float | None) -> float:
    """1 / annual churn rate in years, at most MAX_LIFETIME_YEARS."""
    if annual_churn is None or annual_churn <= 1 / MAX_LIFETIME_YEARS:
        return MAX_LIFETIME_YEARS
    return 1 / annual_churn


def rfm_frame(scored: pd.DataFrame, period_end) -> pd.DataFrame:
    """Customers with recency in days, their RFM segment, average order value and own margin rate."""
    frame = scored.copy()
    frame["recency_days"] = (pd.Timestamp(period_end) - pd.to_datetime(frame["last_order"])).dt.days
    frame["segment"] = [rfm_segment(r, f) for r, f in zip(frame["r_score"], frame["f_score"])]
    frame["average_order_value"] = frame["monetary"] / frame["frequency"]
    return frame


def customer_lifetime_value(rfm: pd.DataFrame, period_days: int, margin_rate: float | None,
                            annual_churn: float | None) -> pd.Series:
    """CLV = average order value x orders per year x gross margin % x expected lifetime (1 / annual churn,
    at most 10 years); margin 100% when the source has no costs."""
    lifetime = expected_lifetime(annual_churn)
    orders_per_year = rfm["frequency"] * 365 / max(period_days, 1)
    margin = 1.0 if margin_rate is None else margin_rate
    return rfm["average_order_value"] * orders_per_year * margin * lifetime


# ------------------------------------------------------------------------------------------------ Social CRM
SOCIAL_CAPTIONS = {
    "share_of_voice": N_("Share of voice = a brand's mentions / mentions of all tracked brands."),
    "net_sentiment": N_("Net sentiment = (positive - negative mentions) / scored mentions, from -100% to +100%; "
                        "mentions no scorer reads (not scored) do not count."),
    "brand_health": N_("Brand-health index = positive / (positive + negative mentions); neutral ones do not count."),
    "mention_response": N_("First response = the brand's first reply - the mention's time, in hours, over mentions "
                            "that got a reply."),
    "sentiment_source": N_("Each mention's label is a person's where the source has one; otherwise the scorer's (a "
                            "model learned from people's labels, or a lexicon: VADER for English, the project's own "
                            "lexicon over lemmas for Ukrainian), chosen by how often it agrees with people on the "
                            "later 30% of the labelled mentions. A mention in another language, or too short to tell "
                            "its language, is not scored."),
}
CAPTIONS.update(SOCIAL_CAPTIONS)


def _share(numerator, denominator):
    """numerator / denominator for numbers or Series; missing (None or NaN) where the denominator is zero."""
    if isinstance(denominator, pd.Series):
        return numerator / denominator.where(denominator != 0)
    return ratio(numerator, denominator)


def share_of_voice(brand_mentions, tracked_mentions):
    """A brand's mentions / mentions of all tracked brands."""
    return _share(brand_mentions, tracked_mentions)


def net_sentiment(positive, negative, mentions):
    """(positive - negative) / mentions."""
    return _share(positive - negative, mentions)


def brand_health(positive, negative):
    """positive / (positive + negative)."""
    return _share(positive, positive + negative)
