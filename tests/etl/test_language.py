"""A mention's language: detected offline (langdetect, seeded, with the dictionary check), given sentences worked
out by hand; the source's code normalised; stored in social_mentions and mart_mentions by the ETL."""

import pandas as pd
import pytest
from sqlalchemy import text

from etl.db import get_engine
from etl.language import detect, detect_languages, fill_languages, normal_code
from etl.pipeline import run_pipeline
from etl.sources import FrameSource
from tests.social_fixtures import multilingual_frames, social_frames

SENTENCES = {
    "Доставка не дуже швидка": "uk",  # langdetect alone: Bulgarian 0.57 / Russian 0.43; the words say Ukrainian
    "Дуже задоволений якістю товару, рекомендую!": "uk",
    "Кур’єр привіз посилку вчасно": "uk",  # a typographic apostrophe inside a word
    "Чи є оптова знижка на Apex Office Furniture 735?": "uk",  # more Latin letters than Cyrillic, fewer words
    "Хтось знає, чи Corvid Office Furniture 369 підтримує USB-C?": "uk",  # more Latin words, all of them names
    "Спасибо большое, всё отлично": "ru",
    "Доставката беше много бърза": "bg",
    "The delivery was late again and nobody answered": "en",
    "Order late, **awful** service": "en",  # langdetect alone: Romanian
    "Terrible, awful experience. <script>alert(1)</script>": "en",  # langdetect alone: French
    "Livraison très lente, service nul": "fr",
    "Die Lieferung kam zu spät": "de",
    "Kurier spóźnił się dwa dni": "pl",
}


@pytest.mark.parametrize(("sentence", "language"), SENTENCES.items())
def test_the_language_of_given_sentences(sentence, language):
    assert detect(sentence) == language


@pytest.mark.parametrize("sentence", ["", None, "ok", "Привіт", "12345 67890", "@Acme https://t.co/x 👍", "Так!"])
def test_a_text_too_short_to_tell_has_no_language(sentence):
    assert detect(sentence) is None  # langdetect alone reads "ok" as Slovak


def test_detection_repeats_and_runs_once_per_distinct_text():
    texts = pd.Series(["Доставка не дуже швидка", None, "Доставка не дуже швидка", "ok", "Rival prices went up"])
    first, again = detect_languages(texts), detect_languages(texts)
    assert first.tolist() == again.tolist() == ["uk", None, "uk", None, "en"]


def test_the_sources_code_is_kept_and_normalised_and_the_rest_detected():
    frame = pd.DataFrame({"text": ["Rival prices went up", "Ціна завищена, не раджу", "whatever", None],
                          "language": [None, None, "EN-gb", "uk_UA"]})
    assert fill_languages(frame)["language"].tolist() == ["en", "uk", "en", "uk"]
    assert fill_languages(frame.drop(columns="language"))["language"].tolist() == ["en", "uk", None, None]
    assert [normal_code(v) for v in ("PL", "pt-BR", "", None)] == ["pl", "pt", None, None]


def test_the_etl_stores_the_language_in_the_mentions_and_the_mart(sqlite_url):
    engine = get_engine(sqlite_url)
    run_pipeline(FrameSource("social", multilingual_frames(), currency="GBP"), engine)
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT mention_id, language FROM social_mentions")).all())
        mart = dict(conn.execute(text("SELECT mention_id, language FROM mart_mentions")).all())
    expected = {f"M{i}": "en" for i in range(1, 9)} | {"M4": "uk", "M6": "uk"}
    assert stored == mart == expected


def test_a_code_that_is_not_iso_639_1_is_rejected_with_its_reason(sqlite_url):
    frames = social_frames()
    frames["social_mentions"]["language"] = [None, None, None, None, None, None, None, "English"]
    summary = run_pipeline(FrameSource("social", frames, currency="GBP"), get_engine(sqlite_url))
    with get_engine(sqlite_url).connect() as conn:
        reasons = conn.execute(text("SELECT reason FROM rejected_rows WHERE table_name = 'social_mentions'")).all()
    assert next(t for t in summary.tables if t.table == "social_mentions").rejected == 1
    assert reasons[0][0].startswith("language must be an ISO 639-1 code such as uk or en")


def test_a_rerun_detects_only_texts_it_has_not_seen(sqlite_url, monkeypatch):
    engine = get_engine(sqlite_url)
    run_pipeline(FrameSource("social", multilingual_frames(), currency="GBP"), engine)
    import etl.language

    seen = []
    monkeypatch.setattr(etl.language, "detect", lambda text: seen.append(text) or "en")
    frames = multilingual_frames()
    frames["social_mentions"].loc[0, "text"] = "Доставка не дуже швидка"  # M1 says something new
    run_pipeline(FrameSource("social", frames, currency="GBP"), engine)
    assert seen == ["Доставка не дуже швидка"]  # the other five texts without a language were known
