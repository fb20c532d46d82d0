"""Customer queries: cohorts, retention and churn, RFM scores, and one customer's whole history."""

from dataclasses import replace
from datetime import timedelta

import pandas as pd
from sqlalchemy import Float, String, and_, case, cast, desc, func, literal, null, or_, select, union_all

from access.scope import restrict
from dashboard.queries import Filters, date_bounds, read, where_scope
from etl.kpi import CHURN_DAYS, ratio, retention_summary
from etl.schema import (
    customers,
    interactions,
    mart_customer_month,
    mart_invoices,
    mart_order_fulfilment,
    mart_tickets,
    social_mentions,
)
from etl.sqlfunc import day_of


def cohorts(filters: Filters) -> pd.DataFrame:
    """Active customers per cohort and month since it: cohort_month, months_since_cohort, customers; cohorts
    whose month the period touches (a period starting on 2 April shows April's cohort)."""
    m = mart_customer_month
    statement = (select(m.c.cohort_month, m.c.months_since_cohort, func.count().label("customers"))
                 .where(m.c.orders > 0, m.c.cohort_month >= filters.start.replace(day=1),
                        m.c.cohort_month <= filters.end, m.c.months_since_cohort >= 0)
                 .group_by(m.c.cohort_month, m.c.months_since_cohort))
    return read(where_scope(statement, m, filters).order_by(m.c.cohort_month, m.c.months_since_cohort))


def monthly_churn(filters: Filters) -> pd.DataFrame:
    """Per month: month_start, active, new, retained (active, not new), churned (last sale 3 months before,
    none since): the monthly view of the 90-day churn rule."""
    m = mart_customer_month
    lapse = CHURN_DAYS // 30
    first_month = (pd.Timestamp(filters.start).replace(day=1) - pd.DateOffset(months=lapse)).date()
    # Only the months that can decide a churn shown: from `lapse` months before the period to its end (a later
    # sale would only confirm that a customer had not churned by then).
    active = where_scope(select(m.c.customer_id, m.c.month_start, m.c.month_index, m.c.cohort_month)
                         .where(m.c.orders > 0, m.c.month_start >= first_month, m.c.month_start <= filters.end),
                         m, filters).subquery("active")
    next_index = func.lead(active.c.month_index).over(partition_by=active.c.customer_id, order_by=active.c.month_index)
    following = select(active, (active.c.month_index + lapse).label("lapse_index"),
                       next_index.label("next_index")).subquery("following")
    churned = (select(following.c.lapse_index, func.count().label("churned"))
               .where(or_(following.c.next_index.is_(None), following.c.next_index > following.c.lapse_index))
               .group_by(following.c.lapse_index)).subquery("churned")
    counts = (select(active.c.month_start, active.c.month_index, func.count().label("active"),
                     func.count().filter(active.c.month_start == active.c.cohort_month).label("new"))
              .group_by(active.c.month_start, active.c.month_index)).subquery("counts")
    statement = (select(counts.c.month_start, counts.c.active, counts.c.new,
                        (counts.c.active - counts.c.new).label("retained"),
                        func.coalesce(churned.c.churned, 0).label("churned"))
                 .select_from(counts.outerjoin(churned, churned.c.lapse_index == counts.c.month_index))
                 .where(counts.c.month_start >= filters.start.replace(day=1), counts.c.month_start <= filters.end)
                 .order_by(counts.c.month_start))
    return read(statement)


def _active_between(filters: Filters, start, end):
    """Customers with a sale order between two days (inclusive), in the chosen departments and regions."""
    f = mart_order_fulfilment
    statement = (select(f.c.customer_id).where(f.c.kind == "sale", f.c.customer_id.is_not(None),
                                                 f.c.order_date >= start, f.c.order_date <= end).distinct())
    return where_scope(statement, f, filters)


def customer_bases(filters: Filters) -> dict:
    """The retention cards of kpi.retention_summary: start (S, a sale in the 90 days before the period), end (E,
    a sale in the 90 days up to its last day), retained (in both), new, churned, rate; plus first_time (customers
    whose first sale falls in the period) and won_back (those of N who had bought before the period: their last
    sale before it was 90 days or more before its start, so N = won_back + first-time buyers still in E)."""
    f = mart_order_fulfilment
    firsts = where_scope(select(f.c.customer_id, func.min(f.c.order_date).label("first"))
                         .where(f.c.kind == "sale", f.c.customer_id.is_not(None)), f, filters)
    firsts = firsts.group_by(f.c.customer_id).subquery()
    first_time = read(select(func.count().label("first_time")).select_from(firsts)
                      .where(and_(firsts.c.first >= filters.start, firsts.c.first <= filters.end)))
    bases = _bases(filters)
    won_back = 0
    if bases["new"]:  # a customer of N whose first sale came before the period was away 90 days or more
        window = timedelta(days=CHURN_DAYS)
        start_set = _active_between(filters, filters.start - window, filters.start - timedelta(days=1))
        end_set = _active_between(filters, filters.end - window + timedelta(days=1), filters.end).subquery()
        back = read(select(func.count().label("won_back")).select_from(
            end_set.join(firsts, firsts.c.customer_id == end_set.c.customer_id))
            .where(firsts.c.first < filters.start, end_set.c.customer_id.not_in(start_set)))
        won_back = int(back.iloc[0, 0])
    return bases | {"first_time": int(first_time.iloc[0, 0]), "won_back": won_back}


def _bases(filters: Filters) -> dict:
    """kpi.retention_summary of the customer bases at the period's start and end."""
    window = timedelta(days=CHURN_DAYS)
    start_set = _active_between(filters, filters.start - window, filters.start - timedelta(days=1)).subquery()
    end_set = _active_between(filters, filters.end - window + timedelta(days=1), filters.end).subquery()
    frame = read(select(
        select(func.count()).select_from(start_set).scalar_subquery().label("start"),
        select(func.count()).select_from(end_set).scalar_subquery().label("end"),
        select(func.count()).select_from(end_set).where(end_set.c.customer_id.in_(select(start_set.c.customer_id)))
        .scalar_subquery().label("retained"),
    ))
    counts = {k: int(v) for k, v in frame.iloc[0].items()}
    return retention_summary(counts["start"], counts["end"], counts["retained"])


def annual_churn(filters: Filters) -> dict:
    """The annual churn rate behind CLV: churn (share of the customers with a sale in the 90 days a year before
    the period's end who have none in the 90 days up to it; None without such customers), base (their count) and
    days (how many of those 90 days the data covers: the base was seen on that many days)."""
    year_start = filters.end - timedelta(days=364)
    year = _bases(replace(filters, start=year_start))
    bounds = date_bounds()
    seen = 0 if bounds is None else (year_start - max(bounds[0], year_start - timedelta(days=CHURN_DAYS))).days
    return {"churn": ratio(year["churned"], year["start"]), "base": year["start"], "days": max(seen, 0)}


def rfm(filters: Filters) -> pd.DataFrame:
    """Per customer active in the period: customer_id, name, region, last_order, frequency, monetary,
    gross_margin; scores r_score, f_score, m_score (1-5 by quintile, 5 best)."""
    f = mart_order_fulfilment
    per_customer = where_scope(
        select(f.c.customer_id, func.max(f.c.order_date).filter(f.c.kind == "sale").label("last_order"),
               func.count().filter(f.c.kind == "sale").label("frequency"),
               func.sum(f.c.net_revenue).label("monetary"), func.sum(f.c.gross_margin).label("gross_margin"))
        .where(f.c.customer_id.is_not(None), f.c.order_date >= filters.start, f.c.order_date <= filters.end),
        f, filters).group_by(f.c.customer_id).subquery("per_customer")
    scored = select(
        per_customer, customers.c.name, customers.c.region,
        func.ntile(5).over(order_by=per_customer.c.last_order).label("r_score"),
        func.ntile(5).over(order_by=per_customer.c.frequency).label("f_score"),
        func.ntile(5).over(order_by=per_customer.c.monetary).label("m_score"),
    ).select_from(per_customer.join(customers, customers.c.customer_id == per_customer.c.customer_id)).where(
        per_customer.c.frequency > 0)
    return read(scored)


def customer_options(filters: Filters, search: str, limit: int = 50) -> pd.DataFrame:
    """Customers whose id or name contains the search text (case-insensitive): customer_id, name."""
    c = customers
    statement = select(c.c.customer_id, c.c.name)
    if search:
        pattern = f"%{search.lower()}%"
        statement = statement.where(or_(func.lower(c.c.customer_id).like(pattern), func.lower(c.c.name).like(pattern)))
    return read(where_scope(statement, c, filters).order_by(c.c.name).limit(limit))


def timeline(customer_id: str, filters: Filters) -> pd.DataFrame:
    """Everything that happened with one customer in the departments of the filters' scope, newest first: date,
    event (Order, Return, Invoice, Ticket, Interaction, Mention), detail (the source's words: ids, category, channel,
    text; NULL where there are none), state (an order's status; paid, overdue or open for invoices; open or resolved
    for tickets; else NULL: the page words it) and amount (NULL where there is none). Rows other departments own
    are not read at all (docs/security.md)."""
    f, v, t, i, s = mart_order_fulfilment, mart_invoices, mart_tickets, interactions, social_mentions
    no_amount, no_state = cast(null(), Float), cast(null(), String)
    parts = [
        (f, select(f.c.order_date.label("date"), case((f.c.kind == "return", "Return"), else_="Order").label("event"),
                   f.c.order_id.label("detail"), f.c.status.label("state"), f.c.net_revenue.label("amount"))),
        (v, select(v.c.issued_date, literal("Invoice"), v.c.invoice_id,
                   case((v.c.is_paid, "paid"), (v.c.is_overdue, "overdue"), else_="open"), v.c.amount)),
        (t, select(t.c.opened_date, literal("Ticket"), t.c.category, case((t.c.is_resolved, "resolved"), else_="open"),
                   no_amount)),
        (i, select(day_of(i.c.occurred_at), literal("Interaction"),
                   i.c.channel + func.coalesce(" · " + i.c.outcome, ""), no_state, no_amount)),
        (s, select(day_of(s.c.posted_at), literal("Mention"), s.c.platform + ": " + func.coalesce(s.c.text, ""),
                   no_state, no_amount)),
    ]
    statement = union_all(*[restrict(part.where(table.c.customer_id == customer_id), table.c.department_id,
                                     filters.scope) for table, part in parts])
    return read(statement.order_by(desc("date")))
