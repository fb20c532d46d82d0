"""Categories complaint / question / praise / other in English and Ukrainian, by rules: given sentences by hand,
and the figures on the project's labelled sample (tests/data/categories/mentions.csv, 80 mentions written for the
project, 10 per category and language), measured with the labels the scorers give in the ETL."""

from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, f1_score

from etl.categories import categories, category
from etl.sentiment import lexicon

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "categories" / "mentions.csv"


@pytest.mark.parametrize(("text", "language", "label", "expected"), [
    ("Why is my order still not here?", "en", "negative", "complaint"),  # a negative question needs a fix
    ("Does the desk come with assembly?", "en", "neutral", "question"),
    ("Чи можна змінити адресу доставки?", "uk", "neutral", "question"),
    ("Підкажіть графік роботи магазину.", "uk", "neutral", "question"),  # a question word, no question mark
    ("Досі чекаю на повернення грошей.", "uk", "neutral", "complaint"),  # the words of a complaint
    ("Замовлення не прийшло", "uk", "neutral", "complaint"),  # "не прийти": a pair of lemmas
    ("Дякую за швидку доставку!", "uk", "positive", "praise"),
    ("Замовив лампу в офіс.", "uk", "neutral", "other"),
    ("Livraison rapide ?", "fr", "not scored", "question"),  # not scored: only the question mark tells
    ("Livraison rapide", "fr", "not scored", "other"),
])
def test_given_mentions(text, language, label, expected):
    assert category(text, language, label) == expected


def test_the_rules_on_the_labelled_sample():
    sample = pd.read_csv(SAMPLE)
    assert len(sample) == 80 and sample.groupby(["language", "category"]).size().eq(10).all()
    labels, _ = lexicon(sample["text"], [], sample["language"])
    sample["predicted"] = categories(sample["text"], sample["language"], labels)
    assert accuracy_score(sample["category"], sample["predicted"]) == 76 / 80
    assert f1_score(sample["category"], sample["predicted"], average="macro") == pytest.approx(0.950, abs=0.0005)
    by_language = {lang: accuracy_score(g["category"], g["predicted"]) for lang, g in sample.groupby("language")}
    assert by_language == {"en": 39 / 40, "uk": 37 / 40}
