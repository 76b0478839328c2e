"""Search speed and memory on a deterministic synthetic library, against a naive fuzzy scan.

    python bench/search.py [--sizes 10k,100k,1M] [--questions 200] [--naive-max 1000000]

Per size: index build time, ask latency p50/p99 over the questions, process RSS, the latency
of ``rapidfuzz.process.extract(q, texts, scorer=fuzz.token_set_ratio)`` over the same texts
(the naive baseline; skipped above --naive-max statements because it takes minutes) and the
ratio, plus top-3 accuracy on questions that are known statements with one typo.
Each size runs in a fresh process so that RSS is that size's alone.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from claims_db.models import Kind, Speaker, Statement  # noqa: E402
from claims_db.search import SearchIndex  # noqa: E402

_SYLLABLES = [c + v for c in "bdklmnrstv" for v in "aeiou"]
_FILLER = ["the", "a", "of", "to", "in", "and", "that", "for", "on", "with", "as", "by", "at"]


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    ordered = sorted(words)
    rng.shuffle(ordered)  # Zipf ranks must not follow spelling, or common words look alike
    return ordered


def library(n: int, seed: int = 7) -> tuple[list[Statement], list[Speaker]]:
    """Return ``n`` synthetic statements (Zipf-distributed words) in 10-statement articles."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 60_000)
    # Content words only (stop words come from _FILLER), so the head of the Zipf curve is cut.
    weights = list(itertools.accumulate(1 / (rank + 50) ** 1.05 for rank in range(len(vocab))))
    n_speakers = max(10, n // 500)
    speakers = [
        Speaker(id=f"spk{i}", name=f"{vocab[-1 - 2 * i].title()} {vocab[-2 - 2 * i].title()}")
        for i in range(n_speakers)
    ]
    statements = []
    for i in range(n):
        length = rng.randint(6, 28)
        content = rng.choices(vocab, cum_weights=weights, k=length)
        text = " ".join(w if rng.random() > 0.3 else f"{rng.choice(_FILLER)} {w}" for w in content)
        text = text[0].upper() + text[1:] + "."
        speaker = speakers[rng.randrange(n_speakers)] if rng.random() < 0.6 else None
        statements.append(
            Statement(
                id=f"st{i}",
                article_id=f"art{i // 10}",
                kind=Kind.DIRECT if speaker else Kind.CLAIM,
                text=text,
                start=0,
                end=len(text),
                sentence=text,
                speaker_id=speaker.id if speaker else None,
                speaker=speaker.name if speaker else None,
            )
        )
    return statements, speakers


def typo(word: str, rng: random.Random) -> str:
    """Return ``word`` with two neighbouring letters swapped."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def questions(statements: list[Statement], count: int) -> list[tuple[str, str]]:
    """Return (question, statement id) pairs: 5 words of a statement, one of them misspelt."""
    rng = random.Random(11)
    out = []
    for statement in rng.sample(statements, count):
        words = [w.strip(".").lower() for w in statement.text.split() if len(w) > 3]
        picked = rng.sample(words, min(5, len(words)))
        pos = rng.randrange(len(picked))
        picked[pos] = typo(picked[pos], rng)
        out.append((" ".join(picked), statement.id))
    return out


def measure(n: int, n_questions: int, naive_max: int) -> dict[str, float]:
    """Build, query and measure one library size."""
    statements, speakers = library(n)
    started = time.perf_counter()
    index = SearchIndex()
    index.add(statements, speakers)
    build = time.perf_counter() - started
    asked = questions(statements, n_questions)
    latencies, hits = [], 0
    for question, expected in asked:
        started = time.perf_counter()
        matches = index.score(question, limit=3)
        latencies.append(time.perf_counter() - started)
        hits += any(m.statement_id == expected or expected in m.also_in for m in matches)
    latencies.sort()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "n": n,
        "build_s": build,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "rss_mb": rss_mb,
        "top3": hits / len(asked),
        "naive_ms": float("nan"),
    }
    if n <= naive_max:
        texts = [s.text for s in statements]
        naive = []
        # A scan of 1M statements takes seconds a question: fewer samples there.
        for question, _ in asked[: 20 if n <= 100_000 else 5]:
            started = time.perf_counter()
            process.extract(question, texts, scorer=fuzz.token_set_ratio, limit=3)
            naive.append(time.perf_counter() - started)
        result["naive_ms"] = 1000 * statistics.median(naive)
    return result


def _size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def main() -> None:
    """Run each size in its own process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--naive-max", type=int, default=1_000_000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.questions, args.naive_max)))
        return
    header = f"{'size':>9}{'build s':>9}{'p50 ms':>9}{'p99 ms':>9}{'RSS MB':>9}"
    print(header + f"{'naive ms':>10}{'ratio':>8}{'top-3':>8}")
    for size in (_size(s) for s in args.sizes.split(",")):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(size),
                "--questions",
                str(args.questions),
                "--naive-max",
                str(args.naive_max),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        ratio = r["naive_ms"] / r["p50_ms"]
        print(
            f"{r['n']:>9}{r['build_s']:>9.2f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
            f"{r['rss_mb']:>9.0f}{r['naive_ms']:>10.1f}{ratio:>8.0f}x{r['top3']:>7.3f}"
        )


if __name__ == "__main__":
    main()
