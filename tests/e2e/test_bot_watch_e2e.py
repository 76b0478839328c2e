"""claimbot end to end: watch mode adds links posted in a watched channel, off by default."""

from __future__ import annotations

import asyncio

import discord
import e2e_articles as articles
from fake_discord import FakeDiscord, StartBot

WATCH = {"CLAIMBOT_WATCH_MODE": "1", "CLAIMBOT_ALLOW_PRIVATE_URLS": "0"}
WATCH["CLAIMBOT_ALLOW_LOOPBACK_URLS"] = "1"


async def test_watched_channel_links_are_added_with_a_reaction(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    fake.allow_privileged_intents = True
    bot = await start_bot(**WATCH)
    g = fake.guilds[0]
    on = await fake.slash(g, fake.admin, "watch", {"channel": g.channel_id, "state": "on"})
    assert "Watching" in await on.wait_done() and on.is_ephemeral()
    url = fake.serve("/news/oakfield-library", articles.LIBRARY_HTML)
    posted = await fake.post(g, fake.member, f"this is bad news {url}")
    await fake.wait_until(lambda: bool(fake.reactions), 30, "a reaction")
    assert fake.reactions == [(posted["id"], "📰")]
    library = bot.libraries.peek(int(g.id))  # type: ignore[attr-defined]
    stored = library.article_for_url(url)
    assert stored is not None and stored.added_by == f"watch:{fake.member.id}"
    assert "bad news" not in stored.text  # nothing of the message is kept but its link
    off = await fake.slash(g, fake.admin, "watch", {"channel": g.channel_id, "state": "off"})
    await off.wait_done()
    other = fake.serve(
        "/news/water", "<html><body><article><h1>W</h1><p>x</p></article></body></html>"
    )
    await fake.post(g, fake.member, other)
    await (await fake.slash(g, fake.member, "help")).wait_done()
    await asyncio.sleep(0.5)  # the listener has long returned; a fetch would have been made
    assert ("GET", "/news/water") not in fake.requests


async def test_watch_is_off_unless_the_operator_enables_it(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    g = fake.guilds[0]
    rec = await fake.slash(g, fake.admin, "watch", {"channel": g.channel_id, "state": "on"})
    text = await rec.wait_done()
    assert "Watch mode is off" in text and "Message Content intent" in text
    assert not bot.intents.message_content
