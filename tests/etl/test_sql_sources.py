"""The worked example of docs/sources.md: a sample company's MariaDB/MySQL database mapped with a YAML config
(tests/etl/sql_example), loaded, and its revenue, orders and deliveries compared with MariaDB's own sums."""

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from etl.pipeline import run_pipeline
from etl.schema import customers, employees, mart_daily_sales, mart_order_fulfilment, orders
from etl.sources.configured import ConfigSource
from tests.conftest import skip_or_fail

EXAMPLE = Path(__file__).resolve().parent / "sql_example"
MYSQL_ADMIN_URL = os.environ.get("TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")


@pytest.fixture
def company_url():
    """A uniquely named MariaDB database holding the sample company, dropped after the test."""
    admin = create_engine(MYSQL_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"company_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE `{name}`"))
    except Exception as error:  # the server is not there
        admin.dispose()
        skip_or_fail(f"MariaDB/MySQL is not reachable at {MYSQL_ADMIN_URL} ({type(error).__name__})")
    url = MYSQL_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    company = create_engine(url)
    with company.begin() as conn:
        for statement in (EXAMPLE / "company.sql").read_text().split(";"):
            body = "\n".join(line for line in statement.splitlines() if not line.startswith("--")).strip()
            if body:
                conn.exec_driver_sql(body)
    yield url
    company.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
    admin.dispose()


def test_a_mysql_company_loads_with_its_revenue_orders_and_deliveries(company_url, sqlite_engine):
    summary = run_pipeline(ConfigSource(EXAMPLE / "company.yaml", variables={"company_url": company_url}),
                           sqlite_engine)
    assert summary.status == "success" and summary.rows_rejected == 0, summary.warning
    with create_engine(company_url).connect() as conn:  # MariaDB's own figures, cancelled orders left out
        revenue = float(conn.execute(text(
            "SELECT SUM(d.quantityOrdered * d.priceEach) FROM orderdetails d JOIN orders o USING (orderNumber) "
            "WHERE o.status <> 'Cancelled'")).scalar())
        placed = conn.execute(text("SELECT COUNT(*) FROM orders WHERE status <> 'Cancelled'")).scalar()
    assert revenue == pytest.approx(2440.5 + 400 + 1805 + 450 + 190 + 1023 + 615.3)
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(func.sum(mart_daily_sales.c.net_revenue))).scalar() == pytest.approx(revenue)
        f = mart_order_fulfilment
        sale = conn.execute(select(func.count(), func.count().filter(f.c.is_delivered),
                                   func.count().filter(f.c.is_on_time)).where(f.c.kind == "sale")).one()
        assert tuple(sale) == (placed, 2, 1)  # 10100 on time, 10101 late; 10103 was shipped but is cancelled
        assert conn.execute(select(orders.c.status).where(orders.c.order_id == "10103")).scalar() == "cancelled"
        # nullable integer keys arrive from SQL as floats: stored as the keys they are
        assert conn.execute(select(employees.c.manager_id).where(employees.c.employee_id == "1370")).scalar() \
            == "1002"
        owners = dict(conn.execute(select(customers.c.customer_id, customers.c.owner_id)).all())
    assert owners == {"103": "1370", "112": "1165", "119": "1401", "125": None}
