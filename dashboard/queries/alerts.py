"""Alert queries: alerts that start in or reach the departments in scope, their impacts and history.

Every function takes the department scope (``access.scope``: None for every department, a tuple of ids, the
empty tuple for none) and applies it as bound predicates: an alert is in scope when it starts in one of the
departments or one of its impacts reaches one. Of an alert's chain, a scope reads only the steps in its departments
(docs/security.md), so its money at risk is the money of those steps: an executive's is the whole chain's. Money
is never added across kinds (``alerts.detect.MONEY_KINDS``). A chain or history of an alert out of scope is empty.
"""

import pandas as pd
from sqlalchemy import case, desc, false, func, literal, or_, select

from access.scope import Scope, within
from dashboard.queries import read
from etl.schema import alert_events, alert_impacts, alerts, departments

SEVERITY_ORDER = case((alerts.c.severity == "high", 0), (alerts.c.severity == "medium", 1), else_=2)
OPEN = ("open", "acknowledged")


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


def _money(scope: Scope):
    """Per alert, the money of its steps in scope: alert_id, money (NULL where none carries an amount)."""
    i = alert_impacts
    return (select(i.c.alert_id, func.sum(i.c.amount).label("money"))
            .where(i.c.unit == "currency", within(i.c.department_id, scope)).group_by(i.c.alert_id).subquery("money"))


def listing(scope: Scope, statuses: tuple[str, ...]) -> pd.DataFrame:
    """Alerts with these statuses, most severe and newest first: alert_id, severity, status, rule_id, title,
    origin_department_id, origin (department name), money (of the steps in scope), money_kind, opened_at, as_of,
    message."""
    origin = func.coalesce(departments.c.name, alerts.c.origin_department_id, "—").label("origin")
    money = _money(scope)
    statement = (select(alerts.c.alert_id, alerts.c.severity, alerts.c.status, alerts.c.rule_id, alerts.c.title,
                        alerts.c.origin_department_id, origin, money.c.money, alerts.c.money_kind, alerts.c.opened_at,
                        alerts.c.as_of, alerts.c.message)
                 .select_from(alerts.outerjoin(departments,
                                               departments.c.department_id == alerts.c.origin_department_id)
                              .outerjoin(money, money.c.alert_id == alerts.c.alert_id))
                 .where(alerts.c.status.in_(statuses)))
    return read(_touching(statement, scope).order_by(SEVERITY_ORDER, desc(alerts.c.opened_at), alerts.c.alert_id))


def open_count(scope: Scope) -> int:
    """How many alerts in scope are open or acknowledged."""
    statement = select(func.count().label("alerts")).where(alerts.c.status != "resolved")
    return int(read(_touching(statement, scope)).iloc[0, 0])


def counts(scope: Scope) -> pd.DataFrame:
    """Open alerts in scope per severity and origin department: severity, origin_department_id, origin (name),
    alerts."""
    origin = func.coalesce(departments.c.name, alerts.c.origin_department_id, "—").label("origin")
    statement = (select(alerts.c.severity, alerts.c.origin_department_id, origin, func.count().label("alerts"))
                 .select_from(alerts.outerjoin(departments,
                                               departments.c.department_id == alerts.c.origin_department_id))
                 .where(alerts.c.status != "resolved")
                 .group_by(alerts.c.severity, alerts.c.origin_department_id, origin))
    return read(_touching(statement, scope).order_by(origin, SEVERITY_ORDER))


def severity_split(scope: Scope) -> pd.DataFrame:
    """Open alerts in scope per severity, high first, every severity present: severity, alerts."""
    statement = select(alerts.c.severity, func.count().label("alerts")).where(alerts.c.status.in_(OPEN))
    found = read(_touching(statement, scope).group_by(alerts.c.severity)).set_index("severity")
    return (found.reindex(["high", "medium", "low"]).fillna({"alerts": 0}).astype({"alerts": int})
            .rename_axis("severity").reset_index())


def money_split(scope: Scope) -> pd.DataFrame:
    """The money at risk of the open alerts in scope (their steps in scope) per kind and severity, the largest
    first: money_kind, severity, alerts (that carry money of that kind), money. Kinds are never to be added."""
    money = _money(scope)
    statement = (select(alerts.c.money_kind, alerts.c.severity, func.count().label("alerts"),
                        func.sum(money.c.money).label("money"))
                 .select_from(alerts.join(money, money.c.alert_id == alerts.c.alert_id))
                 .where(alerts.c.status.in_(OPEN), alerts.c.money_kind.is_not(None))
                 .group_by(alerts.c.money_kind, alerts.c.severity))
    return read(_touching(statement, scope).order_by(alerts.c.money_kind, SEVERITY_ORDER))


def flows(scope: Scope, alert_id: int | None = None, money_kind: str | None = None) -> pd.DataFrame:
    """Where open alerts in scope (or one alert, whatever its status; or those whose money is of one kind) start and
    which departments in scope they reach, per severity: origin_id, origin (name), affected_id, affected (name),
    severity, money (the impacts' amounts in the currency; 0 where none carries one), impacts (rows), alerts.
    A step without a department (stored before detection dropped them) is no flow; an origin missing from the data
    reads '—'."""
    i, start, reached = alert_impacts, departments.alias("start"), departments.alias("reached")
    money = func.coalesce(func.sum(case((i.c.unit == "currency", i.c.amount))), 0.0).label("money")
    origin_id = func.coalesce(alerts.c.origin_department_id, literal("")).label("origin_id")
    affected_id = func.coalesce(i.c.department_id, literal("")).label("affected_id")
    origin = func.coalesce(start.c.name, alerts.c.origin_department_id, "—").label("origin")
    affected = func.coalesce(reached.c.name, i.c.department_id, "—").label("affected")
    statement = (select(origin_id, origin, affected_id, affected, alerts.c.severity, money,
                        func.count().label("impacts"), func.count(func.distinct(alerts.c.alert_id)).label("alerts"))
                 .select_from(i.join(alerts, alerts.c.alert_id == i.c.alert_id)
                              .outerjoin(start, start.c.department_id == alerts.c.origin_department_id)
                              .outerjoin(reached, reached.c.department_id == i.c.department_id))
                 .where(i.c.step > 0, i.c.department_id.is_not(None), within(i.c.department_id, scope),
                        alerts.c.status.in_(OPEN) if alert_id is None else alerts.c.alert_id == alert_id)
                 .group_by(origin_id, origin, affected_id, affected, alerts.c.severity))
    if money_kind:
        statement = statement.where(alerts.c.money_kind == money_kind)
    return read(_touching(statement, scope).order_by(SEVERITY_ORDER, desc(money), origin, affected))


def impacts(alert_id: int, scope: Scope) -> pd.DataFrame:
    """The steps of one alert in scope that lie in the scope's departments, origin first (an executive's: the whole
    chain): step, area, department (name), entity_type, entity_id, description, amount, unit."""
    i = alert_impacts
    statement = (select(i.c.step, i.c.area, func.coalesce(departments.c.name, i.c.department_id, "—")
                        .label("department"), i.c.entity_type, i.c.entity_id, i.c.description, i.c.amount, i.c.unit)
                 .select_from(i.outerjoin(departments, departments.c.department_id == i.c.department_id))
                 .where(i.c.alert_id == alert_id, within(i.c.department_id, scope)))
    return read(_touching(statement, scope, i.c.alert_id).order_by(i.c.step))


def history(alert_id: int, scope: Scope) -> pd.DataFrame:
    """Every change to one alert in scope, oldest first: at, actor, action, comment."""
    e = alert_events
    statement = select(e.c.at, e.c.actor, e.c.action, e.c.comment).where(e.c.alert_id == alert_id)
    return read(_touching(statement, scope, e.c.alert_id).order_by(e.c.at, e.c.event_id))
