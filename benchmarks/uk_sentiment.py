"""How well the Ukrainian lexicon scorer (etl.sentiment_uk) agrees with the project's own labelled Ukrainian reviews
(tests/data/uk_sentiment/uk_reviews.csv): negative-vs-rest macro-F1 (the figure the alerts depend on), three-class
macro-F1 and accuracy, per half of the set. The lexicon was tuned on the "tune" half only; the "test" half is the
figure reported in docs/social.md.

    python -m benchmarks.uk_sentiment [--split test] [--errors]
"""

import argparse
from pathlib import Path

import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from etl import sentiment_uk

REVIEWS = Path(__file__).resolve().parents[1] / "tests" / "data" / "uk_sentiment" / "uk_reviews.csv"


def reviews(split: str | None = None) -> pd.DataFrame:
    """The labelled reviews (id, domain, label, split, text), of one half or all."""
    frame = pd.read_csv(REVIEWS, dtype=str)
    return frame if split is None else frame[frame["split"] == split].reset_index(drop=True)


def figures(frame: pd.DataFrame) -> dict[str, float]:
    """Negative-vs-rest macro-F1, three-class macro-F1 and accuracy of the lexicon's labels on the reviews."""
    predicted = frame["text"].map(lambda t: sentiment_uk.label(sentiment_uk.score(t)))
    negative, truth = predicted == "negative", frame["label"] == "negative"
    return {"rows": len(frame),
            "negative_vs_rest_macro_f1": float(f1_score(truth, negative, average="macro")),
            "macro_f1": float(f1_score(frame["label"], predicted, average="macro")),
            "accuracy": float(accuracy_score(frame["label"], predicted))}


def main() -> None:
    """Print the figures of each half (or one), and the misread reviews of the tuning half when asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["tune", "test"])
    parser.add_argument("--errors", action="store_true", help="list the misread reviews of the tuning half")
    args = parser.parse_args()
    for split in [args.split] if args.split else ["tune", "test"]:
        print(split, {k: round(v, 3) for k, v in figures(reviews(split)).items()})
    if args.errors:
        tune = reviews("tune")
        tune["predicted"] = tune["text"].map(lambda t: sentiment_uk.label(sentiment_uk.score(t)))
        for row in tune[tune["predicted"] != tune["label"]].itertuples():
            print(f"{row.label:>8} -> {row.predicted:<8} {sentiment_uk.score(row.text):+.3f} {row.text}")


if __name__ == "__main__":
    main()
