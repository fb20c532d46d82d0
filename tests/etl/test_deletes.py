"""Rows deleted at the source: with `deletes: detect` they leave the warehouse with their dependants, counted as
deleted; without it they stay (docs/sources.md); more than 10% of a table needs --allow-deletes; a soft-delete
column deletes the rows it marks; an incremental input compares only the rows from its previous cursor on."""

from pathlib import Path

import pytest
from sqlalchemy import select

from etl.db import get_engine
from etl.errors import EtlError
from etl.pipeline import describe, run_pipeline, stored_cursors
from etl.schema import etl_run_tables, order_lines, orders
from etl.sources.configured import ConfigSource

SHOP = """
name: shop
currency: GBP
inputs:
  orders: {files: {path: orders.csv}DELETES}
  lines: {files: {path: lines.csv}}
tables:
  departments: {rows: [{department_id: D1, name: Sales, kind: sales}]}
  orders:
    input: orders
    columns: {order_id: id, department_id: {value: D1}, kind: {value: sale}, status: status, ordered_at: at}
  order_lines:
    input: lines
    columns: {order_id: order, line_no: line, product_id: {value: P1}, quantity: qty, unit_price: price,
              discount: {value: 0}, unit_cost: {value: 6}}
  products: {rows: [{product_id: P1, name: Widget, category: A, unit_cost: 6, list_price: 10}]}
"""
ORDERS = {f"O{i}": f"2025-01-{i:02d} 10:00" for i in range(1, 21)}  # twenty orders, one line each


def shop(folder: Path, kept: dict[str, str], deletes: str = "", statuses: dict[str, str] | None = None
         ) -> ConfigSource:
    """The shop's export: the orders in ``kept`` (id -> time) and their lines; ``deletes``: the input's extra keys."""
    folder.mkdir(exist_ok=True)
    statuses = statuses or {}
    (folder / "orders.csv").write_text("id,status,at\n" + "".join(
        f"{i},{statuses.get(i, 'delivered')},{at}\n" for i, at in kept.items()))
    (folder / "lines.csv").write_text("order,line,qty,price\n" + "".join(f"{i},1,2,10\n" for i in kept))
    (folder / "shop.yaml").write_text(SHOP.replace("DELETES", deletes))
    return ConfigSource(folder / "shop.yaml", cursors=stored_cursors(get_engine(f"sqlite:///{folder}/w.db"), "shop")
                        if "cursor" in deletes else None)


def held(url: str) -> tuple[list[str], int]:
    with get_engine(url).connect() as conn:
        ids = sorted(conn.execute(select(orders.c.order_id)).scalars(), key=lambda i: int(i[1:]))
        lines = len(conn.execute(select(order_lines.c.order_id)).all())
    return ids, lines


def deleted_counts(url: str, run_id: int) -> dict[str, int]:
    with get_engine(url).connect() as conn:
        rows = conn.execute(select(etl_run_tables.c.table_name, etl_run_tables.c.rows_deleted)
                            .where(etl_run_tables.c.run_id == run_id)).all()
    return {name: n for name, n in rows if n}


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'w.db'}"


def test_an_order_deleted_at_the_source_leaves_with_its_lines_and_is_counted(tmp_path, url):
    folder = tmp_path / "data"
    run_pipeline(shop(folder, ORDERS, ", deletes: detect"), get_engine(url))
    later = {i: at for i, at in ORDERS.items() if i != "O7"}  # O7 was deleted in the shop's database
    summary = run_pipeline(shop(folder, later, ", deletes: detect"), get_engine(url))
    assert held(url) == ([i for i in ORDERS if i != "O7"], 19)
    assert summary.rows_deleted == 2 and deleted_counts(url, 2) == {"orders": 1, "order_lines": 1}
    assert ", 2 deleted, in " in describe(summary)


def test_without_detect_a_deleted_row_stays(tmp_path, url):
    folder = tmp_path / "data"
    run_pipeline(shop(folder, ORDERS), get_engine(url))
    summary = run_pipeline(shop(folder, {i: at for i, at in ORDERS.items() if i != "O7"}), get_engine(url))
    assert held(url) == (list(ORDERS), 20) and summary.rows_deleted == 0


def test_deleting_more_than_a_tenth_of_a_table_must_be_asked_for(tmp_path, url):
    folder = tmp_path / "data"
    run_pipeline(shop(folder, ORDERS, ", deletes: detect"), get_engine(url))
    partial = dict(list(ORDERS.items())[:15])  # a partial export: 5 of 20 orders missing (25%)
    with pytest.raises(EtlError) as refused:
        run_pipeline(shop(folder, partial, ", deletes: detect"), get_engine(url))
    assert str(refused.value) == (
        "This run would delete 5 rows of orders's 20 (25%): the source no longer gives them or marks them deleted. "
        "Nothing was changed: check that the source is complete (not a partial export), or pass --allow-deletes to "
        "delete them.")
    assert held(url) == (list(ORDERS), 20)  # the warehouse as it was
    summary = run_pipeline(shop(folder, partial, ", deletes: detect"), get_engine(url), allow_deletes=True)
    assert held(url) == (list(partial), 15) and summary.rows_deleted == 10


def test_a_soft_delete_column_deletes_the_rows_it_marks(tmp_path, url):
    folder = tmp_path / "data"
    run_pipeline(shop(folder, ORDERS), get_engine(url))
    soft = ", deleted_when: [{column: status, equals: deleted}]"
    summary = run_pipeline(shop(folder, ORDERS, soft, statuses={"O3": "deleted"}), get_engine(url))
    assert held(url) == ([i for i in ORDERS if i != "O3"], 19)  # O3's line goes with it
    assert deleted_counts(url, 2) == {"orders": 1, "order_lines": 1} and summary.rows_deleted == 2


def test_an_incremental_input_compares_only_rows_from_its_previous_cursor_on(tmp_path, url):
    """Loaded up to O20 (20 Jan 10:00, the cursor), the shop then deletes O19 and O20 and takes O21: the next run
    reads the export from the cursor on, so O20 (inside that window) is deleted and O19 (before it) is kept."""
    folder = tmp_path / "data"
    run_pipeline(shop(folder, ORDERS, ", cursor: at, deletes: detect"), get_engine(url))
    assert stored_cursors(get_engine(url), "shop") == {"orders": "2025-01-20T10:00:00"}
    later = {i: at for i, at in ORDERS.items() if i not in ("O19", "O20")} | {"O21": "2025-01-21 10:00"}
    summary = run_pipeline(shop(folder, later, ", cursor: at, deletes: detect"), get_engine(url))
    assert held(url) == ([*[i for i in ORDERS if i != "O20"], "O21"], 20)
    assert deleted_counts(url, 2) == {"orders": 1, "order_lines": 1} and summary.rows_deleted == 2


@pytest.mark.postgres
def test_on_postgresql_too(tmp_path, postgres_url):
    folder = tmp_path / "data"
    run_pipeline(shop(folder, ORDERS, ", deletes: detect"), get_engine(postgres_url))
    later = {i: at for i, at in ORDERS.items() if i != "O7"}
    summary = run_pipeline(shop(folder, later, ", deletes: detect"), get_engine(postgres_url))
    assert held(postgres_url) == ([i for i in ORDERS if i != "O7"], 19)
    assert summary.rows_deleted == 2 and deleted_counts(postgres_url, 2) == {"orders": 1, "order_lines": 1}
