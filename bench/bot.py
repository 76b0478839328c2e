"""Time /ask through the real discord.py client and the loopback fake Discord API.

Builds (once, cached under bench/out/) a server library of about 100k statements from the
deterministic synthetic corpus, starts claimbot against tests/e2e/fake_discord.py, then sends
/ask INTERACTION_CREATE events one at a time and reports, over all asks:
  - ack: from sending INTERACTION_CREATE to the bot's interaction callback (the 3 s deadline),
  - answer: from sending to the followup that carries the answer.
A second round fires bursts of concurrent asks to show queueing.

python bench/bot.py [--statements 100000] [--asks 200] [--burst 20]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from corpus import FIRST, LAST, TOPICS, article  # noqa: E402
from fake_discord import FakeDiscord, Interaction, patch_discord_py, wait_ready  # noqa: E402

from claims_db.db import ClaimsDB  # noqa: E402

OUT = ROOT / "bench" / "out"
STATEMENTS_PER_ARTICLE = 47  # measured on the corpus (bench/extract.py)


def build_library(statements: int) -> Path:
    """Return a cached library file holding at least `statements` statements."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"bot_library_{statements}.json"
    if path.exists():
        return path
    count = statements // STATEMENTS_PER_ARTICLE + 50
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "news"
        folder.mkdir()
        for i in range(count):
            (folder / f"{i:06}.txt").write_text(article(50_000 + i), encoding="utf-8")
        building = Path(tmp) / "lib.json"
        with ClaimsDB.open(building, seeds=None) as db:
            report = db.add_paths([folder])
            total = sum(len(db.statements(a.id)) for a in report.added)
        shutil.copyfile(building, path)
    print(
        f"built library: {count} articles, {total} statements in "
        f"{time.perf_counter() - start:.1f} s -> {path} ({path.stat().st_size / 1e6:.0f} MB)"
    )
    return path


def questions(n: int) -> list[str]:
    """Varied questions over the corpus: speaker-directed, topical and unanswerable ones."""
    out = []
    for i in range(n):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 3) % len(LAST)]
        a, b = TOPICS[i % len(TOPICS)]
        kind = i % 4
        if kind == 0:
            out.append(f"What did {first} {last} say about the {a}?")
        elif kind == 1:
            out.append(f"Who said the {b} is the most important thing?")
        elif kind == 2:
            out.append(f"What did {last} say about {b}?")
        else:
            out.append(f"What is the capital of France number {i}?")
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(label: str, values: list[float]) -> None:
    ms = [v * 1000 for v in values]
    print(
        f"{label:<28} n={len(ms):4}  p50={statistics.median(ms):7.1f} ms  "
        f"p95={pct(ms, 0.95):7.1f} ms  max={max(ms):7.1f} ms"
    )


async def ask(fake: FakeDiscord, question: str, user_index: int = 0) -> tuple[float, float]:
    users = [fake.member, fake.other, fake.admin]
    rec: Interaction = await fake.slash(
        fake.guilds[0], users[user_index % 3], "ask", {"question": question}
    )
    await rec.wait_response(timeout=30)
    await rec.wait_followups(1, timeout=60)
    answered = time.monotonic() - rec.sent_at
    assert rec.latency is not None
    return rec.latency, answered


async def run(args: argparse.Namespace) -> int:
    library = build_library(args.statements)
    fake = FakeDiscord()
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp, patch_discord_py(fake):
        data = Path(tmp) / "data"
        data.mkdir()
        shutil.copyfile(library, data / f"{fake.guilds[0].id}.json")
        os.environ.update(
            {
                "CLAIMBOT_DATA_DIR": str(data),
                "CLAIMBOT_SEEDS": str(ROOT / "seeds"),
                "CLAIMBOT_ALLOW_PRIVATE_URLS": "1",
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
            start = time.perf_counter()
            await ask(fake, "What did Ana Ruiz say about the bus routes?")
            print(
                f"first ask (opens the {library.stat().st_size / 1e6:.0f} MB library): "
                f"{time.perf_counter() - start:.2f} s"
            )
            acks, answers = [], []
            for i, q in enumerate(questions(args.asks)):
                ack, answered = await ask(fake, q, i)
                acks.append(ack)
                answers.append(answered)
            print(
                f"python {sys.version.split()[0]}, {os.cpu_count()} cores, "
                f"{args.statements} statements, sequential asks"
            )
            report("ack (INTERACTION_CREATE->callback)", acks)
            report("answer (->followup)", answers)
            if args.burst > 1:
                acks, answers = [], []
                qs = questions(args.asks)
                for start_i in range(0, len(qs), args.burst):
                    batch = qs[start_i : start_i + args.burst]
                    results = await asyncio.gather(
                        *(ask(fake, q, start_i + j) for j, q in enumerate(batch))
                    )
                    acks += [r[0] for r in results]
                    answers += [r[1] for r in results]
                print(f"bursts of {args.burst} concurrent asks")
                report("ack (INTERACTION_CREATE->callback)", acks)
                report("answer (->followup)", answers)
            problems = fake.violations + fake.late_callbacks
            print(f"violations/late callbacks: {len(problems)}")
        finally:
            await bot.close()
            with contextlib.suppress(Exception):
                await task
    await fake.stop()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--asks", type=int, default=200)
    parser.add_argument("--burst", type=int, default=20)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
