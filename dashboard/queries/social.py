"""Social CRM queries: mention volume, sentiment, topics, words, replies and the scorer, from mart_mentions."""

import pandas as pd
from sqlalchemy import desc, func, or_, select

from dashboard.queries import Filters, read, where_period, where_scope
from etl.schema import (
    mart_mention_terms,
    mart_mentions,
    mart_sentiment_languages,
    mart_sentiment_scorer,
    mention_labels,
)
from etl.sentiment import NOT_SCORED

m = mart_mentions
LOCATED = 5000  # mentions the map places at most (the newest)
UNKNOWN = ""  # the language of a mention too short to tell (NULL in the mart), as a filter value


def _counts():
    """Mentions, positive, neutral, negative and not-scored counts as SQL aggregates."""
    return (func.count().label("mentions"), *(func.count().filter(m.c.label == label).label(label)
                                              for label in ("positive", "neutral", "negative")),
            func.count().filter(m.c.label == NOT_SCORED).label("not_scored"))


def _filtered(statement, filters: Filters, languages: tuple[str, ...] = ()):
    """The statement restricted to the period and scope, and to the languages (ISO 639-1, UNKNOWN for none;
    empty: all)."""
    statement = where_period(statement, m, "posted_date", filters)
    if languages:
        known = [code for code in languages if code != UNKNOWN]
        statement = statement.where(or_(m.c.language.in_(known), *([m.c.language.is_(None)]
                                                                  if UNKNOWN in languages else [])))
    return statement


def by_language(filters: Filters) -> pd.DataFrame:
    """Mentions per language over the period (every language, whatever the page's language filter): language
    (ISO 639-1, UNKNOWN where too short to tell), mentions, positive, neutral, negative, not_scored; most mentioned
    first."""
    frame = read(_filtered(select(m.c.language, *_counts()), filters).group_by(m.c.language))
    frame["language"] = frame["language"].fillna(UNKNOWN)
    return frame.sort_values(["mentions", "language"], ascending=[False, True], ignore_index=True)


def daily(filters: Filters, languages: tuple[str, ...] = ()) -> pd.DataFrame:
    """Mentions per day and brand: posted_date, brand, is_own_brand, is_tracked, mentions, positive, neutral,
    negative, not_scored."""
    keys = (m.c.posted_date, m.c.brand, m.c.is_own_brand, m.c.is_tracked)
    return read(_filtered(select(*keys, *_counts()), filters, languages).group_by(*keys)
                .order_by(m.c.posted_date, m.c.brand))


def by_brand(filters: Filters, languages: tuple[str, ...] = ()) -> pd.DataFrame:
    """Mentions per brand over the period: brand, is_own_brand, is_tracked, mentions, positive, neutral, negative,
    not_scored, average_sentiment (over scored mentions); most mentioned first."""
    keys = (m.c.brand, m.c.is_own_brand, m.c.is_tracked)
    statement = select(*keys, *_counts(), func.avg(m.c.sentiment).label("average_sentiment"))
    return read(_filtered(statement, filters, languages).group_by(*keys).order_by(desc("mentions"), m.c.brand))


def topics(filters: Filters, languages: tuple[str, ...] = ()) -> pd.DataFrame:
    """Mentions per topic (mentions with one): topic, mentions, negative; most mentioned first."""
    statement = select(m.c.topic, *_counts()).where(m.c.topic.is_not(None))
    return read(_filtered(statement, filters, languages).group_by(m.c.topic).order_by(desc("mentions"), m.c.topic))


def by_category(filters: Filters, languages: tuple[str, ...] = ()) -> pd.DataFrame:
    """Mentions per category (complaint, question, praise, other): category, mentions, negative; most first."""
    statement = select(m.c.category, *_counts()).where(m.c.category.is_not(None))
    return read(_filtered(statement, filters, languages).group_by(m.c.category)
                .order_by(desc("mentions"), m.c.category))


def negative_terms(filters: Filters, limit: int = 15, languages: tuple[str, ...] = ()) -> pd.DataFrame:
    """The words most used in negative mentions: term, mentions; most used first."""
    t = mart_mention_terms
    statement = (select(t.c.term, func.count().label("mentions"))
                 .select_from(t.join(m, m.c.mention_id == t.c.mention_id)))
    return read(_filtered(statement, filters, languages).group_by(t.c.term)
                .order_by(desc("mentions"), t.c.term).limit(limit))


def by_platform(filters: Filters, languages: tuple[str, ...] = ()) -> pd.DataFrame:
    """Mentions per platform over the period: platform, mentions, positive, neutral, negative; most mentioned
    first."""
    return read(_filtered(select(m.c.platform, *_counts()), filters, languages).group_by(m.c.platform)
                .order_by(desc("mentions"), m.c.platform))


def most_negative(filters: Filters, brands: tuple[str, ...] = (), platforms: tuple[str, ...] = (),
                  limit: int = 20, languages: tuple[str, ...] = ()) -> pd.DataFrame:
    """The most negative mentions, lowest score first, of the given brands and platforms (empty: all): posted_date,
    brand, platform, language, author, customer_id, topic, sentiment, label_source, text, mention_id, department_id,
    label."""
    statement = select(m.c.posted_date, m.c.brand, m.c.platform, m.c.language, m.c.author, m.c.customer_id, m.c.topic,
                       m.c.sentiment, m.c.label_source, m.c.text, m.c.mention_id, m.c.department_id,
                       m.c.label).where(m.c.label == "negative")
    if brands:
        statement = statement.where(m.c.brand.in_(brands))
    if platforms:
        statement = statement.where(m.c.platform.in_(platforms))
    return read(_filtered(statement, filters, languages).order_by(m.c.sentiment, desc(m.c.posted_date), m.c.mention_id)
                .limit(limit))


def responses(filters: Filters, languages: tuple[str, ...] = ()) -> pd.DataFrame:
    """Replies per brand: brand, mentions, replied, average_hours (first response), for brands with a reply."""
    statement = select(m.c.brand, func.count().label("mentions"),
                       func.count(m.c.first_response_hours).label("replied"),
                       func.avg(m.c.first_response_hours).label("average_hours"))
    frame = read(_filtered(statement, filters, languages).group_by(m.c.brand).order_by(m.c.brand))
    return frame[frame["replied"] > 0].reset_index(drop=True)


def located(filters: Filters, limit: int = LOCATED) -> pd.DataFrame:
    """Mentions with coordinates, newest first: latitude, longitude, brand, label, sentiment, author."""
    statement = select(m.c.latitude, m.c.longitude, m.c.brand, m.c.label, m.c.sentiment, m.c.author).where(
        m.c.latitude.is_not(None), m.c.longitude.is_not(None))
    return read(_filtered(statement, filters).order_by(desc(m.c.posted_date), m.c.mention_id).limit(limit))


def scorer() -> pd.Series | None:
    """How mentions without a person's label were scored on the last load (a row of mart_sentiment_scorer)."""
    frame = read(select(mart_sentiment_scorer))
    return None if frame.empty else frame.iloc[0]


def scorers_by_language() -> pd.DataFrame:
    """The scorer chosen for each language people labelled on the last load, most labelled first: language ('' when
    too short to tell), scorer, labelled, train_rows, test_rows, accuracy, macro_f1, lexicon_accuracy,
    lexicon_macro_f1."""
    t = mart_sentiment_languages
    return read(select(t).order_by(desc(t.c.labelled), t.c.language))


def corrections(filters: Filters) -> pd.DataFrame:
    """People's corrections of mention labels in the departments the user may see, newest first: mention_id,
    label, previous_label, corrected_by, corrected_at."""
    c = mention_labels
    statement = select(c.c.mention_id, c.c.label, c.c.previous_label, c.c.corrected_by, c.c.corrected_at)
    return read(where_scope(statement, c, filters).order_by(desc(c.c.corrected_at), c.c.mention_id))


def customer_mentions(customer_id: str, filters: Filters) -> pd.DataFrame:
    """One customer's mentions in the departments the user may see, newest first: posted_date, brand, platform,
    label, label_source, sentiment, text."""
    statement = select(m.c.posted_date, m.c.brand, m.c.platform, m.c.label, m.c.label_source, m.c.sentiment,
                       m.c.text).where(m.c.customer_id == customer_id)
    return read(where_scope(statement, m, filters).order_by(desc(m.c.posted_date)))


def label_sources(filters: Filters, languages: tuple[str, ...] = ()) -> pd.DataFrame:
    """Mentions per origin of their label: label_source (person, model, lexicon, none: not scored), mentions."""
    statement = select(m.c.label_source, func.count().label("mentions"))
    frame = read(_filtered(statement, filters, languages).group_by(m.c.label_source).order_by(m.c.label_source))
    frame["label_source"] = frame["label_source"].fillna("none")
    return frame
