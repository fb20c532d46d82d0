"""The demo company's daily operations: orders, stock, purchasing, deliveries and churn, simulated day by day.

Real causes are built in so the analytics have something true to find:
- a purchase order that arrives late empties the shelf, and sales of that product are lost while it is empty;
- orders with a product running low ship later, and the Christmas peak slows logistics down;
- late deliveries and unresolved tickets make a customer more likely to churn.
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from etl.demo.company import PROCUREMENT, SALES_DEPARTMENT, WAREHOUSE, Company

WEEKLY_PATTERN = np.array([1.15, 1.20, 1.15, 1.10, 1.00, 0.80, 0.60])
"""Relative order volume Monday..Sunday, normalised below to a mean of 1."""
WEEKLY_PATTERN = WEEKLY_PATTERN / WEEKLY_PATTERN.mean()
YEARLY_GROWTH = 0.12
HOLIDAY_FACTOR = 0.35
PROMOTION_LIFT, PROMOTION_DISCOUNT = 1.4, 0.15
GUEST_SHARE = 0.03
SAFETY_DAYS, ORDER_COVER_DAYS = 7, 40
PROMISE_DAYS = 3


def daily_intensity(dates: pd.DatetimeIndex, holidays: set[date], promotions: set[date]) -> np.ndarray:
    """Relative expected orders per day: trend x weekly x yearly pattern, holidays and promotions."""
    years = (dates - dates[0]).days.to_numpy() / 365.25
    yearly = 1 + 0.22 * np.cos(2 * np.pi * (dates.day_of_year.to_numpy() - 345) / 365.25)
    holiday = np.array([HOLIDAY_FACTOR if d in holidays else 1.0 for d in dates.date])
    promo = np.array([PROMOTION_LIFT if d in promotions else 1.0 for d in dates.date])
    return (1 + YEARLY_GROWTH) ** years * WEEKLY_PATTERN[dates.day_of_week.to_numpy()] * yearly * holiday * promo


@dataclass(frozen=True)
class SupplierDelay:
    """An injected incident: every purchase order placed with one supplier in the last weeks arrives late."""

    supplier_id: str
    days: int = 21
    recent_days: int = 60

    def hits(self, supplier_id: str, day: pd.Timestamp, end: date) -> bool:
        """Whether a purchase order to this supplier placed on this day is caught by the incident."""
        return supplier_id == self.supplier_id and (pd.Timestamp(end) - day).days < self.recent_days


@dataclass
class Ledger:
    """Arrays collected day by day while the simulation runs, turned into DataFrames at the end."""

    orders: list[dict[str, np.ndarray]] = field(default_factory=list)
    lines: list[dict[str, np.ndarray]] = field(default_factory=list)
    stock: list[np.ndarray] = field(default_factory=list)
    purchases: list[tuple] = field(default_factory=list)
    order_count: int = 0


class Simulation:
    """Day-by-day state of the company: who is still a customer, what is on the shelf, what is on order."""

    def __init__(self, company: Company, rng: np.random.Generator, start: date, end: date, scale: float,
                 incident: "SupplierDelay | None" = None):
        self.c, self.rng, self.start, self.end, self.scale = company, rng, start, end, scale
        self.incident = incident
        traits = company.customer_traits
        self.activity, self.join_day = traits["activity"].to_numpy(), traits["join_day"].to_numpy()
        self.churn_base = traits["churn_base"].to_numpy()
        self.enterprise = company.customers["segment"].to_numpy() == "Enterprise"
        self.product = company.products.merge(company.product_traits, on="product_id")
        self.popularity = self.product["popularity"].to_numpy()
        self.typical = self.product["typical_quantity"].to_numpy()
        self.lead = self.product["lead_days"].to_numpy()
        self.late_share = self.product["late_share"].to_numpy()
        self.active = np.ones(len(traits), dtype=bool)
        self.grievance = np.zeros(len(traits))
        self.ledger = Ledger()

    def run(self, intensity: np.ndarray, promotions: set[date]) -> None:
        """Simulate every day of the history."""
        dates = pd.date_range(self.start, self.end, freq="D")
        orders_per_day = intensity / intensity.sum() * 30_000 * self.scale
        self.demand_avg = orders_per_day.mean() * 3.0 * self.popularity * self.typical
        self.reorder_point = self.demand_avg * (self.lead + SAFETY_DAYS)
        self.on_hand = np.round(self.reorder_point + self.demand_avg * ORDER_COVER_DAYS / 2)
        self.open_po = np.zeros(len(self.product), dtype=bool)
        self.inbound: dict[int, list[tuple[int, float]]] = {}
        peak = ((dates.month == 12) & (dates.day <= 24)) | ((dates.month == 11) & (dates.day >= 20))
        for d, day in enumerate(dates):
            self._receive(d)
            self._sell(d, self.rng.poisson(orders_per_day[d]), day.date() in promotions, peak[d])
            self._reorder(d, day)
            self.ledger.stock.append(np.column_stack([self.on_hand, np.round(self.reorder_point)]))
            self._churn(d)

    def _sell(self, d: int, n_orders: int, promo: bool, peak: bool) -> None:
        candidates = np.flatnonzero((self.join_day <= d) & self.active)
        if n_orders == 0 or len(candidates) == 0:
            return
        weights = self.activity[candidates]
        who = self.rng.choice(candidates, n_orders, p=weights / weights.sum())
        order_idx, p, quantity = self._draw_lines(who)
        in_stock = self.on_hand[p] > 0  # an empty shelf loses the sale
        order_idx, p, quantity = order_idx[in_stock], p[in_stock], quantity[in_stock]
        np.subtract.at(self.on_hand, p, quantity)
        self.on_hand = np.maximum(self.on_hand, 0)
        sold = np.bincount(p, weights=quantity, minlength=len(self.on_hand))
        self.demand_avg = 0.97 * self.demand_avg + 0.03 * sold
        kept, order_idx = np.unique(order_idx, return_inverse=True)
        if len(kept) == 0:
            return
        low = np.zeros(len(kept), dtype=bool)
        np.logical_or.at(low, order_idx, self.on_hand[p] < 0.3 * self.reorder_point[p])
        number = self.ledger.order_count + np.arange(len(kept))
        self.ledger.orders.append(self._orders(d, number, who[kept], low, peak))
        self.ledger.lines.append({"order_no": number[order_idx], "p": p, "quantity": quantity,
                                  "discount": np.full(len(p), PROMOTION_DISCOUNT if promo else 0.0)})
        self.ledger.order_count += len(kept)

    def _draw_lines(self, who: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        per_order = 1 + self.rng.poisson(2.2, len(who))
        order_idx = np.repeat(np.arange(len(who)), per_order)
        p = self.rng.choice(len(self.popularity), len(order_idx), p=self.popularity)
        pairs = np.unique(order_idx * len(self.popularity) + p)  # one line per product and order
        order_idx, p = pairs // len(self.popularity), pairs % len(self.popularity)
        quantity = (1 + self.rng.poisson(self.typical[p] - 1)) * np.where(self.enterprise[who[order_idx]], 3, 1)
        return order_idx, p, quantity.astype(float)

    def _orders(self, d: int, number: np.ndarray, who: np.ndarray, low_stock: np.ndarray, peak: bool) -> dict:
        n, rng = len(number), self.rng
        ordered_h = rng.integers(8 * 60, 20 * 60, n) / 60
        ship_days = rng.integers(0, 2, n) + np.where(low_stock & (rng.random(n) < 0.5), rng.integers(1, 4, n), 0)
        ship_days += np.where(peak & (rng.random(n) < 0.35), rng.integers(1, 4, n), 0)
        transit = 1 + (rng.random(n) < 0.3) + np.where(rng.random(n) < 0.03, rng.integers(2, 6, n), 0)
        shipped_h = ordered_h + ship_days * 24 + rng.integers(1, 6, n)
        delivered_h = shipped_h + transit * 24 - rng.integers(0, 12, n)
        late = delivered_h > PROMISE_DAYS * 24 + 18
        ticket = rng.random(n) < 0.03 + 0.30 * late
        unresolved = ticket & (rng.random(n) < 0.10 + 0.15 * late)
        guest = rng.random(n) < GUEST_SHARE
        np.add.at(self.grievance, who[~guest], (late + 1.5 * unresolved)[~guest])
        return {"order_no": number, "day": np.full(n, d), "customer_idx": np.where(guest, -1, who),
                "guest_region": rng.integers(0, len(SALES_DEPARTMENT), n), "ordered_h": ordered_h,
                "shipped_h": shipped_h, "delivered_h": delivered_h, "late": late, "ticket": ticket,
                "unresolved": unresolved}

    def _receive(self, d: int) -> None:
        for p, quantity in self.inbound.pop(d, []):
            self.on_hand[p] += quantity
            self.open_po[p] = False

    def _reorder(self, d: int, day: pd.Timestamp) -> None:
        lead = self.lead
        self.reorder_point = self.demand_avg * (lead + SAFETY_DAYS)
        due = np.flatnonzero(~self.open_po & (self.on_hand <= self.reorder_point))
        for p in due:
            quantity = float(max(5, np.ceil(self.demand_avg[p] * ORDER_COVER_DAYS)))
            late = self.rng.random() < self.late_share[p]
            delay = int(self.rng.integers(7, 22)) if late else -int(self.rng.integers(0, 3))
            if self.incident and self.incident.hits(self.product["supplier_id"].iat[p], day, self.end):
                delay = self.incident.days
            arrival = d + int(lead[p]) + delay
            self.inbound.setdefault(arrival, []).append((p, quantity))
            self.open_po[p] = True
            self.ledger.purchases.append((d, day, p, quantity, int(lead[p]), arrival))

    def _churn(self, d: int) -> None:
        risk = self.churn_base / 30 * (1 + 2.5 * np.minimum(self.grievance, 3))
        joined = self.join_day <= d
        self.active &= ~(joined & (self.rng.random(len(risk)) < risk))
        self.grievance *= 0.97  # a grievance fades over about a month

    def tables(self) -> dict[str, pd.DataFrame]:
        """The ERP tables the simulation produced (orders carry extra columns the activity step uses)."""
        o = {k: np.concatenate([day[k] for day in self.ledger.orders]) for k in self.ledger.orders[0]}
        lines = pd.DataFrame({k: np.concatenate([day[k] for day in self.ledger.lines]) for k in self.ledger.lines[0]})
        customers = self.c.customers
        guest = o["customer_idx"] < 0
        idx = np.maximum(o["customer_idx"], 0)
        regions = np.array(list(SALES_DEPARTMENT))
        region = np.where(guest, regions[o["guest_region"]], customers["region"].to_numpy()[idx])
        day0 = pd.Timestamp(self.start) + pd.to_timedelta(o["day"], unit="D")
        hours = {k: pd.to_timedelta(np.round(o[f"{k}_h"] * 60), unit="min")
                 for k in ("ordered", "shipped", "delivered")}
        order_ids = np.array([f"SO-{i + 1:07d}" for i in range(len(o["order_no"]))])
        orders = pd.DataFrame({
            "order_id": order_ids,
            "customer_id": np.where(guest, None, customers["customer_id"].to_numpy()[idx]),
            "customer_idx": o["customer_idx"],
            "department_id": pd.Series(region).map(SALES_DEPARTMENT).to_numpy(),
            "employee_id": np.where(guest, None, customers["owner_id"].to_numpy()[idx]),
            "region": region, "ordered_at": day0 + hours["ordered"],
            "promised_at": day0 + pd.Timedelta(days=PROMISE_DAYS, hours=18),
            "shipped_at": day0 + hours["shipped"], "delivered_at": day0 + hours["delivered"],
            "late": o["late"], "ticket": o["ticket"], "unresolved": o["unresolved"],
        })
        lines["order_id"] = order_ids[lines["order_no"]]
        lines["line_no"] = lines.groupby("order_no").cumcount() + 1
        lines = lines.assign(
            product_id=self.product["product_id"].to_numpy()[lines["p"]],
            unit_price=self.product["list_price"].to_numpy()[lines["p"]],
            unit_cost=self.product["unit_cost"].to_numpy()[lines["p"]],
        )
        return {"orders": orders, "order_lines": lines, "inventory": self._inventory(),
                "purchase_orders": self._purchase_orders()}

    def _inventory(self) -> pd.DataFrame:
        stock = np.stack(self.ledger.stock)  # day x product x (on_hand, reorder_point)
        days, products = stock.shape[:2]
        return pd.DataFrame({
            "snapshot_date": np.repeat(pd.date_range(self.start, periods=days, freq="D").date, products),
            "product_id": np.tile(self.product["product_id"].to_numpy(), days),
            "warehouse": WAREHOUSE,
            "on_hand": stock[:, :, 0].ravel(),
            "reorder_point": stock[:, :, 1].ravel(),
        })

    def _purchase_orders(self) -> pd.DataFrame:
        raw = pd.DataFrame(self.ledger.purchases, columns=["d", "day", "p", "quantity", "lead", "arrival"])
        raw["supplier_id"] = self.product["supplier_id"].to_numpy()[raw["p"]]
        raw = raw.sort_values(["d", "supplier_id", "p"], ignore_index=True)
        po_number = raw.groupby(["d", "supplier_id"], sort=False).ngroup() + 1
        start = pd.Timestamp(self.start)
        ordered = raw["day"] + pd.Timedelta(hours=10)
        received = start + pd.to_timedelta(raw["arrival"], unit="D") + pd.Timedelta(hours=14)
        arrived = received <= pd.Timestamp(self.end) + pd.Timedelta(hours=23)
        return pd.DataFrame({
            "po_id": [f"PO-{n:06d}" for n in po_number],
            "line_no": raw.groupby(po_number).cumcount() + 1,
            "supplier_id": raw["supplier_id"],
            "product_id": self.product["product_id"].to_numpy()[raw["p"]],
            "department_id": PROCUREMENT,
            "quantity": raw["quantity"],
            "unit_cost": self.product["unit_cost"].to_numpy()[raw["p"]],
            "ordered_at": ordered,
            "expected_at": raw["day"] + pd.to_timedelta(raw["lead"], unit="D") + pd.Timedelta(hours=17),
            "received_at": received.where(arrived),
            "received_quantity": raw["quantity"].where(arrived),
        })

