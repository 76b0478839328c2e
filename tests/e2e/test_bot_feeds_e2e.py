"""claimbot end to end: /feed add, the poller's announcements, pausing, bad feeds."""

from __future__ import annotations

from html import escape

import discord
import e2e_articles as articles
import pytest
from fake_discord import FakeDiscord, StartBot, message_text

FAST = {
    "CLAIMBOT_ALLOW_PRIVATE_URLS": "0",
    "CLAIMBOT_ALLOW_LOOPBACK_URLS": "1",
    "CLAIMBOT_FEED_POLL_SECONDS": "0.3",
    "CLAIMBOT_FEED_CHECK_SECONDS": "0.1",
}


def _rss(items: list[tuple[str, str]]) -> str:
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link></item>" for t, u in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Town Wire</title>'
        f"<link>http://example.org/</link><description>d</description>{entries}</channel></rss>"
    )


def _serve_feed(fake: FakeDiscord, count: int = 3) -> str:
    items = []
    for n in range(count):
        title, text = articles.synthetic_article(n)
        body = "".join(f"<p>{line}</p>" for line in text.splitlines()[2:])
        html = (
            f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{body}</article></body></html>"
        )
        items.append((title, fake.serve(f"/wire/{n}", html)))
    return fake.serve("/wire.xml", _rss(items), content_type="application/rss+xml", etag='"w1"')


def _announced(fake: FakeDiscord) -> list[str]:
    return [line for m in fake.channel_messages for line in message_text(m).splitlines()]


async def test_a_feed_is_polled_announced_and_a_second_poll_adds_nothing(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot(**FAST)
    url = _serve_feed(fake)
    g = fake.guilds[0]
    rec = await fake.slash(g, fake.admin, "feed add", {"url": url, "channel": g.channel_id})
    assert "Now following Town Wire" in await rec.wait_done()
    assert rec.is_ephemeral()
    await fake.wait_until(lambda: len(_announced(fake)) >= 3, 30, "three announcements")
    lines = _announced(fake)
    assert len(lines) == 3
    for n, line in enumerate(lines):
        title, _ = articles.synthetic_article(n)
        assert line.startswith(f"Added: [{title}]")
        assert "statements, " in line and f"Testperson{n:03d}" in line
    await fake.wait_until(lambda: "/wire.xml" in fake.not_modified, 30, "a conditional poll")
    assert len(_announced(fake)) == 3
    assert sum(1 for _, path in fake.requests if path.startswith("/wire/")) == 3
    listing = await fake.slash(g, fake.admin, "feed list")
    text = await listing.wait_done()
    assert "Town Wire" in text and "3 articles added" in text


async def test_a_failing_feed_is_paused_and_the_admins_are_told(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot(**FAST)
    url = _serve_feed(fake, count=1)
    g = fake.guilds[0]
    rec = await fake.slash(g, fake.admin, "feed add", {"url": url})
    await rec.wait_done()
    await fake.wait_until(lambda: len(_announced(fake)) >= 1, 30, "the first article")
    fake.serve("/wire.xml", "down for maintenance", content_type="text/plain", status=503)
    await fake.wait_until(
        lambda: any("I paused the feed" in line for line in _announced(fake)), 30, "a pause"
    )
    notice = next(line for line in _announced(fake) if "I paused the feed" in line)
    assert "HTTP 503" in notice and "3 failed polls in a row" in notice and "/feed add" in notice
    polls = sum(1 for _, path in fake.requests if path == "/wire.xml")
    listing = await fake.slash(g, fake.admin, "feed list")
    assert "paused: The server returned HTTP 503" in await listing.wait_done()
    assert sum(1 for _, path in fake.requests if path == "/wire.xml") == polls  # no more polls


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("<html><body><p>A page</p></body></html>", "text/html", "web page, not an RSS"),
        ("<rss>" + "x" * 2_100_000, "application/rss+xml", "feed is larger than 2 MB"),
        (_rss([(f"S{n}", f"http://n.example/{n}") for n in range(10_000)]), "text/xml", "10,000"),
        (_rss([("S", "http://10.2.3.4/story")]), "application/rss+xml", "private addresses"),
    ],
    ids=["html", "huge", "10k-items", "private-items"],
)
async def test_a_bad_feed_is_refused_privately_and_nothing_is_stored(
    fake: FakeDiscord, start_bot: StartBot, body: str, content_type: str, expected: str
) -> None:
    await start_bot(**FAST)
    url = fake.serve("/bad.xml", body, content_type=content_type)
    g = fake.guilds[0]
    rec = await fake.slash(g, fake.admin, "feed add", {"url": url})
    text = await rec.wait_done()
    assert expected in text and rec.is_ephemeral()
    listing = await fake.slash(g, fake.admin, "feed list")
    assert "follows no feed yet" in await listing.wait_done()
    assert fake.channel_messages == []


async def test_feed_commands_need_manage_server(fake: FakeDiscord, bot: discord.Client) -> None:
    url = _serve_feed(fake)
    rec = await fake.slash(
        fake.guilds[0], fake.member, "feed add", {"url": url}, override_permissions=True
    )
    assert "Manage Server" in await rec.wait_done()
    assert ("GET", "/wire.xml") not in fake.requests


async def test_feed_remove_stops_following(fake: FakeDiscord, start_bot: StartBot) -> None:
    await start_bot(**{**FAST, "CLAIMBOT_FEED_POLL_SECONDS": "3600"})
    url = _serve_feed(fake, count=1)
    g = fake.guilds[0]
    await (await fake.slash(g, fake.admin, "feed add", {"url": url})).wait_done()
    typed = await fake.autocomplete(g, fake.admin, "feed remove", {"feed": "Town"}, "feed")
    choices = (await typed.wait_response())["data"]["choices"]
    assert choices and "Town Wire" in choices[0]["name"]
    rec = await fake.slash(g, fake.admin, "feed remove", {"feed": choices[0]["value"]})
    assert "No longer following Town Wire" in await rec.wait_done()
    listing = await fake.slash(g, fake.admin, "feed list")
    assert "follows no feed yet" in await listing.wait_done()
