"""Measure quote and speaker extraction on the quotes-dev set (../shared/quotes-dev).

Runs ``claims_db.extract.extract`` in-process on every dev article, writes the
predictions in the scorer's format to a temporary file and runs the set's own scorer.
The dev texts are copyrighted: they are read from the shared folder, never copied here.

    python bench/extract_quality.py [--dev DIR] [--per-article] [--details OUT.json]

Articles 1-20 (the original set, which the rules were tuned on) and 21-50 (added later)
are also scored separately, and the errors are counted by category (missed direct quotes,
missed reported speech by cue, empty, wrong and spurious speakers, false positives).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parents[1]
_DEFAULT_DEV = _REPO.parent / "shared" / "quotes-dev"
if str(_REPO) not in sys.path:  # run as a script from a checkout without installing
    sys.path.insert(0, str(_REPO))

from claims_db.extract import extract  # noqa: E402


def predict(articles: list[dict[str, object]]) -> list[dict[str, object]]:
    """Return the scorer-format predictions for the dev articles."""
    preds: list[dict[str, object]] = []
    for article in articles:
        result = extract(str(article["text"]))
        statements = [
            {
                "kind": str(s.kind),
                "text": s.text,
                "speaker": s.speaker,
                "cue": s.cue,
                "start": s.start,
                "end": s.end,
            }
            for s in result.statements
        ]
        preds.append({"id": article["id"], "statements": statements})
    return preds


_SUBSETS = (("articles 1-20", 0, 20), ("articles 21-50", 20, 50))
_PLAIN_CUES = frozenset({"said", "says", "say", "told", "tells", "added", "adds", "wrote"})


def score(
    dev: Path, gold: list[dict[str, Any]], preds: list[dict[str, object]], *, details: bool
) -> tuple[str, dict[str, Any]]:
    """Run the dev set's scorer on ``gold`` and return its printed table and JSON output."""
    with tempfile.TemporaryDirectory() as tmp:
        gold_path = Path(tmp) / "gold.json"
        pred_path = Path(tmp) / "predictions.json"
        out_path = Path(tmp) / "score.json"
        gold_path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        pred_path.write_text(json.dumps(preds, ensure_ascii=False), encoding="utf-8")
        cmd = [sys.executable, str(dev / "score.py"), str(gold_path), str(pred_path)]
        cmd += ["--json", str(out_path), "--per-article"]
        if details:
            cmd.append("--details")
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        return done.stdout, json.loads(out_path.read_text(encoding="utf-8"))


def categories(result: dict[str, Any]) -> Counter[str]:
    """Count the scorer's error details by category."""
    counts: Counter[str] = Counter()
    for item in result.get("details", {}).values():
        for miss in item["missed"]:
            if miss["kind"] == "direct":
                counts["missed direct quote"] += 1
                continue
            cue = (miss.get("cue") or "").lower()
            if cue.startswith("according"):
                counts["missed reported: according to"] += 1
            elif cue in _PLAIN_CUES:
                counts["missed reported: say/tell/add/write"] += 1
            else:
                counts["missed reported: other cue verb"] += 1
        for wrong in item["wrong_speaker"]:
            gold_name = wrong["gold"]["speaker"]
            pred_name = wrong["pred_speaker"]
            if pred_name is None:
                counts["speaker empty, gold named"] += 1
            elif gold_name is None:
                counts["speaker named, gold unnamed"] += 1
            else:
                counts["speaker wrong name"] += 1
        counts["false positive"] += len(item["false_positives"])
    return counts


def _headline(label: str, summary: dict[str, Any]) -> str:
    return (
        f"{label:16} quote F1 {summary['all']['f1']:.3f}  indirect recall "
        f"{summary['indirect']['recall']:.3f}  speaker acc {summary['all']['speaker_acc']:.3f}"
        f"  quote+speaker F1 {summary['quote_and_speaker']['f1']:.3f}"
    )


def main() -> int:
    """Score the extractor on the dev set and print the headline numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=_DEFAULT_DEV)
    parser.add_argument("--per-article", action="store_true")
    parser.add_argument("--details", type=Path, help="write misses and false positives here")
    args = parser.parse_args()
    articles = json.loads((args.dev / "dev.json").read_text(encoding="utf-8"))
    predict(articles[:1])  # load the language model outside the timing
    started = time.perf_counter()
    preds = predict(articles)
    elapsed = time.perf_counter() - started
    table, result = score(args.dev, articles, preds, details=True)
    if args.per_article:
        print(table, end="")
    if args.details:
        args.details.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    summary = result["summary"]
    print(f"quote F1             {summary['all']['f1']:.3f}")
    print(f"indirect recall      {summary['indirect']['recall']:.3f}")
    print(f"speaker accuracy     {summary['all']['speaker_acc']:.3f}")
    print(f"quote+speaker F1     {summary['quote_and_speaker']['f1']:.3f}")
    print()
    print(_headline("all 50", summary))
    for label, lo, hi in _SUBSETS:
        if len(articles) >= hi:
            _, part = score(args.dev, articles[lo:hi], preds[lo:hi], details=False)
            print(_headline(label, part["summary"]))
    print()
    print("errors by category:")
    for name, count in sorted(categories(result).items(), key=lambda kv: -kv[1]):
        print(f"  {count:4}  {name}")
    print(f"({len(articles)} articles extracted in {elapsed * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
