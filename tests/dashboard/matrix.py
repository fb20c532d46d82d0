"""What the page matrix runs: the pages, the warehouses, and the filters each warehouse offers a user."""

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import select, union

from dashboard.filters import DEPARTMENTS, PERIOD, REGIONS
from etl.db import get_engine
from etl.schema import mart_mentions, mart_opportunities, mart_order_fulfilment
from tests.warehouses import BUILDERS

PAGES = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "dashboard" / "views").glob("*.py"))
WAREHOUSES = list(BUILDERS)


def _days(url: str) -> list[date]:
    """Every day with an order, a deal event or a social mention, sorted."""
    f, o = mart_order_fulfilment, mart_opportunities
    statement = union(select(f.c.order_date.label("day")), select(o.c.created_date), select(o.c.closed_date),
                      select(mart_mentions.c.posted_date))
    engine = get_engine(url)
    with engine.connect() as conn:
        days = pd.to_datetime(pd.Series([r[0] for r in conn.execute(statement)]), format="ISO8601").dropna()
    return sorted({d.date() for d in days})


def _options(url: str, column) -> list[str]:
    with get_engine(url).connect() as conn:
        return sorted(v for (v,) in conn.execute(select(column).distinct()) if v is not None)


def busiest_department(url: str) -> str:
    """The department with the most orders (a manager's view worth testing)."""
    from sqlalchemy import func

    f = mart_order_fulfilment
    with get_engine(url).connect() as conn:
        return conn.execute(select(f.c.department_id).group_by(f.c.department_id)
                            .order_by(func.count().desc(), f.c.department_id).limit(1)).scalar()


def _gap(days: list[date]) -> tuple[date, date] | None:
    """The first run of days inside the data without any order or deal."""
    for before, after in zip(days, days[1:]):
        if (after - before).days > 1:
            return before + timedelta(days=1), after - timedelta(days=1)
    return None


def matrix_filters(url: str) -> list[tuple[str, dict]]:
    """(label, session state) per filter: the default view, each department, each region, a full year, a period
    without data (when the data has a gap) and a single day. The state resets what the previous filter set."""
    from etl.schema import departments, mart_customer_month

    days = _days(url)
    if not days:
        return [("default", {})]
    first, last = days[0], days[-1]
    reset = {DEPARTMENTS: [], REGIONS: []}
    default_period = (max(first, last - timedelta(days=89)), last)
    regions = sorted({r for column in (mart_order_fulfilment.c.region, mart_opportunities.c.region,
                                       mart_customer_month.c.region) for r in _options(url, column)})
    chosen = [("default", {})]
    chosen += [(f"dept={d}", {PERIOD: default_period, DEPARTMENTS: [d], REGIONS: []})
               for d in _options(url, departments.c.department_id)]
    chosen += [(f"region={r}", {PERIOD: default_period, DEPARTMENTS: [], REGIONS: [r]}) for r in regions]
    chosen.append(("full year", {PERIOD: (max(first, last - timedelta(days=364)), last), **reset}))
    gap = _gap(days)
    if gap:
        chosen.append((f"no data {gap[0]}..{gap[1]}", {PERIOD: gap, **reset}))
    chosen.append((f"single day {last}", {PERIOD: (last, last), **reset}))
    return chosen
