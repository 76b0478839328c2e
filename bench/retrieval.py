"""Measure answers on shared/retrieval-dev end to end, through ClaimsDB (and SearchIndex alone).

Each pool statement is ingested through ``ClaimsDB`` as a small article (first line its id,
which becomes the title; then its text as the body), every query is asked with
``ClaimsDB.ask(text, limit=5)`` and answers are mapped back through their article's title.
Two libraries are built:

- ``plain``: the statements as they are (none of retrieval-dev has speakers);
- ``speakers``: a third of the statements become ``X said: “…”`` with invented people,
  and the queries about those statements mention X (full name or surname).

Queries split into a fitting half and a checking half by a hash of their id (notes/split.md);
tune on the fitting half only. Printed per variant and half: MAP@5 without abstaining, and
at the shipped threshold MAP@5, answerable answered and no-answer abstained; "lexical" is the
same library before its vectors exist (the stage that ranked alone before issue 16). The
``index`` rows are the old diagnostic: SearchIndex built directly from the pool texts.

    python bench/retrieval.py [--dev PATH] [--cache DIR] [--dump FILE] [--variants plain,speakers]

Libraries and their vectors are cached under ``--cache`` (default /tmp/claimbot-retrieval);
``--dump`` writes each query's ranking and abstention signals for bench/calibrate.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims_db import rank  # noqa: E402
from claims_db import text as text_mod  # noqa: E402
from claims_db.db import ClaimsDB  # noqa: E402
from claims_db.models import Kind, SourceKind, Statement  # noqa: E402
from claims_db.search import SearchIndex  # noqa: E402

DEFAULT_DEV = ROOT.parent / "shared" / "retrieval-dev"
DEFAULT_CACHE = Path("/tmp/claimbot-retrieval")

# Invented people (none is meant to be a real person).
_FIRST = [
    "Ilse",
    "Maren",
    "Tobias",
    "Agnete",
    "Rune",
    "Selma",
    "Jorunn",
    "Halvard",
    "Wenche",
    "Eskil",
    "Liv",
    "Arnulf",
    "Tove",
    "Brede",
    "Sigrun",
    "Oddvar",
    "Ragna",
    "Trygve",
    "Elin",
    "Kasper",
    "Hedda",
    "Vidar",
    "Solveig",
    "Ansgar",
    "Frida",
    "Gunnar",
    "Ylva",
    "Bjarne",
]
_LAST = [
    "Brandvold",
    "Ostby",
    "Arvesen",
    "Kvalheim",
    "Lindqvist",
    "Haugerud",
    "Tveit",
    "Solberg-Rye",
    "Vangsnes",
    "Eikrem",
    "Morkeseth",
    "Fjellstad",
    "Grindheim",
    "Aaberge",
    "Ulvestad",
    "Rimstad",
    "Nesheim",
    "Skarsvaag",
    "Bjorkli",
    "Loftesnes",
    "Hovland",
    "Sandvik",
    "Marthinussen",
    "Reitan",
    "Vikoren",
    "Brekkestol",
    "Ottesen",
    "Juvland",
    "Kleppa",
    "Askvik",
]


def is_fitting(qid: str) -> bool:
    """Return whether a query is in the fitting half (notes/split.md)."""
    return int(hashlib.sha256(qid.encode()).hexdigest(), 16) % 2 == 0


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16)


def speaker_of(statement_id: str) -> str | None:
    """Return the invented speaker of a statement in the speakers variant (a third have one)."""
    h = _hash("speaker:" + statement_id)
    if h % 3:
        return None
    return f"{_FIRST[(h // 3) % len(_FIRST)]} {_LAST[(h // 97) % len(_LAST)]}"


def with_speaker(query: dict[str, Any]) -> str:
    """Return a query of the speakers variant: it names the speaker of its statement."""
    for sid in query["relevant"]:
        name = speaker_of(sid)
        if name is None:
            continue
        shape = _hash("shape:" + query["id"]) % 3
        if shape == 0:
            return f"What did {name} say about this? {query['text']}"
        if shape == 1:
            return f"{name.split()[-1]}: {query['text']}"
        return f"Did {name} say that {query['text']}"
    return str(query["text"])


def body(statement: dict[str, str], variant: str) -> str:
    """Return the small article a pool statement becomes."""
    name = speaker_of(statement["id"]) if variant == "speakers" else None
    text = statement["text"] if name is None else f"{name} said: \u201c{statement['text']}\u201d"
    return f"{statement['id']}\n\n{text}"


def build(path: Path, pool: list[dict[str, str]], variant: str) -> tuple[ClaimsDB, float]:
    """Open (or ingest) a variant's library; return it with the ingest time (0 if cached)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not path.exists()
    db = ClaimsDB.open(path, seeds=None)
    if not fresh:
        return db, 0.0
    started = time.perf_counter()
    added = []
    for s in pool:
        doc = text_mod.document_from_text(body(s, variant))
        added.append(db.add_document(doc, source=SourceKind.TEXT, commit=False).id)
        if len(added) >= 2000:
            db._commit_or_roll_back(*added)
            added = []
    db._commit_or_roll_back(*added)
    return db, time.perf_counter() - started


def ap5(relevant: list[str], ranked: list[str]) -> float:
    """Return average precision at 5 (as score.py computes it)."""
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:5], 1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / min(len(relevant), 5)


def summary(rows: list[dict[str, Any]], answered: Callable[[dict[str, Any]], bool]) -> str:
    """Return 'MAP@5 raw | MAP@5 thresholded, answered, abstained' for some queries."""
    raw, cut, n_ans, n_none, abst = [], [], 0, 0, 0
    for r in rows:
        keep = answered(r)
        if r["relevant"]:
            raw.append(ap5(r["relevant"], r["ranked"]))
            cut.append(ap5(r["relevant"], r["ranked"]) if keep else 0.0)
            n_ans += keep
        else:
            n_none += 1
            abst += not keep
    m = len(raw) or 1
    return (
        f"MAP@5 {sum(raw) / m:.3f} | thresholded {sum(cut) / m:.3f}, "
        f"answered {n_ans / m:.1%}, abstained {abst / max(n_none, 1):.1%} (n={len(rows)})"
    )


def titles_of(db: ClaimsDB, same_text: dict[str, list[str]]) -> Callable[[list[Any]], list[str]]:
    """Return a function mapping answers to pool ids via article titles.

    Pool statements with the same text are one article; they and the articles an answer
    folds in as near-identical follow the answer's own id.
    """

    def ids(answers: list[Any]) -> list[str]:
        out: list[str] = []
        for a in answers:
            # An answer folds near-identical statements of other articles ("also in").
            for article in (a.article, *a.also_in):
                for sid in same_text.get(article.title, [article.title]):
                    if sid not in out:
                        out.append(sid)
        return out[:5]

    return ids


def run_variant(
    variant: str, data: dict[str, Any], cache: Path, rows_out: list[dict[str, Any]]
) -> None:
    """Build, ask before and after embedding, print both halves."""
    pool = data["statements"]
    by_text: dict[str, list[str]] = {}
    for s in pool:
        by_text.setdefault(s["text"], []).append(s["id"])
    same_text = {ids[0]: ids for ids in by_text.values()}
    db, ingest_s = build(cache / variant / "library.json", pool, variant)
    to_ids = titles_of(db, same_text)
    queries = [
        {**q, "ask": with_speaker(q) if variant == "speakers" else q["text"]}
        for q in data["queries"]
    ]
    print(
        f"\n== {variant}: {db.article_count} articles, {len(db._statements)} statements"
        + (f", ingested in {ingest_s:.1f} s" if ingest_s else " (cached)")
    )
    lexical: list[dict[str, Any]] = []
    if db.missing_vector_count():
        # Before the vectors exist, ask() is the lexical stage alone (as before issue 16).
        saved, db._vectors = db._vectors, type(db._vectors)(db._vectors.model, 384)
        for q in queries:
            raw = db._index.score(q["ask"], limit=5)
            answers = [db._answer(m) for m in raw]
            lexical.append(
                {
                    "relevant": q["relevant"],
                    "ranked": to_ids(answers),
                    "kept": bool(raw) and raw[0].score >= db._index.threshold,
                    "fitting": is_fitting(q["id"]),
                }
            )
        db._vectors = saved
        started = time.perf_counter()
        count = db.embed_missing()
        print(f"embedded {count} statements in {time.perf_counter() - started:.1f} s")
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    for q in queries:
        answers, confidence, signals = db._ask(q["ask"], limit=5)
        rows.append(
            {
                "variant": variant,
                "id": q["id"],
                "fitting": is_fitting(q["id"]),
                "relevant": q["relevant"],
                "ranked": to_ids(answers),
                "confidence": confidence,
                "signals": signals,
                "right": bool(answers) and to_ids(answers[:1])[0] in q["relevant"],
            }
        )
    per_query = (time.perf_counter() - started) / len(queries) * 1000
    print(f"ask (fused, with query embedding): {per_query:.1f} ms/query")

    def kept(r: dict[str, Any]) -> bool:
        if not r["ranked"]:
            return False
        return r["confidence"] is None or bool(r["signals"]) and rank.should_answer(r["signals"])

    for half, name in ((True, "fitting"), (False, "checking")):
        part = [r for r in rows if r["fitting"] == half]
        print(f"  {name:8} fused   {summary(part, kept)}")
        if lexical:
            part = [r for r in lexical if r["fitting"] == half]
            print(f"  {name:8} lexical {summary(part, lambda r: r['kept'])}")
    rows_out.extend(rows)
    db.close()


def run_index_only(data: dict[str, Any]) -> None:
    """The old diagnostic: SearchIndex built straight from the pool texts."""
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
            for s in data["statements"]
        ),
        (),
    )
    rows = []
    for q in data["queries"]:
        matches = index.score(q["text"], limit=5)
        rows.append(
            {
                "relevant": q["relevant"],
                "ranked": [m.statement_id for m in matches],
                "kept": bool(matches) and matches[0].score >= index.threshold,
                "fitting": is_fitting(q["id"]),
            }
        )
    print("\n== index only (SearchIndex on pool texts, lexical)")
    for half, name in ((True, "fitting"), (False, "checking")):
        part = [r for r in rows if r["fitting"] == half]
        print(f"  {name:8} {summary(part, lambda r: r['kept'])}")


def main() -> None:
    """Run every variant and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--dump", type=Path, default=None)
    parser.add_argument("--variants", default="plain,speakers")
    parser.add_argument("--no-index", action="store_true", help="skip the SearchIndex-only rows")
    args = parser.parse_args()
    data = json.loads((args.dev / "dev.json").read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = []
    for variant in args.variants.split(","):
        run_variant(variant, data, args.cache, rows)
    if not args.no_index:
        run_index_only(data)
    if args.dump is not None:
        args.dump.write_text(json.dumps(rows), encoding="utf-8")


if __name__ == "__main__":
    main()
