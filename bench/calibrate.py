"""Fit the fusion weights and the abstention model that claims_db/rank.py ships as constants.

Fitting data, never the set we report on:
- retrieval-dev's FITTING half (notes/split.md), both libraries of bench/retrieval.py
  (built there and cached; run it first);
- our own question sets, each ingested through ClaimsDB and embedded: bench/heldout*.json.

Fusion: a grid over (cosine, BM25/max, phase-two) weights summing to 1, scored by MAP@5
on retrieval-dev's fitting half. Abstention: logistic regression (Newton steps, a little
L2) on rank.FEATURES of the best answer, label "a right statement is among the answers" (a
relevant one in the top 5 for retrieval-dev, the expected one first for our sets; always 0
for a question that has no answer); 5-fold cross-validation reports how well it ranks, and the
threshold is the highest cut at which the shipped rule (the lexical stage's own threshold,
or else the model) still answers ``--answered`` of retrieval-dev's answerable fitting
queries, on the cross-validated probabilities.

    python bench/calibrate.py [--cache DIR] [--answered 0.90] [--no-fusion]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import retrieval  # noqa: E402
from heldout import grade  # noqa: E402

from claims_db import rank  # noqa: E402
from claims_db.db import ClaimsDB  # noqa: E402

# bench/questions.json holds statement records rather than article text, so it cannot go
# through ClaimsDB; it stays bench/questions.py's SearchIndex check.
SETS = sorted((ROOT / "bench").glob("heldout*.json"))


def fusion_grid(data: dict[str, Any], cache: Path) -> None:
    """Print MAP@5 on the fitting half for a grid of fusion weights."""
    prepared = []
    for variant in ("plain", "speakers"):
        db = ClaimsDB.open(cache / variant / "library.json", seeds=None)
        for q in data["queries"]:
            if not (retrieval.is_fitting(q["id"]) and q["relevant"]):
                continue
            text = retrieval.with_speaker(q) if variant == "speakers" else q["text"]
            found = db._index.lexical(text, limit=5)
            if found.direct is not None or not found.candidates:
                prepared.append((variant, q, None, None, None, []))
                continue
            ids = [c.statement_id for c in found.candidates]
            cos = db._vectors.cosines(db._embedder.embed_query(text), ids)
            titles = [db._articles[db._statements[i].article_id].title for i in ids]
            bm25 = np.array([c.bm25 for c in found.candidates])
            lexical = np.array(
                [min(1.0, c.score) if c.score is not None else 0.0 for c in found.candidates]
            )
            cosine = np.array([np.nan if c is None else c for c in cos])
            bm25 = bm25 / bm25.max() if bm25.max() > 0 else bm25 * 0
            semantic = np.where(np.isnan(cosine), lexical, cosine)
            prepared.append((variant, q, semantic, bm25, lexical, titles))
    results = []
    for w_cos in np.arange(0.2, 0.95, 0.05):
        for w_bm25 in np.arange(0.0, 1.0 - w_cos + 1e-9, 0.05):
            weights = (float(w_cos), float(w_bm25), float(1.0 - w_cos - w_bm25))
            per: dict[str, list[float]] = {"plain": [], "speakers": []}
            for variant, q, semantic, bm25, lexical, titles in prepared:
                if semantic is None:
                    per[variant].append(0.0)
                    continue
                fused = weights[0] * semantic + weights[1] * bm25 + weights[2] * lexical
                ids: list[str] = []
                for i in np.argsort(-fused, kind="stable")[:50].tolist():
                    if titles[i] not in ids:
                        ids.append(titles[i])
                    if len(ids) == 5:
                        break
                per[variant].append(retrieval.ap5(q["relevant"], ids))
            plain = sum(per["plain"]) / len(per["plain"])
            speakers = sum(per["speakers"]) / len(per["speakers"])
            results.append(((plain + speakers) / 2, plain, speakers, weights))
    results.sort(reverse=True)
    print("fusion weights (cosine, bm25, phase-two): MAP@5 fitting half, mean plain speakers")
    for mean, plain, speakers, w in results[:8]:
        print(f"  ({w[0]:.2f}, {w[1]:.2f}, {w[2]:.2f})  {mean:.3f}  {plain:.3f}  {speakers:.3f}")
    for w in ((0.8, 0.2, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)):
        found_row = [r for r in results if np.allclose(r[3], w)]
        if found_row:
            mean, plain, speakers, _ = found_row[0]
            print(
                f"  ({w[0]:.2f}, {w[1]:.2f}, {w[2]:.2f})  {mean:.3f}  {plain:.3f}  {speakers:.3f}"
            )


def own_sets() -> list[tuple[list[float], bool, str]]:
    """Return (signals, first answer right, source) for our question sets."""
    rows: list[tuple[list[float], bool, str]] = []
    for path in SETS:
        data = json.loads(path.read_text(encoding="utf-8"))
        if "articles_from" in data:
            other = path.parent / data["articles_from"]
            data["articles"] = json.loads(other.read_text(encoding="utf-8"))["articles"]
        with (
            tempfile.TemporaryDirectory() as folder,
            ClaimsDB.open(Path(folder) / "lib.json", seeds=None) as db,
        ):
            for article in data["articles"]:
                db.add_text(
                    article["text"],
                    title=article.get("title"),
                    url=article.get("url"),
                    publisher=article.get("publisher"),
                    published=article.get("published"),
                )
            db.embed_missing()
            for question in data["questions"]:
                if "expect_any_of" not in question:
                    continue
                answers, confidence, signals = db._ask(question["question"], limit=3)
                if confidence is None or not signals:
                    continue
                top1, _ = grade(answers, question)
                right = bool(question["expect_any_of"]) and top1
                rows.append((signals, right, path.name))
    return rows


def dev_rows(dump: Path) -> list[tuple[list[float], bool, str, bool]]:
    """Return (signals, first answer right, variant, answerable) for the fitting half."""
    rows = []
    for r in json.loads(dump.read_text(encoding="utf-8")):
        if not r["fitting"] or r["confidence"] is None or not r["signals"]:
            continue
        hit = any(sid in r["relevant"] for sid in r["ranked"][:5])
        rows.append((r["signals"], hit, r["variant"], bool(r["relevant"])))
    return rows


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> np.ndarray:
    """Return logistic-regression weights (last one the intercept), Newton's method."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + reg * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Return probabilities for rows of ``x``."""
    return 1.0 / (1.0 + np.exp(-(x @ w[:-1] + w[-1])))


def main() -> None:
    """Fit, cross-validate, print the constants for claims_db/rank.py."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=retrieval.DEFAULT_DEV)
    parser.add_argument("--cache", type=Path, default=retrieval.DEFAULT_CACHE)
    parser.add_argument("--dump", type=Path, required=True, help="bench/retrieval.py --dump")
    parser.add_argument("--answered", type=float, default=0.90)
    parser.add_argument("--no-fusion", action="store_true")
    parser.add_argument("--own-rows", type=Path, default=None, help="cache of our sets' rows")
    args = parser.parse_args()
    data = json.loads((args.dev / "dev.json").read_text(encoding="utf-8"))
    if not args.no_fusion:
        fusion_grid(data, args.cache)
    dev = dev_rows(args.dump)
    if args.own_rows is not None and args.own_rows.exists():
        own = [tuple(r) for r in json.loads(args.own_rows.read_text(encoding="utf-8"))]
    else:
        own = own_sets()
        if args.own_rows is not None:
            args.own_rows.write_text(json.dumps(own), encoding="utf-8")
    x = np.array([r[0] for r in dev] + [r[0] for r in own], dtype=np.float64)
    y = np.array([r[1] for r in dev] + [r[1] for r in own], dtype=np.float64)
    is_dev = np.array([True] * len(dev) + [False] * len(own))
    answerable = np.array([r[3] for r in dev] + [True] * len(own))
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / std
    folds = np.arange(len(x)) % 5
    rng = np.random.default_rng(16)
    rng.shuffle(folds)
    cv = np.zeros(len(x))
    for k in range(5):
        w = fit(z[folds != k], y[folds != k])
        cv[folds == k] = predict(w, z[folds == k])
    loss = -np.mean(y * np.log(cv + 1e-12) + (1 - y) * np.log(1 - cv + 1e-12))
    print(
        f"\nabstention: {len(dev)} retrieval-dev rows + {len(own)} own-set rows; "
        f"cross-validated log-loss {loss:.3f} (base rate {y.mean():.2f})"
    )
    # Shipped rule (rank.should_answer): answer when the lexical stage's own threshold
    # passes, or else when the model is confident enough.
    verdict = x[:, rank.FEATURES.index("lexical_verdict")] > 0
    threshold = 1.0
    for cut in np.arange(0.99, 0.0, -0.01):
        answered = (verdict | (cv >= cut))[is_dev & answerable].mean()
        if answered >= args.answered:
            threshold = float(cut)
            break
    kept = verdict | (cv >= threshold)
    print(
        f"threshold for {args.answered:.0%} of answerable fitting queries answered: "
        f"{threshold:.2f} (answered {kept[is_dev & answerable].mean():.1%})"
    )
    print(
        f"  retrieval-dev fitting no-answer abstained at it: "
        f"{np.mean(~kept[is_dev & ~answerable]):.1%}"
    )
    for name in sorted({r[2] for r in own}):
        sel = np.array([False] * len(dev) + [r[2] == name for r in own])
        print(
            f"  {name}: answered {np.mean(kept[sel]):.1%} of {sel.sum()}, "
            f"right-first among answered {np.mean(y[sel & kept]):.1%}"
        )
    w = fit(z, y)
    coefficients = w[:-1] / std
    intercept = w[-1] - float(np.sum(w[:-1] * mean / std))
    print("\nCOEFFICIENTS = (" + ", ".join(f"{c:.4f}" for c in coefficients) + ")")
    print(f"INTERCEPT = {intercept:.4f}")
    print(f"THRESHOLD = {threshold:.3f}")
    for name, c in zip(rank.FEATURES, coefficients, strict=True):
        print(f"  {name:18} {c:+.3f}")


if __name__ == "__main__":
    main()
