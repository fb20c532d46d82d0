"""``python -m access``: users from the command line, the audit trail, and PostgreSQL's row-level security."""

import functools
import getpass
import os
from collections.abc import Callable
from datetime import datetime

import typer
from rich.console import Console
from rich.table import Table

from access import audit, rls, users
from access.roles import ROLES
from access.users import AccessError
from etl.db import database_url, get_engine
from etl.errors import EtlError
from etl.terminal import text
from i18n import ngettext

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Users, roles and the audit trail of the cockpit.")
console = Console(highlight=False)
DB = typer.Option(None, "--db", help="Warehouse URL (default: DATABASE_URL, .streamlit/secrets.toml, SQLite).")


def _one_sentence(command: Callable) -> Callable:
    """Print a refused operation as one red sentence and exit with 1."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (AccessError, EtlError) as error:
            Console(stderr=True).print(text((error, "red")))
            raise typer.Exit(1) from None

    return run


def _actor() -> str:
    """Who runs the command, as the audit trail names them."""
    return f"cli:{getpass.getuser()}"


def _password() -> str:
    """The password from COCKPIT_PASSWORD, else asked twice without echo."""
    return os.environ.get("COCKPIT_PASSWORD") or typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@app.command("add-user")
@_one_sentence
def add_user(name: str, role: str = typer.Option(None, "--role", help=f"One of {', '.join(ROLES)}."),
             department: list[str] = typer.Option([], "--department", help="A manager's department (repeatable)."),
             db: str | None = DB) -> None:
    """Add a user; the password comes from COCKPIT_PASSWORD or a prompt."""
    users.add_user(get_engine(database_url(db)), name, role, tuple(department), _password(), _actor())
    console.print(text(f"Added {name} ({role or 'no role: sees nothing until given one'}"
                       f"{', departments ' + ', '.join(department) if department else ''})."))


@app.command("change-user")
@_one_sentence
def change_user(name: str, role: str = typer.Option(None, "--role", help=f"One of {', '.join(ROLES)}; none: no data."),
                department: list[str] = typer.Option([], "--department", help="A manager's department (repeatable)."),
                db: str | None = DB) -> None:
    """Give a user another role or other departments (their open sessions follow at the next click)."""
    users.change_user(get_engine(database_url(db)), name, role, tuple(department), _actor())
    console.print(text(f"{name} is now {role or 'without a role'}"
                       f"{': ' + ', '.join(department) if department else ''}."))


@app.command("list-users")
@_one_sentence
def list_users(db: str | None = DB) -> None:
    """Every user with role, departments, state and last sign-in."""
    table = Table("User", "Role", "Departments", "State", "Last sign-in")
    for a in users.accounts(get_engine(database_url(db))):
        locked = a.locked_until is not None and a.locked_until > datetime.now()
        state = "disabled" if a.is_disabled else f"locked until {a.locked_until:%H:%M}" if locked else "active"
        table.add_row(text(a.username), text(a.role or "—"), text(", ".join(a.departments) or "—"), state,
                      f"{a.last_sign_in_at:%Y-%m-%d %H:%M}" if a.last_sign_in_at else "never")
    console.print(table)


@app.command("disable-user")
@_one_sentence
def disable_user(name: str, db: str | None = DB) -> None:
    """Disable a user: their sessions end and they can no longer sign in."""
    users.set_disabled(get_engine(database_url(db)), name, True, _actor())
    console.print(text(f"Disabled {name}; their open sessions have ended."))


@app.command("enable-user")
@_one_sentence
def enable_user(name: str, db: str | None = DB) -> None:
    """Enable a disabled user again."""
    users.set_disabled(get_engine(database_url(db)), name, False, _actor())
    console.print(text(f"Enabled {name}."))


@app.command("reset-password")
@_one_sentence
def reset_password(name: str, db: str | None = DB) -> None:
    """Set a new password (COCKPIT_PASSWORD or a prompt); lifts a lockout and ends the user's sessions."""
    users.reset_password(get_engine(database_url(db)), name, _password(), _actor())
    console.print(text(f"New password set for {name}; their open sessions have ended."))


@app.command("ensure-admin")
@_one_sentence
def ensure_admin(db: str | None = DB) -> None:
    """When no user exists, create 'admin' with a random password and print it once (make run does this)."""
    engine = get_engine(database_url(db))
    if users.has_users(engine):
        return
    password = users.random_password()
    users.add_user(engine, "admin", "admin", (), password, _actor())
    console.print("Created the user admin. Its password, shown only this once:", soft_wrap=True)
    console.print(f"    {password}", soft_wrap=True)
    console.print("Sign in with it, then set your own: python -m access reset-password admin", soft_wrap=True)


@app.command("audit")
@_one_sentence
def show_audit(limit: int = typer.Option(50, help="How many events, newest first."),
               user: str | None = typer.Option(None, help="Only this actor."), db: str | None = DB) -> None:
    """The newest events of the audit trail."""
    table = Table("When", "Who", "What", "Target", "Outcome", "Detail")
    for e in audit.trail(get_engine(database_url(db)), limit, user).itertuples():
        table.add_row(f"{e.at:%Y-%m-%d %H:%M:%S}", *map(text, (e.actor, e.action, e.target, e.outcome, e.detail)))
    console.print(table)


@app.command("setup-postgres-rls")
@_one_sentence
def setup_postgres_rls(db: str | None = DB, role: str = typer.Option(rls.APP_ROLE, help="The application role."),
                       ) -> None:
    """Create the non-owner application role and row-level security policies (run as the warehouse owner)."""
    engine = get_engine(database_url(db))
    if engine.dialect.name != "postgresql":
        raise AccessError(f"Row-level security needs PostgreSQL; {engine.dialect.name} has none: the query layer's "
                          "scope is the only layer there.")
    tables = rls.setup(engine, role, os.environ.get("COCKPIT_APP_PASSWORD"))
    secured = ngettext("{count} table", "{count} tables", len(tables)).format(count=len(tables))
    console.print(text(f"Role {role}: row-level security on {secured} ({', '.join(tables)}). Point the "
                       "app's DATABASE_URL at this role; keep the owner for the ETL."))


def main() -> None:
    """Entry point of ``python -m access``."""
    app()
