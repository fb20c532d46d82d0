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
