"""Secrets off the command line: a source config names an environment variable (${env:NAME}) for a database
password, so it never goes through --var (where ps shows it); the value never shows in the run's output,
etl_runs.message, the audit trail, the progress file or the logs; a variable that is not set is one sentence."""

import json
import logging
import uuid

import pytest
import yaml
from sqlalchemy import create_engine, make_url, select, text
from typer.testing import CliRunner

from access import audit
from etl.db import get_engine, has_table
from etl.schema import departments, etl_runs
from etl.sources.configured import ConfigSource
from refresh.cli import app
from refresh.progress import progress_file
from tests.conftest import MYSQL_ADMIN_URL, POSTGRES_ADMIN_URL


@pytest.fixture
def pg_reader(postgres_url):
    """(database URL without credentials, role, password): a login role with a password that may read teams,
    dropped afterwards (roles are cluster-wide: the name is unique)."""
    role, password = f"bi_reader_{uuid.uuid4().hex[:10]}", f"pw-{uuid.uuid4().hex}"
    admin, owner = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT"), create_engine(postgres_url)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"))
    with owner.begin() as conn:
        conn.execute(text("CREATE TABLE teams (code TEXT, label TEXT)"))
        conn.execute(text("INSERT INTO teams VALUES ('T1', 'Team one'), ('T2', 'Team two')"))
        conn.execute(text(f"GRANT SELECT ON teams TO {role}"))
    yield postgres_url, role, password
    with owner.begin() as conn:
        conn.execute(text(f"DROP OWNED BY {role}"))  # its grant, so the role can go
    owner.dispose()
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :r"), {"r": role})
        conn.execute(text(f"DROP ROLE {role}"))
    admin.dispose()


@pytest.fixture
def mariadb_reader(mariadb_url):
    """The same on MariaDB, which (unlike the local PostgreSQL, trusting 127.0.0.1) checks the password."""
    user, password = f"bi_reader_{uuid.uuid4().hex[:10]}", f"pw-{uuid.uuid4().hex}"
    database = make_url(mariadb_url).database
    admin = create_engine(MYSQL_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE TABLE `{database}`.teams (code VARCHAR(10), label VARCHAR(50))"))
        conn.execute(text(f"INSERT INTO `{database}`.teams VALUES ('T1', 'Team one'), ('T2', 'Team two')"))
        conn.execute(text(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'"))
        conn.execute(text(f"GRANT SELECT ON `{database}`.* TO '{user}'@'%'"))
    yield mariadb_url, user, password
    with admin.connect() as conn:
        conn.execute(text(f"DROP USER '{user}'@'%'"))
    admin.dispose()


def write_config(tmp_path, **inputs_and_variables):
    """A config loading departments from the input 'teams' (its name and label, and who read it)."""
    path = tmp_path / "erp.yaml"
    path.write_text(yaml.safe_dump({"name": "erp", **inputs_and_variables, "tables": {"departments": {
        "input": "teams", "columns": {"department_id": "code", "name": {"template": "{label} read by {who}"},
                                      "kind": {"value": "sales"}}}}}, sort_keys=False))
    return path


def run(config, warehouse: str, **environment):
    """python -m etl run on the config, with these environment variables (and no password on the command line)."""
    return CliRunner().invoke(app, ["run", "--source", str(config), "--db", warehouse, "--skip-forecast",
                                    "--skip-alerts"], env={"COLUMNS": "200", **environment})


def traces(warehouse: str, output: str, logs: str) -> str:
    """Everything a run leaves for people to read: its output, etl_runs, the audit trail, progress file, logs."""
    engine = get_engine(warehouse)
    with engine.connect() as conn:
        messages = [row.message or "" for row in conn.execute(select(etl_runs.c.message))]
    trail = audit.trail(engine).to_string()
    return "\n".join([output, output.replace("\n", ""), *messages, trail, progress_file(warehouse).read_text(),
                      logs])  # a line Rich wrapped is joined again


def test_a_postgres_password_from_the_environment_loads_and_shows_nowhere(pg_reader, tmp_path, sqlite_url, caplog):
    database, role, password = pg_reader
    url = make_url(database).set(username=role).render_as_string(hide_password=False)
    config = write_config(tmp_path, inputs={"teams": {"sql": {
        "url": url.replace(f"{role}@", f"{role}:${{env:CM_PASSWORD}}@"),
        "query": "SELECT code, label, current_user AS who FROM teams ORDER BY code"}}})
    caplog.set_level(logging.DEBUG)
    result = run(config, sqlite_url, CM_PASSWORD=password)
    assert result.exit_code == 0, result.output
    with get_engine(sqlite_url).connect() as conn:
        assert conn.execute(select(departments.c.department_id, departments.c.name)).all() == [
            ("T1", f"Team one read by {role}"), ("T2", f"Team two read by {role}")]
    assert password not in traces(sqlite_url, result.output, caplog.text)
    with pytest.MonkeyPatch.context() as env:  # the value the source connects with is the environment's
        env.setenv("CM_PASSWORD", password)
        assert make_url(ConfigSource(config).config.inputs["teams"].sql.url).password == password


def test_a_failed_connection_names_the_url_masked(pg_reader, tmp_path, sqlite_url, caplog):
    _, role, password = pg_reader
    config = write_config(tmp_path, inputs={"teams": {"sql": {
        "url": f"postgresql+psycopg://{role}:${{env:CM_PASSWORD}}@127.0.0.1:1/nowhere",
        "query": "SELECT code, label, current_user AS who FROM teams"}}})
    caplog.set_level(logging.DEBUG)
    result = run(config, sqlite_url, CM_PASSWORD=password)
    assert result.exit_code == 1
    assert f"the query failed on postgresql+psycopg://{role}:***@127.0.0.1:1/nowhere" in " ".join(result.output.split())
    with get_engine(sqlite_url).connect() as conn:
        assert conn.execute(select(etl_runs.c.status)).scalar() == "failed"
    assert password not in traces(sqlite_url, result.output, caplog.text)
    assert json.loads(progress_file(sqlite_url).read_text())["state"] == "failed"


def test_a_mariadb_password_from_the_environment_is_the_one_that_signs_in(mariadb_reader, tmp_path, sqlite_url):
    database, user, password = mariadb_reader
    url = make_url(database).set(username=user).render_as_string(hide_password=False)
    config = write_config(tmp_path, variables={"erp_url": url.replace(f"{user}@", f"{user}:${{env:ERP_PASSWORD}}@")},
                          inputs={"teams": {"sql": {"url": "${erp_url}", "query": (
                              "SELECT code, label, SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AS who FROM teams")}}})
    wrong = run(config, sqlite_url, ERP_PASSWORD="not-the-password")
    assert wrong.exit_code == 1 and f"Access denied for user '{user}'" in " ".join(wrong.output.split())
    loaded = run(config, sqlite_url, ERP_PASSWORD=password)  # a variable's default names the environment
    assert loaded.exit_code == 0, loaded.output
    with get_engine(sqlite_url).connect() as conn:
        assert conn.execute(select(departments.c.name).order_by(departments.c.department_id)).scalars().all() == [
            f"Team one read by {user}", f"Team two read by {user}"]
    assert password not in traces(sqlite_url, wrong.output + loaded.output, "")


def test_a_variable_that_is_not_set_is_one_sentence_naming_file_line_and_variable(tmp_path, sqlite_url):
    name = f"BI_TEST_UNSET_{uuid.uuid4().hex[:8].upper()}"
    config = write_config(tmp_path, inputs={"teams": {"sql": {
        "url": f"postgresql+psycopg://reader:${{env:{name}}}@127.0.0.1/erp", "query": "SELECT 1"}}})
    line = config.read_text().splitlines().index(next(x for x in config.read_text().splitlines() if name in x)) + 1
    result = run(config, sqlite_url)
    assert result.exit_code == 1
    assert " ".join(result.output.split()) == (
        f"Error: {config} at line {line}: the environment variable {name} is not set: set it in the environment the "
        f"ETL runs in ({name}=... before the command, or the service's settings).")
    assert not has_table(get_engine(sqlite_url), "departments")  # nothing touched the warehouse
