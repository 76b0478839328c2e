"""Time the semantic stage's parts: query embedding, cosine on the pool, full scan, fusion.

Library-size dependent parts run on a VectorStore of ``--statements`` random unit
vectors (cosine on a 1,000-statement pool, the full scan used up to DENSE_SCAN_LIMIT);
embedding runs on invented questions of the shapes users send. The lexical stage is
bench/search.py's to time.

    python bench/semantic.py [--statements 100000] [--repeat 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims_db.db import DENSE_CANDIDATES  # noqa: E402
from claims_db.embed import DIMENSION, MODEL_VERSION, shared_embedder  # noqa: E402
from claims_db.vectors import VectorStore  # noqa: E402

QUESTIONS = {
    "short question": "what did Brandvold say about the ferry budget?",
    "typo question": "did the goverment cut the budjet for the harbour?",
    "pasted 60-word claim": (
        "BREAKING: the county has quietly halved the ferry crossings to Vellholm and the "
        "island council says nobody was asked. Six boats a day for 900 people, while the "
        "transport office claims it saves 14 million a year. Councillor Aaberge said the "
        "island cannot live like this. Share before they delete it! #ferry #Vellholm "
        "pic.example/abc123 - Sigrun Tveit (@sigtveit) March 3"
    ),
}


def timed(fn: object, repeat: int) -> tuple[float, float]:
    """Return (p50, p99) milliseconds of calling ``fn`` ``repeat`` times."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main() -> None:
    """Print p50/p99 of each part."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    embedder = shared_embedder()
    started = time.perf_counter()
    embedder.load()
    print(f"model load {time.perf_counter() - started:.2f} s")
    for name, text in QUESTIONS.items():
        p50, p99 = timed(lambda text=text: embedder.embed_query(text), args.repeat)
        print(f"query embedding, {name:22} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
    texts = [f"{QUESTIONS['pasted 60-word claim'][: 60 + i % 200]}" for i in range(512)]
    started = time.perf_counter()
    embedder.embed(texts)
    print(f"statement embedding {len(texts) / (time.perf_counter() - started):.0f} statements/s")

    rng = np.random.default_rng(16)
    store = VectorStore(MODEL_VERSION, DIMENSION)
    ids = [f"s{i}" for i in range(args.statements)]
    for start in range(0, len(ids), 10_000):
        block = rng.normal(size=(min(10_000, len(ids) - start), DIMENSION)).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        store.add(ids[start : start + len(block)], block)
    query = embedder.embed_query(QUESTIONS["short question"])
    pool = [ids[i] for i in rng.choice(len(ids), size=1000, replace=False)]
    p50, p99 = timed(lambda: store.cosines(query, pool), args.repeat)
    print(f"cosine on a 1,000 pool at {args.statements:,}: p50 {p50:.2f} ms  p99 {p99:.2f} ms")
    store.nearest(query, DENSE_CANDIDATES)  # builds the float copy once
    p50, p99 = timed(lambda: store.nearest(query, DENSE_CANDIDATES), max(20, args.repeat // 10))
    print(f"full scan of {args.statements:,} vectors: p50 {p50:.2f} ms  p99 {p99:.2f} ms")
    print(f"vector memory {store._codes.nbytes / 2**20:.0f} MiB int8 (+ float copy for a scan)")


if __name__ == "__main__":
    main()
