"""Ranking and abstention: fuse the lexical stage with cosine, then decide whether to answer.

The lexical stage (``SearchIndex.lexical``) hands over up to ``POOL`` candidates: the
first few scored exactly (phase two), the rest with their BM25 only. Each gets

    fused = W_COSINE * cosine + W_BM25 * bm25 / max(bm25) + W_LEXICAL * phase_two

and a candidate without a vector yet uses its phase-two score in place of the cosine, so
it still ranks lexically. Whether to answer at all is one logistic model over signals of
the best candidate (``features``); its coefficients come from bench/calibrate.py, fitted
on the fitting half of retrieval-dev plus the repository's own question sets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from claims_db.query import Intent
from claims_db.search import Candidate, Lexical

# Fusion weights, chosen on retrieval-dev's fitting half (bench/calibrate.py --fusion).
W_COSINE = 0.3
W_BM25 = 0.1
W_LEXICAL = 0.6
# A question directed at a speaker: the cosine of a statement by someone else counts this
# much (the lexical stage weighs such statements down too; heldout*.json, issue 16).
OTHERS_COSINE = 0.5

# Abstention model (bench/calibrate.py): p(answer is right) = sigmoid(b + w . features).
FEATURES = (
    "fused",
    "cosine",
    "cosine_margin",
    "lexical",
    "coverage",
    "lexical_verdict",
    "names_agree",
    "speaker_question",
    "who_said",
    "claim",
)
COEFFICIENTS = (6.8760, 4.6151, -2.8135, -0.8870, 1.1608, 0.4115, -0.8592, 2.9266, 0.7260, 2.1646)
INTERCEPT = -4.9965
# Answer when the lexical stage's own threshold passes or else p >= THRESHOLD: the highest
# cut that answers >= 90% of retrieval-dev's answerable fitting queries (bench/calibrate.py).
THRESHOLD = 0.77


@dataclass(frozen=True, slots=True)
class Ranked:
    """A candidate with its fused score and cosine (None: no vector yet)."""

    candidate: Candidate
    fused: float
    cosine: float | None


def fuse(
    found: Lexical,
    cosines: Sequence[float | None],
    *,
    weights: tuple[float, float, float] = (W_COSINE, W_BM25, W_LEXICAL),
    keep: int = 50,
) -> list[Ranked]:
    """Return the ``keep`` best candidates by fused score, best first."""
    w_cos, w_bm25, w_lex = weights
    cands = found.candidates
    n = len(cands)
    bm25 = np.fromiter((c.bm25 for c in cands), dtype=np.float64, count=n)
    lexical = np.fromiter(
        (min(1.0, c.score) if c.score is not None else 0.0 for c in cands),
        dtype=np.float64,
        count=n,
    )
    cos = np.fromiter((np.nan if c is None else c for c in cosines), dtype=np.float64, count=n)
    by = np.fromiter(
        (1.0 if c.by_speaker is None else max(c.by_speaker, OTHERS_COSINE) for c in cands),
        dtype=np.float64,
        count=n,
    )
    cos = cos * by
    top = bm25.max() if n else 0.0
    bm25n = bm25 / top if top > 0 else bm25 * 0.0
    semantic = np.where(np.isnan(cos), lexical, cos)
    fused = w_cos * semantic + w_bm25 * bm25n + w_lex * lexical
    # Best first; ties keep the lexical stage's order (a stable sort on -fused).
    order = np.argsort(-fused, kind="stable")[:keep]
    return [Ranked(cands[i], float(fused[i]), cosines[i]) for i in order.tolist()]


def features(
    found: Lexical, ranked: Sequence[Ranked], *, lexical_threshold: float, top_speaker: str | None
) -> list[float]:
    """Return the abstention model's inputs for the best candidate (see FEATURES)."""
    best = ranked[0]
    cosines = [r.cosine for r in ranked[:10] if r.cosine is not None]
    cosine = best.cosine if best.cosine is not None else 0.0
    runner_up = max(cosines[1:], default=0.0) if best.cosine is not None else cosine
    lexical = min(1.0, best.candidate.score) if best.candidate.score is not None else 0.0
    coverage = len(best.candidate.matched) / found.slots if found.slots else 0.0
    # The lexical stage's own verdict on its best statement (how ask decided before).
    first = found.candidates[0].score if found.candidates else None
    lexical_best = min(1.0, first) if first is not None else 0.0
    intent = found.question.intent
    names_agree = found.speakers.get(top_speaker or "", 0.0) if found.speakers else 1.0
    return [
        best.fused,
        cosine,
        cosine - runner_up,
        lexical,
        coverage,
        1.0 if lexical_best >= lexical_threshold else 0.0,
        names_agree,
        1.0 if intent is Intent.SPEAKER else 0.0,
        1.0 if intent is Intent.WHO_SAID else 0.0,
        1.0 if intent is Intent.CLAIM else 0.0,
    ]


def should_answer(values: Sequence[float]) -> bool:
    """Return whether to answer: the lexical stage's threshold passes, or the model is sure."""
    verdict = values[FEATURES.index("lexical_verdict")] > 0
    if verdict:
        return True
    # "What did X say about Y?" answered by someone else: only the lexical stage may.
    directed = values[FEATURES.index("speaker_question")] > 0
    if directed and values[FEATURES.index("names_agree")] <= 0:
        return False
    return confidence(values) >= THRESHOLD


def confidence(
    values: Sequence[float],
    *,
    coefficients: Sequence[float] = COEFFICIENTS,
    intercept: float = INTERCEPT,
) -> float:
    """Return the abstention model's probability that the best candidate answers."""
    z = intercept + sum(c * v for c, v in zip(coefficients, values, strict=True))
    if z < -40:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))
