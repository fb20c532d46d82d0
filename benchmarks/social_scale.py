"""Social CRM at scale (issue 23): 100,000 mentions in mixed languages, every text distinct, no label (so every
one goes through a lexicon), timed step by step: language detection (the ETL's, once per mention at load),
scoring (etl.sentiment.score_mentions, the scorer's one entry point), words and categories.

    python -m benchmarks.social_scale [--mentions 100000] [--write]

With --write (and in `make bench`) the section "Social CRM" of docs/benchmarks.md is refreshed, with the Ukrainian
lexicon's figures on the project's own labelled set (benchmarks.uk_sentiment) beside it.
"""

import argparse
import time

import numpy as np
import pandas as pd

from benchmarks.sentiment import refresh_doc
from benchmarks.uk_sentiment import figures, reviews
from etl.categories import categories
from etl.demo.activity import TEMPLATES, UKRAINIAN
from etl.language import detect_languages
from etl.sentiment import score_mentions
from etl.social import terms

OTHER = ["Livraison très lente, service nul", "Die Lieferung kam zu spät und der Karton war kaputt",
         "Kurier spóźnił się dwa dni", "Consegna veloce, prodotto ottimo", "Entrega rápida y buen precio"]
SHARES = {"en": 0.5, "uk": 0.4, "other": 0.1}
TITLE = "## Social CRM: Ukrainian with no labels, 100,000 mentions in mixed languages"
TARGETS = {"score": 60.0, "negative_vs_rest_macro_f1": 0.65}


def mentions(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` distinct unlabelled mentions: half English, 40% Ukrainian, 10% other languages, each a sentence from
    the project's texts with an order number (so no two are the same and no cache can help)."""
    rng = np.random.default_rng(seed)
    pools = {"en": [t.format(p="desk") for rows in TEMPLATES.values() for t, _ in rows],
             "uk": list(reviews()["text"]) + [t.format(p="стіл") for rows in UKRAINIAN.values() for p in rows
                                              for t in p],
             "other": OTHER}
    kind = rng.choice(list(SHARES), n, p=list(SHARES.values()))
    texts = [f"{pools[k][rng.integers(0, len(pools[k]))]} #{i}" for i, k in enumerate(kind)]
    return pd.DataFrame({"mention_id": [f"B{i:06d}" for i in range(n)], "text": texts,
                         "posted_at": pd.Timestamp("2025-01-01"), "label": None, "label_source": None,
                         "label_confidence": None, "sentiment": None})


def measure(n: int) -> dict[str, float]:
    """Seconds of each step over ``n`` mentions, and how many each language got."""
    frame, seconds = mentions(n), {}
    started = time.perf_counter()
    frame["language"] = detect_languages(frame["text"])
    seconds["detect languages"] = time.perf_counter() - started
    started = time.perf_counter()
    scored, _ = score_mentions(frame, [])
    seconds["score"] = time.perf_counter() - started
    started = time.perf_counter()
    terms(scored[scored["label"] == "negative"], set())
    categories(scored["text"], scored["language"], scored["label"])
    seconds["words and categories"] = time.perf_counter() - started
    seconds["not scored"] = float((scored["label"] == "not scored").sum())
    seconds.update({f"language {k}": float(v) for k, v in frame["language"].fillna("-").value_counts().items()})
    return seconds


def section(measured: dict[str, float], n: int) -> str:
    """The markdown section: the lexicon on the test half of the Ukrainian set, and the seconds at scale."""
    test, tune = figures(reviews("test")), figures(reviews("tune"))
    f1, seconds = test["negative_vs_rest_macro_f1"], measured["score"]
    verdict = {True: "met", False: "NOT MET"}
    f1_target, seconds_target = TARGETS["negative_vs_rest_macro_f1"], TARGETS["score"]
    f1_met, fast = verdict[f1 >= f1_target], verdict[seconds < seconds_target]
    return f"""{TITLE}

The project's Ukrainian lexicon (`etl/sentiment_uk.py`, no label from any company) on its own labelled set
(`tests/data/uk_sentiment`, written for the project), measured on the half it was not tuned on: negative-vs-rest
macro-F1 **{f1:.3f}** (target >= {f1_target}: {f1_met}), 3-class macro-F1
{test['macro_f1']:.3f}, accuracy {test['accuracy']:.1%} on {test['rows']} reviews (on the tuning half
{tune['negative_vs_rest_macro_f1']:.3f}, not a fair figure). Written by the lexicon's authors, the set shares their
words: expect less on real reviews (docs/social.md).

{n:,} unlabelled mentions, every text distinct (half English, 40% Ukrainian, 10% five other languages), one
process (`python -m benchmarks.social_scale`):

| step | seconds |
|---|---:|
| scoring (`etl.sentiment.score_mentions`; target < {seconds_target:.0f} s: {fast}) | **{seconds:.1f}** |
| words of the negative mentions and categories | {measured['words and categories']:.1f} |
| language detection (the ETL's, once per new text at load) | {measured['detect languages']:.1f} |

{measured['not scored']:,.0f} mentions were not scored (languages no scorer reads).
"""


def main() -> None:
    """Print the seconds of each step; with --write, refresh the section of docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--write", action="store_true", help="refresh the section of docs/benchmarks.md")
    args = parser.parse_args()
    measured = measure(args.mentions)
    for name, value in measured.items():
        print(f"{name}: {value:,.1f}")
    if args.write:
        refresh_doc(section(measured, args.mentions), TITLE)


if __name__ == "__main__":
    main()
