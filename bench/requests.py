"""Cost of the source-request loop: rechecking every open request after an ingest.

    python bench/requests.py [--articles 300] [--requests 10,100,500]

Builds a library of synthetic articles (bench/corpus.py), opens N requests that nothing
answers, and times `RequestBook.recheck()` (one `ask` per open request, what the bot runs
after each ingest) and `open()` (one library write each). Prints one row per N.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import FIRST, LAST, TOPICS, article  # noqa: E402
from claims_db import ClaimsDB  # noqa: E402


def _question(n: int) -> str:
    """Return a question worded like members' questions, about the corpus's people and topics."""
    first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
    topic = TOPICS[n % len(TOPICS)][n % 2]
    return f"What did {first} {last} say about the {topic} in {1900 + n}?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--requests", default="10,100,500")
    args = parser.parse_args()
    counts = [int(n) for n in args.requests.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        db = ClaimsDB.open(Path(folder) / "lib.json", seeds=None)
        for n in range(args.articles):
            db.add_text(article(n))
        statements = sum(sum(db.statement_counts(a.id).values()) for a in db.articles())
        print(f"library: {args.articles} articles, {statements} statements")
        print(
            f"{'open requests':>14} {'open() ms p50':>14} {'recheck s':>10} "
            f"{'ms/request':>11} {'answered':>9}"
        )
        opened = 0
        for target in counts:
            costs = []
            while opened < target:
                draft = db.requests.draft(_question(opened), asker=str(opened))
                started = time.perf_counter()
                db.requests.open(draft.id, member=str(opened), limit_per_day=10**6)
                costs.append(time.perf_counter() - started)
                opened += 1
            started = time.perf_counter()
            found = db.requests.recheck()
            took = time.perf_counter() - started
            p50 = statistics.median(costs) * 1000 if costs else 0.0
            print(
                f"{target:>14} {p50:>14.1f} {took:>10.2f} {took / target * 1000:>11.2f} "
                f"{len(found):>9}"
            )
        db.close()


if __name__ == "__main__":
    main()
