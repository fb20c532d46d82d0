"""What a mention is: a complaint, a question, praise or other, in English and Ukrainian, by rules over its words
and its sentiment label (in the manner of YouScan's categories, by rules rather than a model).

In order, the first that holds:
1. complaint: the mention is negative, or it names a complaint's words (refund, "досі", "повернути гроші" ...)
   and is not positive;
2. question: it asks (a question mark, or it starts with a question word: "чи", "як", "підкажіть", "does" ...);
3. praise: it is positive;
4. other.
A question that is negative ("Why is my order still not here?") is a complaint: it needs an answer and a fix.
"""

import re

from etl.words import APOSTROPHES, WORD, lemma

CATEGORIES = ("complaint", "question", "praise", "other")
QUESTION_WORDS = {
    "en": {"how", "what", "when", "where", "why", "who", "which", "does", "do", "is", "are", "can", "could", "will",
           "would", "should", "anyone", "anybody"},
    "uk": {"чи", "як", "коли", "де", "куди", "чому", "навіщо", "скільки", "який", "яка", "яке", "які", "хто",
           "підкажіть", "скажіть", "порадьте", "можна", "можливо"},
}
COMPLAINT_WORDS = {  # lemmas (and phrases of lemmas) that make a mention a complaint unless it is positive
    "en": {"refund", "complaint", "complain", "still", "never", "nobody", "broken", "broke", "late", "missing",
           "wrong", "damage", "damaged", "cancel", "scam", "waste", "unacceptable"},
    "uk": {"досі", "скарга", "скаржитися", "претензія", "повернення", "компенсація", "ніхто", "зламатися",
           "зламаний", "запізнитися", "спізнитися", "затримка", "загубити", "пошкоджений", "відмовити", "обман",
           "шахрай", "знущання", "повернути гроші", "не прийти", "не працювати", "не відповідати"},
}
_QUESTION_MARK = re.compile(r"\?")


def lemmas(text: str, language: str | None) -> list[str]:
    """The text's words as lemmas in its language, lower case, in order."""
    return [lemma(w, language) for w in WORD.findall((text or "").lower().translate(APOSTROPHES))]


def _phrases(words: list[str]) -> set[str]:
    """The single words and the pairs of neighbouring words."""
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}


def asks(text: str, language: str | None) -> bool:
    """Whether a mention asks something: a question mark, or a question word first."""
    first = WORD.findall((text or "").lower())[:1]
    starts = bool(first) and first[0] in QUESTION_WORDS.get(language or "", set())
    return bool(_QUESTION_MARK.search(text or "")) or starts


def category(text: str | None, language: str | None, label: str | None) -> str:
    """complaint, question, praise or other for one mention (``label``: its sentiment label, or None)."""
    words = lemmas(text or "", language)
    complaining = bool(_phrases(words) & COMPLAINT_WORDS.get(language or "", set()))
    if label == "negative" or (complaining and label != "positive"):
        return "complaint"
    if asks(text or "", language):
        return "question"
    return "praise" if label == "positive" else "other"


def categories(texts, languages, labels) -> list[str]:
    """Each mention's category, worked out once per distinct (text, language, label)."""
    found: dict[tuple, str] = {}
    result = []
    for key in zip(texts, languages, labels):
        if key not in found:
            found[key] = category(*key)
        result.append(found[key])
    return result
