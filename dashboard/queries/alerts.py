"""Alert queries: open alerts that start in or reach the chosen departments, their impacts and history."""

import pandas as pd
from sqlalchemy import case, desc, func, or_, select

from dashboard.queries import Filters, read
from etl.schema import alert_events, alert_impacts, alerts, departments

SEVERITY_ORDER = case((alerts.c.severity == "high", 0), (alerts.c.severity == "medium", 1), else_=2)


def _touching(statement, filters: Filters):
    """Alerts that start in or affect one of the chosen departments (all when none is chosen)."""
    if not filters.departments:
        return statement
    reached = select(alert_impacts.c.alert_id).where(alert_impacts.c.department_id.in_(filters.departments))
    return statement.where(or_(alerts.c.origin_department_id.in_(filters.departments), alerts.c.alert_id.in_(reached)))


def listing(filters: Filters, statuses: tuple[str, ...]) -> pd.DataFrame:
    """Alerts with these statuses, most severe and newest first: alert_id, severity, status, rule_id, title,
    origin (department name), impact_amount, opened_at, as_of, message."""
    origin = func.coalesce(departments.c.name, alerts.c.origin_department_id, "—").label("origin")
    statement = (select(alerts.c.alert_id, alerts.c.severity, alerts.c.status, alerts.c.rule_id, alerts.c.title,
                        origin, alerts.c.impact_amount, alerts.c.opened_at, alerts.c.as_of, alerts.c.message)
                 .select_from(alerts.outerjoin(departments,
                                               departments.c.department_id == alerts.c.origin_department_id))
                 .where(alerts.c.status.in_(statuses)))
    return read(_touching(statement, filters).order_by(SEVERITY_ORDER, desc(alerts.c.opened_at), alerts.c.alert_id))


def open_count(filters: Filters) -> int:
    """How many alerts are open or acknowledged for the chosen departments."""
    statement = select(func.count().label("alerts")).where(alerts.c.status != "resolved")
    return int(read(_touching(statement, filters)).iloc[0, 0])


def counts(filters: Filters) -> pd.DataFrame:
    """Open alerts per severity and origin department: severity, origin, alerts."""
    origin = func.coalesce(departments.c.name, alerts.c.origin_department_id, "—").label("origin")
    statement = (select(alerts.c.severity, origin, func.count().label("alerts"))
                 .select_from(alerts.outerjoin(departments,
                                               departments.c.department_id == alerts.c.origin_department_id))
                 .where(alerts.c.status != "resolved").group_by(alerts.c.severity, origin))
    return read(_touching(statement, filters))


def impacts(alert_id: int) -> pd.DataFrame:
    """The chain of one alert, origin first: step, area, department (name), entity_type, entity_id,
    description, amount, unit."""
    i = alert_impacts
    return read(select(i.c.step, i.c.area, func.coalesce(departments.c.name, i.c.department_id, "—")
                       .label("department"), i.c.entity_type, i.c.entity_id, i.c.description, i.c.amount, i.c.unit)
                .select_from(i.outerjoin(departments, departments.c.department_id == i.c.department_id))
                .where(i.c.alert_id == alert_id).order_by(i.c.step))


def history(alert_id: int) -> pd.DataFrame:
    """Every change to one alert, oldest first: at, actor, action, comment."""
    e = alert_events
    return read(select(e.c.at, e.c.actor, e.c.action, e.c.comment).where(e.c.alert_id == alert_id)
                .order_by(e.c.at, e.c.event_id))
