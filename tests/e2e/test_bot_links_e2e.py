"""claimbot end to end: links in messages (look up by link, "Add to library", several URLs)."""

from __future__ import annotations

import discord
import e2e_articles as articles
from fake_discord import FakeDiscord

COPY_HTML = articles.LIBRARY_HTML.replace("The Oakfield Ledger", "The County Courier").replace(
    "The library system served more than 200,000 visitors last year.",
    "The county will publish the new hours in April.",
)


async def _ingest_url(fake: FakeDiscord, url: str) -> None:
    rec = await fake.slash(fake.guilds[0], fake.admin, "ingest", {"url": url})
    await rec.wait_text(lambda t: "Added to this server's library" in t, timeout=30)


async def test_ask_with_a_known_link_answers_with_its_article(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    url = fake.serve("/news/oakfield-library", articles.LIBRARY_HTML)
    await _ingest_url(fake, url)
    await _ingest_url(fake, fake.serve("/courier/library-cut", COPY_HTML))
    rec = await fake.slash(
        fake.guilds[0], fake.member, "ask", {"question": f"{url}/?utm_source=chat&fbclid=x"}
    )
    text = await rec.wait_done()
    assert "That link is in this server's library" in text
    assert articles.LIBRARY_TITLE in text
    assert "Main speakers" in text and "Castellanos" in text
    assert "Closing on Saturdays hurts the families" in text
    assert "Also reported by" in text and "The County Courier" in text


async def test_find_sources_on_a_message_with_a_known_link(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    url = fake.serve("/news/oakfield-library", articles.LIBRARY_HTML)
    await _ingest_url(fake, url)
    message = fake.user_message(fake.guilds[0], fake.member, f"wow, look at this: {url}")
    rec = await fake.message_command(fake.guilds[0], fake.other, "Find sources", message)
    text = await rec.wait_done()
    assert rec.is_ephemeral()
    assert articles.LIBRARY_TITLE in text and "Castellanos" in text


async def test_ask_with_an_unknown_link_says_it_is_not_in_the_library(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    rec = await fake.slash(
        fake.guilds[0], fake.member, "ask", {"question": fake.url("/news/never-added")}
    )
    text = await rec.wait_done()
    assert "is not in this server's library yet" in text
    assert ("GET", "/news/never-added") not in fake.requests
