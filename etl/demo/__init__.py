"""The demo company: three years of a British office-technology distributor, deterministic per seed and end date.

``generate_demo`` returns every canonical table as a DataFrame whose columns match ``etl.schema``.
"""

from datetime import date, timedelta

import holidays
import numpy as np
import pandas as pd

from etl.demo import activity
from etl.demo.company import build_company
from etl.demo.simulation import Simulation, SupplierDelay, daily_intensity
from etl.schema import CANONICAL_TABLES

HISTORY_DAYS = 3 * 365
HOLIDAY_COUNTRY, HOLIDAY_SUBDIVISION = "GB", "ENG"


def promotion_days(rng: np.random.Generator, start: date, end: date) -> set[date]:
    """Four promotion weeks a year, at random Mondays of the history."""
    mondays = pd.date_range(start, end, freq="W-MON")
    chosen = rng.choice(len(mondays), size=min(len(mondays), 4 * (len(mondays) // 52 + 1)), replace=False)
    return {(mondays[i] + timedelta(days=k)).date() for i in chosen for k in range(7)}


def last_full_day() -> date:
    """Yesterday: the demo's history ends with the last complete day, so no event lies later than now."""
    return date.today() - timedelta(days=1)


def generate_demo(seed: int = 42, end_date: date | None = None, scale: float = 1.0,
                  incident: SupplierDelay | None = None) -> dict[str, pd.DataFrame]:
    """Every canonical table of the demo company, ordered as ``CANONICAL_TABLES``; ``incident`` makes one
    supplier deliver late (the scenario the alerts are tested on)."""
    end = end_date or last_full_day()
    start = end - timedelta(days=HISTORY_DAYS - 1)
    rng = np.random.default_rng(seed)
    company = build_company(rng, start, HISTORY_DAYS, scale)
    dates = pd.date_range(start, end, freq="D")
    bank_holidays = set(holidays.country_holidays(HOLIDAY_COUNTRY, subdiv=HOLIDAY_SUBDIVISION,
                                                  years=range(start.year, end.year + 1)))
    promotions = promotion_days(rng, start, end)
    simulation = Simulation(company, rng, start, end, scale, incident)
    simulation.run(daily_intensity(dates, bank_holidays, promotions), promotions)
    erp = simulation.tables()
    t_start, t_end = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(hours=23, minutes=59)
    orders = activity.finish_orders(erp["orders"], pd.Timestamp(end))
    return_orders, return_lines = activity.returns(rng, orders, erp["order_lines"], pd.Timestamp(end))
    orders = pd.concat([orders, return_orders], ignore_index=True).assign(country="United Kingdom")
    lines = pd.concat([erp["order_lines"], return_lines], ignore_index=True)
    tables = {
        "departments": company.departments, "employees": company.employees, "customers": company.customers,
        "products": company.products, "suppliers": company.suppliers, "orders": orders, "order_lines": lines,
        "invoices": activity.invoices(rng, orders, lines, company, t_end),
        "inventory": erp["inventory"], "purchase_orders": erp["purchase_orders"],
        "interactions": activity.interactions(rng, company, t_start, t_end),
        "opportunities": activity.opportunities(rng, company, t_start, t_end, scale),
        "tickets": activity.tickets(rng, orders, t_end),
        "social_mentions": activity.social_mentions(rng, company, orders, t_start, t_end, scale),
        "brands": activity.brands(),
    }
    return {t.name: tables[t.name][[c.name for c in t.columns]].reset_index(drop=True) for t in CANONICAL_TABLES}


__all__ = ["SupplierDelay", "generate_demo", "last_full_day"]
