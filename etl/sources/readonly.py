"""SQL inputs only read: one SELECT (or WITH ... SELECT) statement, run in a session that cannot write.

Two layers, because each alone leaves a gap. The statement check refuses anything but one query, in one
sentence and before it runs: a read-only MariaDB session still runs ``SELECT ... INTO OUTFILE``. The session
refuses what the check cannot see (a function that writes) and holds if the check is ever fooled: PostgreSQL
and MariaDB sessions are read-only, the SQLite file is opened read-only under an authorizer that allows reading
alone (a read-only file still lets VACUUM INTO write another one), and each driver runs one statement per call,
so a COMMIT cannot end the read-only transaction. The session settings are connection arguments, which win
over anything the URL's query string says.
"""

import re
import sqlite3
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from etl.db import masked
from etl.errors import EtlError

# How each supported driver opens a session that cannot write and runs one statement per call.
READ_ONLY_SESSIONS = {
    # extended protocol (prepared at once): one statement per call; strings read as the check reads them
    "postgresql+psycopg": {"options": "-c default_transaction_read_only=on -c standard_conforming_strings=on",
                           "prepare_threshold": 0},
    # PyMySQL never asks for several statements per call unless client_flag does; sql_mode stays the server's
    "mysql+pymysql": {"init_command": "SET SESSION TRANSACTION READ ONLY", "client_flag": 0, "sql_mode": None},
    "mariadb+pymysql": {"init_command": "SET SESSION TRANSACTION READ ONLY", "client_flag": 0, "sql_mode": None},
    "sqlite+pysqlite": {},  # opened read-only, reads only (_read_only_engine); sqlite3 runs one statement per call
}
SQLITE_READS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
SUPPORTED = "postgresql+psycopg://, mysql+pymysql:// (MySQL and MariaDB) or sqlite:///"
QUERY_STARTS = {"SELECT", "WITH", "VALUES", "("}  # what a common table expression that only reads begins with


def check_sql_input(where: str, url: str, query: str) -> None:
    """Refuse, in one sentence and before anything runs, a URL that cannot be opened read-only or a query that is
    not a single SELECT; ``where`` names the config file and the input."""
    driver = _driver(where, url)
    try:
        refusal = _refusal(_tokens(query, driver.split("+")[0]))
    except _UnreadableError as error:
        refusal = str(error)
    if refusal:
        raise EtlError(f"{where}.sql.query is refused: {refusal}; a SQL input reads with a single SELECT (or WITH "
                       "... SELECT) statement, and nothing was run.")


def read_query(where: str, url: str, query: str) -> pd.DataFrame:
    """The query's rows, read in a read-only session (check_sql_input has passed)."""
    engine = _read_only_engine(where, url)
    try:
        with engine.connect() as conn:
            result = conn.execute(text(query))
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    except SQLAlchemyError as error:
        raise EtlError(f"{where}.sql: the query failed on {masked(url)} "
                       f"({str(error.orig if hasattr(error, 'orig') else error).splitlines()[0]}): check the "
                       "URL and the query.") from None
    finally:
        engine.dispose()
    return frame.astype(object).where(frame.notna(), None)


def _driver(where: str, url: str) -> str:
    """'postgresql+psycopg' for the URL, or one sentence when it is no URL or names a driver not supported."""
    try:
        dialect = make_url(url).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise EtlError(f"{where}.sql.url: '{masked(url)}' is not a usable database URL ({masked(str(error))}): "
                       "use a SQLAlchemy URL such as postgresql+psycopg://user@host/db.") from None
    driver = f"{dialect.name}+{dialect.driver}"
    if driver not in READ_ONLY_SESSIONS:
        raise EtlError(f"{where}.sql.url: '{masked(url)}' uses {driver}, which the ETL cannot open read-only: use "
                       f"{SUPPORTED}.")
    return driver


def _read_only_engine(where: str, url: str) -> Engine:
    """An engine whose sessions cannot write (see READ_ONLY_SESSIONS)."""
    driver = _driver(where, url)
    session = dict(READ_ONLY_SESSIONS[driver])
    if "options" in session:  # the URL's own libpq options (a search_path) come first, so ours win
        session["options"] = f"{make_url(url).query.get('options', '')} {session['options']}".strip()
    try:
        if driver != "sqlite+pysqlite":
            return create_engine(url, connect_args=session)
        engine = create_engine("sqlite://", creator=lambda: _sqlite_read_only(url))
    except ImportError as error:
        raise EtlError(f"{where}.sql.url: the database driver for '{masked(url)}' is not installed ({error}): "
                       "install requirements.txt (psycopg for PostgreSQL, PyMySQL for MySQL and MariaDB).") from None
    # installed after SQLAlchemy's own first look at the connection, which reads a PRAGMA
    event.listen(engine, "connect", lambda connection, _: connection.set_authorizer(_sqlite_reads_only))
    return engine


def _sqlite_read_only(url: str) -> sqlite3.Connection:
    """The SQLite file opened read-only: a missing file is an error, not a new empty database."""
    parsed = make_url(url)
    path = parsed.database.removeprefix("file:") if parsed.query.get("uri") else parsed.database
    return sqlite3.connect(f"{Path(path or '').resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)


def _sqlite_reads_only(action: int, *_) -> int:
    """SQLite's authorizer: reading tables and calling functions, nothing else."""
    return sqlite3.SQLITE_OK if action in SQLITE_READS else sqlite3.SQLITE_DENY


class _UnreadableError(ValueError):
    """The query cannot be split into tokens with certainty."""


WORD = re.compile(r"[^\W\d][\w$]*|\d\w*")  # names (PostgreSQL and MySQL allow $ inside), keywords, numbers
DOLLAR_QUOTE = re.compile(r"\$([^\W\d]\w*)?\$")  # PostgreSQL's $$...$$ and $tag$...$tag$


def _tokens(query: str, flavour: str) -> list[str]:
    """Words (upper case), symbols, and "'" for every quoted string or name; comments dropped. ``flavour`` is
    postgresql, mysql, mariadb or sqlite, whose quoting and comment rules differ."""
    mysql = flavour in ("mysql", "mariadb")
    tokens, i = [], 0
    while i < len(query):
        char, ahead = query[i], query[i:i + 3]
        if char.isspace():
            i += 1
        elif ahead.startswith("--") and not (mysql and len(ahead) == 3 and not ahead[2].isspace()):
            i = _end_of_line(query, i)  # MySQL reads --1 as minus minus one
        elif char == "#" and mysql:
            i = _end_of_line(query, i)
        elif ahead.startswith("/*"):
            if mysql and (ahead == "/*!" or query.startswith("/*M!", i)):
                raise _UnreadableError("it holds a MySQL executable comment (/*! ... */), whose content would run")
            i = _end_of_comment(query, i, nested=flavour == "postgresql")
        elif char == "$" and flavour == "postgresql" and (tag := DOLLAR_QUOTE.match(query, i)):
            i = _end_of_dollar_quote(query, tag.group(), tag.end())
            tokens.append("'")
        elif char in "'\"" or (char == "`" and flavour != "postgresql") or (char == "[" and flavour == "sqlite"):
            escape_string = flavour == "postgresql" and tokens[-1:] == ["E"] and query[i - 1] in "eE"  # E'...'
            i = _end_of_quote(query, i, "]" if char == "[" else char, (mysql and char != "`") or escape_string)
            tokens.append("'")
        elif word := WORD.match(query, i):
            tokens.append(word.group().upper())
            i = word.end()
        else:
            tokens.append(char)
            i += 1
    return tokens


def _end_of_line(query: str, i: int) -> int:
    end = query.find("\n", i)
    return len(query) if end < 0 else end + 1


def _end_of_comment(query: str, i: int, nested: bool) -> int:
    """The position after the block comment starting at i (PostgreSQL nests them)."""
    depth, i = 1, i + 2
    while depth:
        close = query.find("*/", i)
        opening = query.find("/*", i) if nested else -1
        if close < 0:
            raise _UnreadableError("a comment in it is never closed")
        if 0 <= opening < close:
            depth, i = depth + 1, opening + 2
        else:
            depth, i = depth - 1, close + 2
    return i


def _end_of_quote(query: str, i: int, quote: str, backslash: bool) -> int:
    """The position after the quoted string or name starting at i; a doubled quote (or, where ``backslash``, a
    backslash) escapes the next character."""
    i += 1
    while i < len(query):
        escaped = (backslash and query[i] == "\\") or (query[i] == quote and query[i + 1:i + 2] == quote != "]")
        if escaped:
            i += 2
        elif query[i] == quote:
            return i + 1
        else:
            i += 1
    raise _UnreadableError("a quote in it is never closed")


def _end_of_dollar_quote(query: str, tag: str, start: int) -> int:
    """The position after the dollar-quoted string whose opening ``tag`` ends at ``start``."""
    close = query.find(tag, start)
    if close < 0:
        raise _UnreadableError("a quote in it is never closed")
    return close + len(tag)


def _refusal(tokens: list[str]) -> str | None:
    """Why the tokens are not one statement that only reads, or None when they are."""
    while tokens and tokens[-1] == ";":
        tokens = tokens[:-1]  # a trailing semicolon ends the one statement
    if not tokens:
        return "it is empty"
    if ";" in tokens:
        return "it holds more than one statement"
    if tokens[0] not in ("SELECT", "WITH"):
        return f"it begins with {tokens[0]}"
    leads_to = _after_with(tokens) if tokens[0] == "WITH" else "SELECT"
    if leads_to != "SELECT":
        return f"its WITH clause runs {leads_to or 'nothing'}"
    if "INTO" in tokens:
        return "its INTO would write a table or a file"
    return None


def _after_with(tokens: list[str]) -> str:
    """The word a WITH clause leads to: its main statement's, or that of the first common table expression that
    does not read (PostgreSQL's WITH d AS (DELETE ...))."""
    i = 2 if _at(tokens, 1) == "RECURSIVE" else 1
    while True:
        i += 1  # the expression's name
        if _at(tokens, i) == "(":
            i = _after_parentheses(tokens, i)  # its column names
        if _at(tokens, i) != "AS":
            return _at(tokens, i)
        i += 1 + (_at(tokens, i + 1) == "NOT")
        i += _at(tokens, i) == "MATERIALIZED"
        if _at(tokens, i) != "(" or _at(tokens, i + 1) not in QUERY_STARTS:
            return _at(tokens, i + 1) if _at(tokens, i) == "(" else _at(tokens, i)
        i = _after_parentheses(tokens, i)
        if _at(tokens, i) != ",":
            return _at(tokens, i)
        i += 1


def _at(tokens: list[str], i: int) -> str:
    return tokens[i] if i < len(tokens) else ""


def _after_parentheses(tokens: list[str], i: int) -> int:
    """The position after the parenthesis opened at i closes (the end when it never does)."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += {"(": 1, ")": -1}.get(tokens[j], 0)
        if depth == 0:
            return j + 1
    return len(tokens)
