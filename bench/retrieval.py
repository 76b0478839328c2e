"""Run SearchIndex on shared/retrieval-dev and print its score table (via their score.py).

Each pool statement becomes one Statement of kind claim, without speaker, in its own
article; each tweet is asked with limit=5. The data is read in place and never copied.

    python bench/retrieval.py [--dev PATH] [--threshold X] [--sweep]

``--sweep`` prints, for a range of thresholds, MAP@5, the share of answerable queries
answered and the share of no-answer queries abstained on: the data behind the default
threshold in claims_db/search.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims_db.models import Kind, Match, Statement  # noqa: E402
from claims_db.search import SearchIndex  # noqa: E402

DEFAULT_DEV = ROOT.parent / "shared" / "retrieval-dev"


def build(pool: list[dict[str, str]]) -> SearchIndex:
    """Index every pool statement as its own one-statement article."""
    index = SearchIndex()
    index.add(
        (
            Statement(
                id=s["id"],
                article_id=f"article-{s['id']}",
                kind=Kind.CLAIM,
                text=s["text"],
                start=0,
                end=len(s["text"]),
                sentence=s["text"],
            )
            for s in pool
        ),
        (),
    )
    return index


def ap5(relevant: list[str], ranked: list[str]) -> float:
    """Return average precision at 5 (as score.py computes it)."""
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:5], 1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / min(len(relevant), 5)


def sweep(queries: list[dict[str, object]], runs: dict[str, list[Match]]) -> None:
    """Print MAP@5 / answered / abstained for a range of thresholds."""
    print(f"{'threshold':>9} {'MAP@5':>7} {'answered':>9} {'abstain':>8}")
    for step in range(10, 60):
        cut = step / 200
        aps, answered, abstained, n_none = [], 0, 0, 0
        for q in queries:
            rel = list(q["relevant"])  # type: ignore[call-overload]
            ranked = [m.statement_id for m in runs[str(q["id"])] if m.score >= cut]
            if rel:
                aps.append(ap5(rel, ranked))
                answered += bool(ranked)
            else:
                n_none += 1
                abstained += not ranked
        print(
            f"{cut:>9.2f} {sum(aps) / len(aps):>7.3f} {answered / len(aps):>9.3f}"
            f" {abstained / max(n_none, 1):>8.3f}"
        )


def main() -> None:
    """Build the index, ask every query, score the run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--sweep", action="store_true")
    args = parser.parse_args()
    data = json.loads((args.dev / "dev.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    index = build(data["statements"])
    if args.threshold is not None:
        index.threshold = args.threshold
    built = time.perf_counter() - started
    runs: dict[str, list[Match]] = {}
    started = time.perf_counter()
    for q in data["queries"]:
        runs[q["id"]] = index.score(q["text"], limit=5)
    per_query = (time.perf_counter() - started) / len(data["queries"])
    print(
        f"index build {built:.2f} s, {per_query * 1000:.1f} ms/query, threshold {index.threshold}"
    )
    if args.sweep:
        sweep(data["queries"], runs)
    run = {
        qid: [m.statement_id for m in matches if m.score >= index.threshold]
        for qid, matches in runs.items()
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(run, handle)
    subprocess.run(
        [sys.executable, str(args.dev / "score.py"), str(args.dev / "dev.json"), handle.name],
        check=True,
    )
    Path(handle.name).unlink()


if __name__ == "__main__":
    main()
