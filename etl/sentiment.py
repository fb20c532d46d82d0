"""Sentiment scorers: a model learned from people's labels (TF-IDF + logistic regression) and a lexicon (VADER).

Pure code: texts and labels in, labels and scores out. ``choose`` measures both scorers on a time split of the
labelled mentions (learn from the earlier 70%, test on the later 30%) and picks the one that agrees with people
more often; ``score_mentions`` (the one entry point the ETL uses) keeps people's labels and lets the chosen scorer,
exactly as measured, label the rest (the stated accuracy is the accuracy of the model in use, not of a refit one).

Languages (issue 23): the lexicon is VADER for English and the project's own Ukrainian lexicon (etl.sentiment_uk)
for Ukrainian; a learned model scores only the languages it learned from. A mention in any other language, or too
short for its language to be told, is "not scored": no label of the three, sentiment NULL, never neutral.
"""

import html
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline, make_union
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from etl import sentiment_uk

LABELS = ("negative", "neutral", "positive")
NOT_SCORED = "not scored"  # the label of a mention in a language no scorer reads (its sentiment stays NULL)
LEXICON_LANGUAGES = ("en", "uk")  # the languages a lexicon scores: VADER, the project's Ukrainian lexicon
SIGN = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}
MIN_LABELLED = 30
"""Fewer labelled mentions than this (or only one label among them): nothing to learn from, the lexicon scores."""
TRAIN_SHARE = 0.7
MODEL_METHOD = "TF-IDF (words and characters) + logistic regression, learned from people's labels"
LEXICON_METHOD = ("VADER lexicon for English, the project's Ukrainian lexicon over lemmas for Ukrainian (handles and "
                  "brand names removed first)")
VADER_CUT = 0.05  # VADER's own thresholds for its compound score
_URL, _HANDLE = re.compile(r"https?://\S+"), re.compile(r"@\w+")


@dataclass
class Evaluation:
    """Which scorer labels the unlabelled mentions, and how often each agrees with people on held-out mentions."""

    scorer: str  # model or lexicon
    method: str
    labelled: int
    train_rows: int
    test_rows: int
    split_at: pd.Timestamp | None
    accuracy: float | None
    macro_f1: float | None
    lexicon_accuracy: float | None
    lexicon_macro_f1: float | None
    language: str | None = None  # the language whose labels it was measured on (None: unknown or every language)
    languages: list["Evaluation"] = field(default_factory=list)  # one per language people labelled, most first


def plain(texts: pd.Series) -> pd.Series:
    """Texts with HTML entities decoded and links removed."""
    return texts.fillna("").map(html.unescape).str.replace(_URL, " ", regex=True)


def without_names(texts: pd.Series, brands: list[str]) -> pd.Series:
    """Texts without @handles and brand names, which a lexicon would read as words with a tone."""
    cleaned = plain(texts).str.replace(_HANDLE, " ", regex=True)
    names = sorted({b for b in brands if b}, key=len, reverse=True)
    if names:
        cleaned = cleaned.str.replace(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", " ", regex=True,
                                      flags=re.IGNORECASE)
    return cleaned


def english(texts: pd.Series, brands: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """VADER's labels and compound scores (-1..1) for English texts."""
    analyzer = SentimentIntensityAnalyzer()
    scores = np.array([analyzer.polarity_scores(t)["compound"] for t in without_names(texts, brands)], dtype=float)
    labels = np.where(scores >= VADER_CUT, "positive", np.where(scores <= -VADER_CUT, "negative", "neutral"))
    return labels.astype(object), scores


def ukrainian(texts: pd.Series, brands: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The Ukrainian lexicon's labels and scores (-1..1) for Ukrainian texts."""
    scores = np.array([sentiment_uk.score(t) for t in without_names(texts, brands)], dtype=float)
    return np.array([sentiment_uk.label(v) for v in scores], dtype=object), scores


LEXICONS = {"en": english, "uk": ukrainian}


def languages_of(mentions: pd.DataFrame) -> pd.Series:
    """The mentions' languages; a frame without the column is English (what every mention was before issue 23)."""
    if "language" not in mentions:
        return pd.Series("en", index=mentions.index, dtype=object)
    return mentions["language"].astype(object).where(mentions["language"].notna(), None)


def lexicon(texts: pd.Series, brands: list[str], languages: pd.Series | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
    """Each text's label and score from its language's lexicon (English when ``languages`` is None); NOT_SCORED
    and NaN for a language no lexicon reads."""
    languages = pd.Series("en", index=texts.index) if languages is None else languages
    labels, scores = np.full(len(texts), NOT_SCORED, dtype=object), np.full(len(texts), np.nan)
    for code, scorer in LEXICONS.items():
        mask = (languages == code).to_numpy()
        if mask.any():
            labels[mask], scores[mask] = per_distinct(texts[mask], lambda t, s=scorer: s(t, brands))
    return labels, scores


def fit_model(texts: pd.Series, labels: pd.Series):
    """A TF-IDF (words, word pairs and character 2-5-grams) + logistic-regression pipeline learned from labelled
    texts; one-vs-rest with balanced class weights, so the rarer labels are not drowned by the common one."""
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, strip_accents="unicode")
    characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    classifier = OneVsRestClassifier(LogisticRegression(solver="liblinear", C=1.0, class_weight="balanced"))
    return make_pipeline(make_union(words, characters), classifier).fit(plain(texts), labels)


def model_scores(model, texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The model's labels and scores (P(positive) - P(negative), -1..1)."""
    probabilities = model.predict_proba(plain(texts))
    classes = list(model.classes_)
    column = {label: probabilities[:, classes.index(label)] if label in classes else 0.0 for label in LABELS}
    return np.array(classes, dtype=object)[probabilities.argmax(axis=1)], column["positive"] - column["negative"]


def per_distinct(texts: pd.Series, scorer) -> tuple[np.ndarray, np.ndarray]:
    """Labels and scores from ``scorer`` run once per distinct text (templated or retweeted texts repeat)."""
    distinct = pd.Series(texts.fillna("").unique())
    labels, scores = scorer(distinct)
    position = pd.Index(distinct).get_indexer(texts.fillna(""))
    return np.asarray(labels, dtype=object)[position], np.asarray(scores, dtype=float)[position]


def time_split(labelled: pd.DataFrame, share: float = TRAIN_SHARE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The earlier ``share`` of the labelled mentions (by posted_at, then mention_id) and the later rest."""
    ordered = labelled.sort_values(["posted_at", "mention_id"], kind="stable")
    cut = int(round(len(ordered) * share))
    return ordered.iloc[:cut], ordered.iloc[cut:]


def agreement(truth, predicted) -> tuple[float, float]:
    """Accuracy and macro-F1 of predicted labels against people's."""
    return (float(accuracy_score(truth, predicted)),
            float(f1_score(truth, predicted, labels=list(LABELS), average="macro", zero_division=0)))


def choose(labelled: pd.DataFrame, brands: list[str]) -> tuple[Evaluation, object | None]:
    """Measure the model (learned from the earlier 70% of the labelled mentions) and the lexicon on the later 30%;
    the more accurate is used, and with it the model exactly as measured (None when the lexicon wins)."""
    train, test = time_split(labelled)
    if len(labelled) < MIN_LABELLED or train["label"].nunique() < 2 or test.empty:
        return Evaluation("lexicon", LEXICON_METHOD, len(labelled), 0, 0, None, None, None, None, None), None
    lex_accuracy, lex_f1 = agreement(test["label"], lexicon(test["text"], brands, languages_of(test))[0])
    model = fit_model(train["text"], train["label"])
    accuracy, f1 = agreement(test["label"], model_scores(model, test["text"])[0])
    split_at = pd.Timestamp(test["posted_at"].iloc[0])
    if accuracy >= lex_accuracy:
        return Evaluation("model", MODEL_METHOD, len(labelled), len(train), len(test), split_at, accuracy, f1,
                          lex_accuracy, lex_f1), model
    return Evaluation("lexicon", LEXICON_METHOD, len(labelled), len(train), len(test), split_at, lex_accuracy,
                      lex_f1, lex_accuracy, lex_f1), None


def choose_per_language(labelled: pd.DataFrame, brands: list[str]) -> dict[str, tuple[Evaluation, object | None]]:
    """``choose`` on each language's labels apart ('' for an unknown language), most labelled language first: each
    language gets the scorer that agrees with its own people's labels, and a model learned only from them."""
    keys = languages_of(labelled).fillna("")
    chosen = {}
    for language in keys.value_counts(sort=True).index:
        evaluation, model = choose(labelled[keys == language], brands)
        evaluation.language = language or None
        chosen[language] = (evaluation, model)
    return chosen


def score_mentions(mentions: pd.DataFrame, brands: list[str]) -> tuple[pd.DataFrame, Evaluation]:
    """Every mention with its label, label_source and sentiment (-1..1): people's labels are kept (their score is
    the source's, else the label's sign x the labeller's confidence); per language, the scorer chosen on that
    language's labels labels the others (a model learned from them, else the language's lexicon), and the rest are
    NOT_SCORED (label_source and sentiment None). The evaluation returned is the most labelled language's, with
    every language's in ``languages``.

    ``mentions`` has mention_id, posted_at, text, label, label_source, label_confidence, sentiment and language
    (ISO 639-1; without the column every mention is English)."""
    frame = mentions.copy()
    frame["label"] = frame["label"].where(frame["label"].isin(LABELS))
    person = frame["label"].notna()
    chosen = choose_per_language(frame[person], brands)
    sign = frame.loc[person, "label"].map(SIGN)
    given = frame.loc[person, "sentiment"].astype(float)
    frame.loc[person, "sentiment"] = given.where(given.notna(), sign * frame.loc[person, "label_confidence"]
                                                 .astype(float).fillna(1.0))
    frame.loc[person, "label_source"] = "person"
    languages = languages_of(frame)
    keys, learned = languages.fillna(""), pd.Series(False, index=frame.index)
    for language, (_, model) in chosen.items():
        mask = ~person & (keys == language)
        if model is None or not mask.any():
            continue
        labels, scores = per_distinct(frame.loc[mask, "text"], lambda texts, m=model: model_scores(m, texts))
        frame.loc[mask, "label"], frame.loc[mask, "sentiment"] = labels, np.round(scores, 4)
        frame.loc[mask, "label_source"] = "model"  # the language's own model, exactly as measured
        learned |= mask
    rest = ~person & ~learned
    if rest.any():
        labels, scores = lexicon(frame.loc[rest, "text"], brands, languages[rest])
        frame.loc[rest, "label"], frame.loc[rest, "sentiment"] = labels, np.round(scores, 4)
        frame.loc[rest, "label_source"] = np.where(labels == NOT_SCORED, None, "lexicon")
    frame["sentiment"] = frame["sentiment"].astype(float).clip(-1, 1)
    evaluations = [evaluation for evaluation, _ in chosen.values()]
    main = evaluations[0] if evaluations else choose(frame[person], brands)[0]
    main.languages = evaluations
    return frame, main
