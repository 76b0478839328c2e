"""PostgreSQL mode at scale: bulk load, index load, writes, cross-process updates, memory.

    python bench/scale.py [--sizes 1k,100k,1M] [--url postgresql://...]

Without ``--url`` a private throwaway cluster is started (as the tests do). Per size, one
guild holds a synthetic library of that many statements (bench/search.py's generator):

- bulk load: ``Database.import_library`` (one COPY transaction) into PostgreSQL;
- index load: ``ClaimsDB.open_guild`` in a fresh process, split into streaming the rows
  out of PostgreSQL and building the engine's index (the same build as for TinyDB), with
  that process's RSS;
- write: ``add_text`` of corpus articles into the loaded guild, p50 per article, and the
  extraction share of it (extraction alone, timed separately);
- change-to-answer: another process holds the guild open with a ``ChangeListener``; time
  from the writer's commit to the other process having the article in its index;
- eviction: one process opening five guilds of that size with a resident-statement budget
  of two guilds' worth (bot.library.Libraries), its RSS against the same without a budget.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

from corpus import article as corpus_article  # noqa: E402
from search import library  # noqa: E402

from claims_db.models import Article  # noqa: E402

WRITES = 15
CHANGES = 15


def _rss_mb() -> float:
    """Return this process's resident memory now (ru_maxrss would count the forking parent)."""
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(n: int) -> tuple[list[Article], list, list]:
    """Return articles, statements and speakers of an n-statement library."""
    statements, speakers = library(n)
    by_article: dict[str, list[str]] = {}
    for st in statements:
        by_article.setdefault(st.article_id, []).append(st.text)
    articles = [
        Article(id=aid, title=f"Synthetic {aid}", text=" ".join(texts), extractor_version=99)
        for aid, texts in by_article.items()
    ]
    return articles, statements, speakers


def _parse_size(text: str) -> int:
    text = text.strip().lower()
    for suffix, factor in (("m", 1_000_000), ("k", 1_000)):
        if text.endswith(suffix):
            return int(float(text[:-1]) * factor)
    return int(text)


# -- child processes -------------------------------------------------------------------------


def child_load(url: str, guild: int) -> None:
    """Open one guild's library; print load seconds, statements and RSS."""
    from claims_db import ClaimsDB
    from claims_db.pgstore import Database

    database = Database.connect(url)
    started = time.perf_counter()
    store = database.store(guild)
    rows = time.perf_counter()
    db = ClaimsDB.from_store(store, seeds=None)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "rows_out_s": rows - started,
                "index_build_s": done - rows,
                "statements": db.statement_count,
                "rss_mb": _rss_mb(),
            }
        )
    )


def child_listen(url: str, guild: int) -> None:
    """Hold a guild open with a listener; print the wall time whenever changes arrive."""
    from claims_db import ClaimsDB
    from claims_db.pgstore import ChangeListener, Database

    database = Database.connect(url)
    db = ClaimsDB.open_guild(database, guild, seeds=None)

    class Probe:
        def catch_up(self) -> int:
            applied = db.catch_up()
            if applied:
                print(json.dumps({"applied_at": time.time(), "articles": applied}), flush=True)
            return applied

    listener = ChangeListener(url)
    listener.register(guild, Probe())
    listener.start()
    listener.connected.wait(30)
    print(json.dumps({"ready": True}), flush=True)
    sys.stdin.read()  # until the parent closes stdin
    listener.stop()


def child_evict(url: str, guilds: list[int], budget: int) -> None:
    """Open several guilds through the bot's Libraries with a budget; print RSS and residents."""
    from bot.library import Libraries, open_claims_db, open_guild_library
    from claims_db.pgstore import Database

    database = Database.connect(url)

    async def run() -> dict[str, float]:
        libraries = Libraries(
            Path("/nonexistent"),
            open_claims_db(None),
            guild_opener=open_guild_library(database, None),
            max_resident_statements=budget,
        )
        for guild in guilds:
            await libraries.get(guild)
        return {
            "rss_mb": _rss_mb(),
            "resident_statements": libraries.resident_statements(),
            "evicted": libraries.evicted,
        }

    print(json.dumps(asyncio.run(run())))


def _child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- measurements ----------------------------------------------------------------------------


def measure(url: str, n: int, guild: int) -> dict[str, float]:
    from claims_db import ClaimsDB
    from claims_db.extract import extract
    from claims_db.pgstore import Database

    result: dict[str, float] = {"statements": n}
    articles, statements, speakers = synthetic(n)
    with Database.connect(url) as database:
        started = time.perf_counter()
        database.import_library(guild, articles, statements, speakers)
        result["bulk_load_s"] = time.perf_counter() - started

    loaded = _child("load", url, str(guild))
    result["rows_out_s"] = loaded["rows_out_s"]
    result["index_build_s"] = loaded["index_build_s"]
    result["loaded_rss_mb"] = loaded["rss_mb"]

    listener = subprocess.Popen(
        [sys.executable, __file__, "--child", "listen", url, str(guild)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert listener.stdout is not None and listener.stdin is not None
    assert json.loads(listener.stdout.readline()).get("ready")

    with Database.connect(url) as database:
        db = ClaimsDB.open_guild(database, guild, seeds=None)
        texts = [corpus_article(10_000 + i) for i in range(WRITES + CHANGES)]
        writes, extracts, lags = [], [], []
        for text in texts[:WRITES]:
            started = time.perf_counter()
            extract(text)
            extracts.append(time.perf_counter() - started)
            started = time.perf_counter()
            db.add_text(text)
            writes.append(time.perf_counter() - started)
            json.loads(listener.stdout.readline())  # the other process applied it
        for text in texts[WRITES:]:
            db.add_text(text)
            committed = time.time()
            seen = json.loads(listener.stdout.readline())
            lags.append(seen["applied_at"] - committed)
        db.close()
    listener.stdin.close()
    listener.wait(timeout=60)
    result["write_p50_ms"] = 1000 * statistics.median(writes)
    result["extract_p50_ms"] = 1000 * statistics.median(extracts)
    result["store_index_p50_ms"] = result["write_p50_ms"] - result["extract_p50_ms"]
    result["change_to_index_p50_ms"] = 1000 * statistics.median(lags)
    result["change_to_index_max_ms"] = 1000 * max(lags)
    return result


def measure_eviction(url: str, n: int, base_guild: int) -> dict[str, float]:
    from claims_db.pgstore import Database

    articles, statements, speakers = synthetic(n)
    guilds = [base_guild + i for i in range(5)]
    with Database.connect(url) as database:
        for guild in guilds:
            database.import_library(guild, articles, statements, speakers, replace=True)
    listed = ",".join(map(str, guilds))
    with_budget = _child("evict", url, listed, str(2 * n))
    without = _child("evict", url, listed, "0")
    return {
        "guilds": len(guilds),
        "per_guild_statements": n,
        "budget": 2 * n,
        "rss_budget_mb": with_budget["rss_mb"],
        "resident_budget": with_budget["resident_statements"],
        "evicted": with_budget["evicted"],
        "rss_no_budget_mb": without["rss_mb"],
        "resident_no_budget": without["resident_statements"],
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, url, *rest = sys.argv[2:]
        if kind == "load":
            child_load(url, int(rest[0]))
        elif kind == "listen":
            child_listen(url, int(rest[0]))
        else:
            child_evict(url, [int(g) for g in rest[0].split(",")], int(rest[1]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1k,100k")
    parser.add_argument("--eviction-size", default="20k", help="statements per guild (5 guilds)")
    parser.add_argument("--url", default=None, help="an existing migrated database")
    args = parser.parse_args()

    cluster = None
    url = args.url
    if url is None:
        import psycopg
        from pg_cluster import Cluster, find_bindir

        from claims_db.pgstore import Database

        bindir = find_bindir()
        if bindir is None:
            sys.exit("bench/scale.py: no PostgreSQL found (apt-get install -y postgresql)")
        cluster = Cluster(bindir, durable=True)
        cluster.start()
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        url = cluster.url("bench")
        with Database(url) as database:
            database.upgrade()
    try:
        for number, size in enumerate(args.sizes.split(","), start=1):
            print(json.dumps(measure(url, _parse_size(size), guild=number)), flush=True)
        evict = measure_eviction(url, _parse_size(args.eviction_size), base_guild=100)
        print(json.dumps({"eviction": evict}), flush=True)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
