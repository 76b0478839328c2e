"""Feeds under load: 50 feeds of 20 items polled by the real bot while /ask keeps answering.

Serves FEEDS RSS feeds of ITEMS article pages each on the loopback fake Discord (synthetic
corpus articles, ~36 statements each), starts claimbot against it, follows every feed with
/feed add, then measures while the background poller ingests them all:
  - ingest: wall time from the first poll to the last announcement, articles per second,
  - /ask: answer latency (INTERACTION_CREATE -> followup) of questions asked one after
    another during the ingest,
  - stall: the event loop's worst lateness, from a task that sleeps 10 ms in a loop.
A second poll round is then forced and checked to add nothing (conditional GETs).

python bench/feeds.py [--feeds 50] [--items 20]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import statistics
import sys
import tempfile
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from corpus import article  # noqa: E402
from fake_discord import FakeDiscord, message_text, patch_discord_py, wait_ready  # noqa: E402

QUESTIONS = [
    "What did Ana Ruiz say about the bus routes?",
    "Who said the drought plan is the most important thing?",
    "What did Berg say about the harbour bridge?",
    "What is the capital of France?",
    "What did Priya Nair say about school meals?",
]


def page(seed: int) -> str:
    lines = article(seed).splitlines()
    body = "".join(f"<p>{escape(line)}</p>" for line in lines[2:] if line)
    title = escape(lines[0])
    return (
        f"<html><head><title>{title}</title>"
        '<meta property="og:site_name" content="Bench Wire"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def rss(name: str, links: list[str]) -> str:
    items = "".join(f"<item><title>Story</title><link>{escape(u)}</link></item>" for u in links)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
        f"<link>http://example.org/</link><description>d</description>{items}</channel></rss>"
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def announced(fake: FakeDiscord) -> int:
    return sum(
        1
        for m in fake.channel_messages
        for line in message_text(m).splitlines()
        if line.startswith("Added:")
    )


async def stall_monitor(stalls: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(0.01)
        stalls.append(time.perf_counter() - start - 0.01)


async def run(args: argparse.Namespace) -> int:
    fake = FakeDiscord()
    await fake.start()
    total = args.feeds * args.items
    feed_urls = []
    for f in range(args.feeds):
        links = [fake.serve(f"/f{f}/{i}", page(f * 1000 + i)) for i in range(args.items)]
        feed_urls.append(
            fake.serve(
                f"/f{f}.xml",
                rss(f"Feed {f}", links),
                content_type="application/rss+xml",
                etag=f'"f{f}"',
            )
        )
    with tempfile.TemporaryDirectory() as tmp, patch_discord_py(fake):
        os.environ.update(
            {
                "CLAIMBOT_DATA_DIR": str(Path(tmp) / "data"),
                "CLAIMBOT_SEEDS": str(ROOT / "seeds"),
                "CLAIMBOT_ALLOW_PRIVATE_URLS": "1",
                "CLAIMBOT_ASK_COOLDOWN_RATE": "100000",
                "CLAIMBOT_FEED_POLL_SECONDS": "3600",
                "CLAIMBOT_FEED_CHECK_SECONDS": "0.2",
                "CLAIMBOT_FEED_DAILY_CAP": str(total + 10),
                "CLAIMBOT_MAX_FEEDS": str(args.feeds),
                "DISCORD_TOKEN": fake.token,
            }
        )
        from bot import create_bot  # noqa: PLC0415 - after the environment is set

        bot = create_bot()
        bot._connection.guild_ready_timeout = 0.05
        task = asyncio.create_task(bot.start(fake.token))
        g = fake.guilds[0]
        stalls: list[float] = []
        stop = asyncio.Event()
        try:
            await wait_ready(bot, fake, task)
            cog: object = bot.get_cog("Feeds")
            lock = cog._polling  # type: ignore[attr-defined]
            async with lock:  # hold the poller until every feed is followed
                for url in feed_urls:
                    rec = await fake.slash(g, fake.admin, "feed add", {"url": url})
                    await rec.wait_done(timeout=60)
                monitor = asyncio.create_task(stall_monitor(stalls, stop))
                started = time.monotonic()
            answers: list[float] = []
            n = 0
            while announced(fake) < total and time.monotonic() - started < args.timeout:
                rec = await fake.slash(g, fake.member, "ask", {"question": QUESTIONS[n % 5]})
                await rec.wait_followups(1, timeout=60)
                answers.append(time.monotonic() - rec.sent_at)
                n += 1
            elapsed = time.monotonic() - started
            stop.set()
            await monitor
            added = announced(fake)
            print(
                f"python {sys.version.split()[0]}, {os.cpu_count()} cores: {args.feeds} feeds x "
                f"{args.items} items on loopback"
            )
            print(f"ingest: {added} articles in {elapsed:.1f} s = {added / elapsed:.1f} articles/s")
            ms = [a * 1000 for a in answers]
            print(
                f"/ask during ingest: n={len(ms)}  p50={statistics.median(ms):.1f} ms  "
                f"p95={pct(ms, 0.95):.1f} ms  max={max(ms):.1f} ms"
            )
            print(
                f"event loop stall: worst {max(stalls) * 1000:.1f} ms, "
                f"p99 {pct(stalls, 0.99) * 1000:.1f} ms over {len(stalls)} ticks"
            )
            library = bot.libraries.peek(int(g.id))
            assert library is not None
            for feed in library.feeds():
                library.save_feed(type(feed)(**{**_fields(feed), "next_poll": 0.0}))
            before = len(fake.not_modified)
            polled = await cog.poll_due()  # type: ignore[attr-defined]
            print(
                f"second round: {polled} feeds polled, {len(fake.not_modified) - before} answered "
                f"304, {announced(fake) - added} articles added"
            )
            print(f"violations: {len(fake.violations)}")
        finally:
            await bot.close()
            with contextlib.suppress(Exception):
                await task
    await fake.stop()
    return 0


def _fields(record: object) -> dict[str, object]:
    slots: tuple[str, ...] = type(record).__slots__  # type: ignore[attr-defined]
    return {name: getattr(record, name) for name in slots}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
