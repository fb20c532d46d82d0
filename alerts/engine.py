"""The alert lifecycle: evaluate the rules, open what is new, update what persists, resolve what cleared,
let people acknowledge, resolve and comment, and notify. Every change is an alert_events row.

Texts are kept as facts (alerts/texts.py): alerts.message holds the JSON of the title, message and impact
descriptions, and the engine's comments in the history hold the JSON of what they say; alerts.title and
alert_impacts.description hold their plain English."""

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select, update

from alerts import notify, texts
from alerts.config import AlertConfig
from alerts.detect import DETECTORS, Context, Finding
from alerts.facts import data_day, held_rows
from alerts.social import SOCIAL_DETECTORS
from alerts.texts import Text
from etl.db import ensure_schema
from etl.schema import alert_events, alert_impacts, alerts

ENGINE_ACTOR = "alerts"


@dataclass
class Evaluation:
    """What one evaluation did."""

    as_of: object = None
    opened: list[int] = field(default_factory=list)
    updated: int = 0
    resolved: int = 0
    notified: int = 0
    failed: int = 0
    held: dict[str, int] = field(default_factory=dict)  # when nothing was evaluated: the rows no rule reads


def evaluate(engine: Engine, config: AlertConfig, now: datetime | None = None) -> Evaluation:
    """Evaluate every enabled rule on the warehouse, then notify the newly opened alerts."""
    ensure_schema(engine)
    now, result = now or datetime.now(), Evaluation()
    with engine.begin() as conn:
        result.as_of = data_day(conn)
        if result.as_of is None:
            result.held = held_rows(conn)
            return result
        context = Context.read(conn, result.as_of)
        findings = {f.fingerprint: f for rule in config.rules if rule.enabled
                    for f in (DETECTORS | SOCIAL_DETECTORS)[rule.kind](context, rule)}
        current = {row.fingerprint: row for row in conn.execute(select(alerts).where(alerts.c.status != "resolved"))}
        for fingerprint, finding in findings.items():
            if fingerprint in current:
                result.updated += _refresh(conn, current[fingerprint], Stored(finding, context.currency),
                                           result.as_of, now)
            else:
                result.opened.append(_open(conn, Stored(finding, context.currency), result.as_of, now))
        for fingerprint, row in current.items():
            if fingerprint not in findings:
                _set_status(conn, row.alert_id, "resolved", ENGINE_ACTOR, texts.comment(Text("condition_cleared")),
                            now)
                result.resolved += 1
    _notify(engine, config, result)
    return result


@dataclass
class Stored:
    """A finding with its texts as they are kept: the English title, the facts (JSON) and the engine's comment."""

    finding: Finding
    currency: str | None

    @property
    def title(self) -> str:
        """The title in plain English, as long as the column allows."""
        return texts.english(self.finding.title, self.currency)[:300]

    @property
    def message(self) -> str:
        """The facts of the title, message and impacts, as JSON."""
        f = self.finding
        return texts.document(f.title, f.message, [i.description for i in f.impacts], self.currency)


def _open(conn: Connection, stored: Stored, as_of, now: datetime) -> int:
    finding = stored.finding
    alert_id = conn.execute(insert(alerts).values(
        rule_id=finding.rule.id, kind=finding.kind, fingerprint=finding.fingerprint, severity=finding.rule.severity,
        status="open", origin_department_id=finding.origin_department_id, entity_type=finding.entity_type,
        entity_id=finding.entity_id, title=stored.title, message=stored.message,
        metric_value=finding.metric_value, threshold=finding.threshold, impact_amount=finding.impact_amount,
        money_kind=finding.money_kind, as_of=as_of, opened_at=now, updated_at=now)).inserted_primary_key[0]
    _write_impacts(conn, alert_id, stored)
    _event(conn, alert_id, ENGINE_ACTOR, "opened", texts.comment(finding.message), now)
    return alert_id


def _write_impacts(conn: Connection, alert_id: int, stored: Stored) -> None:
    finding = stored.finding
    origin = {"area": "origin", "department_id": finding.origin_department_id, "entity_type": finding.entity_type,
              "entity_id": finding.entity_id, "description": stored.title, "amount": None, "unit": None}
    rows = [origin] + [vars(i) | {"description": texts.english(i.description, stored.currency)}
                       for i in finding.impacts]
    conn.execute(insert(alert_impacts), [{"alert_id": alert_id, "step": step, **row} for step, row in enumerate(rows)])


def _refresh(conn: Connection, row, stored: Stored, as_of, now: datetime) -> int:
    """Keep an open alert current; an event only when what it says changed."""
    finding, message = stored.finding, stored.message
    changed = (row.message, row.impact_amount) != (message, finding.impact_amount)
    conn.execute(update(alerts).where(alerts.c.alert_id == row.alert_id).values(
        title=stored.title, message=message, metric_value=finding.metric_value,
        impact_amount=finding.impact_amount, money_kind=finding.money_kind, as_of=as_of, updated_at=now))
    if changed:
        conn.execute(alert_impacts.delete().where(alert_impacts.c.alert_id == row.alert_id))
        _write_impacts(conn, row.alert_id, stored)
        _event(conn, row.alert_id, ENGINE_ACTOR, "updated", texts.comment(finding.message), now)
    return int(changed)


def _event(conn: Connection, alert_id: int, actor: str, action: str, comment: str | None, now: datetime) -> None:
    conn.execute(insert(alert_events).values(alert_id=alert_id, at=now, actor=actor, action=action, comment=comment))


def _set_status(conn: Connection, alert_id: int, status: str, actor: str, comment: str | None,
                now: datetime) -> None:
    values = {"status": status, "updated_at": now} | ({"resolved_at": now} if status == "resolved" else {})
    conn.execute(update(alerts).where(alerts.c.alert_id == alert_id).values(**values))
    _event(conn, alert_id, actor, {"acknowledged": "acknowledged", "resolved": "resolved"}[status], comment, now)


def act(db: Engine | Connection, alert_id: int, action: str, actor: str, comment: str | None = None) -> None:
    """A person acknowledges, resolves or comments on an alert; kept in alert_events with who and when.
    Pass a Connection to act inside its transaction (the app's, with the PostgreSQL scope set)."""
    if not actor.strip():
        raise ValueError("say who you are: every change to an alert is kept with its author")
    now = datetime.now()
    with db.begin() if isinstance(db, Engine) else nullcontext(db) as conn:
        if action == "comment":
            _event(conn, alert_id, actor, "commented", comment, now)
        else:
            _set_status(conn, alert_id, {"acknowledge": "acknowledged", "resolve": "resolved"}[action], actor,
                        comment, now)


def _notify(engine: Engine, config: AlertConfig, result: Evaluation) -> None:
    if not result.opened or not config.notifications.routes:
        return
    with engine.connect() as conn:
        opened = conn.execute(select(alerts).where(alerts.c.alert_id.in_(result.opened))).mappings().all()
        impacts = conn.execute(select(alert_impacts).where(alert_impacts.c.alert_id.in_(result.opened))
                               .order_by(alert_impacts.c.alert_id, alert_impacts.c.step)).mappings().all()
    for alert in opened:
        mine = [dict(i) for i in impacts if i["alert_id"] == alert["alert_id"]]
        departments = {i["department_id"] for i in mine if i["department_id"]}
        for channel in notify.channels_for(config.notifications, alert, departments):
            error = notify.deliver(config.notifications, channel, dict(alert), mine[1:])
            with engine.begin() as conn:
                _event(conn, alert["alert_id"], ENGINE_ACTOR, "notified" if error is None else "notify_failed",
                       f"{channel}" + ("" if error is None else f": {error}"), datetime.now())
            result.notified += error is None
            result.failed += error is not None
