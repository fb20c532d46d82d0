"""PostgreSQL's second layer: row-level security on department_id for a non-owner application role.

``setup`` creates the role and the policies; ``scoped`` opens a transaction with the scope set by
``set_config(..., true)`` (the same as SET LOCAL, but with bound values), so a query the query layer forgot to
scope still sees only the principal's rows. Unset or malformed settings fail closed: no rows, or an error.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, String, text

from access.scope import Scope
from etl.db import ensure_schema
from etl.schema import ACCESS_TABLES, FORECAST_TABLES, metadata

APP_ROLE = "cockpit_app"
WHOLE_WAREHOUSE = "warehouse"
"""The cockpit.role of the app's few reads of facts about the warehouse as a whole (which tables hold rows, what
the loaded data leaves out and why): dashboard.queries.read_shape, never a user's role."""
SEES_ALL = "cockpit_sees_all() OR "
FUNCTIONS = """
CREATE OR REPLACE FUNCTION cockpit_sees_all() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(current_setting('cockpit.departments', true), '') = '*' $$;
CREATE OR REPLACE FUNCTION cockpit_departments() RETURNS text[] LANGUAGE sql STABLE AS
$$ SELECT CASE WHEN coalesce(current_setting('cockpit.departments', true), '') IN ('', '*') THEN '{}'::text[]
   ELSE ARRAY(SELECT jsonb_array_elements_text(current_setting('cockpit.departments', true)::jsonb)) END $$;
CREATE OR REPLACE FUNCTION cockpit_visible_alerts() RETURNS SETOF integer LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = {schema}, pg_temp AS
$$ SELECT alert_id FROM alerts WHERE origin_department_id = ANY (cockpit_departments())
   UNION SELECT alert_id FROM alert_impacts WHERE department_id = ANY (cockpit_departments()) $$;
"""
IN_SCOPE = "department_id = ANY (cockpit_departments())"
SPECIAL = {  # tables whose rows belong to a department through another column or table
    "customers": f"{IN_SCOPE} OR customer_id IN (SELECT customer_id FROM orders) "
                 "OR customer_id IN (SELECT customer_id FROM opportunities) "
                 "OR customer_id IN (SELECT customer_id FROM tickets)",
    "order_lines": "order_id IN (SELECT order_id FROM orders)",
    "alerts": "alert_id IN (SELECT cockpit_visible_alerts())",
    "alert_events": "alert_id IN (SELECT cockpit_visible_alerts())",
    "rejected_rows": "coalesce(current_setting('cockpit.role', true), '') "
                     f"IN ('admin', 'analyst', '{WHOLE_WAREHOUSE}')",
    "inventory": "false",  # stock belongs to no department: only roles that see every department see it
    "mart_inventory": "false",
    "mart_daily_product_sales": "false",  # product sales of every department together, like stock
    "mart_mention_terms": "mention_id IN (SELECT mention_id FROM mart_mentions)",
} | {t.name: "series_id IN (SELECT 'department:' || d FROM unnest(cockpit_departments()) AS d)"
     for t in FORECAST_TABLES if "series_id" in t.c}
CHECKS = {  # what a row the app role writes must satisfy, besides being visible
    "alerts": "status <> 'resolved' OR origin_department_id = ANY (cockpit_departments())",  # Principal.may_resolve
}
WRITES = {  # what the app itself writes: sign-in, the admin page, the trail (append only), alert actions, labels
    "users": "INSERT, UPDATE", "user_departments": "INSERT, DELETE", "user_sessions": "INSERT, UPDATE",
    "audit_log": "INSERT", "alerts": "UPDATE", "alert_events": "INSERT",
    "mention_labels": "INSERT, UPDATE, DELETE",  # people's corrections of a mention's label (Social CRM)
}


def policies() -> dict[str, str]:
    """Each protected table and the condition (besides 'sees all') under which the app role sees a row. Department
    names are not protected: every signed-in user may read who owns what (the pages say which department records a
    section's rows)."""
    skipped = {t.name for t in ACCESS_TABLES} | {"departments"}
    found = {t.name: IN_SCOPE for t in metadata.sorted_tables if "department_id" in t.c and t.name not in skipped}
    return found | SPECIAL


def setup(engine: Engine, role: str = APP_ROLE, password: str | None = None) -> list[str]:
    """Create (or update) the application role, its grants and the row-level policies; returns the tables."""
    ensure_schema(engine)
    protected = policies()
    with engine.begin() as conn:
        quote = conn.dialect.identifier_preparer.quote
        schema, name = conn.execute(text("SELECT current_schema()")).scalar(), quote(role)
        if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
            conn.execute(text(f"CREATE ROLE {name} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"))
        if password:
            conn.execute(text(f"ALTER ROLE {name} PASSWORD {String().literal_processor(conn.dialect)(password)}"))
        conn.exec_driver_sql(FUNCTIONS.replace("{schema}", quote(schema)))
        conn.execute(text(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {name}"))
        conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA {quote(schema)} TO {name}"))
        conn.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {name}"))
        for table, privileges in WRITES.items():
            conn.execute(text(f"GRANT {privileges} ON {quote(table)} TO {name}"))
        for table, condition in sorted(protected.items()):
            _policy(conn, quote(table), name, condition)
    return sorted(protected)


def _policy(conn: Connection, table: str, role: str, condition: str) -> None:
    name = table.strip('"')
    using = condition if name == "rejected_rows" else SEES_ALL + "(" + condition + ")"
    check = f" WITH CHECK (({using}) AND ({SEES_ALL}({CHECKS[name]})))" if name in CHECKS else ""
    conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    conn.execute(text(f"DROP POLICY IF EXISTS cockpit_scope ON {table}"))
    conn.execute(text(f"CREATE POLICY cockpit_scope ON {table} TO {role} USING ({using}){check}"))


def setting(scope: Scope) -> str:
    """The value of cockpit.departments for a scope: '*' for every department, else a JSON list."""
    return "*" if scope is None else json.dumps(list(scope))


@contextmanager
def scoped(engine: Engine, scope: Scope, role: str | None = None) -> Iterator[Connection]:
    """A transaction whose reads PostgreSQL limits to the scope (on SQLite, a plain transaction)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT set_config('cockpit.departments', :scope, true), "
                              "set_config('cockpit.role', :role, true)"), {"scope": setting(scope), "role": role or ""})
        yield conn
