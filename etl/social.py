"""Social marts: each mention with its effective sentiment, the words of the negative ones, and how the scorer
was chosen.

Built by ``build_marts`` inside the load's transaction in three steps: ``read_social`` (on the load's connection),
``score_social`` (pure: no database, so it can run while the database builds the SQL marts) and ``write_social``.
The canonical ``social_mentions`` keeps what the source said (people's labels); ``mart_mentions`` adds the scorer's
labels for the rest, so a rerun of the same input gives the same marts.
"""

import html
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, delete, insert, select

from etl.categories import categories
from etl.corrections import apply_corrections
from etl.load import write
from etl.schema import (
    brands,
    customers,
    mart_mention_terms,
    mart_mentions,
    mart_sentiment_languages,
    mart_sentiment_scorer,
    mention_labels,
    social_mentions,
)
from etl.sentiment import Evaluation, languages_of, score_mentions
from etl.words import WORD, words

UNKNOWN_REGION, UNBRANDED = "Unknown", "Unbranded"


@dataclass
class SocialInput:
    """What the social marts are built from: every mention, and the own and tracked brands."""

    mentions: pd.DataFrame
    own: set[str]
    tracked: set[str]


@dataclass
class SocialMarts:
    """The rows of the social marts (``evaluation`` None when there is no mention)."""

    mentions: pd.DataFrame
    terms: pd.DataFrame
    evaluation: Evaluation | None = None
    scored: int = 0


def read_mentions(conn: Connection) -> pd.DataFrame:
    """Every mention with its customer's region, people's corrections on the page taking the place of its label."""
    m, fixed = social_mentions, mention_labels
    statement = (select(*m.c, customers.c.region, fixed.c.label.label("corrected"))
                 .select_from(m.outerjoin(customers, customers.c.customer_id == m.c.customer_id)
                              .outerjoin(fixed, fixed.c.mention_id == m.c.mention_id)))
    rows = [tuple(row) for row in conn.execute(statement)]  # plain tuples: pandas probes Row objects slowly
    frame = pd.DataFrame(rows, columns=[*m.c.keys(), "region", "corrected"])
    frame = apply_corrections(frame, frame.pop("corrected"))
    for column in ("posted_at", "first_response_at"):
        frame[column] = pd.to_datetime(frame[column], format="ISO8601")
    return frame


def brand_sets(conn: Connection) -> tuple[set[str], set[str]]:
    """The own brands and every tracked brand (empty when the source names none)."""
    rows = conn.execute(select(brands.c.brand, brands.c.is_own)).all()
    return {b for b, own in rows if own}, {b for b, _ in rows}


def mention_mart(scored: pd.DataFrame, own: set[str], tracked: set[str]) -> pd.DataFrame:
    """The rows of mart_mentions from the scored mentions."""
    brand = scored["brand"].fillna(UNBRANDED)
    hours = (scored["first_response_at"] - scored["posted_at"]).dt.total_seconds() / 3600
    return pd.DataFrame({
        "mention_id": scored["mention_id"], "posted_date": scored["posted_at"].dt.normalize(),
        "department_id": scored["department_id"], "region": scored["region"].fillna(UNKNOWN_REGION),
        "brand": brand, "is_own_brand": brand.isin(own).astype(object),
        "is_tracked": (brand.isin(tracked) if tracked else brand.notna()).astype(object),
        "platform": scored["platform"], "author": scored["author"], "customer_id": scored["customer_id"],
        "topic": scored["topic"], "label": scored["label"], "label_source": scored["label_source"],
        "sentiment": scored["sentiment"], "language": scored["language"],
        "category": categories(scored["text"].fillna(""), languages_of(scored), scored["label"]),
        "first_response_hours": hours.where(hours >= 0),
        "latitude": scored["latitude"], "longitude": scored["longitude"],
        "text": scored["text"].map(html.unescape, na_action="ignore"),
    })


def terms(mentions: pd.DataFrame, names: set[str]) -> pd.DataFrame:
    """Each mention's distinct words as lemmas (three letters or more, any script: etl.words), without stop words,
    handles, links or brand names; worked out once per distinct text and language."""
    skip = frozenset(w.lower() for n in names for w in WORD.findall(n))
    languages = mentions["language"] if "language" in mentions else pd.Series(None, index=mentions.index)
    found: dict[tuple, list[str]] = {}
    said = []
    for key in zip(mentions["text"].fillna(""), languages.where(languages.notna(), None)):
        if key not in found:
            found[key] = words(*key, skip)
        said.append(found[key])
    frame = pd.DataFrame({"mention_id": mentions["mention_id"].to_numpy(), "term": said}).explode("term").dropna()
    return frame.drop_duplicates().reset_index(drop=True)


def read_social(conn: Connection) -> SocialInput:
    """The mentions and brands, read on the load's connection (so the rows of this load are seen)."""
    return SocialInput(read_mentions(conn), *brand_sets(conn))


def score_social(social: SocialInput) -> SocialMarts:
    """Score the mentions and shape the social marts' rows; touches no database."""
    if social.mentions.empty:
        return SocialMarts(pd.DataFrame(), pd.DataFrame())
    names = social.tracked | set(social.mentions["brand"].dropna())
    scored, evaluation = score_mentions(social.mentions, sorted(names))
    mart = mention_mart(scored, social.own, social.tracked)
    words = terms(mart[mart["label"] == "negative"], names)  # the page shows what the complaints are about
    return SocialMarts(mart, words, evaluation, int(scored["label_source"].isin(["model", "lexicon"]).sum()))


def write_social(conn: Connection, marts: SocialMarts) -> dict[str, int]:
    """Replace the social marts' rows; returns their row counts."""
    for mart in (mart_mention_terms, mart_mentions, mart_sentiment_scorer, mart_sentiment_languages):
        conn.execute(delete(mart))
    write(conn, mart_mentions, marts.mentions, "insert")
    write(conn, mart_mention_terms, marts.terms, "insert")
    evaluation = marts.evaluation
    if evaluation is not None:
        conn.execute(insert(mart_sentiment_scorer).values(
            scorer=evaluation.scorer, method=evaluation.method, labelled=evaluation.labelled,
            train_rows=evaluation.train_rows, test_rows=evaluation.test_rows,
            split_at=None if evaluation.split_at is None else evaluation.split_at.to_pydatetime(),
            accuracy=evaluation.accuracy, macro_f1=evaluation.macro_f1, lexicon_accuracy=evaluation.lexicon_accuracy,
            lexicon_macro_f1=evaluation.lexicon_macro_f1, scored=marts.scored))
    languages = [] if evaluation is None else evaluation.languages
    if languages:
        conn.execute(insert(mart_sentiment_languages), [
            {"language": e.language or "", "scorer": e.scorer, "labelled": e.labelled, "train_rows": e.train_rows,
             "test_rows": e.test_rows, "accuracy": e.accuracy, "macro_f1": e.macro_f1,
             "lexicon_accuracy": e.lexicon_accuracy, "lexicon_macro_f1": e.lexicon_macro_f1} for e in languages])
    return {mart_mentions.name: len(marts.mentions), mart_mention_terms.name: len(marts.terms),
            mart_sentiment_scorer.name: int(evaluation is not None), mart_sentiment_languages.name: len(languages)}
