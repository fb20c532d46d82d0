"""Social CRM at scale (issue 23): 100,000 mentions in mixed languages, every text distinct, no label (so every
one goes through a lexicon), timed step by step: language detection (the ETL's, once per mention at load),
scoring (etl.sentiment.score_mentions, the scorer's one entry point), words and categories.

    python -m benchmarks.social_scale [--mentions 100000]
"""

import argparse
import time

import numpy as np
import pandas as pd

from benchmarks.uk_sentiment import reviews
from etl.categories import categories
from etl.demo.activity import TEMPLATES, UKRAINIAN
from etl.language import detect_languages
from etl.sentiment import score_mentions
from etl.social import terms

OTHER = ["Livraison très lente, service nul", "Die Lieferung kam zu spät und der Karton war kaputt",
         "Kurier spóźnił się dwa dni", "Consegna veloce, prodotto ottimo", "Entrega rápida y buen precio"]
SHARES = {"en": 0.5, "uk": 0.4, "other": 0.1}


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


def main() -> None:
    """Print the seconds of each step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    for name, value in measure(parser.parse_args().mentions).items():
        print(f"{name}: {value:,.1f}")


if __name__ == "__main__":
    main()
