"""What follows from the simulated orders: returns, invoices, support tickets, CRM activity, social mentions.

Each is drawn from the orders, so causes carry through: late deliveries raise tickets, returns and negative
mentions; unresolved tickets leave unhappy customers.
"""

import numpy as np
import pandas as pd

from etl.demo.company import LOGISTICS, MARKETING, SUPPORT, Company

STAGES = ["Prospecting", "Qualification", "Proposal", "Negotiation"]
CHANNELS = ["Email", "Phone", "Meeting", "Video call"]
OUTCOMES = ["Positive", "Neutral", "No answer", "Follow-up booked"]
PLATFORMS = ["X", "Facebook", "Instagram", "Trustpilot", "Reddit"]
OWN_BRAND = "Northdesk"
BRANDS = {OWN_BRAND: 1.0, "OfficeHub": 0.7, "DeskDirect": 0.45}  # brand -> relative volume of background mentions
TEMPLATES = {  # tone -> (text, topic)
    "positive": [("Really happy with my new {p}, arrived quickly.", "Delivery"),
                 ("Great service from the team, {p} works perfectly.", "Service"),
                 ("Second order this year, the {p} is excellent value.", "Price"),
                 ("Smooth ordering and fast delivery. Recommended.", "Delivery"),
                 ("Love the {p}, brilliant quality.", "Product")],
    "neutral": [("Ordered a {p}, we will see how it goes.", "Product"),
                ("Does anyone know if the {p} supports USB-C?", "Product"),
                ("Comparing suppliers for a {p}, any advice?", "Price"),
                ("Is there a trade discount on the {p}?", "Price")],
    "negative": [("Still waiting for my {p}, delivery promised days ago.", "Delivery"),
                 ("Delivery late again. Not impressed.", "Delivery"),
                 ("Support has not answered my ticket about the {p}.", "Service"),
                 ("Order arrived late and nobody told me why.", "Delivery"),
                 ("The {p} broke after a week, poor quality.", "Product")],
}
UKRAINIAN = {  # tone -> for each English template above, in the same place, Ukrainian ones written for the project
    "positive": [["Дуже задоволений новим товаром {p}, доставили швидко.", "Замовлення {p} прийшло швидко, дякую!"],
                 ["Чудовий сервіс, команда допомогла, {p} працює ідеально.",
                  "Менеджер усе пояснив, {p} працює бездоганно."],
                 ["Друге замовлення цього року, {p} вартий своїх грошей.", "Вигідна ціна на {p}, рекомендую."],
                 ["Зручне оформлення і швидка доставка. Рекомендую.", "Доставка вчасна, все ціле, дякую."],
                 ["Обожнюю {p}, якість відмінна.", "{p} — якісна річ, дуже приємно користуватися."]],
    "neutral": [["Замовив {p}, подивимось, як себе покаже.", "Сьогодні замовила {p} для офісу."],
                ["Хтось знає, чи {p} підтримує USB-C?", "Підкажіть, чи є {p} у чорному кольорі?"],
                ["Порівнюю постачальників для {p}, що порадите?", "Шукаю, де замовити {p} для команди."],
                ["Чи є оптова знижка на {p}?", "Скільки коштує доставка {p} до Манчестера?"]],
    "negative": [["Досі чекаю на {p}, доставку обіцяли кілька днів тому.", "Замовлення {p} досі не прийшло."],
                 ["Доставка знову запізнилася. Дуже розчарований.", "Кур'єр знову не приїхав вчасно, жах."],
                 ["Підтримка не відповідає на моє звернення щодо {p}.", "Ніхто не відповідає на скаргу про {p}."],
                 ["Замовлення приїхало із запізненням, і ніхто не пояснив чому.",
                  "Доставку затримали без жодного попередження."],
                 ["{p} зламався за тиждень, погана якість.", "{p} прийшов пошкоджений, якість жахлива."]],
}
UKRAINIAN_SHARE = 0.3  # of the mentions: the company's Ukrainian-speaking customers write in Ukrainian
TOPIC_DEPARTMENT = {"Delivery": LOGISTICS, "Service": SUPPORT}  # other topics belong to marketing


def finish_orders(orders: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Set each sale order's status and blank the events that lie after the end of the history."""
    horizon = end + pd.Timedelta(days=1)
    orders = orders.assign(kind="sale")
    orders["shipped_at"] = orders["shipped_at"].where(orders["shipped_at"] < horizon)
    orders["delivered_at"] = orders["delivered_at"].where(orders["delivered_at"] < horizon)
    orders["status"] = np.select(
        [orders["delivered_at"].notna(), orders["shipped_at"].notna()], ["delivered", "shipped"], "open")
    return orders


def returns(rng: np.random.Generator, orders: pd.DataFrame, lines: pd.DataFrame, end: pd.Timestamp):
    """Return orders with negative quantities: 3% of delivered orders, 9% when the delivery was late."""
    delivered = orders[orders["status"] == "delivered"]
    chosen = delivered[rng.random(len(delivered)) < 0.03 + 0.06 * delivered["late"]]
    returned_at = chosen["delivered_at"] + pd.to_timedelta(rng.integers(2, 30, len(chosen)), unit="D")
    chosen = chosen.assign(ordered_at=returned_at)[returned_at < end + pd.Timedelta(days=1)]
    first_lines = lines[lines["line_no"] == 1].set_index("order_id").loc[chosen["order_id"]].reset_index()
    return_ids = [f"RO-{i + 1:07d}" for i in range(len(chosen))]
    return_orders = chosen.assign(
        order_id=return_ids, kind="return", status="returned", promised_at=pd.NaT, shipped_at=pd.NaT,
        delivered_at=pd.NaT, late=False, ticket=False, unresolved=False)
    quantity = -np.minimum(first_lines["quantity"].to_numpy(), rng.integers(1, 3, len(chosen)))
    return_lines = first_lines.assign(order_id=return_ids, line_no=1, quantity=quantity)
    return return_orders, return_lines


def invoices(rng: np.random.Generator, orders: pd.DataFrame, lines: pd.DataFrame, company: Company,
             end: pd.Timestamp) -> pd.DataFrame:
    """One invoice per shipped sale order; customers pay after their usual delay, some never by the end."""
    shipped = orders[(orders["kind"] == "sale") & orders["shipped_at"].notna()]
    value = lines.assign(v=lines["quantity"] * lines["unit_price"] * (1 - lines["discount"]))
    amount = value.groupby("order_id")["v"].sum().reindex(shipped["order_id"]).to_numpy()
    pay_days = company.customer_traits["pay_days"].to_numpy()
    usual = np.where(shipped["customer_idx"] >= 0, pay_days[shipped["customer_idx"].clip(lower=0)], 0)
    issued = shipped["shipped_at"].dt.normalize() + pd.Timedelta(hours=9)
    paid = issued + pd.to_timedelta(np.maximum(0, usual + rng.normal(0, 6, len(shipped))).round(), unit="D")
    on_record = paid <= end + pd.Timedelta(hours=23)
    return pd.DataFrame({
        "invoice_id": [f"INV-{i + 1:07d}" for i in range(len(shipped))],
        "order_id": shipped["order_id"].to_numpy(), "customer_id": shipped["customer_id"].to_numpy(),
        "department_id": shipped["department_id"].to_numpy(), "issued_at": issued.to_numpy(),
        "due_at": (issued + pd.Timedelta(days=30)).to_numpy(), "amount": amount.round(2),
        "paid_at": paid.where(on_record).to_numpy(), "paid_amount": np.where(on_record, amount.round(2), np.nan),
    })


def tickets(rng: np.random.Generator, orders: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Support tickets for the orders the simulation marked, opened after the promised or actual delivery."""
    t = orders[orders["ticket"] & orders["customer_id"].notna()]
    n = len(t)
    anchor = t["delivered_at"].fillna(t["promised_at"]).fillna(t["ordered_at"])
    opened = anchor + pd.to_timedelta(rng.integers(2, 72, n), unit="h")
    first = opened + pd.to_timedelta(rng.gamma(2.0, 4.0, n).round(2), unit="h")
    resolved = first + pd.to_timedelta(rng.gamma(2.0, 1.5, n).round(2), unit="D")
    category = np.where(t["late"], "Late delivery", rng.choice(["Damaged item", "Billing", "Product question"], n))
    unresolved = t["unresolved"].to_numpy() | (resolved > end).to_numpy()
    keep = (opened <= end).to_numpy()
    satisfaction = np.clip(np.round(4.3 - 1.2 * t["late"] - 2.0 * unresolved + rng.normal(0, 0.6, n)), 1, 5)
    frame = pd.DataFrame({
        "ticket_id": [f"T-{i + 1:06d}" for i in range(n)], "customer_id": t["customer_id"].to_numpy(),
        "order_id": t["order_id"].to_numpy(), "department_id": SUPPORT, "category": category,
        "priority": np.where(t["late"], "High", rng.choice(["Low", "Medium"], n)),
        "opened_at": opened.to_numpy(), "first_response_at": first.where(first <= end).to_numpy(),
        "resolved_at": resolved.where(~unresolved).to_numpy(),
        "satisfaction": np.where(unresolved, np.nan, satisfaction),
    })
    return frame[keep].reset_index(drop=True)


def interactions(rng: np.random.Generator, company: Company, start: pd.Timestamp, end: pd.Timestamp):
    """Account managers' calls, e-mails and meetings: about eight a customer a year while they are customers."""
    c = company.customers
    span_days = (end - start).days
    joined = np.clip(company.customer_traits["join_day"].to_numpy(), 0, span_days)
    per_customer = rng.poisson(8 * (span_days - joined) / 365.25)
    idx = np.repeat(np.arange(len(c)), per_customer)
    day = joined[idx] + (rng.random(len(idx)) * (span_days - joined[idx])).astype(int)
    occurred = start + pd.to_timedelta(day, unit="D") + pd.to_timedelta(rng.integers(8 * 60, 18 * 60, len(idx)),
                                                                          unit="min")
    return pd.DataFrame({
        "interaction_id": [f"I-{i + 1:07d}" for i in range(len(idx))],
        "customer_id": c["customer_id"].to_numpy()[idx], "employee_id": c["owner_id"].to_numpy()[idx],
        "department_id": c["department_id"].to_numpy()[idx], "channel": rng.choice(CHANNELS, len(idx)),
        "occurred_at": occurred, "outcome": rng.choice(OUTCOMES, len(idx), p=[0.35, 0.35, 0.15, 0.15]),
    }).sort_values("occurred_at", ignore_index=True).assign(
        interaction_id=lambda f: [f"I-{i + 1:07d}" for i in range(len(f))])


def opportunities(rng: np.random.Generator, company: Company, start: pd.Timestamp, end: pd.Timestamp,
                  scale: float) -> pd.DataFrame:
    """The B2B pipeline: deals with business customers; closed ones won or lost, recent ones still open."""
    business = company.customers[company.customers["segment"] != "Consumer"]
    n = int(1500 * scale)
    pick = business.iloc[rng.integers(0, len(business), n)]
    product = company.products.iloc[rng.integers(0, len(company.products), n)]
    created = start + pd.to_timedelta(rng.random(n) * (end - start).days, unit="D")
    cycle = pd.to_timedelta(rng.gamma(3.0, 15.0, n).round(), unit="D")
    closed = created + cycle
    is_closed = np.asarray(closed <= end)
    enterprise = (pick["segment"] == "Enterprise").to_numpy()
    won = rng.random(n) < np.where(enterprise, 0.38, 0.52)
    amount = product["list_price"].to_numpy() * rng.integers(5, 60, n) * np.where(enterprise, 3, 1)
    return pd.DataFrame({
        "opportunity_id": [f"OP-{i + 1:06d}" for i in range(n)], "customer_id": pick["customer_id"].to_numpy(),
        "owner_id": pick["owner_id"].to_numpy(), "department_id": pick["department_id"].to_numpy(),
        "product_id": product["product_id"].to_numpy(),
        "stage": np.where(is_closed, np.where(won, "Won", "Lost"), rng.choice(STAGES, n)),
        "amount": amount.round(2), "created_at": created.to_numpy().astype("datetime64[s]"),
        "closed_at": closed.where(is_closed).to_numpy().astype("datetime64[s]"),
        "is_won": np.where(is_closed, won, None),
    })


def social_mentions(rng: np.random.Generator, company: Company, orders: pd.DataFrame, start: pd.Timestamp,
                    end: pd.Timestamp, scale: float) -> pd.DataFrame:
    """Mentions online of the company and two competitors: a steady background, plus complaints that follow late
    deliveries and open tickets. The social team labels a fifth of the own brand's mentions and answers most."""
    days = (end - start).days + 1
    n_background = rng.poisson(2.0 * scale * days * sum(BRANDS.values()))
    posted_bg = start + pd.to_timedelta(rng.random(n_background) * days, unit="D")
    brand = rng.choice(list(BRANDS), n_background, p=np.array(list(BRANDS.values())) / sum(BRANDS.values()))
    tone = rng.choice(["positive", "neutral", "negative"], n_background, p=[0.55, 0.35, 0.10])
    unhappy = orders[(orders["late"] | orders["unresolved"]) & orders["customer_id"].notna()]
    unhappy = unhappy[rng.random(len(unhappy)) < 0.15]
    posted_bad = unhappy["promised_at"] + pd.to_timedelta(rng.integers(12, 120, len(unhappy)), unit="h")
    products = company.products["name"].to_numpy()
    frame = pd.DataFrame({
        "customer_id": np.concatenate([np.full(n_background, None), unhappy["customer_id"].to_numpy()]),
        "posted_at": np.concatenate([posted_bg.to_numpy(), posted_bad.to_numpy()]).astype("datetime64[s]"),
        "tone": np.concatenate([tone, np.full(len(unhappy), "negative")]),
        "brand": np.concatenate([brand, np.full(len(unhappy), OWN_BRAND)]),
    })
    product_idx = rng.integers(0, len(products), len(frame))
    picked = [(t, rng.integers(0, len(TEMPLATES[t]))) for t in frame["tone"]]
    said = [TEMPLATES[t][i] for t, i in picked]
    texts = in_ukrainian([text for text, _ in said], picked, len(frame))
    frame["text"] = [f"{text.format(p=products[i])} @{b.replace(' ', '')}" for text, i, b
                     in zip(texts, product_idx, frame["brand"])]
    frame["topic"] = [topic for _, topic in said]
    frame["product_id"] = company.products["product_id"].to_numpy()[product_idx]
    frame = frame[frame["posted_at"] <= end].sort_values("posted_at", ignore_index=True)
    return _where_and_who(rng, company, frame, end)


def in_ukrainian(texts: list[str], picked: list[tuple[str, int]], n: int) -> list[str]:
    """The templates with UKRAINIAN_SHARE of them swapped for a Ukrainian one of the same tone and topic. Drawn from
    a generator of its own (seeded by the number of mentions), so the rest of the demo stays as it was."""
    own = np.random.default_rng([23, n])
    ukrainian, variant = own.random(n) < UKRAINIAN_SHARE, own.integers(0, 2, n)
    return [UKRAINIAN[tone][i][v] if uk else text
            for text, (tone, i), uk, v in zip(texts, picked, ukrainian, variant)]


def _where_and_who(rng: np.random.Generator, company: Company, frame: pd.DataFrame, end: pd.Timestamp):
    """Authors, departments, people's labels on a sample, replies, and coordinates (the customer's city, or a
    third of the others somewhere in the UK)."""
    n, own = len(frame), (frame["brand"] == OWN_BRAND).to_numpy()
    labelled = own & (rng.random(n) < 0.2)
    replied_at = frame["posted_at"] + pd.to_timedelta(rng.gamma(2.0, 3.0, n).round(2), unit="h")
    replied = own & (rng.random(n) < 0.7) & (replied_at <= end).to_numpy()
    places = company.customers.set_index("customer_id")[["latitude", "longitude"]]
    known = places.reindex(frame["customer_id"])
    anywhere = places.sample(n, replace=True, random_state=rng).to_numpy() + rng.normal(0, 0.05, (n, 2))
    located = frame["customer_id"].notna().to_numpy() | (rng.random(n) < 0.33)
    latitude = np.where(frame["customer_id"].notna(), known["latitude"].to_numpy(), anywhere[:, 0])
    longitude = np.where(frame["customer_id"].notna(), known["longitude"].to_numpy(), anywhere[:, 1])
    return frame.assign(
        mention_id=[f"M-{i + 1:07d}" for i in range(n)], platform=rng.choice(PLATFORMS, n),
        author=[f"@user{int(x)}" for x in rng.integers(1000, 99999, n)],
        department_id=frame["topic"].map(TOPIC_DEPARTMENT).fillna(MARKETING),
        label=frame["tone"].where(labelled), label_source=np.where(labelled, "person", None),
        label_confidence=np.where(labelled, 1.0, np.nan), sentiment=np.nan,
        latitude=np.where(located, latitude, np.nan).round(4), longitude=np.where(located, longitude, np.nan).round(4),
        location=None, author_timezone="Europe/London", language=None,  # the ETL detects it from the text
        first_response_at=replied_at.where(replied),
    ).drop(columns="tone")


def brands() -> pd.DataFrame:
    """The tracked brands: the company itself and its two competitors."""
    return pd.DataFrame({"brand": list(BRANDS), "is_own": [b == OWN_BRAND for b in BRANDS]})
