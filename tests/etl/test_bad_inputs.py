"""Bad input, each case on SQLite and on PostgreSQL with the same expected outcome: a bad value is rejected row
by row with a reason naming its column, and the row's file and line; a bad file or config stops the run with one
sentence naming the file, and the warehouse stays exactly as it was."""

import gzip
import os
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from etl.db import get_engine
from etl.errors import EtlError
from etl.pipeline import run_pipeline
from etl.schema import CANONICAL_TABLES, etl_runs, rejected_rows
from etl.sources.configured import ConfigSource

CONFIG = """
name: bad_inputs
currency: EUR
inputs:
  customers: {files: {path: "CUSTOMERS"}}
  orders: {files: {path: "ORDERS"}}
  lines: {files: {path: "LINES"}}
tables:
  departments: {rows: [{department_id: D1, name: Sales, kind: sales}]}
  products: {rows: [{product_id: P1, name: Widget, category: A, unit_cost: 6, list_price: 10}]}
  customers:
    input: customers
    columns: {customer_id: customer_id, name: name, city: city, latitude: latitude, department_id: {value: D1}}
  orders:
    input: orders
    columns: {order_id: order_id, customer_id: customer_id, department_id: {value: D1}, kind: kind,
              status: status, ordered_at: ordered_at}
  order_lines:
    input: lines
    columns: {order_id: order_id, line_no: line_no, product_id: {value: P1}, quantity: quantity,
              unit_price: unit_price, discount: discount}
"""
FILES = {
    "customers.csv": "customer_id,name,city,latitude\nC1,Acme,Leeds,53.8\nC2,Beta,London,51.5\nC3,Gamma,York,53.9\n",
    "orders.csv": "order_id,customer_id,kind,status,ordered_at\nO1,C1,sale,delivered,2025-01-06 09:00\n"
                  "O2,C2,sale,open,2025-01-07 10:00\nO3,C3,sale,shipped,2025-01-08 11:00\n",
    "lines.csv": "order_id,line_no,quantity,unit_price,discount\nO1,1,10,10,0\nO2,1,2,50,0.1\nO3,1,3,10,0\n",
}
PATHS = {"CUSTOMERS": "customers.csv", "ORDERS": "orders.csv", "LINES": "lines.csv"}

# (id, file, row, column, bad value, the reason's words); the row is the file's second data row (line 3)
ROW_CASES = [
    ("name-too-long", "customers.csv", "name", "x" * 201, "name: 'xxxxxxxxxxxxxxxxxxxx'... is 201 characters, "
                                                          "longer than the 200 the column holds"),
    ("key-too-long", "orders.csv", "order_id", "O" * 65, "order_id: 'OOOOOOOOOOOOOOOOOOOO'... is 65 characters"),
    ("city-too-long", "customers.csv", "city", "y" * 101, "longer than the 100 the column holds"),
    ("nul-byte", "customers.csv", "name", "Be\x00ta", "name: contains a NUL byte"),
    ("nul-byte-in-key", "orders.csv", "customer_id", "C\x002", "customer_id: contains a NUL byte"),
    ("overflow-1e309", "lines.csv", "quantity", "1e309", "quantity: inf is not a finite number within +-1e15"),
    ("overflow-minus-1e309", "lines.csv", "unit_price", "-1e309", "unit_price: -inf is not a finite number"),
    ("inf", "lines.csv", "quantity", "inf", "quantity: inf is not a finite number"),
    ("minus-infinity", "lines.csv", "quantity", "-Infinity", "quantity: -inf is not a finite number"),
    ("absurd-1e308", "lines.csv", "unit_price", "1e308", "unit_price: 1e+308 is not a finite number within +-1e15"),
    ("absurd-latitude", "customers.csv", "latitude", "9e99", "latitude: 9e+99 is not a finite number"),
    ("nan-text", "lines.csv", "quantity", "NaN", "quantity: cannot read 'NaN' as a number"),
    ("not-a-number", "customers.csv", "latitude", "north", "latitude: cannot read 'north' as a number"),
    ("comma-decimal-undeclared", "lines.csv", "unit_price", "12,5", "unit_price: cannot read '12,5' as a number"),
    ("huge-line-no", "lines.csv", "line_no", "3000000000", "line_no: 3000000000 is beyond the largest whole number"),
    ("fractional-line-no", "lines.csv", "line_no", "1.5", "line_no: cannot read '1.5' as a whole number"),
    ("impossible-date", "orders.csv", "ordered_at", "2025-02-30", "ordered_at: cannot read '2025-02-30' as a "
                                                                   "timestamp"),
    ("word-date", "orders.csv", "ordered_at", "yesterday", "ordered_at: cannot read 'yesterday' as a timestamp"),
    ("empty-date", "orders.csv", "ordered_at", "", "ordered_at is empty"),
    ("empty-key", "orders.csv", "order_id", "", "order_id is empty"),
    ("unknown-kind", "orders.csv", "kind", "sold", "kind must be sale or return, got 'sold'"),
    ("unmapped-status", "orders.csv", "status", "Cancelled", "status must be one of open, on_hold, shipped"),
    ("discount-over-one", "lines.csv", "discount", "1.5", "discount must be between 0 and 1, got 1.5"),
    ("negative-price", "lines.csv", "unit_price", "-3", "unit_price must not be negative, got -3.0"),
    ("zero-quantity", "lines.csv", "quantity", "0", "quantity must not be zero, got 0.0"),
    ("unknown-customer", "orders.csv", "customer_id", "C9", "customer_id must be a known customers key, got 'C9'"),
    ("unknown-order", "lines.csv", "order_id", "O9", "order_id must be a known orders key, got 'O9'"),
    ("duplicate-key", "orders.csv", "order_id", "O1", "duplicate key (order_id); the first row with this key was kept"),
]


def write_data(folder: Path, files: dict[str, str] | None = None, paths: dict[str, str] | None = None) -> Path:
    """The CSV files and the config in a data folder; returns the config's path."""
    folder.mkdir(exist_ok=True)
    for name, body in (FILES if files is None else files).items():
        (folder / name).write_text(body, encoding="utf-8")
    config = CONFIG
    for placeholder, path in {**PATHS, **(paths or {})}.items():
        config = config.replace(placeholder, path)  # a placeholder may be any text of the config
    (folder / "config.yaml").write_text(config)
    return folder / "config.yaml"


def with_cell(file: str, column: str, value: str) -> dict[str, str]:
    """The base files with one cell of the second data row changed."""
    frame = pd.read_csv(pd.io.common.StringIO(FILES[file]), dtype=str, keep_default_na=False)
    frame.loc[1, column] = value
    return {**FILES, file: frame.to_csv(index=False)}


def counts(url: str) -> dict[str, int]:
    with get_engine(url).connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in CANONICAL_TABLES}


def snapshot(url: str) -> dict[str, list]:
    with get_engine(url).connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr) for t in CANONICAL_TABLES}


@pytest.mark.parametrize(("file", "column", "value", "reason"), [c[1:] for c in ROW_CASES],
                         ids=[c[0] for c in ROW_CASES])
def test_a_bad_value_rejects_its_row_naming_file_line_and_column(warehouse, tmp_path, file, column, value, reason):
    config = write_data(tmp_path / "data", with_cell(file, column, value))
    run_pipeline(ConfigSource(config), get_engine(warehouse))
    table = {"customers.csv": "customers", "orders.csv": "orders", "lines.csv": "order_lines"}[file]
    with get_engine(warehouse).connect() as conn:
        rows = conn.execute(select(rejected_rows.c.source_ref, rejected_rows.c.reason)
                            .where(rejected_rows.c.table_name == table)).all()
        run = conn.execute(select(etl_runs.c.status, etl_runs.c.rows_loaded)).one()
    assert len(rows) == 1 and rows[0].source_ref == f"{file}:3", rows  # line 1 is the header
    assert reason in rows[0].reason
    assert counts(warehouse)[table] == 2 and run.status in ("success", "warning")


def test_integer_valued_float_keys_are_stored_as_whole_numbers(warehouse, tmp_path):
    files = {**FILES, "customers.csv": FILES["customers.csv"].replace("C1,", "1401.0,"),
             "orders.csv": FILES["orders.csv"].replace("O1,C1", "O1,1401")}
    run_pipeline(ConfigSource(write_data(tmp_path / "data", files)), get_engine(warehouse))
    assert counts(warehouse)["orders"] == 3 and "1401" in [r[0] for r in snapshot(warehouse)["customers"]]


def test_a_declared_decimal_comma_holds_through_a_join(warehouse, tmp_path):
    config = write_data(tmp_path / "data", {**FILES, "prices.csv": "order_id;price\nO1;1054,50\nO2;7,25\n"
                                                                    "O3;1.000,00\n"})
    joined = ('  raw_lines: {files: {path: "lines.csv"}}\n'
              '  prices: {files: {path: prices.csv, delimiter: ";", decimal: ","}}\n'
              '  lines: {join: {left: raw_lines, right: prices, columns: [order_id]}}')
    text = config.read_text().replace('  lines: {files: {path: "lines.csv"}}', joined)
    config.write_text(text.replace("unit_price: unit_price", "unit_price: price"))
    run_pipeline(ConfigSource(config), get_engine(warehouse))
    prices = sorted(r[4] for r in snapshot(warehouse)["order_lines"])
    assert prices == [7.25, 1000.0, 1054.5]


def test_a_bad_date_in_an_incremental_run_rejects_only_that_row(warehouse, tmp_path):
    config = write_data(tmp_path / "data")
    config.write_text(config.read_text().replace('orders: {files: {path: "orders.csv"}}',
                                                 'orders: {files: {path: "orders.csv"}, cursor: ordered_at}'))
    run_pipeline(ConfigSource(config), get_engine(warehouse))
    (tmp_path / "data" / "orders.csv").write_text(FILES["orders.csv"] + "O4,C1,sale,open,2025-01-09 25:61\n"
                                                  "O5,C2,sale,open,2025-01-10 12:00\n")
    source = ConfigSource(config, cursors={"orders": "2025-01-08T11:00:00"})
    summary = run_pipeline(source, get_engine(warehouse))
    assert [r[0] for r in snapshot(warehouse)["orders"]] == ["O1", "O2", "O3", "O5"]
    assert next(s for s in summary.tables if s.table == "orders").rejected == 1


def _truncated_gzip(folder: Path) -> dict:
    (folder / "lines.csv.gz").write_bytes(gzip.compress(FILES["lines.csv"].encode() * 50)[:60])
    return {"LINES": "lines.csv.gz"}


def _symlink_out(folder: Path) -> dict:
    os.symlink("/etc/passwd", folder / "linked.csv")
    return {"CUSTOMERS": "linked.csv"}


def _latin1(folder: Path) -> dict:
    (folder / "customers.csv").write_bytes(FILES["customers.csv"].replace("Beta", "B\xe9ta").encode("latin-1"))
    return {}


def _wrong_format(folder: Path) -> dict:
    rows = "".join(f"O{i},C1,sale,open,2025-01-{i:02d} 09:00\n" for i in range(1, 13))
    (folder / "orders.csv").write_text("order_id,customer_id,kind,status,ordered_at\n" + rows)
    return {"ordered_at: ordered_at}": "ordered_at: {column: ordered_at, format: '%d.%m.%Y'}}"}


FATAL_CASES = [  # (id, prepare the data folder -> path overrides, words of the one sentence)
    ("truncated-gzip", _truncated_gzip, "lines.csv.gz is corrupt or truncated"),
    ("parent-path", lambda folder: {"CUSTOMERS": "../../../../../../etc/passwd"},
     "leads outside the data folder"),
    ("absolute-path", lambda folder: {"CUSTOMERS": "/etc/passwd"}, "'/etc/passwd' leads outside the data folder"),
    ("symlink-out", _symlink_out, "'linked.csv' leads outside the data folder"),
    ("missing-file", lambda folder: {"ORDERS": "orderz.csv"}, "inputs.orders.files.path: no file matches 'orderz.csv'"),
    ("wrong-encoding", _latin1, "customers.csv is not utf-8-sig (byte"),
    ("format-reads-nothing", _wrong_format, "key 'columns.ordered_at.format' (%d.%m.%Y) reads none of the values"),
]


@pytest.mark.parametrize(("prepare", "sentence"), [c[1:] for c in FATAL_CASES], ids=[c[0] for c in FATAL_CASES])
def test_a_bad_file_stops_the_run_in_one_sentence_and_changes_nothing(warehouse, tmp_path, prepare, sentence):
    folder = tmp_path / "data"
    run_pipeline(ConfigSource(write_data(folder)), get_engine(warehouse))
    before = snapshot(warehouse)
    config = write_data(folder, files={}, paths=prepare(folder))
    with pytest.raises(EtlError) as error:
        run_pipeline(ConfigSource(config), get_engine(warehouse))
    assert sentence in str(error.value) and "\n" not in str(error.value)
    assert "root:" not in str(error.value)  # no content of a refused file
    assert snapshot(warehouse) == before
    with get_engine(warehouse).connect() as conn:
        assert conn.execute(select(etl_runs.c.status).order_by(etl_runs.c.run_id)).scalars().all() == \
            ["success", "failed"]


def test_a_full_refresh_that_would_empty_a_table_needs_allow_empty(warehouse, tmp_path):
    folder = tmp_path / "data"
    run_pipeline(ConfigSource(write_data(folder)), get_engine(warehouse))
    before = snapshot(warehouse)
    config = write_data(folder, {**FILES, "orders.csv": "order_id,customer_id,kind,status,ordered_at\n"})
    with pytest.raises(EtlError, match=r"This full refresh would empty orders \(3 rows\), order_lines \(3 rows\), "
                                       r"because the source gave no valid row for it; nothing was changed: .* pass "
                                       r"--allow-empty"):
        run_pipeline(ConfigSource(config), get_engine(warehouse), full_refresh=True)
    assert snapshot(warehouse) == before
    run_pipeline(ConfigSource(config), get_engine(warehouse), full_refresh=True, allow_empty=True)
    assert counts(warehouse)["orders"] == 0 and counts(warehouse)["customers"] == 3


def test_a_password_in_a_url_is_masked_in_errors_and_etl_runs(warehouse, tmp_path):
    config = write_data(tmp_path / "data")
    config.write_text(config.read_text().replace('customers: {files: {path: "customers.csv"}}', (
        'customers: {sql: {url: "postgresql+psycopg://reader:topsecret@127.0.0.1:1/crm", query: "SELECT 1"}}')))
    with pytest.raises(EtlError) as error:
        run_pipeline(ConfigSource(config), get_engine(warehouse))
    with get_engine(warehouse).connect() as conn:
        stored = conn.execute(select(etl_runs.c.message)).scalar()
    for text in (str(error.value), stored):
        assert "topsecret" not in text and "reader:***@127.0.0.1:1/crm" in text


@pytest.mark.parametrize("url", ["postgresql+psycopg://someone:hunter2@127.0.0.1:1/warehouse",
                                 "sqlite:////proc/no/such/folder/warehouse.db"], ids=["postgres", "sqlite"])
def test_an_unreachable_warehouse_is_one_sentence(url):
    with pytest.raises(EtlError) as error:
        run_pipeline(ConfigSource(Path(__file__).parents[2] / "etl" / "sources" / "crm_sales_opportunities.yaml"),
                     get_engine(url))
    message = str(error.value)
    assert message.startswith("Cannot reach the warehouse at ") and message.endswith("fix --db / DATABASE_URL.")
    assert "hunter2" not in message and "\n" not in message


def test_the_same_rows_are_rejected_with_the_same_reasons_on_both_backends(tmp_path, postgres_url):
    outcomes = []
    for url in (f"sqlite:///{tmp_path / 'w.db'}", postgres_url):
        files = with_cell("customers.csv", "name", "x" * 300)
        files = {**files, "lines.csv": files["lines.csv"] + "O1,2,1e309,10,0\nO2,2,1,10,0\x00\n"}
        run_pipeline(ConfigSource(write_data(tmp_path / "data", files)), get_engine(url))
        with get_engine(url).connect() as conn:
            outcomes.append((sorted(conn.execute(select(rejected_rows.c.table_name, rejected_rows.c.source_ref,
                                                        rejected_rows.c.reason)).all()), snapshot(url)))
    assert outcomes[0] == outcomes[1]
    # the long name of C2, then in cascade its order O2 and O2's lines (one also with a NUL byte); the infinite
    # quantity of O1's second line
    assert [(t, ref) for t, ref, _ in outcomes[0][0]] == [
        ("customers", "customers.csv:3"), ("order_lines", "lines.csv:3"), ("order_lines", "lines.csv:5"),
        ("order_lines", "lines.csv:6"), ("orders", "orders.csv:3")]


def test_a_driver_that_cannot_read_only_is_one_sentence_naming_those_that_can(warehouse, tmp_path):
    config = write_data(tmp_path / "data")
    config.write_text(config.read_text().replace('customers: {files: {path: "customers.csv"}}', (
        'customers: {sql: {url: "mysql+mysqldb://reader:topsecret@127.0.0.1/crm", query: "SELECT 1"}}')))
    with pytest.raises(EtlError) as error:  # mysqlclient always allows several statements per call
        run_pipeline(ConfigSource(config), get_engine(warehouse))
    assert "inputs.customers.sql.url: 'mysql+mysqldb://reader:***@127.0.0.1/crm' uses mysql+mysqldb, which the ETL " \
           "cannot open read-only: use postgresql+psycopg://, mysql+pymysql:// (MySQL and MariaDB) or sqlite:///." \
           in str(error.value)
