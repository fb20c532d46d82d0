"""Sentiment on the airline tweets: the learned model against VADER, both on the later 30% of the tweets when
only the earlier 70% carry labels, in the same run. `python -m benchmarks.sentiment` refreshes only this
section of docs/benchmarks.md; `make bench` writes it with the rest."""

import re
import time
from pathlib import Path

import pandas as pd

from etl.sentiment import agreement, fit_model, lexicon, model_scores, time_split
from etl.sources.configured import ConfigSource

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "etl" / "sources" / "twitter_airline_sentiment.yaml"
DATA = ROOT.parent / "shared" / "datasets" / "twitter_airline_sentiment"
DOC = ROOT / "docs" / "benchmarks.md"
TITLE = "## Sentiment: 14,485 airline tweets, the learned model against VADER"
TARGET = 0.75


def tweets() -> pd.DataFrame:
    """The tweets as the ETL maps them, one per id (the first, as the load keeps)."""
    frame = ConfigSource(CONFIG, DATA).extract()["social_mentions"].frame
    frame = frame.drop_duplicates("mention_id").reset_index(drop=True)
    return frame.assign(posted_at=pd.to_datetime(frame["posted_at"]))


def measure() -> list[dict]:
    """Accuracy, macro-F1 and seconds of each scorer on the later 30% (the model learns from the earlier 70%,
    or from only its last 1,000 labels)."""
    frame = tweets()
    train, test = time_split(frame)
    brands = sorted(frame["brand"].dropna().unique())
    rows = []
    learners = (("TF-IDF + logistic regression", train), ("the same, last 1,000 labels only", train.tail(1000)))
    for name, learn in learners:
        started = time.perf_counter()
        predicted = model_scores(fit_model(learn["text"], learn["label"]), test["text"])[0]
        rows.append({"scorer": name, "labels": len(learn), "seconds": time.perf_counter() - started,
                     **dict(zip(("accuracy", "macro_f1"), agreement(test["label"], predicted)))})
    started = time.perf_counter()
    predicted = lexicon(test["text"], brands)[0]
    rows.append({"scorer": "VADER (handles and brand names removed)", "labels": 0,
                 "seconds": time.perf_counter() - started,
                 **dict(zip(("accuracy", "macro_f1"), agreement(test["label"], predicted)))})
    return [dict(r, train=len(train), test=len(test), split=test["posted_at"].iloc[0]) for r in rows]


def section(rows: list[dict]) -> str:
    """The markdown section."""
    met = rows[0]["macro_f1"] >= TARGET
    lines = "\n".join(f"| {r['scorer']} | {r['labels']:,} | {r['accuracy']:.1%} | {r['macro_f1']:.3f} | "
                      f"{r['seconds']:.1f} |" for r in rows)
    return f"""{TITLE}

People's labels of the Twitter US Airline Sentiment tweets, loaded by `etl/sources/twitter_airline_sentiment.yaml`
(one row per tweet id). The tweets are ordered by time; the model learns only from the earlier
{rows[0]['train']:,} (70%, before {rows[0]['split']:%d %b %Y %H:%M}) and every scorer is scored on the later
{rows[0]['test']:,}, in the same run. Seconds include learning and scoring. Target: macro-F1 of the model
>= {TARGET}: **{rows[0]['macro_f1']:.3f}** ({'met' if met else 'NOT MET'}), against VADER's {rows[-1]['macro_f1']:.3f}.

| scorer | labels learned from | accuracy | macro-F1 | seconds |
|---|---:|---:|---:|---:|
{lines}
"""


def refresh_doc(text: str, title: str = TITLE) -> None:
    """Put the section headed ``title`` into docs/benchmarks.md in place of an older one, or at its end."""
    current = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(title) + r".*?(?=\n## |\Z)", re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text.rstrip("\n"), current)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    DOC.write_text(updated.rstrip("\n") + "\n")


if __name__ == "__main__":
    result = section(measure())
    print(result)
    refresh_doc(result)
