"""SQL inputs cannot change their source, on SQLite, PostgreSQL and MariaDB. A query that is not one SELECT (or
WITH ... SELECT) is refused in one sentence naming the config file and input, before anything runs; and the
session it would run in cannot write either (each attack below dropped the table or wrote a file before)."""

import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, select

from etl.db import has_table
from etl.errors import EtlError
from etl.pipeline import run_pipeline
from etl.schema import departments
from etl.sources.configured import ConfigSource
from etl.sources.readonly import read_query

REFUSAL_END = "; a SQL input reads with a single SELECT (or WITH ... SELECT) statement, and nothing was run."


@dataclass
class Source:
    """A source database holding the table keepme (two teams), and where a write to a file would land."""

    backend: str
    url: str
    file: Path  # a path the database server itself could write to

    def teams(self) -> list[tuple] | None:
        """keepme's rows as the database's owner sees them; None once the table is gone."""
        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                return sorted(tuple(row) for row in conn.exec_driver_sql("SELECT code, label FROM keepme"))
        except Exception:
            return None
        finally:
            engine.dispose()


@pytest.fixture
def source(request, tmp_path):
    """keepme in a SQLite file, a fresh PostgreSQL database or a fresh MariaDB database (the parameter)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'erp.db'}"
    else:
        url = request.getfixturevalue({"postgres": "postgres_url", "mariadb": "mariadb_url"}[request.param])
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE keepme (code VARCHAR(10), label VARCHAR(50))")
        conn.exec_driver_sql("INSERT INTO keepme VALUES ('T1', 'Team; one'), ('T2', 'Team two')")
    engine.dispose()
    file = Path("/tmp") / f"bi-test-written-{uuid.uuid4().hex}.db"  # servers write as their own user: not tmp_path
    yield Source(request.param, url, file)
    file.unlink(missing_ok=True)


def config(tmp_path: Path, source: Source, query: str) -> Path:
    """A config loading departments from the query's code and label."""
    path = tmp_path / "erp.yaml"
    path.write_text(yaml.safe_dump({
        "name": "erp",
        "inputs": {"teams": {"sql": {"url": source.url, "query": query.format(file=source.file)}}},
        "tables": {"departments": {"input": "teams", "columns": {
            "department_id": "code", "name": "label", "kind": {"value": "sales"}}}},
    }))
    return path


BACKENDS = ["sqlite", "postgres", "mariadb"]
ATTACKS = [
    *[(backend, query, reason) for backend in BACKENDS for query, reason in [
        ("DROP TABLE keepme", "it begins with DROP"),
        ("DROP TABLE keepme; COMMIT; SELECT code, label FROM keepme", "it holds more than one statement"),
        ("SELECT code, label FROM keepme; DROP TABLE keepme;", "it holds more than one statement"),
        ("SELECT code, label FROM keepme -- one\n; DELETE FROM keepme", "it holds more than one statement"),
        ("WITH t AS (SELECT 1) DELETE FROM keepme", "its WITH clause runs DELETE"),
    ]],
    ("sqlite", "VACUUM INTO '{file}'", "it begins with VACUUM"),
    ("sqlite", "ATTACH DATABASE '{file}' AS elsewhere", "it begins with ATTACH"),
    ("sqlite", "SELECT [a;b] FROM keepme; DROP TABLE keepme", "it holds more than one statement"),
    ("postgres", "WITH d AS (DELETE FROM keepme RETURNING code, label) SELECT * FROM d", "its WITH clause runs DELETE"),
    ("postgres", "SELECT * INTO copied FROM keepme", "its INTO would write a table or a file"),
    ("postgres", "COPY keepme TO '{file}'", "it begins with COPY"),
    ("postgres", "SELECT $$ ' $$ AS code, 'x' AS label; DROP TABLE keepme", "it holds more than one statement"),
    ("postgres", "SELECT 1 /* /* */ ' */ ; DROP TABLE keepme; --'", "it holds more than one statement"),  # nested
    ("mariadb", "SELECT code, label FROM keepme INTO OUTFILE '{file}'", "its INTO would write a table or a file"),
    ("mariadb", "SELECT 1 /*! ; DROP TABLE keepme */",
     "it holds a MySQL executable comment (/*! ... */), whose content would run"),
    ("mariadb", "SELECT 'it\\'s' AS code, 'x' AS label; DROP TABLE keepme", "it holds more than one statement"),
    ("mariadb", "SELECT 1 --1; DROP TABLE keepme", "it holds more than one statement"),  # --1 is no comment there
]


@pytest.mark.parametrize(("source", "query", "reason"), ATTACKS, indirect=["source"])
def test_a_query_that_is_not_one_select_is_refused_before_it_runs(source, query, reason, tmp_path, sqlite_engine):
    path = config(tmp_path, source, query)
    with pytest.raises(EtlError) as error:
        run_pipeline(ConfigSource(path), sqlite_engine)
    assert str(error.value) == f"{path}: inputs.teams.sql.query is refused: {reason}{REFUSAL_END}"
    assert source.teams() == [("T1", "Team; one"), ("T2", "Team two")]  # the table stays, rows and all
    assert not source.file.exists()
    assert not has_table(sqlite_engine, "etl_runs")  # refused while reading the config: the warehouse untouched


@pytest.mark.parametrize("source", BACKENDS, indirect=True)
def test_a_select_with_comments_quotes_and_a_trailing_semicolon_still_loads(source, tmp_path, sqlite_engine):
    query = """-- the teams; every one of them
        WITH t AS /* a ; inside a comment */ (SELECT code, label, 'a;b' AS note FROM keepme)
        SELECT code, label FROM t WHERE note = 'a;b' ORDER BY code;"""
    summary = run_pipeline(ConfigSource(config(tmp_path, source, query)), sqlite_engine)
    assert summary.status == "success" and summary.rows_loaded == 2
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(departments.c.department_id, departments.c.name)).all() == [
            ("T1", "Team; one"), ("T2", "Team two")]


SESSION_ATTACKS = [  # past the statement check (read_query directly): the session itself refuses to write
    *[(backend, "", "DROP TABLE keepme") for backend in BACKENDS],
    *[(backend, "", "DELETE FROM keepme") for backend in BACKENDS],
    ("sqlite", "", "VACUUM INTO '{file}'"),
    ("sqlite", "", "ATTACH DATABASE '{file}' AS elsewhere"),
    ("postgres", "", "SELECT 1; SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; COMMIT; DROP TABLE keepme"),
    ("postgres", "", "WITH d AS (DELETE FROM keepme RETURNING code) SELECT * FROM d"),
    ("postgres", "?options=-c%20default_transaction_read_only%3Doff", "DROP TABLE keepme"),
    ("mariadb", "?client_flag=65536", "SELECT 1; SET SESSION TRANSACTION READ WRITE; DROP TABLE keepme"),  # several
    ("mariadb", "?init_command=SET%20SESSION%20TRANSACTION%20READ%20WRITE", "DROP TABLE keepme"),
]


@pytest.mark.parametrize(("source", "url_tail", "query"), SESSION_ATTACKS, indirect=["source"])
def test_the_session_itself_cannot_write(source, url_tail, query):
    with pytest.raises(EtlError, match=r"^erp\.yaml: inputs\.teams\.sql: the query failed on .*: check the URL"):
        read_query("erp.yaml: inputs.teams", source.url + url_tail, query.format(file=source.file))
    assert source.teams() == [("T1", "Team; one"), ("T2", "Team two")]
    assert not source.file.exists()


@pytest.mark.parametrize("source", ["mariadb"], indirect=True)
def test_the_url_cannot_run_a_statement_of_its_own_at_connect(source):
    frame = read_query("erp.yaml: inputs.teams", source.url + "?init_command=DROP%20TABLE%20keepme",
                       "SELECT code, label FROM keepme ORDER BY code")
    assert frame.values.tolist() == [["T1", "Team; one"], ["T2", "Team two"]]
    assert source.teams() == [("T1", "Team; one"), ("T2", "Team two")]


def test_a_missing_sqlite_source_is_an_error_not_a_new_empty_file(tmp_path):
    missing = tmp_path / "typo.db"
    with pytest.raises(EtlError, match=r"the query failed on sqlite:///.*typo\.db \(unable to open database file\)"):
        read_query("erp.yaml: inputs.teams", f"sqlite:///{missing}", "SELECT 1")
    assert not missing.exists()


def test_the_sqlite_source_file_is_not_touched(tmp_path):
    path = tmp_path / "erp.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE keepme (code TEXT)")
    conn.close()
    before = (path.stat().st_mtime_ns, sorted(os.listdir(tmp_path)))
    assert read_query("q", f"sqlite:///{path}", "SELECT count(*) AS n FROM keepme").values.tolist() == [[0]]
    assert (path.stat().st_mtime_ns, sorted(os.listdir(tmp_path))) == before  # no journal, no WAL, no change
