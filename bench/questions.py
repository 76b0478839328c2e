"""Answer quality of SearchIndex on our own question set (bench/questions.json) and the seed.

The library is the seed article's gold statements (shared/acceptance/seed_gold.json) plus the
hand-written articles in questions.json. Each question expects one of a few statement texts
first (with its speaker), or [] when nothing in the library answers it.

    python bench/questions.py [--verbose]

Prints top-1, top-3 and correct-abstention rates per question type.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims_db.models import Kind, Speaker, Statement  # noqa: E402
from claims_db.search import SearchIndex  # noqa: E402

SHARED = ROOT.parent / "shared"
QUESTIONS = Path(__file__).resolve().parent / "questions.json"
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"]?\s+")
_TOLD = re.compile(r"\btold (?:\S+’s )?([A-Z][a-z]+(?: [A-Z][a-z]+)*)")


def speaker_id(name: str) -> str:
    """Return the test id of a speaker name."""
    return "spk-" + re.sub(r"\W+", "-", name.lower()).strip("-")


def sentence_around(text: str, start: int, end: int) -> str:
    """Return the sentence(s) of ``text`` that contain ``text[start:end]``."""
    left = max(text.rfind("\n", 0, start), 0)
    for found in _SENTENCE_END.finditer(text, left, start):
        left = found.end()
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    after = _SENTENCE_END.search(text, end, right)
    return text[left : after.start() + 1 if after else right].strip()


def seed_library() -> tuple[list[Statement], list[Speaker]]:
    """Return the seed article's gold statements and speakers as stored records."""
    gold = json.loads((SHARED / "acceptance" / "seed_gold.json").read_text(encoding="utf-8"))
    article = (SHARED / gold["article"]).read_text(encoding="utf-8")
    statements = []
    cursor = 0
    for n, item in enumerate(gold["statements"]):
        start = article.find(item["text"], cursor)
        if start < 0:
            start = article.find(item["text"])
        if start < 0:
            raise ValueError(f"gold statement not in the seed article: {item['text']!r}")
        end = start + len(item["text"])
        cursor = start
        sentence = sentence_around(article, start, end)
        told = _TOLD.search(sentence) if item.get("cue") == "told" else None
        name = item["speaker"]
        statements.append(
            Statement(
                id=f"seed-{n}",
                article_id="seed",
                kind=Kind(item["kind"]),
                text=item["text"],
                start=start,
                end=end,
                sentence=sentence,
                speaker_id=speaker_id(name) if name else None,
                speaker=name,
                cue=item.get("cue"),
                addressee=told.group(1) if told else None,
            )
        )
    speakers = [
        Speaker(
            id=speaker_id(name),
            name=name,
            aliases=tuple(info["aliases"]),
            roles=(info["role"],) if info.get("role") else (),
        )
        for name, info in gold["speakers"].items()
    ]
    return statements, speakers


def crafted_library(data: dict[str, Any]) -> tuple[list[Statement], list[Speaker]]:
    """Return the statements and speakers of the hand-written articles in questions.json."""
    statements: list[Statement] = []
    speakers: dict[str, Speaker] = {}
    for article in data["articles"]:
        offset = 0
        for n, item in enumerate(article["statements"]):
            name = item.get("speaker")
            text = item["text"]
            statements.append(
                Statement(
                    id=f"{article['id']}-{n}",
                    article_id=article["id"],
                    kind=Kind(item["kind"]),
                    text=text,
                    start=offset,
                    end=offset + len(text),
                    sentence=item.get("sentence", text),
                    speaker_id=speaker_id(name) if name else None,
                    speaker=name,
                )
            )
            offset += len(text) + 1
        for name, info in article.get("speakers", {}).items():
            speakers[name] = Speaker(
                id=speaker_id(name),
                name=name,
                aliases=tuple(info.get("aliases", ())),
                roles=tuple(info.get("roles", ())),
            )
    return statements, list(speakers.values())


def question_data() -> dict[str, Any]:
    """Return the parsed questions.json."""
    loaded: dict[str, Any] = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    return loaded


def full_index() -> tuple[SearchIndex, dict[str, Statement]]:
    """Return an index over the seed and the crafted articles, and statements by id."""
    seed_statements, seed_speakers = seed_library()
    crafted_statements, crafted_speakers = crafted_library(question_data())
    index = SearchIndex()
    index.add(seed_statements, seed_speakers)
    index.add(crafted_statements, crafted_speakers)
    return index, {s.id: s for s in seed_statements + crafted_statements}


@dataclass(frozen=True)
class Outcome:
    """How one question was answered."""

    question: str
    kind: str
    top1: bool
    top3: bool
    got: str


def evaluate(
    index: SearchIndex, by_id: dict[str, Statement], questions: list[dict[str, Any]]
) -> list[Outcome]:
    """Ask every question and check the answers."""
    outcomes = []
    for q in questions:
        matches = index.search(q["question"], limit=3)
        expected = set(q["expect_any_of"])
        got = [by_id[m.statement_id] for m in matches]

        def is_right(s: Statement, q: dict[str, Any] = q, expected: set[str] = expected) -> bool:
            return s.text in expected and s.speaker == q.get("speaker")

        if not expected:
            ok1 = ok3 = not got
        else:
            ok1 = bool(got) and is_right(got[0])
            ok3 = any(is_right(s) for s in got)
        shown = f"{got[0].speaker}: {got[0].text[:70]}" if got else "[]"
        outcomes.append(Outcome(q["question"], q.get("type", "?"), ok1, ok3, shown))
    return outcomes


def main() -> None:
    """Print the score table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="list every failed question")
    args = parser.parse_args()
    index, by_id = full_index()
    seed = json.loads((SHARED / "acceptance" / "seed_questions.json").read_text(encoding="utf-8"))
    own = question_data()["questions"]
    for name, questions in (("seed_questions.json", seed["questions"]), ("questions.json", own)):
        outcomes = evaluate(index, by_id, questions)
        print(f"\n{name}: {len(outcomes)} questions")
        print(f"{'type':<14}{'n':>4}{'top-1':>8}{'top-3':>8}")
        kinds = sorted({o.kind for o in outcomes})
        for kind in [*kinds, "all"]:
            rows = [o for o in outcomes if kind in ("all", o.kind)]
            top1 = sum(o.top1 for o in rows) / len(rows)
            top3 = sum(o.top3 for o in rows) / len(rows)
            print(f"{kind:<14}{len(rows):>4}{top1:>8.3f}{top3:>8.3f}")
        answerless = [o for o, q in zip(outcomes, questions, strict=True) if not q["expect_any_of"]]
        if answerless:
            rate = sum(o.top1 for o in answerless) / len(answerless)
            print(f"correct abstention: {rate:.3f} of {len(answerless)}")
        if args.verbose:
            for o in outcomes:
                if not o.top1:
                    print(f"  MISS [{o.kind}] {o.question!r} -> {o.got}")


if __name__ == "__main__":
    main()
