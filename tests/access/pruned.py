"""A copy of a SQLite warehouse holding only what a principal may see: every row that PostgreSQL's row-level
security (access.rls.policies) would hide from that principal is deleted, table by table.

A statement the query layer scoped correctly returns the same rows on the whole warehouse and on this copy; one
that forgot a department predicate returns more on the whole one. tests/dashboard/test_scope_gateway.py runs every
statement a manager's pages read on both.
"""

import sqlite3
from pathlib import Path

from access import rls
from etl.schema import metadata

IN_SCOPE = "department_id IN (SELECT department_id FROM temp.scope)"
VISIBLE_ALERTS = "alert_id IN (SELECT alert_id FROM temp.visible_alerts)"
SPECIAL = {  # the policies of access.rls.SPECIAL, in SQLite, in an order where each sees its parents pruned
    "customers": f"{IN_SCOPE} OR customer_id IN (SELECT customer_id FROM orders) OR customer_id IN (SELECT "
                 "customer_id FROM opportunities) OR customer_id IN (SELECT customer_id FROM tickets)",
    "order_lines": "order_id IN (SELECT order_id FROM orders)",
    "alerts": VISIBLE_ALERTS, "alert_events": VISIBLE_ALERTS,
    "inventory": "0", "mart_inventory": "0", "mart_daily_product_sales": "0",
    "mart_mention_terms": "mention_id IN (SELECT mention_id FROM mart_mentions)",
}
SERIES = "series_id IN (SELECT 'department:' || department_id FROM temp.scope)"


def conditions(role: str) -> dict[str, str]:
    """Each protected table, in pruning order, and the SQLite condition for one of its rows to stay for a manager
    of this role; a policy this module does not know fails the test that uses it."""
    policies = rls.policies()
    plain = {t: IN_SCOPE for t, condition in policies.items() if condition == rls.IN_SCOPE}
    series = {t: SERIES for t in policies if "series_id" in metadata.tables[t].c}
    rejected = {"rejected_rows": "1" if role in ("admin", "analyst") else "0"}
    unknown = set(policies) - set(plain) - set(series) - set(SPECIAL) - set(rejected)
    assert not unknown, f"access/rls.py protects {sorted(unknown)}: teach tests/access/pruned.py its policy"
    return plain | series | SPECIAL | rejected


def prune(path: Path, departments: tuple[str, ...], role: str = "manager") -> None:
    """Delete from the SQLite warehouse at ``path`` every row the policies hide from a principal of this role who
    sees only these departments."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TEMP TABLE scope (department_id TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO temp.scope VALUES (?)", [(d,) for d in departments])
        conn.execute("CREATE TEMP TABLE visible_alerts AS SELECT alert_id FROM alerts WHERE origin_department_id IN "
                     "(SELECT department_id FROM temp.scope) "
                     f"UNION SELECT alert_id FROM alert_impacts WHERE {IN_SCOPE}")
        for table, condition in conditions(role).items():
            conn.execute(f"DELETE FROM {table} WHERE NOT coalesce(({condition}), 0)")  # noqa: S608 - names from the schema
        conn.commit()
    finally:
        conn.close()
