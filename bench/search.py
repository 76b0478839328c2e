"""Ask latency on two deterministic libraries, side by side with a naive fuzzy scan.

    python bench/search.py [--sizes 10k,100k,1M] [--libraries synthetic,articles]
                           [--questions 300] [--naive-max 1000000] [--stages]

Two libraries per size:
- ``synthetic``: 10-statement articles of Zipf-distributed invented words, 60% of them
  quoted from one of n/500 speakers;
- ``articles``: shaped like extracted news: 3.5 KB articles of ~40 statements (quotes,
  reported speech and the article's own claims, each with its sentence), four or five
  speakers an article drawn from a pool in which surnames repeat.

Questions come in the shapes members send, an equal number of each: a speaker's surname
with 3-4 of their words ("what did Berg say about ..."), a full name, no speaker (5 words
of a statement), a 5-word question with one misspelt word, and a pasted ~60-word claim.
Each is timed through ``SearchIndex.search`` plus the join to records, which is what
``ClaimsDB.ask`` does under its lock. The naive baseline is
``rapidfuzz.process.extract(q, texts, scorer=fuzz.token_set_ratio)`` over the same texts,
normalised once up front (``processor=None`` then), timed in the same process. With
``--stages`` the 100k-sized runs also print where a question's time goes.
Each size and library runs in a fresh process so that RSS is that run's alone. The last
two columns are CPU-time percentiles, which a busy shared machine inflates less.
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process, utils  # noqa: E402

from claims_db.models import Kind, Speaker, Statement  # noqa: E402
from claims_db.query import parse  # noqa: E402
from claims_db.search import SearchIndex  # noqa: E402
from claims_db.textnorm import words  # noqa: E402

_SYLLABLES = [c + v for c in "bdklmnrstv" for v in "aeiou"]
_FILLER = ["the", "a", "of", "to", "in", "and", "that", "for", "on", "with", "as", "by", "at"]
SHAPES = ("surname", "full name", "no speaker", "typo", "pasted")


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    found: set[str] = set()
    while len(found) < size:
        found.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    ordered = sorted(found)
    rng.shuffle(ordered)  # Zipf ranks must not follow spelling, or common words look alike
    return ordered


def _sentence(rng: random.Random, vocab: list[str], weights: list[float], length: int) -> str:
    content = rng.choices(vocab, cum_weights=weights, k=length)
    text = " ".join(w if rng.random() > 0.3 else f"{rng.choice(_FILLER)} {w}" for w in content)
    return text[0].upper() + text[1:]


def _zipf(vocab: list[str]) -> list[float]:
    # Content words only (stop words come from _FILLER), so the head of the Zipf curve is cut.
    return list(itertools.accumulate(1 / (rank + 50) ** 1.05 for rank in range(len(vocab))))


def synthetic(n: int, seed: int = 7) -> tuple[list[Statement], list[Speaker]]:
    """Return ``n`` synthetic statements (Zipf-distributed words) in 10-statement articles."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 60_000)
    weights = _zipf(vocab)
    n_speakers = max(10, n // 500)
    speakers = [
        Speaker(
            id=f"spk{i}",
            name=f"{vocab[-1 - 2 * i].title()} {vocab[-2 - 2 * i].title()}",
            aliases=(vocab[-2 - 2 * i].title(),),
        )
        for i in range(n_speakers)
    ]
    statements = []
    for i in range(n):
        text = _sentence(rng, vocab, weights, rng.randint(6, 28)) + "."
        speaker = speakers[rng.randrange(n_speakers)] if rng.random() < 0.6 else None
        statements.append(_statement(f"st{i}", f"art{i // 10}", text, text, speaker, 0))
    return statements, speakers


def _statement(
    sid: str, article: str, text: str, sentence: str, speaker: Speaker | None, start: int
) -> Statement:
    kind = Kind.CLAIM if speaker is None else Kind.DIRECT if '"' in sentence else Kind.INDIRECT
    return Statement(
        id=sid,
        article_id=article,
        kind=kind,
        text=text,
        start=start,
        end=start + len(text),
        sentence=sentence,
        speaker_id=speaker.id if speaker else None,
        speaker=speaker.name if speaker else None,
    )


def articles(n: int, seed: int = 13) -> tuple[list[Statement], list[Speaker]]:
    """Return ~``n`` statements in 3.5 KB articles of ~40 statements, shaped like extraction."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 60_000)
    weights = _zipf(vocab)
    n_articles = max(1, n // 40)
    # Surnames repeat across the pool (two people called Berg), as in real libraries.
    surnames = [vocab[-1 - i].title() for i in range(max(20, n_articles // 4))]
    firsts = [vocab[-30_000 - i].title() for i in range(200)]
    pool = [
        Speaker(
            id=f"p{i}",
            name=f"{firsts[i % len(firsts)]} {surnames[i % len(surnames)]}",
            aliases=(surnames[i % len(surnames)],),
        )
        for i in range(max(20, n_articles))
    ]
    statements: list[Statement] = []
    for a in range(n_articles):
        cast = rng.sample(pool, rng.randint(4, 5))
        pos = 0
        for s in range(40):
            # ~88 characters a statement, so 40 of them make a 3.5 KB article.
            body = _sentence(rng, vocab, weights, rng.randint(8, 14))
            roll = rng.random()
            speaker = cast[rng.randrange(len(cast))] if roll < 0.55 else None
            if speaker is None:
                text = sentence = body + "."
            elif roll < 0.3:
                text = body
                sentence = f'"{body}," {speaker.name.split()[-1]} said.'
            else:
                text = body[0].lower() + body[1:]
                sentence = f"{speaker.name} said {text}."
            statements.append(_statement(f"a{a}s{s}", f"art{a}", text, sentence, speaker, pos))
            pos += len(sentence) + 1
    return statements, pool


def typo(word: str, rng: random.Random) -> str:
    """Return ``word`` with two neighbouring letters swapped."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _content(statement: Statement) -> list[str]:
    return [w for w in words(statement.text) if len(w) > 3]


def questions(statements: list[Statement], count: int) -> list[tuple[str, str, str]]:
    """Return (shape, question, statement id) triples, ``count // 5`` of each shape."""
    rng = random.Random(11)
    quoted = [s for s in statements if s.speaker and len(_content(s)) >= 5]
    plain = [s for s in statements if len(_content(s)) >= 5]
    by_article: dict[str, list[Statement]] = {}
    for s in statements:
        by_article.setdefault(s.article_id, []).append(s)
    out: list[tuple[str, str, str]] = []
    per_shape = max(1, count // len(SHAPES))
    for shape in SHAPES:
        for _ in range(per_shape):
            source = rng.choice(quoted if shape in ("surname", "full name") else plain)
            picked = rng.sample(_content(source), 5)
            if shape == "surname":
                name = (source.speaker or "").split()[-1]
                question = f"what did {name} say about {' '.join(picked[:3])}?"
            elif shape == "full name":
                question = f"what did {source.speaker} say about {' '.join(picked[:3])}?"
            elif shape == "no speaker":
                question = " ".join(picked)
            elif shape == "typo":
                pos = rng.randrange(len(picked))
                picked[pos] = typo(picked[pos], rng)
                question = " ".join(picked) + "?"
            else:
                siblings = by_article[source.article_id]
                at = siblings.index(source)
                passage = " ".join(s.text for s in siblings[at : at + 6])
                question = " ".join(passage.split()[:60])
            out.append((shape, question, source.id))
    return out


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def stages(index: SearchIndex, asked: list[tuple[str, str, str]]) -> dict[str, float]:
    """Return the median ms a question spends in each stage of ``SearchIndex.explain``.

    The stages are re-run one by one on the index's private methods, as ``explain`` runs
    them: parse (words, intent, slots with their typo lookups), mentions (speaker names),
    candidates (phase one; both passes for a question directed at a speaker), scoring
    (phase two and grouping).
    """
    spent: dict[str, list[float]] = {k: [] for k in ("parse", "mentions", "candidates", "scoring")}
    for _, question, _ in asked:
        clock = time.perf_counter()
        word_list = words(question)
        t_words = time.perf_counter() - clock
        clock = time.perf_counter()
        mentions = index._mentions(word_list)  # noqa: SLF001 - a benchmark looks inside
        t_mentions = time.perf_counter() - clock
        clock = time.perf_counter()
        parsed = parse(question, mentions)
        slots = index._slots(parsed.topic)  # noqa: SLF001
        t_parse = t_words + time.perf_counter() - clock
        speakers = index._directed_speakers(parsed)  # noqa: SLF001
        clock = time.perf_counter()
        candidates = index._candidates(slots, None) if slots else []  # noqa: SLF001
        if speakers is not None and slots:
            candidates += index._candidates(slots, speakers)  # noqa: SLF001
        t_candidates = time.perf_counter() - clock
        clock = time.perf_counter()
        ranked = [index._score_doc(d, slots, {}) for d in set(candidates)]  # noqa: SLF001
        ranked.sort(key=lambda s: (-s.score, s.doc))
        index._group(ranked, parsed, 3)  # noqa: SLF001
        t_scoring = time.perf_counter() - clock
        spent["parse"].append(t_parse)
        spent["mentions"].append(t_mentions)
        spent["candidates"].append(t_candidates)
        spent["scoring"].append(t_scoring)
    return {k: 1000 * statistics.median(v) for k, v in spent.items()}


def measure(
    n: int, kind: str, n_questions: int, naive_max: int, with_stages: bool
) -> dict[str, object]:
    """Build, query and measure one library."""
    make: Callable[[int], tuple[list[Statement], list[Speaker]]] = (
        synthetic if kind == "synthetic" else articles
    )
    statements, speakers = make(n)
    by_id = {s.id: s for s in statements}
    started = time.perf_counter()
    index = SearchIndex()
    index.add(statements, speakers)
    build = time.perf_counter() - started
    asked = questions(statements, n_questions)
    for _, question, _ in asked[:20]:  # warm the lazily built vocabulary views
        index.search(question)
    latencies: dict[str, list[float]] = {shape: [] for shape in SHAPES}
    hits = 0
    cpu: list[float] = []
    for shape, question, expected in asked:
        started, started_cpu = time.perf_counter(), time.process_time()
        answers = [by_id[m.statement_id] for m in index.search(question, limit=3)]
        latencies[shape].append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        hits += any(a.id == expected for a in answers)
    every = [t for values in latencies.values() for t in values]
    result: dict[str, object] = {
        "n": len(statements),
        "library": kind,
        "build_s": build,
        "p50_ms": 1000 * statistics.median(every),
        "p99_ms": 1000 * _percentile(every, 0.99),
        # CPU time: what the latency would be on an idle core (the bench machine is shared).
        "cpu_p50_ms": 1000 * statistics.median(cpu),
        "cpu_p99_ms": 1000 * _percentile(cpu, 0.99),
        "shapes": {
            shape: (1000 * statistics.median(v), 1000 * _percentile(v, 0.99))
            for shape, v in latencies.items()
        },
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "top3": hits / len(asked),
        "naive_ms": float("nan"),
    }
    if with_stages:
        result["stages"] = stages(index, asked)
    if len(statements) <= naive_max:
        texts = [utils.default_process(s.text) for s in statements]  # normalised once
        naive = []
        # A scan of 1M statements takes seconds a question: fewer samples there.
        sample = asked[:: max(1, len(asked) // (25 if len(statements) <= 100_000 else 5))]
        for _, question, _ in sample:
            started = time.perf_counter()
            process.extract(
                utils.default_process(question),
                texts,
                scorer=fuzz.token_set_ratio,
                processor=None,
                limit=3,
            )
            naive.append(time.perf_counter() - started)
        result["naive_ms"] = 1000 * statistics.median(naive)
    return result


def _size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def main() -> None:
    """Run each size and library in its own process and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--libraries", default="synthetic,articles")
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--naive-max", type=int, default=1_000_000)
    parser.add_argument("--stages", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        size, kind = args.one.split(":")
        print(json.dumps(measure(int(size), kind, args.questions, args.naive_max, args.stages)))
        return
    print(
        f"{'library':>10}{'size':>9}{'build s':>9}{'p50 ms':>9}{'p99 ms':>9}{'RSS MB':>9}"
        f"{'naive ms':>10}{'ratio':>8}{'top-3':>8}{'cpu p50':>9}{'cpu p99':>9}"
    )
    details = []
    for size in (_size(s) for s in args.sizes.split(",")):
        for kind in args.libraries.split(","):
            command = [sys.executable, __file__, "--one", f"{size}:{kind}"]
            command += ["--questions", str(args.questions), "--naive-max", str(args.naive_max)]
            if args.stages:
                command.append("--stages")
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            ratio = r["naive_ms"] / r["p50_ms"]
            print(
                f"{kind:>10}{r['n']:>9}{r['build_s']:>9.2f}{r['p50_ms']:>9.2f}"
                f"{r['p99_ms']:>9.2f}{r['rss_mb']:>9.0f}{r['naive_ms']:>10.1f}{ratio:>8.0f}x"
                f"{r['top3']:>7.3f}{r['cpu_p50_ms']:>9.2f}{r['cpu_p99_ms']:>9.2f}"
            )
            details.append(r)
    for r in details:
        shapes = ", ".join(f"{k} {p50:.2f}/{p99:.2f}" for k, (p50, p99) in r["shapes"].items())
        print(f"{r['library']} {r['n']}: p50/p99 ms by shape: {shapes}")
        if "stages" in r:
            spent = ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items())
            print(f"{r['library']} {r['n']}: median ms by stage: {spent}")


if __name__ == "__main__":
    main()
