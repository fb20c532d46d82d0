"""People's corrections of a mention's label: kept in mention_labels, a person's label on the next run (the scorer
learns from it), the latest winning; on the social fixture (tests/social_fixtures.py)."""

import pandas as pd
import pytest
from sqlalchemy import select

from etl.corrections import correct
from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.schema import mart_mentions, mart_sentiment_scorer, mention_labels
from tests.social_fixtures import social_source


def marts(engine) -> tuple[pd.DataFrame, pd.Series]:
    with engine.connect() as conn:
        mentions = pd.DataFrame(conn.execute(select(mart_mentions)).mappings().all()).set_index("mention_id")
        scorer = pd.Series(conn.execute(select(mart_sentiment_scorer)).mappings().one())
    return mentions, scorer


def test_a_correction_is_a_persons_label_from_the_next_run_on(social_url):
    engine = get_engine(social_url)
    before, scorer = marts(engine)
    assert before.loc["M7", ["label", "label_source"]].tolist() == ["positive", "lexicon"]
    assert (scorer["labelled"], scorer["scored"]) == (6, 2)
    with engine.begin() as conn:
        correct(conn, "M7", "D1", "neutral", "ann", "positive")
        correct(conn, "M7", "D1", "negative", "bob", "positive")  # the latest correction wins
        correct(conn, "M2", "SUP", "neutral", "ann", "negative")  # a source's person label corrected too
    after, scorer = marts(engine)
    assert after.loc["M7", "label"] == "positive"  # nothing changes before the next run
    run_pipeline(social_source(), engine)
    after, scorer = marts(engine)
    assert after.loc["M7", ["label", "label_source", "sentiment"]].tolist() == ["negative", "person", -1.0]
    assert after.loc["M2", ["label", "label_source", "sentiment"]].tolist() == ["neutral", "person", 0.0]
    assert (scorer["labelled"], scorer["scored"]) == (7, 1)  # M7 is now a label the scorer learns from
    with engine.connect() as conn:
        kept = conn.execute(select(mention_labels.c.mention_id, mention_labels.c.label,
                                   mention_labels.c.corrected_by).order_by(mention_labels.c.mention_id)).all()
    assert kept == [("M2", "neutral", "ann"), ("M7", "negative", "bob")]


def test_a_correction_must_be_a_label_and_say_who(social_url):
    engine = get_engine(social_url)
    with engine.begin() as conn, pytest.raises(ValueError, match="label must be one of"):
        correct(conn, "M7", "D1", "not scored", "ann")
    with engine.begin() as conn, pytest.raises(ValueError, match="say who you are"):
        correct(conn, "M7", "D1", "negative", " ")
