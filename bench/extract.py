"""Extraction throughput, bulk-ingest and re-extraction time on a deterministic corpus.

python bench/extract.py [--articles 500,1000,2000] [--throughput 400]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import article  # noqa: E402

from claims_db import ClaimsDB  # noqa: E402
from claims_db.extract import extract  # noqa: E402
from claims_db.extract.pool import default_workers  # noqa: E402


def throughput(count: int, *, paragraphs: int = 9) -> None:
    texts = [article(i, paragraphs=paragraphs) for i in range(count)]
    extract(texts[0])  # load the language model outside the timing
    start, cpu = time.perf_counter(), time.process_time()
    statements = sum(len(extract(t).statements) for t in texts)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    size = sum(len(t.encode()) for t in texts) / count
    words = sum(len(t.split()) for t in texts) / count
    print(
        f"extraction: {count} articles of {size / 1000:.1f} KB ({words:.0f} words), "
        f"{statements / count:.1f} "
        f"statements each: {count / cpu:.1f} articles per CPU second, "
        f"{count / elapsed:.1f} articles/s wall ({elapsed:.2f} s)"
    )


def bulk_ingest(count: int, *, workers: int | None = None) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "news"
        folder.mkdir()
        for i in range(count):
            (folder / f"{i:05}.txt").write_text(article(10_000 + i), encoding="utf-8")
        start = time.perf_counter()
        with ClaimsDB.open(Path(tmp) / "lib.json", seeds=None) as db:
            report = db.add_paths([folder], workers=workers)
            statements = sum(len(db.statements(a.id)) for a in report.added)
        elapsed = time.perf_counter() - start
        size = (Path(tmp) / "lib.json").stat().st_size
        start = time.perf_counter()
        with ClaimsDB.open(Path(tmp) / "lib.json", seeds=None) as db:
            db.reextract(everything=True)
        again = time.perf_counter() - start
    label = f"{workers} process" if workers == 1 else f"{default_workers()} processes"
    print(
        f"bulk ingest ({label}): {count:5} articles, {statements:6} statements: {elapsed:6.2f} s "
        f"({count / elapsed:.0f} articles/s, library {size / 1e6:.1f} MB); "
        f"reextract --all {again:6.2f} s"
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--throughput", type=int, default=400, help="articles for throughput")
    parser.add_argument("--articles", default="500,1000,2000", help="bulk ingest sizes")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    started = time.perf_counter()
    extract("Load the model. “It is loaded,” Ana Ruiz said.")
    print(f"language model load: {time.perf_counter() - started:.2f} s")
    throughput(args.throughput)
    throughput(args.throughput, paragraphs=11)  # about 700 words
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the extracting process: {rss:.0f} MB")
    sizes_wanted = list(map(int, args.articles.split(",")))
    bulk_ingest(sizes_wanted[0], workers=1)
    times = {n: bulk_ingest(n) for n in sizes_wanted}
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of one extraction worker process: {child:.0f} MB")
    sizes = sorted(times)
    if len(sizes) > 1:
        ratio = (times[sizes[-1]] / sizes[-1]) / (times[sizes[0]] / sizes[0])
        print(f"per-article time, largest vs smallest run: x{ratio:.2f} (1.0 = linear)")


if __name__ == "__main__":
    main()
