"""Social mentions on top of the full fixture (tests/fixtures.py), every figure worked out by hand.

Brands: Acme (own) and Rival; M8 names no brand (Unbranded, not tracked). People labelled M1-M6; M7 and M8
have no label, and with six labelled mentions (under 30) the lexicon scores them.

| id | brand  | posted       | label (by)        | dept | customer | topic         | reply after | place        |
|----|--------|--------------|-------------------|------|----------|---------------|-------------|--------------|
| M1 | Acme   | 13 Jan 12:00 | positive (person) | D1   | C1       |               | 2 h         | 53.8, -1.55  |
| M2 | Acme   | 14 Jan 09:00 | negative 0.8      | SUP  | C2       | Late delivery | 4 h         | 51.5, -0.13  |
| M3 | Acme   | 15 Jan 10:00 | negative 1.0      | SUP  |          | Late delivery |             | [0, 0] -> -  |
| M4 | Acme   | 16 Jan 11:00 | neutral           | D1   |          |               | 6 h         |              |
| M5 | Rival  | 14 Jan 15:00 | positive          | D2   |          | Price         |             |              |
| M6 | Rival  | 15 Jan 16:00 | negative 0.6      | D2   |          | Price         |             |              |
| M7 | Acme   | 17 Jan 09:00 | (lexicon)         | D1   |          |               |             |              |
| M8 | -      | 17 Jan 10:00 | (lexicon)         | D2   |          |               |             |              |

M7 "I love this widget, brilliant!" reads positive, M8 "Terrible, awful experience." negative.
All 8 mentions: Acme 5 (positive M1 M7, negative M2 M3, neutral M4), Rival 2, Unbranded 1; tracked 7.
Share of voice Acme = 5 / 7 = 71.4%; net sentiment Acme = (2 - 2) / 5 = 0.0%; brand health 2 / 4 = 50.0%.
First response (Acme): (2 + 4 + 6) / 3 = 4.0 h, 3 of 5 answered. Most negative: M3 (-1.0), then M2 (-0.8).
Department D1 only: M1, M4, M7 (all Acme): share of voice 100%, net sentiment 2 / 3 = 66.7%, health 100%.
"""

import pandas as pd

from etl.sources import FrameSource
from tests.fixtures import full_frames

T = pd.Timestamp


def social_frames() -> dict[str, pd.DataFrame]:
    """The full fixture with the eight mentions above and the brands table."""
    frames = full_frames()
    frames["brands"] = pd.DataFrame({"brand": ["Acme", "Rival"], "is_own": [True, False]})
    frames["social_mentions"] = pd.DataFrame({
        "mention_id": [f"M{i}" for i in range(1, 9)], "platform": ["X"] * 8,
        "author": ["@c1", "@c2", "@anna", "@bob", "@cy", "@di", "@ed", "<b>@fi</b>"],
        "customer_id": ["C1", "C2", None, None, None, None, None, None], "product_id": [None] * 8,
        "department_id": ["D1", "SUP", "SUP", "D1", "D2", "D2", "D1", "D2"],
        "posted_at": [T("2025-01-13 12:00"), T("2025-01-14 09:00"), T("2025-01-15 10:00"), T("2025-01-16 11:00"),
                      T("2025-01-14 15:00"), T("2025-01-15 16:00"), T("2025-01-17 09:00"), T("2025-01-17 10:00")],
        "text": ["Great widget @Acme", "Still waiting, delivery late again @Acme", "Order late, **awful** service",
                 "Ordered a widget from Acme", "Rival has fair prices", "Rival prices went up",
                 "I love this widget, brilliant!", "Terrible, awful experience. <script>alert(1)</script>"],
        "sentiment": [None] * 8,
        "label": ["positive", "negative", "negative", "neutral", "positive", "negative", None, None],
        "label_source": ["person"] * 6 + [None, None], "label_confidence": [1.0, 0.8, 1.0, 1.0, 1.0, 0.6, None, None],
        "brand": ["Acme", "Acme", "Acme", "Acme", "Rival", "Rival", "Acme", None],
        "topic": [None, "Late delivery", "Late delivery", None, "Price", "Price", None, None],
        "latitude": [53.8, 51.5, None, None, None, None, None, None],
        "longitude": [-1.55, -0.13, None, None, None, None, None, None],
        "first_response_at": [T("2025-01-13 14:00"), T("2025-01-14 13:00"), None, T("2025-01-16 17:00"),
                              None, None, None, None],
    })
    return frames


def social_source() -> FrameSource:
    """The social fixture as a source."""
    return FrameSource("social", social_frames(), currency="GBP")


def spike_frames() -> dict[str, pd.DataFrame]:
    """The incident-free full fixture plus nine weeks of Acme mentions ending on 20 Jan 2025 (the data day):
    one negative a week for the 8 weeks before 14 Jan (8, usually 1.0 a week), then 6 negatives in 14-20 Jan,
    by C1 (3: C1 has the open ticket T2 and no late delivery) and C2 (3: C2's O2 arrived late on 12 Jan, within
    30 days). 6 >= 5 and 6 > 2 x 1.0: a spike. Sales: D1 (C1) bought 145 - 20 = 125 in the last year, D2 (C2)
    100 + 40 = 140."""
    frames = full_frames()
    frames["brands"] = pd.DataFrame({"brand": ["Acme"], "is_own": [True]})
    before = [T("2025-01-14 12:00") - pd.Timedelta(weeks=w) for w in range(1, 9)]
    spike = [T("2025-01-14 12:00") + pd.Timedelta(days=d) for d in range(6)]
    frames["social_mentions"] = pd.DataFrame({
        "mention_id": [f"S{i:02d}" for i in range(14)], "platform": "X", "author": "@someone",
        "customer_id": [None] * 8 + ["C1", "C2"] * 3, "product_id": None, "department_id": "D1",
        "posted_at": before + spike, "text": "Late again", "label": "negative", "label_source": "person",
        "label_confidence": 1.0, "brand": "Acme"})
    return frames


def multilingual_frames() -> dict[str, pd.DataFrame]:
    """The social fixture with languages: M4 and M6 say Ukrainian ('uk', 'UK-ua'); the rest give none, so the ETL
    detects English from their texts. Ukrainian only: M4 (Acme, neutral) and M6 (Rival, negative): 2 mentions,
    share of voice Acme 1 / 2 = 50.0%, net sentiment Acme (0 - 0) / 1 = 0.0%."""
    frames = social_frames()
    frames["social_mentions"]["language"] = [None, None, None, "uk", None, "UK-ua", None, None]
    return frames
