"""Source configs on small files made here: every quirk handled, every config mistake one clear sentence."""

import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from etl.db import get_engine, has_table
from etl.errors import EtlError
from etl.pipeline import run_pipeline
from etl.schema import customers, orders, rejected_rows
from etl.sources.configured import ConfigSource

CONFIG = """
name: shop
currency: EUR
inputs:
  sales:
    files: {path: "sales*.csv", delimiter: ";", decimal: ","}
    table: orders
    reject:
      - when: [{column: Nr, startswith: X}]
        reason: test order
tables:
  departments:
    rows: [{department_id: D, name: Shop, kind: sales}]
  customers:
    input: sales
    distinct_on: [Kunde]
    where: [{column: Kunde, empty: false}]
    columns:
      customer_id: {column: Kunde, id: true}
      name: {template: "Kunde {Kunde}", id: true}
      department_id: {value: D}
  orders:
    input: sales
    columns:
      order_id: Nr
      customer_id: {column: Kunde, id: true}
      department_id: {value: D}
      kind: {default: sale, cases: [{when: [{column: Nr, startswith: R}], then: return}]}
      status: {column: Status, map: {geliefert: delivered, offen: open}, default: unknown}
      ordered_at: {column: Datum, format: "%d.%m.%Y %H:%M"}
"""


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def shop(tmp_path) -> Path:
    """A German shop export: semicolons, decimal commas, a byte-order mark, CRLF, two files, a bad date."""
    write(tmp_path, "shop.yaml", CONFIG)
    write(tmp_path, "sales-1.csv", "\ufeffNr;Kunde;Status;Datum;Betrag\r\n"
                                   "A1;17850.0;geliefert;03.01.2025 10:15;1.234,50\r\n"
                                   "A2;;offen;04.01.2025 11:00;99,90\r\n")
    write(tmp_path, "sales-2.csv", "\ufeffNr;Kunde;Status;Datum;Betrag\r\n"
                                   "R3;17850.0;geliefert;05.01.2025 09:00;-10,00\r\n"
                                   "A4;12000.0;storniert;31.02.2025 09:00;5,00\r\n"
                                   "X5;12000.0;offen;06.01.2025 09:00;1,00\r\n")
    return tmp_path


def test_a_german_export_loads_with_its_quirks(shop, sqlite_engine):
    summary = run_pipeline(ConfigSource(shop / "shop.yaml"), sqlite_engine)
    with sqlite_engine.connect() as conn:
        loaded = {r.order_id: r for r in conn.execute(select(orders)).all()}
        people = dict(conn.execute(select(customers.c.customer_id, customers.c.name)).all())
        rejected = conn.execute(select(rejected_rows.c.source_ref, rejected_rows.c.reason,
                                       rejected_rows.c.payload)).all()
    assert sorted(loaded) == ["A1", "A2", "R3"]
    assert loaded["A1"].customer_id == "17850" and loaded["A2"].customer_id is None  # '17850.0', guest
    assert loaded["R3"].kind == "return" and loaded["A1"].status == "delivered"
    assert str(loaded["A1"].ordered_at) == "2025-01-03 10:15:00"
    assert people == {"17850": "Kunde 17850", "12000": "Kunde 12000"}
    assert sorted((ref, reason) for ref, reason, _ in rejected) == [
        ("sales-2.csv:3", "ordered_at: cannot read '31.02.2025 09:00' with the date format %d.%m.%Y %H:%M"),
        ("sales-2.csv:4", "test order"),
    ]
    assert json.loads(rejected[0].payload)["Betrag"] in {"5,00", "1,00"}
    stats = {s.table: s for s in summary.tables}
    assert (stats["orders"].read, stats["orders"].loaded, stats["orders"].rejected) == (5, 3, 2)


def test_decimal_comma_numbers_and_tab_separated_files(tmp_path, sqlite_engine):
    write(tmp_path, "p.yaml", """
name: catalogue
inputs:
  items: {files: {path: items.tsv, decimal: ","}}
tables:
  products:
    input: items
    columns: {product_id: id, category: cat, list_price: price, unit_cost: cost}
""")
    write(tmp_path, "items.tsv", "id\tcat\tprice\tcost\nP1\tA\t1.234,56\t 7,5 \nP2\tB\t\t0,99\n")
    run_pipeline(ConfigSource(tmp_path / "p.yaml"), sqlite_engine)
    with sqlite_engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT product_id, list_price, unit_cost FROM products ORDER BY 1").all()
    assert rows == [("P1", 1234.56, 7.5), ("P2", None, 0.99)]


def test_excel_files_load_like_csv(tmp_path, sqlite_engine):
    write(tmp_path, "x.yaml", """
name: excel
inputs:
  sheet: {files: {path: depts.xlsx, sheet: Teams}}
tables:
  departments:
    input: sheet
    columns: {department_id: Code, name: Name, kind: {column: Kind, map: {Vertrieb: sales}}}
""")
    pd.DataFrame({"Code": ["N", "S"], "Name": ["North", "South"], "Kind": ["Vertrieb", "other"]}).to_excel(
        tmp_path / "depts.xlsx", sheet_name="Teams", index=False)
    run_pipeline(ConfigSource(tmp_path / "x.yaml"), sqlite_engine)
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT * FROM departments ORDER BY 1").all() == [
            ("N", "North", "sales"), ("S", "South", "other")]


@pytest.mark.parametrize(("change", "message"), [
    (("Datum", "Date"), "key 'columns.ordered_at.column' names the column 'Date', which the input does not have"),
    (("sales*.csv", "exports/*.csv"), "inputs.sales.files.path: no file matches 'exports/*.csv' in"),
    (("  orders:\n    input: sales", "  orders:\n    input: sale"), "tables.orders.input names 'sale', which is not "
                                                                    "under 'inputs'"),
    (("decimal: \",\"", "decimals: \",\""), "unknown key 'decimals' in inputs.sales.files: did you mean 'decimal'? See "
                                           "docs/sources.md."),
    (("      department_id: {value: D}\n  orders:", "      dept: {value: D}\n  orders:"),
     "key 'columns.dept' is not a column of the warehouse table customers"),
])
def test_config_mistakes_stop_before_anything_is_written(shop, sqlite_engine, change, message):
    config = shop / "shop.yaml"
    config.write_text(CONFIG.replace(*change))
    with pytest.raises(EtlError) as error:
        run_pipeline(ConfigSource(config), sqlite_engine)
    assert message in str(error.value)
    assert str(config) in str(error.value)
    if has_table(sqlite_engine, "orders"):  # the mistake may be found before the schema is even created
        with sqlite_engine.connect() as conn:
            assert conn.execute(select(orders)).all() == []


def test_a_bad_database_url_names_the_key(tmp_path, sqlite_engine):
    write(tmp_path, "s.yaml", """
name: erp
inputs:
  q: {sql: {url: "nosuchdb://x", query: "SELECT 1"}}
tables:
  departments: {input: q, columns: {department_id: {value: D}, name: {value: D}, kind: {value: sales}}}
""")
    with pytest.raises(EtlError, match=r"inputs\.q\.sql\.url: 'nosuchdb://x' is not a usable database URL"):
        run_pipeline(ConfigSource(tmp_path / "s.yaml"), sqlite_engine)


def test_sql_inputs_read_any_sqlalchemy_database(tmp_path, sqlite_engine):
    erp = get_engine(f"sqlite:///{tmp_path / 'erp.db'}")
    with erp.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE teams (code TEXT, label TEXT)")
        conn.exec_driver_sql("INSERT INTO teams VALUES ('T1', 'Team one'), ('T2', 'Team two')")
    write(tmp_path, "s.yaml", f"""
name: erp
variables: {{erp_url: "sqlite:///{tmp_path / 'erp.db'}"}}
inputs:
  q: {{sql: {{url: "${{erp_url}}", query: "SELECT code, label FROM teams ORDER BY code"}}}}
tables:
  departments: {{input: q, columns: {{department_id: code, name: label, kind: {{value: sales}}}}}}
""")
    run_pipeline(ConfigSource(tmp_path / "s.yaml"), sqlite_engine)
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT department_id, name FROM departments").all() == [
            ("T1", "Team one"), ("T2", "Team two")]
    write(tmp_path, "t.yaml", (tmp_path / "s.yaml").read_text().replace("${erp_url}", "${other}"))
    with pytest.raises(EtlError, match=r"the placeholder \$\{other\} has no value: define it under 'variables'"):
        ConfigSource(tmp_path / "t.yaml")


def test_the_documented_example_is_a_valid_config(tmp_path, monkeypatch):
    from etl.sources.config import read_config

    doc = (Path(__file__).resolve().parents[2] / "docs" / "sources.md").read_text()
    example = doc.split("## A complete example\n\n```yaml\n", 1)[1].split("```", 1)[0]
    write(tmp_path, "example.yaml", example)
    monkeypatch.setenv("ERP_PASSWORD", "s3cret")
    config = read_config(tmp_path / "example.yaml", {"data_dir": str(tmp_path)})
    assert config.inputs["teams"].sql.url == "postgresql+psycopg://reader:s3cret@erp.internal/erp"
    assert list(config.tables) == ["departments", "customers", "orders", "order_lines"]


@pytest.mark.parametrize(("block", "message"), [
    ("  employees:\n    input: staff\n    colums: {employee_id: id, name: name, department_id: dept}\n",
     "unknown key 'colums' in tables.employees: did you mean 'columns'?"),
    ("  employees:\n    - input: staff\n      columns: {employee_id: {colum: id}, name: name, department_id: dept}\n",
     "unknown key 'colum' in tables.employees.0.columns.employee_id: did you mean 'column'?"),
    ("  employees:\n    input: staff\n    columns: {employee_id: id, name: name, department_id: dept}\n"
     "timestamp: {days_ahead: 3}\n", "unknown key 'timestamp' at the top level: did you mean 'timestamps'?"),
    ("  employees:\n    input: staff\n    columns: {employee_id: id, name: name, department_id: dept}\n"
     "timestamps: {zzz: 3}\n", "unknown key 'zzz' in timestamps: the keys allowed there are days_ahead, earliest, "
                               "planned_days_ahead."),
])
def test_a_mistyped_key_is_named_with_the_key_it_should_be(tmp_path, block, message):
    """Pydantic's 'Extra inputs are not permitted' becomes one sentence naming the file, the key, where it stands
    and the closest key allowed there (difflib)."""
    from etl.sources.config import read_config

    config = tmp_path / "staff.yaml"
    config.write_text("name: staff\ninputs:\n  staff: {files: {path: staff.csv}}\ntables:\n" + block)
    with pytest.raises(EtlError) as error:
        read_config(config, {})
    assert str(error.value) == f"{config}: {message} See docs/sources.md."
