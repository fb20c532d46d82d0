"""The words of a mention, in any script: a Unicode word pattern (Cyrillic letters and the apostrophes inside
Ukrainian words included), lemmas (доставка, доставки, доставку count as one), and stop words per language."""

import functools
import re
from pathlib import Path

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from etl.sentiment_uk import lemma as ukrainian_lemma

WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*", re.UNICODE)
"""A word: letters of any script (\\w without digits and _), with apostrophes inside it (кур'єр, м’ята, об'ємний)."""
NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|@\w+|&\w+;|<[^>]*>")
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})
STOP_WORDS_FILE = Path(__file__).with_name("lexicons") / "uk_stopwords.txt"
MIN_LETTERS = 3


@functools.cache
def ukrainian_stop_words() -> frozenset[str]:
    """The project's Ukrainian stop words (as lemmas)."""
    with open(STOP_WORDS_FILE, encoding="utf-8") as file:
        words = {line.strip().lower() for line in file if line.strip() and not line.startswith("#")}
    return frozenset(words | {ukrainian_lemma(w) for w in words})


@functools.cache
def stop_words() -> frozenset[str]:
    """English and Ukrainian stop words, for every mention (mentions mix the two)."""
    return frozenset(ENGLISH_STOP_WORDS) | ukrainian_stop_words()


@functools.lru_cache(maxsize=200_000)
def lemma(word: str, language: str | None) -> str:
    """A lower-case word's lemma in the mention's language (Ukrainian and English; other words stay as they are)."""
    if language == "uk":
        return ukrainian_lemma(word)
    if language == "en":
        import simplemma

        return simplemma.lemmatize(word, lang="en").lower()
    return word


def words(text: str | None, language: str | None, skip: frozenset[str] = frozenset()) -> list[str]:
    """A text's distinct words as lemmas, in first-seen order: links, handles and HTML removed, stop words, words
    in ``skip`` (brand names) and words under three letters left out."""
    cleaned = NOISE.sub(" ", text or "").lower().translate(APOSTROPHES)
    stops, seen = stop_words() | skip, {}
    for word in WORD.findall(cleaned):
        word = word.strip("'")
        base = lemma(word, language)
        if len(base) >= MIN_LETTERS and word not in stops and base not in stops:
            seen.setdefault(base[:60], None)
    return list(seen)
