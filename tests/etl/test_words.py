"""Top words in any script: the Unicode word pattern, apostrophes inside Ukrainian words, Ukrainian stop words and
lemmas (доставка, доставки, доставку count as one), each counted once per mention; worked out by hand."""

import pandas as pd

from etl.social import terms
from etl.words import WORD, words


def test_the_word_pattern_reads_every_script_and_apostrophes_inside_words():
    assert WORD.findall("Кур’єр м'ята об'ємний ґанок їжак, delivery café 42 x_y") == [
        "Кур’єр", "м'ята", "об'ємний", "ґанок", "їжак", "delivery", "café", "x", "y"]


def test_forms_of_one_word_count_as_one_and_stop_words_are_left_out():
    said = words("Доставка знову запізнилася! Доставки чекаю тиждень, доставку обіцяли вчора", "uk")
    assert said == ["доставка", "запізнитися", "чекати", "тиждень", "обіцяти"]  # знову, вчора: stop words
    assert words("Кур’єр і кур'єр, курʼєр", "uk") == ["кур'єр"]  # three apostrophes, one word
    assert words("Deliveries were late, the delivery is late", "en") == ["delivery", "late"]
    assert words("Доставка @Northdesk https://t.co/x <b>Northdesk</b>", "uk", frozenset({"northdesk"})) == [
        "доставка"]


def test_terms_count_each_lemma_once_per_mention():
    mentions = pd.DataFrame({
        "mention_id": ["A", "B", "C"], "language": ["uk", "uk", "en"],
        "text": ["Доставка, доставка і ще раз доставка!", "Доставку знову перенесли @Acme", "Late delivery, Acme"]})
    found = terms(mentions, {"Acme"})
    assert found.groupby("term").size().to_dict() == {"delivery": 1, "late": 1, "доставка": 2, "перенести": 1}
