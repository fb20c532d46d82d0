"""Ukrainian scored with no labels: the project's lexicon over lemmas, negation, intensifiers and contrast, each
score worked out by hand (compound = s / sqrt(s^2 + 15), as VADER); languages no scorer reads are not scored."""

import math
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import MetaData, inspect, text

from etl.db import ensure_schema, get_engine
from etl.schema import mart_mentions
from etl.sentiment import NOT_SCORED, score_mentions
from etl.sentiment_uk import entry, label, lexicon, score


def compound(total: float) -> float:
    return total / math.sqrt(total * total + 15)


@pytest.mark.parametrize(("sentence", "total"), [
    ("Доставка не дуже швидка", -(2 + 0.3) * 0.74),  # швидка -> швидкий +2, "дуже" adds 0.3, "не" turns it x -0.74
    ("Доставка дуже швидка", 2 + 0.3),
    ("Доставка швидка", 2),
    ("Не погано", -2 * -0.74),  # mild praise
    ("Якість хороша, але ціна завищена", 2 * 0.5 - 2 * 1.5),  # after "але" counts 1.5x, before 0.5x
    ("Ціна завищена, але якість хороша", -2 * 0.5 + 2 * 1.5),
    ("Ніхто не відповідає вже третій день", -2),  # "відповідати" has a tone only when negated
    ("Без проблем отримав посилку", -1 * -0.74),  # "без" reaches one word: "отримав" is not negated
    ("Жодних проблем, все чудово", -1 * -0.74 + 3),
    ("Кур’єр був трохи грубий", -(2 - 0.3)),  # "трохи" softens
    ("Замовив кросівки, доставка в середу", 0),  # no word of the lexicon: neutral
])
def test_hand_worked_scores(sentence, total):
    assert score(sentence) == pytest.approx(compound(total), abs=1e-9)


def test_the_sign_of_a_negated_intensified_word():
    assert score("Доставка не дуже швидка") == pytest.approx(-0.4023, abs=1e-4)
    assert label(score("Доставка не дуже швидка")) == "negative"
    assert [label(score(t)) for t in ("Не рекомендую", "Все дуже добре", "Посилка у відділенні")] == [
        "negative", "positive", "neutral"]


def test_every_form_of_a_word_reads_as_its_lemma():
    assert {entry(w) for w in ("доставка", "доставки", "доставку", "доставкою")} == {"доставка"}
    assert {entry(w) for w in ("швидка", "швидкою", "швидкий")} == {"швидкий"}
    assert entry("завищена") == "завищений"  # simplemma has no lemma: the adjective base is the entry
    assert entry("кур’єр") == entry("кур'єр") == entry("курʼєр")  # every apostrophe is one


def test_the_lexicon_is_the_projects_own_file():
    lex = lexicon()
    assert lex.valence["чудовий"] == 3 and lex.valence["жахливий"] == -3 and lex.negators["без"] == 1
    assert len(lex.valence) >= 300 and lex.intensifiers["дуже"] == 0.3 and "але" in lex.contrast


def test_a_language_no_scorer_reads_is_not_scored_never_neutral():
    frame = pd.DataFrame({
        "mention_id": list("abcde"), "posted_at": pd.Timestamp("2025-01-01"), "label": None, "label_source": None,
        "label_confidence": None, "sentiment": None, "language": ["uk", "en", "fr", None, "uk"],
        "text": ["Доставка не дуже швидка", "Great service, love it", "Livraison très lente, service nul", "ok",
                 "Посилка у відділенні"]})
    scored, _ = score_mentions(frame, [])
    assert scored["label"].tolist() == ["negative", "positive", NOT_SCORED, NOT_SCORED, "neutral"]
    assert scored["label_source"].tolist() == ["lexicon", "lexicon", None, None, "lexicon"]
    assert scored["sentiment"].isna().tolist() == [False, False, True, True, False]
    assert scored["sentiment"].iloc[0] == pytest.approx(-0.4023, abs=1e-4)


def test_an_older_warehouse_lets_a_not_scored_mention_in(sqlite_url):
    engine = get_engine(sqlite_url)
    old = mart_mentions.to_metadata(MetaData())  # as before issue 23: sentiment and label_source NOT NULL
    old.c.sentiment.nullable = old.c.label_source.nullable = False
    old.create(engine)
    with engine.begin() as conn:
        conn.execute(old.insert().values(
            mention_id="M1", posted_date=date(2025, 1, 1), department_id="D1", region="Unknown", brand="Acme",
            is_own_brand=True, is_tracked=True, platform="X", label="positive", label_source="person", sentiment=0.5))
    ensure_schema(engine)
    columns = {c["name"]: c["nullable"] for c in inspect(engine).get_columns("mart_mentions")}
    assert columns["sentiment"] is True and columns["label_source"] is True and "language" in columns
    with engine.begin() as conn:
        assert conn.execute(text("SELECT mention_id, label, sentiment FROM mart_mentions")).all() == [
            ("M1", "positive", 0.5)]


def test_each_language_learns_from_its_own_labels():
    good = ["Service excellent, merci beaucoup", "Livraison rapide, très content", "Produit parfait, je recommande",
            "Excellent accueil, merci"]
    bad = ["Livraison en retard, service nul", "Produit cassé, très déçu", "Aucune réponse du service, nul",
           "Retard encore, je suis déçu"]
    texts = [(good if i % 2 else bad)[i % 4] + f" {i}" for i in range(40)]
    labelled = pd.DataFrame({
        "mention_id": [f"F{i:02d}" for i in range(40)], "text": texts, "language": "fr",
        "posted_at": pd.date_range("2025-01-01", periods=40, freq="h"), "label_source": "person",
        "label": ["positive" if i % 2 else "negative" for i in range(40)], "label_confidence": 1.0, "sentiment": None})
    unlabelled = pd.DataFrame({
        "mention_id": ["F99", "D1", "U1"], "text": ["Service excellent, merci", "Lieferung zu spät",
                                                   "Доставка не дуже швидка"],
        "language": ["fr", "de", "uk"], "posted_at": pd.Timestamp("2025-01-03"), "label_source": None,
        "label": None, "label_confidence": None, "sentiment": None})
    scored, evaluation = score_mentions(pd.concat([labelled, unlabelled], ignore_index=True), [])
    last = scored.set_index("mention_id").loc[["F99", "D1", "U1"]]
    assert last["label_source"].tolist() == ["model", None, "lexicon"]  # French learned; German not; Ukrainian lexicon
    assert last["label"].tolist() == ["positive", NOT_SCORED, "negative"]
    assert (evaluation.language, evaluation.scorer, evaluation.labelled, evaluation.test_rows) == (
        "fr", "model", 40, 12)
    assert evaluation.accuracy == 1.0 and evaluation.lexicon_accuracy == 0.0  # no French lexicon: never right
    assert [e.language for e in evaluation.languages] == ["fr"]
