"""Extraction of many documents on every core: a process pool, the model loaded once per worker.

The parse holds the GIL, so threads would not help; each worker process checks and loads
the language model once when it starts and then extracts document after document.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from claims_db.extract import extract
from claims_db.extract.model import check_model, nlp
from claims_db.models import Extraction

log = logging.getLogger(__name__)

MAX_WORKERS = 4  # each worker holds its own model (about 150-200 MB)
MIN_POOLED = 16  # fewer documents than this are extracted in the calling process


def default_workers() -> int:
    """Return how many worker processes bulk extraction uses on this machine."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def _start_worker() -> None:
    nlp()  # load the model before the first document, once per process


def _extract(item: tuple[str, str | None]) -> Extraction:
    text, title = item
    return extract(text, title=title)


def extract_many(
    items: Iterable[tuple[str, str | None]], *, workers: int | None = None
) -> Iterator[Extraction]:
    """Extract each ``(text, title)`` and yield the results in the order given."""
    todo = list(items)
    count = default_workers() if workers is None else workers
    if count <= 1 or len(todo) < MIN_POOLED:
        for text, title in todo:
            yield extract(text, title=title)
        return
    check_model()  # a missing model is a clear error here, not a broken pool
    # "spawn": a forked child of a process with threads (the bot) can deadlock.
    context = multiprocessing.get_context("spawn")
    log.info("extracting %d documents in %d processes", len(todo), count)
    with ProcessPoolExecutor(count, mp_context=context, initializer=_start_worker) as pool:
        yield from pool.map(_extract, todo, chunksize=4)
