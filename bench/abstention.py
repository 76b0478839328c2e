"""How well can lexical evidence tell "nothing in the library settles this" on retrieval-dev?

For every tweet, SearchIndex ranks the pool (as bench/retrieval.py does). Each abstention
signal below scores the ranked answer; a tweet is answered when its signal reaches a cut.
For each signal the script picks the cut that still answers >= 90% of the answerable
tweets and prints what that cut costs: MAP@5 (abstentions count as misses) and the share
of the 60 no-answer tweets it abstains on. Pairs of signals are blended with weights
chosen on one half of the tweets and scored on the other half, so that a blend cannot
look better than it is by fitting the very tweets it is scored on.

    python bench/abstention.py [--dev PATH]

Signals, computed from the question, the ranked statements and the pool's term counts:
- ``score``: the top statement's score, the one SearchIndex abstains on;
- ``question_cover``: share of the question's term weight (IDF) the top statement holds;
- ``statement_cover``: share of the top statement's term weight the question holds;
- ``margin``: the top score minus the second;
- ``dominance``: the top statement's matched weight over the matched weight of the top 10.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from retrieval import DEFAULT_DEV, ap5, build  # noqa: E402

from claims_db.textnorm import terms  # noqa: E402

ANSWERED = 0.90


@dataclass
class Tweet:
    """One query with its gold answers, ranked statement ids and signal values."""

    relevant: list[str]
    ranked: list[str]
    signals: dict[str, float]


def signals_of(
    question: str,
    ranked: list[tuple[str, float, frozenset[str]]],
    pool: dict[str, set[str]],
    idf: Callable[[str], float],
) -> dict[str, float]:
    """Return every abstention signal for one ranked answer (ranked: id, score, matched terms)."""
    top_id, top_score, _ = ranked[0]
    question_terms = set(terms(question))
    top_terms = pool[top_id]
    shared = question_terms & top_terms
    matched = [sum(idf(t) for t in m) for _, _, m in ranked[:10]]
    union = set().union(*(m for _, _, m in ranked[:10]))
    return {
        "score": top_score,
        "question_cover": sum(map(idf, shared)) / max(sum(map(idf, question_terms)), 1e-9),
        "statement_cover": sum(map(idf, shared)) / max(sum(map(idf, top_terms)), 1e-9),
        "margin": top_score - (ranked[1][1] if len(ranked) > 1 else 0.0),
        "dominance": matched[0] / max(sum(map(idf, union)), 1e-9),
    }


def evaluate(
    tweets: list[Tweet], value: Callable[[Tweet], float], cut: float
) -> tuple[float, float, float]:
    """Return (MAP@5, share answered, share of no-answer tweets abstained on) at ``cut``."""
    aps, answered, abstained = [], 0, 0
    for tweet in tweets:
        ranked = tweet.ranked if tweet.ranked and value(tweet) >= cut else []
        if tweet.relevant:
            aps.append(ap5(tweet.relevant, ranked))
            answered += bool(ranked)
        else:
            abstained += not ranked
    n_none = sum(1 for t in tweets if not t.relevant)
    return sum(aps) / len(aps), answered / len(aps), abstained / max(n_none, 1)


def cut_for(tweets: list[Tweet], value: Callable[[Tweet], float]) -> float:
    """Return the highest cut that still answers >= ANSWERED of the answerable tweets."""
    answerable = [t for t in tweets if t.relevant]
    values = sorted((value(t) for t in answerable if t.ranked), reverse=True)
    keep = math.ceil(len(answerable) * ANSWERED)
    return values[keep - 1] if keep <= len(values) else -math.inf


def main() -> None:
    """Rank every tweet, then report each signal and each blend of two at 90% answered."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    args = parser.parse_args()
    data = json.loads((args.dev / "dev.json").read_text(encoding="utf-8"))
    pool = {s["id"]: set(terms(s["text"])) for s in data["statements"]}
    df = Counter(t for ts in pool.values() for t in ts)
    n = len(pool)

    def idf(term: str) -> float:
        return math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))

    index = build(data["statements"])
    tweets: list[Tweet] = []
    for q in data["queries"]:
        matches = index.score(q["text"], limit=10)
        ranked = [(m.statement_id, m.score, frozenset(terms(" ".join(m.matched)))) for m in matches]
        tweets.append(
            Tweet(
                list(q["relevant"]),
                [m.statement_id for m in matches[:5]],
                signals_of(q["text"], ranked, pool, idf) if ranked else {},
            )
        )
    names = ["score", "question_cover", "statement_cover", "margin", "dominance"]
    print(f"{len(tweets)} tweets; cut = highest that answers >= {ANSWERED:.0%} of answerable ones")
    print(f"{'signal':<34} {'MAP@5':>6} {'answered':>9} {'abstained':>10}")
    for name in names:
        value = _signal(name)
        result = _at_cut(tweets, value)
        print(f"{name:<34} {result[0]:>6.3f} {result[1]:>9.3f} {result[2]:>10.3f}")

    # Blends of two signals, each rescaled to its rank among the tweets (0..1), weights
    # chosen on one half and scored on the other, both ways round.
    rng = random.Random(7)
    order = list(range(len(tweets)))
    rng.shuffle(order)
    halves = [[tweets[i] for i in order[::2]], [tweets[i] for i in order[1::2]]]
    ranks = {name: _rank_scale(tweets, _signal(name)) for name in names}
    print(f"\nblends, held out ({'a*rank(x) + (1-a)*rank(y)'}):")
    print(f"{'x + y':<34} {'MAP@5':>6} {'answered':>9} {'abstained':>10}")
    for i, x in enumerate(names):
        for y in names[i + 1 :]:
            held: list[tuple[float, float, float]] = []
            for fit, test in (halves, halves[::-1]):
                best = max(
                    (a / 10 for a in range(11)),
                    key=lambda a: _at_cut(fit, _blend(ranks, x, y, a))[2],
                )
                value = _blend(ranks, x, y, best)
                held.append(evaluate(test, value, cut_for(fit, value)))
            mean = [sum(r[k] for r in held) / 2 for k in range(3)]
            print(f"{x + ' + ' + y:<34} {mean[0]:>6.3f} {mean[1]:>9.3f} {mean[2]:>10.3f}")


def _at_cut(tweets: list[Tweet], value: Callable[[Tweet], float]) -> tuple[float, float, float]:
    return evaluate(tweets, value, cut_for(tweets, value))


def _signal(name: str) -> Callable[[Tweet], float]:
    return lambda tweet: tweet.signals.get(name, 0.0)


def _rank_scale(tweets: list[Tweet], value: Callable[[Tweet], float]) -> dict[int, float]:
    ordered = sorted(range(len(tweets)), key=lambda i: value(tweets[i]))
    return {id(tweets[i]): pos / (len(tweets) - 1) for pos, i in enumerate(ordered)}


def _blend(
    ranks: dict[str, dict[int, float]], x: str, y: str, a: float
) -> Callable[[Tweet], float]:
    return lambda tweet: a * ranks[x][id(tweet)] + (1 - a) * ranks[y][id(tweet)]


if __name__ == "__main__":
    main()
