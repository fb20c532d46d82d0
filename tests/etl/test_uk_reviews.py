"""The project's own labelled Ukrainian set (tests/data/uk_sentiment): its shape, and the lexicon's figures on the
half it was not tuned on (worked out by benchmarks/uk_sentiment.py and written into docs/social.md)."""

import pytest

from benchmarks.uk_sentiment import figures, reviews


def test_the_set_is_large_balanced_and_covers_four_domains():
    frame = reviews()
    assert len(frame) == 507 and frame["text"].is_unique
    assert frame["label"].value_counts().to_dict() == {"neutral": 170, "positive": 169, "negative": 168}
    per_domain = frame.groupby(["domain", "label"]).size()
    assert set(frame["domain"]) == {"delivery", "quality", "service", "price"} and per_domain.between(41, 44).all()
    assert frame["split"].value_counts().to_dict() == {"tune": 255, "test": 252}


def test_the_lexicon_on_the_half_it_was_not_tuned_on():
    measured = figures(reviews("test"))
    assert measured["rows"] == 252
    assert measured["negative_vs_rest_macro_f1"] == pytest.approx(0.819, abs=0.0005)  # target >= 0.65
    assert measured["macro_f1"] == pytest.approx(0.809, abs=0.0005)
    assert measured["accuracy"] == pytest.approx(205 / 252)
