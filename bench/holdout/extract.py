"""The held-out extraction set (bench/holdout/extract.json), scored with quotes-dev's scorer.

The set was written before anyone ran claimbot on it and is never tuned on (see
FIRST_RUN.md). Each article goes the way ``claimbot extract FILE --json`` takes it (in
process): the text is written to a .txt file (or the page to a .html file), read with
``claims_db.text.read_file`` and extracted with ``claims_db.extract.extract``.

Gold: the ten text articles carry offsets (``quote == text[start:end]``, asserted here).
The three HTML pages carry gold by quote string only; the runner locates every quote in
the text claimbot extracted from the page (the text that is scored) and counts the quotes
it cannot find there (a quote the page extractor lost is a miss, never dropped).

    python bench/holdout/extract.py [--scorer ../shared/quotes-dev/score.py] [--per-article]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from claims_db import text as text_mod  # noqa: E402
from claims_db.cli import _statement_json  # noqa: E402
from claims_db.extract import extract  # noqa: E402

SET = HERE / "extract.json"
SCORER = ROOT.parent / "shared" / "quotes-dev" / "score.py"


def _locate(text: str, spans: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Give each span offsets in ``text`` (whitespace-tolerant); count those not found."""
    out: list[dict[str, Any]] = []
    missing = 0
    for span in spans:
        quote = span["quote"]
        start = text.find(quote)
        end = start + len(quote)
        if start < 0:
            words = [re.escape(w) for w in quote.split()]
            found = re.search(r"\s+".join(words), text)
            if found:
                start, end = found.start(), found.end()
        if start < 0:
            missing += 1
            out.append({**span, "start": -1, "end": -1})
        else:
            out.append({**span, "quote": text[start:end], "start": start, "end": end})
    return out, missing


def prepare(data: dict[str, Any], folder: Path) -> tuple[list[dict[str, Any]], list[Any], int]:
    """Extract every article; return (gold in score.py's format, predictions, unlocated)."""
    gold: list[dict[str, Any]] = []
    preds: list[dict[str, Any]] = []
    unlocated = 0
    for item in data["articles"]:
        if "html" in item:
            path = folder / f"{item['id']}.html"
            path.write_text((HERE / item["html"]).read_text(encoding="utf-8"), encoding="utf-8")
        else:
            text = item["text"]
            for span in item["gold"] + item["ignore"]:
                assert text[span["start"] : span["end"]] == span["quote"], (item["id"], span)
            path = folder / f"{item['id']}.txt"
            path.write_text(text, encoding="utf-8")
        doc = text_mod.read_file(path)
        extraction = extract(doc.text, title=doc.title)
        statements = [_statement_json(st) for st in extraction.statements]
        preds.append({"id": item["id"], "statements": statements})
        if "html" in item:
            spans, missing = _locate(doc.text, item["gold"])
            ignore, _ = _locate(doc.text, item["ignore"])
            unlocated += missing
            gold.append({"id": item["id"], "text": doc.text, "gold": spans, "ignore": ignore})
        else:
            gold.append(
                {
                    "id": item["id"],
                    "text": item["text"],
                    "gold": item["gold"],
                    "ignore": item["ignore"],
                }
            )
    return gold, preds, unlocated


def main() -> int:
    """Extract, score, print the scorer's table and the four headline numbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=SET)
    parser.add_argument("--scorer", type=Path, default=SCORER, help="quotes-dev's score.py")
    parser.add_argument("--per-article", action="store_true")
    parser.add_argument("--json", type=Path, help="write the scorer's JSON (with details) here")
    args = parser.parse_args()
    data = json.loads(args.set.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        gold, preds, unlocated = prepare(data, folder)
        took = time.perf_counter() - start
        (folder / "gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        (folder / "preds.json").write_text(json.dumps(preds, ensure_ascii=False), encoding="utf-8")
        out_json = args.json or folder / "score.json"
        cmd = [
            sys.executable,
            str(args.scorer),
            str(folder / "gold.json"),
            str(folder / "preds.json"),
        ]
        cmd += ["--json", str(out_json), "--details"]
        if args.per_article:
            cmd.append("--per-article")
        result = subprocess.run(cmd, capture_output=True, text=True, check=True)
        numbers = json.loads(out_json.read_text(encoding="utf-8"))["summary"]
    texts = sum(1 for a in data["articles"] if "html" not in a)
    pages = len(data["articles"]) - texts
    print(
        f"{args.set.name}: {texts} articles + {pages} HTML pages, "
        f"{sum(len(g['gold']) for g in gold)} gold statements; extraction {took:.1f} s; "
        f"gold quotes not found in the page text claimbot extracted: {unlocated}"
    )
    print(result.stdout.rstrip())
    if result.stderr.strip():
        print(result.stderr.rstrip())
    qs = numbers["quote_and_speaker"]
    print(
        f"quote F1 {numbers['all']['f1']:.3f} | "
        f"indirect recall {numbers['indirect']['recall']:.3f} | "
        f"speaker accuracy {numbers['all']['speaker_acc']:.3f} | quote+speaker F1 {qs['f1']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
