"""The department scope: what the signed-in principal may see, narrowed by the sidebar, as bound predicates.

A scope is ``None`` (every department: no predicate) or a tuple of department ids, where the empty tuple
means nothing at all (default deny). The sidebar can only narrow a scope, never widen it: a department
chosen in the sidebar or the URL that the principal may not see is dropped.
"""

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, false, true

from access.roles import Principal

Scope = tuple[str, ...] | None


def effective(principal: Principal | None, chosen: Iterable[str] = ()) -> Scope:
    """The departments a query may read: chosen ∩ allowed; all allowed when nothing is chosen; () for none."""
    return narrow(() if principal is None else principal.allowed(), chosen)


def narrow(allowed: Scope, chosen: Iterable[str] = ()) -> Scope:
    """chosen ∩ allowed; all allowed when nothing is chosen (None: every department); () for none."""
    picked = tuple(sorted(set(chosen)))
    if allowed is None:
        return picked or None
    if not picked:
        return allowed
    return tuple(d for d in picked if d in allowed)


def within(column: ColumnElement, scope: Scope) -> ColumnElement:
    """Whether a row's department column lies in the scope: always (None), never (()), or a bound IN."""
    if scope is None:
        return true()
    return column.in_(scope) if scope else false()


def restrict(statement: Select, column: ColumnElement, scope: Scope) -> Select:
    """The statement limited to rows whose department column lies in the scope (a bound IN, or no row)."""
    return statement if scope is None else statement.where(within(column, scope))


def restrict_table(statement: Select, table, scope: Scope) -> Select:
    """``restrict`` on the table's department_id column; a table without one is refused, never passed through."""
    if "department_id" not in table.c:
        raise ValueError(f"{table.name} has no department_id: scope it through the table it belongs to")
    return restrict(statement, table.c.department_id, scope)


def options(principal: Principal | None, every: Iterable[str]) -> list[str]:
    """The departments the sidebar may offer: every one for a role that sees all, else only the allowed."""
    allowed = () if principal is None else principal.allowed()
    return [d for d in every if allowed is None or d in allowed]


def cache_key(scope: Scope) -> str:
    """A stable text for a scope, to key caches by ('*' for every department, '' for none)."""
    return "*" if scope is None else ",".join(scope)
