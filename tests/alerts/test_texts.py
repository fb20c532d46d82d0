"""Alert texts kept as facts: every template reads in English and Ukrainian with its numbers, money and dates
formatted for the reader; texts stored before the facts were kept read as stored; an older alert is rewritten as
facts when the engine next sees its condition."""

import string

import pytest
from sqlalchemy import select, update

from alerts.config import load_config
from alerts.engine import evaluate
from alerts.texts import TEMPLATES, Reader, Text, Wording, document, english, english_message, stock_cover
from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.schema import alert_events, alerts
from etl.sources import FrameSource
from i18n import _, speaking
from i18n.formats import alert_formats
from tests.fixtures import incident_frames

SAMPLES = {"int": 1234, "dec1": 2.345, "dec2": 0.7857, "g": 7.0, "money": 1234.5, "money_short": 12345.0,
           "signed_money": -1234.5, "percent0": 0.85, "percent1": 0.857, "day": "2025-01-13"}
SHOWN = {  # the samples as each reader sees them
    "plain": {"int": "1,234", "dec1": "2.3", "dec2": "0.79", "g": "7", "money": "GBP 1,234.50",
              "money_short": "GBP 12,345.00", "signed_money": "-1,234.50", "percent0": "85%", "percent1": "85.7%",
              "day": "13 Jan 2025"},
    "en": {"int": "1,234", "dec1": "2.3", "dec2": "0.79", "g": "7", "money": "£1,234", "money_short": "£12.3K",
           "signed_money": "-£1,234", "percent0": "85%", "percent1": "85.7%", "day": "13 Jan 2025"},
    "uk": {"int": "1\u00a0234", "dec1": "2,3", "dec2": "0,79", "g": "7", "money": "1\u00a0234\u00a0£",
           "money_short": "12,3\u00a0тис.\u00a0£", "signed_money": "-1\u00a0234\u00a0£", "percent0": "85%",
           "percent1": "85,7%", "day": "13 січ. 2025\u202fр."},
}


def sample(key: str) -> Text:
    """The template with a sample for every placeholder: numbers by their kind, data as 'Name-of-<placeholder>'."""
    template, kinds = TEMPLATES[key]
    names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    return Text(key, {n: SAMPLES[kinds[n]] if n in kinds else f"Name-of-{n}" for n in names})


def session_reader() -> Reader:
    return Reader(Wording(_, alert_formats("GBP")))


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_reads_in_both_languages_with_its_values_formatted(key):
    text = sample(key)
    message = document(text, text, [], "GBP")
    kinds = TEMPLATES[key][1]
    worded = {"plain": english(text, "GBP")}
    with speaking("en"):
        worded["en"] = session_reader().message(message)
    with speaking("uk"):
        worded["uk"] = session_reader().message(message)
    for reader, said in worded.items():
        for name, value in text.params.items():
            assert (SHOWN[reader][kinds[name]] if name in kinds else value) in said, (reader, name, said)
    assert worded["uk"] != worded["en"] and "{" not in worded["uk"]


def test_nested_texts_and_sentences_read_in_the_readers_language():
    cause = Text("stock_cover", {"stock": 2.0, "cover": 2.545, "per_day": 0.7857, "wait": 7.0})
    impact = Text("shortage_logistics", {"product": "Widget", "cause": cause, "units": 3.5})
    message = [Text("mentions_message", {"count": 6, "usual": 1.0}),
               Text("mentions_why_one", {"customers": 2, "late": 1, "days": 30, "ticketed": 1})]
    stored = document(Text("all_sales"), message, [impact], "GBP")
    assert english_message(stored) == ("6 negative mentions against 1.0 usually. Of the 2 customers who posted, 1 had "
                                       "a late delivery in the 30 days before and 1 has an open ticket.")
    with speaking("uk"):
        reader = session_reader()
        assert reader.impact(stored, 1, "stored") == (
            "Widget: запасу 2 од. вистачить на 2,5 дн. при 0,79 од. на день, а прострочене замовлення очікується ще "
            "через 7 дн.; бракуватиме близько 3,5 од.")
        assert reader.impact(stored, 0, "stored") == "усі продажі"
        assert reader.message(stored).startswith("Негативних згадок: 6 проти звичних 1,0. Клієнтів, які написали: 2;")


def test_texts_stored_before_the_facts_and_peoples_comments_read_as_stored():
    with speaking("uk"):
        reader = session_reader()
        assert reader.title("Late purchase order PO4", "Late purchase order PO4") == "Late purchase order PO4"
        assert reader.message("Expected 13 Jan 2025, 8 days late.") == "Expected 13 Jan 2025, 8 days late."
        assert reader.impact("plain message", 2, "tell Acme") == "tell Acme"
        assert reader.impact(document(Text("all_sales"), Text("check_in"), [], None), 3, "as stored") == "as stored"
        for typed in ('{"text": "nothing we know"}', "[1, 2]", "{not json", None):
            assert reader.comment(typed) == (typed or "")
            assert reader.message(typed) == (typed or "")


def test_an_alert_stored_as_plain_english_is_rewritten_as_facts_when_seen_again(sqlite_url):
    engine = get_engine(sqlite_url)
    run_pipeline(FrameSource("scenario", incident_frames(), currency="GBP"), engine)
    alert_id = evaluate(engine, load_config()).opened[0]
    with engine.begin() as conn:  # as an older version of the engine wrote it
        conn.execute(update(alerts).values(message="Expected 13 Jan 2025, 8 days late."))
    again = evaluate(engine, load_config())
    assert (again.opened, again.updated) == ([], 1)
    with engine.connect() as conn:
        message = conn.execute(select(alerts.c.message).where(alerts.c.alert_id == alert_id)).scalar_one()
        events = conn.execute(select(alert_events.c.action, alert_events.c.comment)
                              .order_by(alert_events.c.event_id)).all()
    assert english_message(message) == "Expected 13 Jan 2025, 8 days late."
    with speaking("uk"):
        assert session_reader().message(message) == "Очікувалося 13 січ. 2025\u202fр., запізнення 8 дн."
        assert [(a, session_reader().comment(c)) for a, c in events] == [
            ("opened", "Очікувалося 13 січ. 2025\u202fр., запізнення 8 дн."),
            ("updated", "Очікувалося 13 січ. 2025\u202fр., запізнення 8 дн.")]


@pytest.mark.parametrize(("stock", "per_day", "said"), [
    (0.0, 0.7857, "none on hand, selling 0.79 a day, and the late order is assumed 7 more days away"),
    (-3.0, 0.5, "none on hand, selling 0.50 a day, and the late order is assumed 7 more days away"),
    (1.0, 40.0, "1 on hand last less than a day at 40.00 a day, and the late order is assumed 7 more days away"),
    (2.0, 0.7857, "2 on hand last 2.5 days at 0.79 a day, and the late order is assumed 7 more days away"),
])
def test_stock_cover_reads_as_a_sentence_when_nothing_or_little_is_on_hand(stock, per_day, said):
    """Never '0 on hand last 0.0 days': no stock is 'none on hand', under a day's sales is 'less than a day'
    (2 / 0.7857 = 2.55 days, 1 / 40 = 0.025 days)."""
    assert english(stock_cover(stock, per_day, 7.0), "GBP") == said
