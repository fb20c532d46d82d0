"""The audit trail: who did what, to what, when, and how it went. Every part of the project records here.

Actions: sign_in, sign_in_failed, sign_out, session_expired, account_locked, user_added, user_changed,
user_disabled, user_enabled, password_reset, download, etl_run, alert_acknowledge, alert_resolve, alert_comment,
mention_label.
"""

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, Engine, desc, insert, select

from etl.schema import audit_log
from i18n import N_

OK, REFUSED, FAILED = "ok", "refused", "failed"
OUTCOMES = {OK: N_("ok"), REFUSED: N_("refused"), FAILED: N_("failed"), "success": N_("success"),
            "warning": N_("warning")}
"""Each outcome as the admin page shows it (translated there); an ETL run's outcome is the run's status."""
ACTIONS = {
    "sign_in": N_("signed in"), "sign_in_failed": N_("sign-in refused"), "sign_out": N_("signed out"),
    "session_expired": N_("session expired"), "account_locked": N_("account locked"),
    "user_added": N_("user added"), "user_changed": N_("user changed"), "user_disabled": N_("user disabled"),
    "user_enabled": N_("user enabled"), "password_reset": N_("password reset"), "download": N_("download"),
    "etl_run": N_("ETL run"), "alert_acknowledge": N_("alert acknowledged"), "alert_resolve": N_("alert resolved"),
    "alert_comment": N_("alert commented"), "mention_label": N_("mention label corrected"),
}
"""Every action the trail records, as the admin page shows it (translated there)."""


def record(db: Engine | Connection, actor: str, action: str, target: str | None = None, outcome: str = OK,
           detail: str | None = None, at: datetime | None = None) -> None:
    """Add one event to the trail; pass a Connection to keep it in the transaction of what it records."""
    row = {"at": at or datetime.now(), "actor": (actor or "?")[:64], "action": action,
           "target": None if target is None else str(target)[:300], "outcome": outcome, "detail": detail}
    if isinstance(db, Connection):
        db.execute(insert(audit_log).values(**row))
        return
    with db.begin() as conn:
        conn.execute(insert(audit_log).values(**row))


def trail(engine: Engine, limit: int = 500, actor: str | None = None, action: str | None = None) -> pd.DataFrame:
    """The newest events first: event_id, at, actor, action, target, outcome, detail (target and detail
    are '' where empty)."""
    statement = select(audit_log).order_by(desc(audit_log.c.at), desc(audit_log.c.event_id)).limit(limit)
    if actor:
        statement = statement.where(audit_log.c.actor == actor)
    if action:
        statement = statement.where(audit_log.c.action == action)
    with engine.connect() as conn:
        rows = conn.execute(statement).mappings().all()
    frame = pd.DataFrame(rows, columns=[c.name for c in audit_log.columns])
    frame["at"] = pd.to_datetime(frame["at"], format="ISO8601")
    return frame.fillna({"target": "", "detail": ""})
