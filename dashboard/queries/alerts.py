"""Alert queries: alerts that start in or reach the departments in scope, their impacts and history.

Every function takes the department scope (``access.scope``: None for every department, a tuple of ids, the
empty tuple for none) and applies it as bound predicates: an alert is in scope when it starts in one of the
departments or one of its impacts reaches one. A chain or history of an alert out of scope is empty.
"""

import pandas as pd
from sqlalchemy import case, desc, false, func, or_, select

from access.scope import Scope
from dashboard.queries import read
from etl.schema import alert_events, alert_impacts, alerts, departments

SEVERITY_ORDER = case((alerts.c.severity == "high", 0), (alerts.c.severity == "medium", 1), else_=2)


def _touching(statement, scope: Scope, alert_id=alerts.c.alert_id):
    """Only alerts that start in or affect a department in scope (all for None, none for ())."""
    if scope is None:
        return statement
    if not scope:
        return statement.where(false())
    reach, start = alert_impacts.alias("reach"), alerts.alias("start")  # aliases: never correlated to the outer
    reached = select(reach.c.alert_id).where(reach.c.department_id.in_(scope))
    started = select(start.c.alert_id).where(start.c.origin_department_id.in_(scope))
    return statement.where(or_(alert_id.in_(started), alert_id.in_(reached)))


def listing(scope: Scope, statuses: tuple[str, ...]) -> pd.DataFrame:
    """Alerts with these statuses, most severe and newest first: alert_id, severity, status, rule_id, title,
    origin (department name), impact_amount, opened_at, as_of, message."""
    origin = func.coalesce(departments.c.name, alerts.c.origin_department_id, "—").label("origin")
    statement = (select(alerts.c.alert_id, alerts.c.severity, alerts.c.status, alerts.c.rule_id, alerts.c.title,
                        origin, alerts.c.impact_amount, alerts.c.opened_at, alerts.c.as_of, alerts.c.message)
                 .select_from(alerts.outerjoin(departments,
                                               departments.c.department_id == alerts.c.origin_department_id))
                 .where(alerts.c.status.in_(statuses)))
    return read(_touching(statement, scope).order_by(SEVERITY_ORDER, desc(alerts.c.opened_at), alerts.c.alert_id))


def open_count(scope: Scope) -> int:
    """How many alerts in scope are open or acknowledged."""
    statement = select(func.count().label("alerts")).where(alerts.c.status != "resolved")
    return int(read(_touching(statement, scope)).iloc[0, 0])


def counts(scope: Scope) -> pd.DataFrame:
    """Open alerts in scope per severity and origin department: severity, origin, alerts."""
    origin = func.coalesce(departments.c.name, alerts.c.origin_department_id, "—").label("origin")
    statement = (select(alerts.c.severity, origin, func.count().label("alerts"))
                 .select_from(alerts.outerjoin(departments,
                                               departments.c.department_id == alerts.c.origin_department_id))
                 .where(alerts.c.status != "resolved").group_by(alerts.c.severity, origin))
    return read(_touching(statement, scope))


def impacts(alert_id: int, scope: Scope) -> pd.DataFrame:
    """The chain of one alert in scope, origin first (the whole chain: where it starts and all it reaches):
    step, area, department (name), entity_type, entity_id, description, amount, unit."""
    i = alert_impacts
    statement = (select(i.c.step, i.c.area, func.coalesce(departments.c.name, i.c.department_id, "—")
                        .label("department"), i.c.entity_type, i.c.entity_id, i.c.description, i.c.amount, i.c.unit)
                 .select_from(i.outerjoin(departments, departments.c.department_id == i.c.department_id))
                 .where(i.c.alert_id == alert_id))
    return read(_touching(statement, scope, i.c.alert_id).order_by(i.c.step))


def history(alert_id: int, scope: Scope) -> pd.DataFrame:
    """Every change to one alert in scope, oldest first: at, actor, action, comment."""
    e = alert_events
    statement = select(e.c.at, e.c.actor, e.c.action, e.c.comment).where(e.c.alert_id == alert_id)
    return read(_touching(statement, scope, e.c.alert_id).order_by(e.c.at, e.c.event_id))
