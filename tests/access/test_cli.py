"""python -m access: add, list, disable, reset, ensure-admin and audit, and one sentence for bad input."""

import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from access import users
from access.cli import app
from etl.db import get_engine

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def invoke(url: str, *args: str, password: str | None = "a long enough secret", stdin: str | None = None):
    env = {"COLUMNS": "200"} | ({"COCKPIT_PASSWORD": password} if password else {})
    return runner.invoke(app, [*args, "--db", url], env=env, input=stdin)


def test_add_list_disable_and_reset(sqlite_url):
    assert invoke(sqlite_url, "add-user", "eve", "--role", "executive").exit_code == 0
    added = invoke(sqlite_url, "add-user", "mia", "--role", "manager", "--department", "D1", "--department", "D2")
    assert added.exit_code == 0 and "Added mia (manager, departments D1, D2)." in added.output
    listing = invoke(sqlite_url, "list-users").output
    assert re.search(r"eve\s+│\s+executive\s+│\s+—\s+│\s+active\s+│\s+never", listing)
    assert re.search(r"mia\s+│\s+manager\s+│\s+D1, D2\s+│\s+active", listing)
    changed = invoke(sqlite_url, "change-user", "mia", "--role", "manager", "--department", "D3")
    assert changed.exit_code == 0 and "mia is now manager: D3." in changed.output
    assert re.search(r"mia\s+│\s+manager\s+│\s+D3\s+│", invoke(sqlite_url, "list-users").output)
    assert invoke(sqlite_url, "disable-user", "mia").exit_code == 0
    assert "disabled" in invoke(sqlite_url, "list-users").output
    assert invoke(sqlite_url, "reset-password", "eve", password="the next secret").exit_code == 0
    assert users.authenticate(get_engine(sqlite_url), "eve", "the next secret").role == "executive"
    trail = invoke(sqlite_url, "audit").output
    assert trail.count("cli:") == 5 and "password_reset" in trail and "user_disabled" in trail


def test_the_password_is_asked_twice_without_echo(sqlite_url):
    result = invoke(sqlite_url, "add-user", "ann", "--role", "analyst", password=None,
                    stdin="typed secret 1\ntyped secret 1\n")
    assert result.exit_code == 0, result.output
    assert users.authenticate(get_engine(sqlite_url), "ann", "typed secret 1").role == "analyst"


def test_bad_input_is_one_sentence_and_exit_1(sqlite_url):
    invoke(sqlite_url, "add-user", "eve", "--role", "executive")
    for args, message in ((("add-user", "eve", "--role", "analyst"), "The user 'eve' exists already"),
                          (("add-user", "bob", "--role", "boss"), "The role 'boss' is unknown"),
                          (("disable-user", "nobody"), "There is no user 'nobody'"),
                          (("setup-postgres-rls",), "Row-level security needs PostgreSQL")):
        result = invoke(sqlite_url, *args)
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    short = invoke(sqlite_url, "add-user", "bob", "--role", "analyst", password="short")
    assert short.exit_code == 1 and "use at least 10" in short.output


def test_ensure_admin_creates_admin_once_with_a_random_password(sqlite_url):
    first = subprocess.run([sys.executable, "-m", "access", "ensure-admin", "--db", sqlite_url], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout
    password = re.search(r"shown only this once:\n    (\S+)\n", first).group(1)
    assert len(password) == 20
    assert users.authenticate(get_engine(sqlite_url), "admin", password).role == "admin"
    again = subprocess.run([sys.executable, "-m", "access", "ensure-admin", "--db", sqlite_url], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout
    assert again == ""
    other = f"{sqlite_url}.2"
    invoke(other, "ensure-admin")
    second = invoke(other.replace(".2", ".3"), "ensure-admin").output
    assert password not in second  # a fresh password each time, never a fixed one
