"""The demo company's static side: departments, staff, regions, customers, products and suppliers.

A British distributor of office technology with four regional sales teams. Everything is drawn from one
seeded random generator, so the same seed gives the same company.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from faker import Faker

REGIONS = {  # region -> (share of customers, cities with coordinates)
    "South": (0.40, {"London": (51.507, -0.128), "Brighton": (50.822, -0.137), "Southampton": (50.904, -1.404),
                     "Bristol": (51.454, -2.588), "Reading": (51.454, -0.973)}),
    "North": (0.25, {"Manchester": (53.481, -2.243), "Leeds": (53.801, -1.549), "Newcastle": (54.978, -1.618),
                     "Liverpool": (53.408, -2.992), "Sheffield": (53.381, -1.470)}),
    "Midlands": (0.20, {"Birmingham": (52.486, -1.890), "Nottingham": (52.954, -1.158),
                        "Leicester": (52.637, -1.135), "Coventry": (52.407, -1.512), "Derby": (52.923, -1.476)}),
    "Scotland": (0.15, {"Glasgow": (55.864, -4.252), "Edinburgh": (55.953, -3.189), "Aberdeen": (57.150, -2.094),
                        "Dundee": (56.462, -2.971), "Inverness": (57.478, -4.224)}),
}
SALES_DEPARTMENT = {region: f"SAL-{region[:3].upper()}" for region in REGIONS}
SUPPORT, MARKETING, LOGISTICS, PROCUREMENT, FINANCE = "SUP", "MKT", "LOG", "PRC", "FIN"
STAFF = {  # department -> (name, kind, head count)
    **{dept: (f"Sales {region}", "sales", 6) for region, dept in SALES_DEPARTMENT.items()},
    MARKETING: ("Marketing", "marketing", 3),
    SUPPORT: ("Customer Support", "support", 6),
    LOGISTICS: ("Logistics", "logistics", 3),
    PROCUREMENT: ("Procurement", "procurement", 2),
    FINANCE: ("Finance", "finance", 2),
}
SEGMENTS = {  # segment -> (share, relative order frequency, monthly churn base rate, days to pay)
    "Consumer": (0.50, 0.6, 0.030, 14),
    "Small Business": (0.35, 1.2, 0.018, 30),
    "Enterprise": (0.15, 2.5, 0.010, 45),
}
CATEGORIES = {  # category -> (price range in GBP, products, typical quantity)
    "Laptops": ((450, 2200), 22, 1.5),
    "Monitors": ((120, 900), 20, 2.0),
    "Printers": ((90, 1500), 16, 1.2),
    "Networking": ((30, 800), 20, 2.5),
    "Storage": ((40, 600), 18, 2.5),
    "Accessories": ((8, 120), 24, 4.0),
    "Software": ((25, 700), 15, 3.0),
    "Office Furniture": ((80, 950), 15, 1.5),
}
BRANDS = ["Apex", "Northwind", "Corvid", "Lumen", "Tessel", "Brightway", "Quill", "Stratus"]
SUPPLIER_NAMES = [
    ("Kestrel Components", "Taiwan"), ("Harbour Electronics", "United Kingdom"), ("Vantage Devices", "China"),
    ("Orion Peripherals", "Germany"), ("Clearline Networks", "United States"), ("Mosaic Storage", "Japan"),
    ("Pinecrest Software", "Ireland"), ("Oakform Furniture", "Poland"), ("Summit Print Systems", "Japan"),
    ("Riverside Supplies", "United Kingdom"), ("Helix Digital", "South Korea"), ("Meridian Office", "Netherlands"),
]
WAREHOUSE = "Central DC"


@dataclass
class Company:
    """The static tables plus the latent traits the simulation needs (not loaded into the warehouse)."""

    departments: pd.DataFrame
    employees: pd.DataFrame
    customers: pd.DataFrame
    products: pd.DataFrame
    suppliers: pd.DataFrame
    customer_traits: pd.DataFrame  # activity weight, churn base, pay delay, join day index
    product_traits: pd.DataFrame  # popularity, typical quantity, supplier lead time and lateness


def build_company(rng: np.random.Generator, start: date, days: int, scale: float) -> Company:
    """Draw the whole static company for a history of ``days`` days starting at ``start``."""
    fake = Faker("en_GB")
    fake.seed_instance(int(rng.integers(0, 2**31)))
    departments = pd.DataFrame(
        [(dept, name, kind) for dept, (name, kind, _) in STAFF.items()],
        columns=["department_id", "name", "kind"],
    )
    employees = _employees(fake)
    suppliers = pd.DataFrame(
        [(f"S-{i + 1:02d}", name, country) for i, (name, country) in enumerate(SUPPLIER_NAMES)],
        columns=["supplier_id", "name", "country"],
    )
    products, product_traits = _products(rng, suppliers)
    customers, customer_traits = _customers(rng, fake, employees, start, days, scale)
    return Company(departments, employees, customers, products, suppliers, customer_traits, product_traits)


def _employees(fake: Faker) -> pd.DataFrame:
    rows = []
    for dept, (name, kind, head_count) in STAFF.items():
        manager_id = f"E-{len(rows) + 1:03d}"
        for i in range(head_count):
            role = f"Head of {name}" if i == 0 else {"sales": "Account Executive"}.get(kind, f"{name} Specialist")
            rows.append((f"E-{len(rows) + 1:03d}", fake.name(), dept, role, None if i == 0 else manager_id))
    return pd.DataFrame(rows, columns=["employee_id", "name", "department_id", "role", "manager_id"])


def _products(rng: np.random.Generator, suppliers: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, traits = [], []
    supplier_ids = suppliers["supplier_id"].to_numpy()
    lead_days = rng.integers(5, 22, len(supplier_ids))
    late_share = rng.uniform(0.04, 0.30, len(supplier_ids))
    for c, (category, ((low, high), count, quantity)) in enumerate(CATEGORIES.items()):
        own_suppliers = [c % len(supplier_ids), (c + 8) % len(supplier_ids)]
        for _ in range(count):
            pid = f"P-{len(rows) + 1:03d}"
            price = round(float(np.exp(rng.uniform(np.log(low), np.log(high)))), 2)
            cost = round(price * float(rng.uniform(0.55, 0.78)), 2)
            name = f"{rng.choice(BRANDS)} {category.rstrip('s')} {rng.integers(100, 999)}"
            rows.append((pid, name, category, cost, price))
            s = int(rng.choice(own_suppliers))
            traits.append((pid, float(rng.lognormal(0, 0.8)) / np.sqrt(price / low), quantity,
                           supplier_ids[s], int(lead_days[s]), float(late_share[s])))
    products = pd.DataFrame(rows, columns=["product_id", "name", "category", "unit_cost", "list_price"])
    product_traits = pd.DataFrame(
        traits, columns=["product_id", "popularity", "typical_quantity", "supplier_id", "lead_days", "late_share"]
    )
    product_traits["popularity"] /= product_traits["popularity"].sum()
    return products, product_traits


def _customers(
    rng: np.random.Generator, fake: Faker, employees: pd.DataFrame, start: date, days: int, scale: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = max(int(round(2000 * scale)), 20)
    region_names = list(REGIONS)
    region = rng.choice(region_names, n, p=[REGIONS[r][0] for r in region_names])
    segment_names = list(SEGMENTS)
    segment = rng.choice(segment_names, n, p=[SEGMENTS[s][0] for s in segment_names])
    # 35% were customers before the history starts; the rest join over it, more of them later (growth).
    join_day = np.where(rng.random(n) < 0.35, -rng.integers(1, 700, n), (days * np.sqrt(rng.random(n))).astype(int))
    rows = []
    reps = employees[employees["role"] == "Account Executive"].groupby("department_id")["employee_id"].apply(list)
    for i in range(n):
        city, (lat, lon) = list(REGIONS[region[i]][1].items())[rng.integers(0, 5)]
        dept = SALES_DEPARTMENT[region[i]]
        name = fake.name() if segment[i] == "Consumer" else fake.company()
        created = pd.Timestamp(start + timedelta(days=int(join_day[i]))) + pd.Timedelta(hours=int(rng.integers(8, 18)))
        rows.append((f"C-{i + 1:05d}", name, segment[i], "United Kingdom", region[i], city,
                     round(lat + rng.normal(0, 0.04), 5), round(lon + rng.normal(0, 0.06), 5), created,
                     rng.choice(reps[dept]), dept))
    customers = pd.DataFrame(rows, columns=["customer_id", "name", "segment", "country", "region", "city",
                                            "latitude", "longitude", "created_at", "owner_id", "department_id"])
    traits = pd.DataFrame({
        "customer_id": customers["customer_id"],
        "activity": rng.gamma(2.0, 0.5, n) * np.array([SEGMENTS[s][1] for s in segment]),
        "churn_base": [SEGMENTS[s][2] for s in segment],
        "pay_days": np.array([SEGMENTS[s][3] for s in segment]) + np.where(rng.random(n) < 0.12, 25, 0),
        "join_day": join_day,
    })
    return customers, traits
