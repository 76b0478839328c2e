"""The held-out end-to-end question set (bench/holdout/news.json), through ClaimsDB or the bot.

The set was written before anyone ran claimbot on it and is never tuned on (see
FIRST_RUN.md). Every article goes through ``ClaimsDB.add_text`` into a fresh temporary
library, so a miss can come from extraction (a quote not found, a wrong speaker) as well as
from ranking.

    python bench/holdout/answers.py [--verbose] [--json OUT]
    python bench/holdout/answers.py --bot [--verbose]

``--bot`` asks the same questions through the real discord.py bot against the loopback fake
Discord API of tests/e2e/fake_discord.py (the library is built with ClaimsDB first and given
to the bot as its server library, as bench/bot.py does) and judges the reply embeds: the
statement is the embed description, the speaker the embed author (before ", role"), the
contradiction flag the bot's warning line.

Grading, per question:
- answerable (``expect`` not empty): right-first when the first answer's statement holds one
  of ``expect`` and its speaker matches ``speaker`` (lenient: case-insensitive, a listed
  ``speaker_aliases`` entry, or a trailing part of the name such as the surname; ``null``
  matches no speaker or an alias); top-3 when any of the first three does; a false
  "nothing" when no answer comes back at all;
- unanswerable (``expect: []``): an honest "nothing" when no answer comes back;
- ``contradicts: true``: the contradiction flag is counted on the right answer among the
  first three.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from claims_db import ClaimsDB  # noqa: E402

SET = Path(__file__).resolve().parent / "news.json"
UNANSWERABLE = ("person_not_in_library", "topic_not_in_library", "general_knowledge")
CATEGORIES = (
    "what_did_x_say",
    "who_said",
    "true_claim",
    "contradicted_claim",
    "paraphrase",
    "typo",
    *UNANSWERABLE,
)
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "coun", "mayor", "the", "reeve", "justice"}


@dataclass(frozen=True)
class Got:
    """One answer as the member sees it: statement text, speaker, contradiction flag."""

    text: str
    speaker: str | None
    contradicts: bool


@dataclass(frozen=True)
class Row:
    """The grade of one question."""

    category: str
    answerable: bool
    top1: bool
    top3: bool
    nothing: bool
    flag_expected: bool
    flagged: bool


def _name_tokens(name: str) -> list[str]:
    words = re.findall(r"[\w'’.-]+", name.casefold())
    words = [w.strip(".") for w in words]
    while words and words[0] in HONORIFICS:
        words = words[1:]
    return [w for w in words if w]


def speaker_ok(got: str | None, question: dict[str, Any]) -> bool:
    """Return whether ``got`` names the expected speaker (the lenient rule above)."""
    gold: str | None = question["speaker"]
    aliases: list[str] = question.get("speaker_aliases", [])
    if got is None or not got.strip():
        return gold is None
    pred = _name_tokens(got)
    if not pred:
        return gold is None
    for name in ([gold] if gold else []) + aliases:
        want = _name_tokens(name)
        if pred == want or (len(pred) <= len(want) and want[-len(pred) :] == pred):
            return True
    return False


def is_right(got: Got, question: dict[str, Any]) -> bool:
    """Return whether an answer holds an expected phrase, said by the expected speaker."""
    text = " ".join(got.text.split())
    return speaker_ok(got.speaker, question) and any(
        " ".join(p.split()) in text for p in question["expect"]
    )


def grade(answers: Sequence[Got], question: dict[str, Any]) -> Row:
    """Grade the answers to one question."""
    answerable = bool(question["expect"])
    right = [is_right(a, question) for a in answers[:3]]
    flag_expected = bool(question.get("contradicts"))
    flagged = any(a.contradicts for a, r in zip(answers[:3], right, strict=False) if r)
    if not answerable:
        return Row(question["category"], False, not answers, not answers, not answers, False, False)
    return Row(
        question["category"],
        True,
        bool(right) and right[0],
        any(right),
        not answers,
        flag_expected,
        flagged,
    )


def build_library(data: dict[str, Any], path: Path, *, embed: bool = True) -> None:
    """Ingest every article of the set through ``ClaimsDB.add_text`` into ``path``.

    Like ``claimbot ingest``, the library's vectors are filled in before it is asked,
    unless ``embed`` is false (the lexical stage alone).
    """
    with ClaimsDB.open(path, seeds=None) as db:
        for article in data["articles"]:
            db.add_text(
                article["text"],
                title=article["title"],
                url=article["url"],
                publisher=article["publisher"],
                published=article["published"],
            )
        if embed:
            db.embed_missing()


def ask_claimsdb(data: dict[str, Any], library: Path) -> list[list[Got]]:
    """Ask every question with ``ClaimsDB.ask`` (limit 3)."""
    out: list[list[Got]] = []
    with ClaimsDB.open(library, seeds=None) as db:
        for question in data["questions"]:
            answers = db.ask(question["question"], limit=3)
            out.append(
                [
                    Got(
                        a.statement.text,
                        a.speaker.name if a.speaker is not None else a.statement.speaker,
                        a.contradicts,
                    )
                    for a in answers
                ]
            )
    return out


_UNESCAPE = re.compile(r"\\([\\`*_~|>\[\]()#:.-])")
ZWSP = "\u200b"


def _embed_answer(embed: dict[str, Any], publishers: set[str]) -> Got:
    """Read one answer back from a reply embed."""
    description = (embed.get("description") or "").replace(ZWSP, "")
    flag = "appears to contradict" in description
    if flag:
        description = description.split("\n\n", 1)[-1]
    text = _UNESCAPE.sub(r"\1", description).strip()
    if text.startswith("“") and text.endswith("”"):
        text = text[1:-1]
    author = ((embed.get("author") or {}).get("name") or "").replace(ZWSP, "")
    speaker: str | None = author.split(", ", 1)[0].strip()
    if speaker in ("Unattributed", "The article") or speaker in publishers:
        speaker = None
    return Got(text, speaker, flag)


async def _ask_bot(data: dict[str, Any], library: Path) -> list[list[Got]]:
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    from fake_discord import FakeDiscord, patch_discord_py, wait_ready  # noqa: PLC0415

    publishers = {a["publisher"] for a in data["articles"]}
    fake = FakeDiscord()
    await fake.start()
    out: list[list[Got]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp, patch_discord_py(fake):
            folder = Path(tmp) / "data"
            folder.mkdir()
            shutil.copyfile(library, folder / f"{fake.guilds[0].id}.json")
            os.environ.update(
                {
                    "CLAIMBOT_DATA_DIR": str(folder),
                    "CLAIMBOT_SEEDS": str(ROOT / "seeds"),
                    "CLAIMBOT_ASK_COOLDOWN_RATE": "100000",
                    "DISCORD_TOKEN": fake.token,
                }
            )
            from bot import create_bot  # noqa: PLC0415 - after the environment is set

            bot = create_bot()
            bot._connection.guild_ready_timeout = 0.05
            task = asyncio.create_task(bot.start(fake.token))
            try:
                await wait_ready(bot, fake, task)
                for question in data["questions"]:
                    rec = await fake.slash(
                        fake.guilds[0], fake.member, "ask", {"question": question["question"]}
                    )
                    await rec.wait_done()
                    embeds = [e for m in rec.messages for e in m["embeds"]]
                    out.append([_embed_answer(e, publishers) for e in embeds[:3]])
                problems = fake.violations + fake.late_callbacks
                if problems:
                    print(f"fake Discord reported {len(problems)} protocol problem(s)")
            finally:
                await bot.close()
                with contextlib.suppress(Exception):
                    await task
    finally:
        await fake.stop()
    return out


def _pct(n: int, d: int) -> str:
    return f"{n:>3}/{d:<3}" if d else "   -   "


def report(rows: list[Row]) -> dict[str, Any]:
    """Print the per-category table and return the numbers."""
    header = (
        f"{'category':<22}{'n':>4}  {'right-1st':>9}  {'top-3':>9}  {'false-nothing':>13}"
        f"  {'honest-nothing':>14}  {'contradiction flag':>18}"
    )
    print(header)
    numbers: dict[str, Any] = {}
    groups = [(c, [r for r in rows if r.category == c]) for c in CATEGORIES]
    groups += [
        ("answerable", [r for r in rows if r.answerable]),
        ("unanswerable", [r for r in rows if not r.answerable]),
        ("all", rows),
    ]
    for name, chosen in groups:
        if not chosen:
            continue
        ans = [r for r in chosen if r.answerable]
        una = [r for r in chosen if not r.answerable]
        flags = [r for r in chosen if r.flag_expected]
        entry = {
            "n": len(chosen),
            "right_first": sum(r.top1 for r in ans),
            "top3": sum(r.top3 for r in ans),
            "answerable": len(ans),
            "false_nothing": sum(r.nothing for r in ans),
            "honest_nothing": sum(r.nothing for r in una),
            "unanswerable": len(una),
            "flag_expected": len(flags),
            "flagged": sum(r.flagged for r in flags),
        }
        numbers[name] = entry
        print(
            f"{name:<22}{len(chosen):>4}  {_pct(entry['right_first'], len(ans)):>9}  "
            f"{_pct(entry['top3'], len(ans)):>9}  {_pct(entry['false_nothing'], len(ans)):>13}  "
            f"{_pct(entry['honest_nothing'], len(una)):>14}  "
            f"{_pct(entry['flagged'], len(flags)):>18}"
        )
    a = numbers["answerable"]
    u = numbers["unanswerable"]
    para = numbers.get("paraphrase", {"right_first": 0, "answerable": 0})
    print(
        f"right first {a['right_first'] / a['answerable']:.1%} of answerable, "
        f"honest nothing {u['honest_nothing'] / u['unanswerable']:.1%} of unanswerable, "
        f"paraphrase right first {para['right_first'] / max(1, para['answerable']):.1%}"
    )
    return numbers


def main() -> int:
    """Build the library, ask every question, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=SET, help="question file")
    parser.add_argument("--bot", action="store_true", help="ask through the bot e2e")
    parser.add_argument("--lexical", action="store_true", help="ask without vectors")
    parser.add_argument("--verbose", action="store_true", help="show every wrong answer")
    parser.add_argument("--json", type=Path, help="write the numbers as JSON here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    data = json.loads(args.set.read_text(encoding="utf-8"))
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder) / "holdout.json"
        build_library(data, library, embed=not args.lexical)
        built = time.perf_counter() - start
        got = asyncio.run(_ask_bot(data, library)) if args.bot else ask_claimsdb(data, library)
    rows = [grade(answers, q) for answers, q in zip(got, data["questions"], strict=True)]
    mode = "bot e2e (/ask via discord.py + fake Discord API)" if args.bot else "ClaimsDB.ask"
    print(
        f"{args.set.name}: {len(rows)} questions over {len(data['articles'])} articles via {mode}; "
        f"library built in {built:.1f} s, total {time.perf_counter() - start:.1f} s"
    )
    if args.verbose:
        for row, answers, question in zip(rows, got, data["questions"], strict=True):
            wrong = not row.top1 or (row.flag_expected and not row.flagged)
            if wrong:
                first = f"{answers[0].speaker}: {answers[0].text[:90]}" if answers else "[]"
                flag = " (flag missing)" if row.flag_expected and row.top1 else ""
                print(f"  MISS [{row.category}]{flag} {question['question'][:70]!r} -> {first}")
    numbers = report(rows)
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
