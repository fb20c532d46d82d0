"""A spike of negative mentions, traced to its causes: the late deliveries and open tickets of the customers who
posted, and the revenue those customers bring, so support and sales each see their part."""

from datetime import timedelta

import pandas as pd
from sqlalchemy import func, select

from alerts import config as rules
from alerts.detect import YEARLY_REVENUE, Context, Finding, Impact
from alerts.texts import Text
from etl.schema import customers, mart_mentions, mart_order_fulfilment, mart_tickets


def _counts(ctx: Context, rule: rules.NegativeMentions) -> tuple[int, float, pd.Timestamp] | None:
    """Negative mentions of the own brand (every brand when none is marked) in the window, their usual level
    for a window of that length, and the window's first day; None when the history is shorter than the baseline."""
    m = mart_mentions
    window_start = ctx.as_of - timedelta(days=rule.window_days - 1)
    baseline_start = window_start - timedelta(weeks=rule.baseline_weeks)
    has_own = ctx.conn.execute(select(func.count()).where(m.c.is_own_brand)).scalar_one() > 0
    mine = m.c.is_own_brand if has_own else m.c.brand.is_not(None)
    first, now, before = ctx.conn.execute(select(
        func.min(m.c.posted_date),
        func.count().filter(mine, m.c.label == "negative", m.c.posted_date >= window_start,
                            m.c.posted_date <= ctx.as_of),
        func.count().filter(mine, m.c.label == "negative", m.c.posted_date >= baseline_start,
                            m.c.posted_date < window_start))).one()
    if first is None or pd.Timestamp(first).date() > baseline_start:
        return None
    return now, before / rule.baseline_weeks * rule.window_days / 7, pd.Timestamp(window_start)


def _posters(ctx: Context, window_start: pd.Timestamp) -> pd.DataFrame:
    """Customers who posted negative mentions in the window: customer_id, department_id, mentions."""
    m = mart_mentions
    rows = ctx.conn.execute(
        select(m.c.customer_id, customers.c.department_id, func.count())
        .select_from(m.join(customers, customers.c.customer_id == m.c.customer_id))
        .where(m.c.label == "negative", m.c.posted_date >= window_start.date(), m.c.posted_date <= ctx.as_of)
        .group_by(m.c.customer_id, customers.c.department_id)).all()
    return pd.DataFrame(rows, columns=["customer_id", "department_id", "mentions"])


def _causes(ctx: Context, people: list[str], cause_days: int) -> pd.DataFrame:
    """Per customer: late deliveries (orders in the last ``cause_days`` days that arrived after their promise),
    open tickets, and net revenue over the last year: customer_id, late, open_tickets, revenue."""
    f, t = mart_order_fulfilment, mart_tickets
    since, year = ctx.as_of - timedelta(days=cause_days), ctx.as_of - timedelta(days=364)
    orders = ctx.conn.execute(
        select(f.c.customer_id, func.count().filter(f.c.kind == "sale", f.c.order_date >= since, ~f.c.is_on_time),
               func.coalesce(func.sum(f.c.net_revenue).filter(f.c.order_date >= year), 0.0))
        .where(f.c.customer_id.in_(people), f.c.order_date <= ctx.as_of).group_by(f.c.customer_id)).all()
    tickets = ctx.conn.execute(select(t.c.customer_id, func.count())
                               .where(t.c.customer_id.in_(people), ~t.c.is_resolved).group_by(t.c.customer_id)).all()
    frame = pd.DataFrame({"customer_id": people}).merge(
        pd.DataFrame(orders, columns=["customer_id", "late", "revenue"]), how="left").merge(
        pd.DataFrame(tickets, columns=["customer_id", "open_tickets"]), how="left")
    return frame.fillna({"late": 0, "revenue": 0.0, "open_tickets": 0})


def negative_mentions(ctx: Context, rule: rules.NegativeMentions) -> list[Finding]:
    """Negative mentions in the last days well above their usual level, with the causes the data holds."""
    counted = _counts(ctx, rule)
    if counted is None:
        return []
    now, usual, window_start = counted
    if now < rule.min_count or now <= rule.factor * usual:
        return []
    posters = _posters(ctx, window_start)
    causes = _causes(ctx, posters["customer_id"].tolist(), rule.cause_days).merge(posters, on="customer_id")
    late, ticketed = int((causes["late"] > 0).sum()), int((causes["open_tickets"] > 0).sum())
    message = [Text("mentions_message", {"count": now, "usual": usual})]
    if len(causes):
        message.append(Text("mentions_why_one" if ticketed == 1 else "mentions_why_many", {
            "customers": len(causes), "late": late, "days": rule.cause_days, "ticketed": ticketed}))
    impacts = [Impact("support", ctx.departments["support"], "mentions", "negative",
                      Text("mentions_support", {"customers": len(causes), "late": int(causes["late"].sum()),
                                                "tickets": int(causes["open_tickets"].sum())}),
                      len(causes), "customers")]
    impacts += [Impact("support", ctx.departments["support"], "customer", c.customer_id,
                       Text("mentions_answer", {"customer": ctx.name("customer", c.customer_id),
                                                "mentions": c.mentions, "late": int(c.late),
                                                "tickets": int(c.open_tickets)}), float(c.mentions), "mentions")
                for c in causes.sort_values(["late", "open_tickets"], ascending=False).itertuples()]
    for department, group in causes.groupby("department_id", dropna=False):
        impacts.append(Impact("sales", None if pd.isna(department) else department, "department",
                              "unknown" if pd.isna(department) else department,
                              Text("mentions_revenue", {"customers": len(group), "money": group["revenue"].sum()}),
                              round(float(group["revenue"].sum()), 2), "currency"))
    return [Finding(rule, rule.kind, "mentions", "negative", ctx.departments["marketing"],
                    Text("mentions_title", {"count": now, "days": rule.window_days}), message, now,
                    rule.factor * usual, impacts, YEARLY_REVENUE)]


SOCIAL_DETECTORS = {"negative_mentions": negative_mentions}
