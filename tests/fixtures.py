"""Tiny warehouses whose every number is worked out by hand.

The five-order fixture (January 2025, currency GBP):

| order | cust. | dept | kind   | lines: qty x price x (1 - discount) (cost)       | value | cost | delivery           |
|-------|-------|------|--------|--------------------------------------------------|-------|------|--------------------|
| O1    | C1    | D1   | sale   | P1 10 x 10 = 100 (60); P2 1 x 50 x 0.9 = 45 (30) |   145 |   90 | 2.0 days, on time  |
| O2    | C2    | D2   | sale   | P2 2 x 50 = 100 (60)                             |   100 |   60 | 5.0 days, late     |
| O3    | guest | D1   | sale   | P1 3 x 10 = 30 (18)                              |    30 |   18 | 1.5 days, on time  |
| O4    | C1    | D1   | return | P1 -2 x 10 = -20 (-12)                           |   -20 |  -12 | -                  |
| O5    | C2    | D2   | sale   | P1 5 x 10 x 0.8 = 40 (30)                        |    40 |   30 | not delivered yet  |

Revenue 315, returns -20, net revenue 295, COGS 186, gross margin 109 (36.95%); 4 sale orders; 2 active
customers (the guest sale counts in revenue, not in customers); 3 delivered, 2 on time (66.67%); mean cycle
time (2.0 + 5.0 + 1.5) / 3 = 2.8333 days. Net revenue by department: D1 155, D2 140. By category: A 150, B 145.
"""

import pandas as pd

from etl.sources import FrameSource

T = pd.Timestamp


def five_orders_frames() -> dict[str, pd.DataFrame]:
    """The canonical tables of the five-order fixture."""
    return {
        "departments": pd.DataFrame({"department_id": ["D1", "D2"], "name": ["Sales North", "Sales South"],
                                     "kind": ["sales", "sales"]}),
        "employees": pd.DataFrame({"employee_id": ["E1", "E2"], "name": ["Ann Smith", "Bob Jones"],
                                   "department_id": ["D1", "D2"], "role": ["Account Executive"] * 2,
                                   "manager_id": [None, None]}),
        "customers": pd.DataFrame({
            "customer_id": ["C1", "C2"], "name": ["Acme Ltd", "Beta plc"], "segment": ["Enterprise", "Consumer"],
            "country": ["United Kingdom"] * 2, "region": ["North", "South"], "city": ["Leeds", "London"],
            "latitude": [53.8, 51.5], "longitude": [-1.55, -0.13], "created_at": [T("2024-06-01"), T("2024-07-01")],
            "owner_id": ["E1", "E2"], "department_id": ["D1", "D2"]}),
        "products": pd.DataFrame({"product_id": ["P1", "P2"], "name": ["Widget", "Gadget"], "category": ["A", "B"],
                                  "unit_cost": [6.0, 30.0], "list_price": [10.0, 50.0]}),
        "orders": pd.DataFrame({
            "order_id": ["O1", "O2", "O3", "O4", "O5"],
            "customer_id": ["C1", "C2", None, "C1", "C2"],
            "department_id": ["D1", "D2", "D1", "D1", "D2"],
            "employee_id": ["E1", "E2", None, "E1", "E2"],
            "kind": ["sale", "sale", "sale", "return", "sale"],
            "status": ["delivered", "delivered", "delivered", "returned", "shipped"],
            "ordered_at": [T("2025-01-06 09:00"), T("2025-01-07 12:00"), T("2025-01-08 15:00"),
                           T("2025-01-15 10:00"), T("2025-01-20 08:00")],
            "promised_at": [T("2025-01-09 18:00"), T("2025-01-10 18:00"), T("2025-01-11 18:00"), None,
                            T("2025-01-23 18:00")],
            "shipped_at": [T("2025-01-07 09:00"), T("2025-01-09 12:00"), T("2025-01-09 08:00"), None,
                           T("2025-01-21 08:00")],
            "delivered_at": [T("2025-01-08 09:00"), T("2025-01-12 12:00"), T("2025-01-10 03:00"), None, None],
            "region": [None, None, "North", None, None],
        }),
        "order_lines": pd.DataFrame({
            "order_id": ["O1", "O1", "O2", "O3", "O4", "O5"], "line_no": [1, 2, 1, 1, 1, 1],
            "product_id": ["P1", "P2", "P2", "P1", "P1", "P1"], "quantity": [10, 1, 2, 3, -2, 5],
            "unit_price": [10.0, 50.0, 50.0, 10.0, 10.0, 10.0], "discount": [0.0, 0.1, 0.0, 0.0, 0.0, 0.2],
            "unit_cost": [6.0, 30.0, 30.0, 6.0, 6.0, 6.0]}),
    }


def five_orders_source(replace: bool = False) -> FrameSource:
    """The five-order fixture as a source (upserted unless ``replace``)."""
    return FrameSource("five-orders", five_orders_frames(), replace=replace, currency="GBP")


def full_frames() -> dict[str, pd.DataFrame]:
    """The five orders plus one or two rows of every other table, each figure worked out by hand:

    - invoices: INV1 (O1, 145, issued 7 Jan, paid 17 Jan: 10 days to pay, 10.625 days order to cash) and INV2
      (O2, 100, issued 9 Jan, unpaid). For 6-20 Jan: invoiced 245, open 0 at the start and 100 at the end,
      so DSO = (0 + 100) / 2 / 245 x 15 days = 3.06 days.
    - tickets: T1 (C2, late delivery: first response 2 h, resolved in 24 h), T2 (C1, billing: 4 h, open):
      first response 3.0 h on average, resolution 24.0 h, one still open.
    - purchase orders: PO1 (S1, lead 3.917 days, on time), PO2 (S2, lead 7.0 days, 3 days late), PO3 (open):
      average lead 5.458 days, supplier on time 50%, one open line.
    - stock on 19 and 20 Jan: P1 50 then 10 (reorder point 20), P2 0 then 8 (reorder point 5) at costs 6
      and 30: average stock value (300 + 0 + 60 + 240) / 2 = 300, one stock-out day, P1 under its reorder
      point on the 20th; turnover = 186 x 365 / 15 / 300 = 15.09 a year, 24 days of inventory.
    - deals: OP1 won (500, 10 days), OP2 lost (200, 5 days), OP3 open in Proposal without an amount (the
      product's list price 50 x 0.5), OP4 open in Negotiation (300 x 0.7): open value 350, weighted 235,
      win rate 50%, sales cycle 7.5 days; D1 wins 1 of 1, D2 0 of 1.
    """
    frames = five_orders_frames()
    frames["departments"] = pd.concat([frames["departments"], pd.DataFrame({
        "department_id": ["SUP", "PRC"], "name": ["Support", "Procurement"], "kind": ["support", "procurement"]})])
    frames["suppliers"] = pd.DataFrame({"supplier_id": ["S1", "S2"], "name": ["Sure Supply", "Slow Parts"],
                                        "country": ["United Kingdom", "China"]})
    frames["invoices"] = pd.DataFrame({
        "invoice_id": ["INV1", "INV2"], "order_id": ["O1", "O2"], "customer_id": ["C1", "C2"],
        "department_id": ["D1", "D2"], "issued_at": [T("2025-01-07"), T("2025-01-09")],
        "due_at": [T("2025-02-06"), T("2025-02-08")], "amount": [145.0, 100.0],
        "paid_at": [T("2025-01-17"), None], "paid_amount": [145.0, None]})
    frames["tickets"] = pd.DataFrame({
        "ticket_id": ["T1", "T2"], "customer_id": ["C2", "C1"], "order_id": ["O2", None],
        "department_id": ["SUP", "SUP"], "category": ["Late delivery", "Billing"], "priority": ["High", "Low"],
        "opened_at": [T("2025-01-12 13:00"), T("2025-01-15 09:00")],
        "first_response_at": [T("2025-01-12 15:00"), T("2025-01-15 13:00")],
        "resolved_at": [T("2025-01-13 13:00"), None], "satisfaction": [3.0, None]})
    frames["purchase_orders"] = pd.DataFrame({
        "po_id": ["PO1", "PO2", "PO3"], "line_no": [1, 1, 1], "supplier_id": ["S1", "S2", "S1"],
        "product_id": ["P1", "P2", "P2"], "department_id": ["PRC"] * 3, "quantity": [100.0, 10.0, 5.0],
        "unit_cost": [6.0, 30.0, 30.0],
        "ordered_at": [T("2025-01-06 10:00"), T("2025-01-07 10:00"), T("2025-01-15 10:00")],
        "expected_at": [T("2025-01-10 10:00"), T("2025-01-11 10:00"), T("2025-01-19 10:00")],
        "received_at": [T("2025-01-10 08:00"), T("2025-01-14 10:00"), None],
        "received_quantity": [100.0, 10.0, None]})
    frames["inventory"] = pd.DataFrame({
        "snapshot_date": [T("2025-01-19"), T("2025-01-19"), T("2025-01-20"), T("2025-01-20")],
        "product_id": ["P1", "P2", "P1", "P2"], "warehouse": ["Main"] * 4, "on_hand": [50.0, 0.0, 10.0, 8.0],
        "reorder_point": [20.0, 5.0, 20.0, 5.0]})
    frames["opportunities"] = pd.DataFrame({
        "opportunity_id": ["OP1", "OP2", "OP3", "OP4"], "customer_id": ["C1", "C2", "C1", "C2"],
        "owner_id": ["E1", "E2", "E1", "E2"], "department_id": ["D1", "D2", "D1", "D2"],
        "product_id": ["P2", "P1", "P2", "P1"], "stage": ["Won", "Lost", "Proposal", "Negotiation"],
        "amount": [500.0, 200.0, None, 300.0],
        "created_at": [T("2025-01-06"), T("2025-01-07"), T("2025-01-10"), T("2025-01-11")],
        "closed_at": [T("2025-01-16"), T("2025-01-12"), None, None], "is_won": [True, False, None, None]})
    frames["interactions"] = pd.DataFrame({
        "interaction_id": ["I1"], "customer_id": ["C1"], "employee_id": ["E1"], "department_id": ["D1"],
        "channel": ["Email"], "occurred_at": [T("2025-01-08 10:00")], "outcome": ["Positive"]})
    frames["social_mentions"] = pd.DataFrame({
        "mention_id": ["M1"], "platform": ["X"], "author": ["@acme"], "customer_id": ["C1"], "product_id": ["P1"],
        "department_id": ["D1"], "posted_at": [T("2025-01-13 12:00")], "text": ["Great widget"],
        "sentiment": [0.8]})
    return frames


def full_source() -> FrameSource:
    """Every table of the full fixture as a source."""
    return FrameSource("full", full_frames(), currency="GBP")


def deals_frames() -> dict[str, pd.DataFrame]:
    """The full fixture's deals and the dimensions they name, nothing else: a warehouse of deals only (CRM)."""
    return {table: frame for table, frame in full_frames().items()
            if table in ("departments", "employees", "customers", "products", "opportunities")}


def deals_source(frames: dict[str, pd.DataFrame] | None = None) -> FrameSource:
    """The deals of the full fixture (or ``frames`` made from them) as a source, in US dollars."""
    return FrameSource("crm", deals_frames() if frames is None else frames, currency="USD")


def calm_frames() -> dict[str, pd.DataFrame]:
    """The full fixture with nothing wrong: every purchase order received on time, every ticket resolved."""
    frames = full_frames()
    po, tickets = frames["purchase_orders"], frames["tickets"]
    po.loc[po["po_id"] == "PO3", ["received_at", "received_quantity"]] = [T("2025-01-18 10:00"), 5.0]
    tickets.loc[tickets["ticket_id"] == "T2", "resolved_at"] = T("2025-01-15 18:00")
    return frames


def incident_frames() -> dict[str, pd.DataFrame]:
    """The calm fixture plus one incident: Slow Parts (S2) is a week late with 50 Widgets (P1, PO4).

    With O6 (C1 orders 4 Widgets on 20 Jan, not shipped yet), Widgets sold over the 28 days to 20 Jan are
    13 + 4 = 17 in D1 and 5 in D2: 22 / 28 = 0.7857 a day. Two are on hand on the 20th, which lasts 2.55 days;
    the late order is assumed 7 more days away, so 0.7857 x 7 - 2 = 3.5 Widgets are short. At the list price
    of 10, D1 loses 3.5 x 17/22 x 10 = 27.05 of sales and holds 40 in O6 (67.05 at risk); D2 loses
    3.5 x 5/22 x 10 = 7.95. Revenue at risk: 75.00. Support is to tell C1 about O6.
    """
    frames = calm_frames()
    frames["orders"] = pd.concat([frames["orders"], pd.DataFrame({
        "order_id": ["O6"], "customer_id": ["C1"], "department_id": ["D1"], "employee_id": ["E1"], "kind": ["sale"],
        "status": ["open"], "ordered_at": [T("2025-01-20 12:00")], "promised_at": [T("2025-01-23 18:00")],
        "shipped_at": [None], "delivered_at": [None], "region": [None]})], ignore_index=True)
    frames["order_lines"] = pd.concat([frames["order_lines"], pd.DataFrame({
        "order_id": ["O6"], "line_no": [1], "product_id": ["P1"], "quantity": [4], "unit_price": [10.0],
        "discount": [0.0], "unit_cost": [6.0]})], ignore_index=True)
    frames["purchase_orders"] = pd.concat([frames["purchase_orders"], pd.DataFrame({
        "po_id": ["PO4"], "line_no": [1], "supplier_id": ["S2"], "product_id": ["P1"], "department_id": ["PRC"],
        "quantity": [50.0], "unit_cost": [6.0], "ordered_at": [T("2025-01-06 10:00")],
        "expected_at": [T("2025-01-13 10:00")], "received_at": [None], "received_quantity": [None]})],
        ignore_index=True)
    inventory = frames["inventory"]
    inventory.loc[(inventory["product_id"] == "P1") & (inventory["snapshot_date"] == T("2025-01-20")), "on_hand"] = 2.0
    frames["departments"] = pd.concat([frames["departments"], pd.DataFrame({
        "department_id": ["LOG"], "name": ["Logistics"], "kind": ["logistics"]})], ignore_index=True)
    return frames
