"""Measure quote and speaker extraction on the quotes-dev set (../shared/quotes-dev).

Runs ``claims_db.extract.extract`` in-process on every dev article, writes the
predictions in the scorer's format to a temporary file and runs the set's own scorer.
The dev texts are copyrighted: they are read from the shared folder, never copied here.

    python bench/extract_quality.py [--dev DIR] [--per-article] [--details OUT.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> int:
    """Score the extractor on the dev set and print the four headline numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=_DEFAULT_DEV)
    parser.add_argument("--per-article", action="store_true")
    parser.add_argument("--details", type=Path, help="write misses and false positives here")
    args = parser.parse_args()
    articles = json.loads((args.dev / "dev.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    preds = predict(articles)
    elapsed = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        pred_path = Path(tmp) / "predictions.json"
        out_path = args.details or Path(tmp) / "score.json"
        pred_path.write_text(json.dumps(preds, ensure_ascii=False), encoding="utf-8")
        cmd = [
            sys.executable,
            str(args.dev / "score.py"),
            str(args.dev / "dev.json"),
            str(pred_path),
            "--json",
            str(out_path),
        ]
        if args.per_article:
            cmd.append("--per-article")
        if args.details:
            cmd.append("--details")
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        print(done.stdout, end="")
        summary = json.loads(out_path.read_text(encoding="utf-8"))["summary"]
    print()
    print(f"quote F1             {summary['all']['f1']:.3f}")
    print(f"indirect recall      {summary['indirect']['recall']:.3f}")
    print(f"speaker accuracy     {summary['all']['speaker_acc']:.3f}")
    print(f"quote+speaker F1     {summary['quote_and_speaker']['f1']:.3f}")
    print(f"({len(articles)} articles extracted in {elapsed * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
