"""The language of a mention, detected offline: an ISO 639-1 code, or None when the text is too short to tell.

langdetect 1.0.9 (Google's n-gram profiles of 55 languages), made deterministic (seed 0) and run once per
distinct text. Two corrections, both measured:

- A text with fewer than ``MIN_WORDS`` words or ``MIN_LETTERS`` letters (after links, handles and numbers are
  removed) is not guessed at: langdetect reads "ok" as Slovak with 99.9% confidence.
- langdetect confuses short Ukrainian with its Cyrillic neighbours ("Доставка не дуже швидка" reads Bulgarian 0.57,
  Russian 0.43) and short English with other Latin-script languages ("Order late, awful service" reads Romanian,
  "Terrible, awful experience." French). So the words settle it: a text with more Cyrillic words than Latin ones
  (capitalised Latin words beside Cyrillic ones are names, and do not count) is detected among the Cyrillic
  languages only, and the one whose dictionary (simplemma's) knows the larger share of its words wins; a mostly
  Latin-script text is detected among the Latin-script languages, and one langdetect gives to another language
  than English is English when the English dictionary knows more of its words than that language's and at least
  half. On a tie langdetect's pick stays. Keeping to a script's profiles also makes detection 2-4 times faster.
"""

import functools
import os
import re

import pandas as pd

MIN_WORDS, MIN_LETTERS = 2, 8
DICTIONARIES = 24  # simplemma dictionaries kept loaded at once (languages a batch of mentions is checked against)
CYRILLIC = ("bg", "mk", "ru", "uk")  # langdetect's Cyrillic-script profiles
LATIN = ("af", "ca", "cs", "cy", "da", "de", "en", "es", "et", "fi", "fr", "hr", "hu", "id", "it", "lt", "lv", "nl",
         "no", "pl", "pt", "ro", "sk", "sl", "so", "sq", "sv", "sw", "tl", "tr", "vi")  # its Latin-script ones
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[@#]\w+|&\w+;|<[^>]*>")
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def cleaned(text: str) -> str:
    """The text without links, e-mail addresses, handles, hashtags, HTML tags and entities."""
    return _NOISE.sub(" ", text or "")


def too_short(text: str) -> bool:
    """Whether a (cleaned) text has too few words or letters for a language to be told."""
    words = _WORD.findall(text)
    return len(words) < MIN_WORDS or sum(len(w) for w in words) < MIN_LETTERS


@functools.cache
def _factory(languages: tuple[str, ...] | None):
    """A langdetect detector factory over the given profiles (all 55 for None), seeded for repeatable results."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    names = sorted(os.listdir(PROFILES_DIRECTORY)) if languages is None else languages
    factory = DetectorFactory()
    factory.seed = 0  # langdetect is random by default: the same text could get another language on a rerun
    profiles = []
    for name in names:
        with open(os.path.join(PROFILES_DIRECTORY, name), encoding="utf-8") as profile:
            profiles.append(profile.read())
    factory.load_json_profile(profiles)
    return factory


def _langdetect(text: str, languages: tuple[str, ...] | None) -> str | None:
    """langdetect's language of a text among the given profiles ('zh-cn' -> 'zh'), None where it finds none."""
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory(languages).create()
    detector.append(text)
    try:
        found = detector.detect()
    except LangDetectException:  # no letters it has n-grams for
        return None
    return None if found == "unknown" else found.split("-")[0]


@functools.cache
def _dictionaries():
    """simplemma's dictionary lookup with a cache of its own: its shared one holds 8 languages, and mixed mentions
    (plus the lemmatiser's Ukrainian and English) pass that, reloading a dictionary on nearly every text."""
    from simplemma.strategies import DictionaryLookupStrategy
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    # membership only: simplemma's default strategy also tries affixes on unknown words, ten times slower
    return DictionaryLookupStrategy(DefaultDictionaryFactory(cache_max_size=DICTIONARIES))


def known_share(text: str, languages: tuple[str, ...]) -> dict[str, float]:
    """The share of a text's words each language's dictionary knows."""
    from simplemma.language_detector import LanguageDetector
    from simplemma.token_sampler import MostCommonTokenSampler

    detector = LanguageDetector(languages, MostCommonTokenSampler(), _dictionaries())
    return detector.proportion_in_each_language(text)


def _by_words(text: str, picked: str, rivals: tuple[str, ...], least: float = 0.0) -> str:
    """Among ``rivals``, the language whose dictionary knows a larger share of the words than the picked one's
    (and at least ``least``); else the picked one."""
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

    candidates = tuple(dict.fromkeys(c for c in (picked, *rivals) if c in SUPPORTED_LANGUAGES))
    if not candidates:
        return picked
    shares = known_share(text.lower(), candidates)
    best = max(candidates, key=lambda code: (shares.get(code, 0.0), code == picked))
    better = shares.get(best, 0.0) > shares.get(picked, 0.0) and shares.get(best, 0.0) >= least
    return best if better else picked


def detect(text: str | None) -> str | None:
    """The ISO 639-1 code of one text's language; None for an empty or too short text."""
    text = cleaned(text if isinstance(text, str) else "")
    if too_short(text):
        return None
    found = _WORD.findall(text)
    # the script by words, not letters; beside Cyrillic words, capitalised Latin ones are names (a product, a
    # brand, USB-C) and do not make a Ukrainian sentence English
    cyrillic = sum(1 for w in found if _CYRILLIC_LETTER.match(w))
    latin = sum(1 for w in found if _LATIN_LETTER.match(w) and not (cyrillic and w[0].isupper()))
    if cyrillic > latin:
        picked = _langdetect(text, CYRILLIC)
        return None if picked is None else _by_words(text, picked, CYRILLIC)
    picked = _langdetect(text, LATIN if 2 * latin > len(found) else None)  # 31 profiles of 55: twice as fast
    if picked in (None, "en") or latin <= len(found) / 2:
        return picked
    return _by_words(text, picked, ("en",), least=0.5)


def detect_languages(texts: pd.Series, known: dict[str, str] | None = None) -> pd.Series:
    """Each text's language (ISO 639-1, None where it cannot be told), detected once per distinct text; texts in
    ``known`` (text -> language, e.g. what the warehouse already holds) are not detected again."""
    known = known or {}
    found = {text: known[text] if text in known else detect(text) for text in texts.dropna().unique()}
    return pd.Series([found.get(t) if isinstance(t, str) else None for t in texts], index=texts.index, dtype=object)


def normal_code(value) -> str | None:
    """A source's language as an ISO 639-1 code: 'EN-us' -> 'en', 'uk_UA' -> 'uk'; empty -> None."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    code = re.split(r"[-_]", str(value).strip().lower())[0]
    return code or None


def fill_languages(mentions: pd.DataFrame, known: dict[str, str] | None = None) -> pd.DataFrame:
    """The mentions with ``language`` normalised where the source gives one and detected where it gives none
    (``known``: languages of texts seen before, which a rerun need not detect again)."""
    frame = mentions.copy()
    given = (frame["language"] if "language" in frame else pd.Series(None, index=frame.index, dtype=object))
    given = given.map(normal_code).astype(object)
    missing = given.isna()
    if missing.any() and "text" in frame:
        given[missing] = detect_languages(frame.loc[missing, "text"], known)
    frame["language"] = given.where(given.notna(), None)
    return frame
