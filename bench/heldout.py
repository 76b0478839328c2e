"""The held-out question set (bench/heldout.json), end to end through ClaimsDB.

Unlike bench/questions.py, whose library is hand-made statement records and whose
questions were written alongside the ranking, this set was written after the ranking was
tuned and is never tuned on. Its articles go through ``ClaimsDB.add_text``, so a miss may
come from extraction (a quote not found, a wrong speaker) as well as from ranking.

    python bench/heldout.py [--set bench/heldout2.json] [--verbose] [--lexical]

The library is embedded before the questions are asked (``--lexical`` skips that, which
is how ask answered before the semantic stage).

bench/heldout2.json and heldout3.json are further sets, each written after the fixes
that the one before prompted; heldout4.json asks many phrasings over heldout.json's
articles.

A question is answered right at top 1 when the first answer's text holds one of the
expected phrases and is said by the expected speaker; at top 3 when any of the three is.
A question that expects nothing is right only when ``ask`` returns [].
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims_db import ClaimsDB  # noqa: E402
from claims_db.models import Answer  # noqa: E402

HELDOUT = Path(__file__).resolve().parent / "heldout.json"


def is_right(answer: Answer, question: dict[str, Any]) -> bool:
    """Return whether an answer holds an expected phrase, said by the expected speaker."""
    text = answer.statement.text
    return answer.statement.speaker == question["speaker"] and any(
        phrase in text for phrase in question["expect_any_of"]
    )


def grade(answers: Sequence[Answer], question: dict[str, Any]) -> tuple[bool, bool]:
    """Return (right at top 1, right within top 3)."""
    if not question["expect_any_of"]:
        return not answers, not answers
    return bool(answers) and is_right(answers[0], question), any(
        is_right(a, question) for a in answers[:3]
    )


def main() -> None:
    """Ingest the articles into a fresh library, ask every question, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=HELDOUT, help="question file")
    parser.add_argument("--verbose", action="store_true", help="show every wrong answer")
    parser.add_argument("--lexical", action="store_true", help="do not embed the library")
    args = parser.parse_args()
    data = json.loads(args.set.read_text(encoding="utf-8"))
    if "articles_from" in data:  # questions over another set's articles
        other = args.set.parent / data["articles_from"]
        data["articles"] = json.loads(other.read_text(encoding="utf-8"))["articles"]
    rows: list[tuple[str, bool, bool]] = []
    with (
        tempfile.TemporaryDirectory() as folder,
        ClaimsDB.open(Path(folder) / "heldout.json", seeds=None) as db,
    ):
        for article in data["articles"]:
            db.add_text(
                article["text"],
                title=article["title"],
                url=article["url"],
                publisher=article["publisher"],
                published=article["published"],
            )
        if not args.lexical:
            db.embed_missing()
        for question in data["questions"]:
            answers = db.ask(question["question"], limit=3)
            top1, top3 = grade(answers, question)
            rows.append((question["type"], top1, top3))
            if args.verbose and not top1:
                got = (
                    f"{answers[0].statement.speaker}: {answers[0].statement.text[:80]}"
                    if answers
                    else "[]"
                )
                print(f"  MISS [{question['type']}] {question['question']!r} -> {got}")
    print(f"{args.set.name}: {len(rows)} questions over {len(data['articles'])} articles")
    print(f"{'type':<14}{'n':>4}{'top-1':>8}{'top-3':>8}")
    for kind in [*sorted({r[0] for r in rows}), "all"]:
        chosen = [r for r in rows if kind in ("all", r[0])]
        top1 = sum(r[1] for r in chosen) / len(chosen)
        top3 = sum(r[2] for r in chosen) / len(chosen)
        print(f"{kind:<14}{len(chosen):>4}{top1:>8.3f}{top3:>8.3f}")
    answerable = [r for r in rows if r[0] != "unanswerable"]
    unanswerable = [r for r in rows if r[0] == "unanswerable"]
    print(
        f"answerable top-1 {sum(r[1] for r in answerable) / len(answerable):.3f}, "
        f"correct abstention {sum(r[1] for r in unanswerable)} of {len(unanswerable)}"
    )


if __name__ == "__main__":
    main()
