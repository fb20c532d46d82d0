"""Ukrainian sentiment with no labels at all: the project's own lexicon (etl/lexicons/uk_sentiment.csv) read over
lemmas (simplemma), with negation, intensifiers and contrast, in the manner of VADER.

Each word's tone comes from its lemma (доставку, доставки -> доставка), so one lexicon entry covers every form.
A negator ("не", "ні", "жодний", "без", ...) up to three words before a word (within its clause) turns the word's
tone by ``NEGATED`` (-0.74, VADER's factor: "не погано" is milder praise than "добре"); a word with no tone of its
own may have one when negated ("не працює", "ніхто не відповідає"). An intensifier right before a word adds to
its strength ("дуже", "зовсім"; "трохи" softens). After "але" / "проте" the words count 1.5 times, before it 0.5.
The sum is squashed to -1..1 like VADER's compound score. Lemmas are cached, texts scored once each.
"""

import csv
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("lexicons") / "uk_sentiment.csv"
METHOD = "Ukrainian lexicon over lemmas (the project's own, with negation and intensifiers)"
NEGATED = -0.74
NEGATION_REACH = 3  # words before a word that a negator may stand at
ALPHA = 15  # VADER's normalisation: score / sqrt(score^2 + ALPHA)
POSITIVE_CUT = 0.05
NEGATIVE_CUT = -0.05
CONTRAST_BEFORE, CONTRAST_AFTER = 0.5, 1.5
_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʼ`][^\W\d_]+)*|[.,;:!?…()]")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})
BOUNDARY = frozenset(".,;:!?…()")
_ADJECTIVE_END = re.compile(r"(?:ого|ому|ими|ій|ий|ої|ою|их|им|а|у|е|і)$")


@dataclass(frozen=True)
class Lexicon:
    """The lexicon's entries by lemma: tones, tones when negated, negators, intensifiers and contrast words."""

    valence: dict[str, float]
    negated: dict[str, float]
    negators: dict[str, int]  # how many words after it a negator reaches
    intensifiers: dict[str, float]
    contrast: frozenset[str]

    def knows(self, key: str) -> bool:
        """Whether the key is an entry of any kind."""
        return any(key in table for table in (self.valence, self.negated, self.negators, self.intensifiers,
                                              self.contrast))


@functools.lru_cache(maxsize=500_000)
def lemma(word: str) -> str:
    """A lower-case word's Ukrainian lemma (the word itself where simplemma knows none); cached."""
    import simplemma

    return simplemma.lemmatize(word, lang="uk").lower().translate(_APOSTROPHES)


@functools.cache
def lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """The lexicon file, each entry under its own spelling and under its lemma."""
    tables: dict[str, dict[str, float]] = {"valence": {}, "negated": {}, "negator": {}, "intensifier": {},
                                           "contrast": {}}
    with open(path, encoding="utf-8") as file:
        rows = csv.DictReader(line for line in file if not line.startswith("#"))
        for row in rows:
            term = row["term"].strip().lower().translate(_APOSTROPHES)
            value = float(row["value"]) if row["value"] else 0.0
            for key in (term, lemma(term)):
                tables[row["kind"]].setdefault(key, value)
    negators = {word: int(reach) if reach else NEGATION_REACH for word, reach in tables["negator"].items()}
    return Lexicon(tables["valence"], tables["negated"], negators, tables["intensifier"],
                   frozenset(tables["contrast"]))


@functools.lru_cache(maxsize=500_000)
def entry(word: str) -> str:
    """The lexicon key a lower-case word reads as: its lemma, else the word, else (simplemma knowing no lemma, as
    for many participles) its adjective base (завищена -> завищений); the lemma when none is an entry."""
    if word in BOUNDARY:
        return word
    lex, base = lexicon(), lemma(word)
    for key in (base, word, _ADJECTIVE_END.sub("ий", word)):
        if lex.knows(key):
            return key
    return base


def tokens(text: str) -> list[str]:
    """A text's words (lower case, apostrophes made one) and clause punctuation, in order."""
    return _TOKEN.findall((text or "").lower().translate(_APOSTROPHES))


def _negated(words: list[str], at: int, negators: dict[str, int], stops: frozenset[str]) -> bool:
    """Whether a negator that reaches ``at`` stands before it in the same clause ("без" reaches one word, "не"
    three)."""
    for distance, word in enumerate(reversed(words[max(0, at - NEGATION_REACH):at]), start=1):
        if word in stops:
            return False
        if word in negators and distance <= negators[word]:
            return True
    return False


def _boost(words: list[str], at: int, intensifiers: dict[str, float]) -> float:
    """How much the intensifiers right before ``at`` add (the nearer counts fully, the one before 95%)."""
    return sum(intensifiers.get(w, 0.0) * (1.0 if at - i == 1 else 0.95)
               for i, w in enumerate(words[max(0, at - 2):at], start=max(0, at - 2)))


def raw_score(text: str, lex: Lexicon | None = None) -> float:
    """The summed tone of a text's words (unbounded; see ``score``)."""
    lex = lex or lexicon()
    found = tokens(text)
    words = [entry(w) for w in found]
    stops = BOUNDARY | lex.contrast
    contrast_at = max((i for i, w in enumerate(words) if w in lex.contrast), default=None)
    total = 0.0
    for i, word in enumerate(words):
        tone = lex.valence.get(word)
        negated = _negated(words, i, lex.negators, stops)
        if tone is None:
            if not negated or word not in lex.negated:
                continue
            tone, negated = lex.negated[word], False  # the negated phrase carries its tone itself
        if tone:
            boost = _boost(words, i, lex.intensifiers)
            tone += boost if tone > 0 else -boost
        if negated:
            tone *= NEGATED
        if contrast_at is not None:
            tone *= CONTRAST_AFTER if i > contrast_at else CONTRAST_BEFORE
        total += tone
    return total


@functools.lru_cache(maxsize=200_000)
def score(text: str) -> float:
    """A text's tone from -1 (negative) to 1 (positive); 0 when no word of the lexicon is in it."""
    total = raw_score(text)
    return total / math.sqrt(total * total + ALPHA)


def label(value: float) -> str:
    """negative, neutral or positive for a score."""
    return "positive" if value >= POSITIVE_CUT else "negative" if value <= NEGATIVE_CUT else "neutral"
