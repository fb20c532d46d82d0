"""Roles, what each may do, and the signed-in principal whose department scope every query applies.

Default deny: a user without a role, or a manager without a department, has an empty scope and sees nothing.
"""

from dataclasses import dataclass

from i18n import _

ADMIN, ANALYST, EXECUTIVE, MANAGER = "admin", "analyst", "executive", "manager"
ROLES = (ADMIN, ANALYST, EXECUTIVE, MANAGER)
ALL_DATA = frozenset({ADMIN, ANALYST, EXECUTIVE})
"""Roles that see the rows of every department; a manager sees only their own departments."""

PERMISSIONS = {
    "manage_users": frozenset({ADMIN}),  # the admin page: users and the audit trail
    "operate_etl": frozenset({ADMIN, ANALYST}),  # Run ETL, sources, rejected rows, ETL messages
    "act_on_alerts": frozenset({ADMIN, EXECUTIVE, MANAGER}),  # acknowledge, comment; resolve: see may_resolve
    "label_mentions": frozenset({ADMIN, ANALYST, MANAGER}),  # correct a mention's label (Social CRM), in scope
    "read_data": frozenset(ROLES),
}
ALL = None
"""The scope of a role that sees every department (no department predicate)."""


@dataclass(frozen=True)
class Principal:
    """The signed-in user: name, role (None: none given) and the departments a manager may see."""

    username: str
    role: str | None
    departments: tuple[str, ...] = ()
    session_id: str | None = None

    def allowed(self) -> tuple[str, ...] | None:
        """The departments this user may see: None for all, an empty tuple for none (default deny)."""
        if self.role in ALL_DATA:
            return ALL
        if self.role == MANAGER:
            return tuple(sorted(set(self.departments)))
        return ()

    def may(self, permission: str) -> bool:
        """Whether the role grants the permission (see PERMISSIONS); an unknown permission is refused."""
        return self.role in PERMISSIONS.get(permission, frozenset())

    def may_resolve(self, origin_department_id: str | None) -> bool:
        """Whether this user may resolve an alert that starts in this department: a role that acts on alerts and sees
        every department, or a manager of that department (reaching a manager's departments is not enough: the
        cause is the origin's to clear)."""
        allowed = self.allowed()
        return self.may("act_on_alerts") and (allowed is None or origin_department_id in allowed)

    def denial(self) -> str | None:
        """Why this user sees no data, in one sentence of the session's language; None when they see some."""
        if self.role not in ROLES:
            return _("Your account '{user}' has no role yet, so it shows no data: ask an administrator to give it "
                     "one (python -m access add-user ... --role ROLE).").format(user=self.username)
        if self.allowed() == ():
            return _("Your account '{user}' is a manager of no department, so it shows no data: ask an "
                     "administrator to add your departments (--department ID).").format(user=self.username)
        return None
