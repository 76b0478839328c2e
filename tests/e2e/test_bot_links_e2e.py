"""claimbot end to end: links in messages (look up by link, "Add to library", several URLs)."""

from __future__ import annotations

import discord
import e2e_articles as articles
from fake_discord import FakeDiscord, StartBot

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


async def test_add_to_library_answers_one_line_per_link(
    fake: FakeDiscord, start_bot: StartBot, off_loopback: list[str]
) -> None:
    await start_bot(CLAIMBOT_ALLOW_PRIVATE_URLS="0", CLAIMBOT_ALLOW_LOOPBACK_URLS="1")
    known = fake.serve("/news/oakfield-library", articles.LIBRARY_HTML)
    await _ingest_url(fake, known)
    new = fake.serve("/courier/library-cut", COPY_HTML)
    g = fake.guilds[0]
    message = fake.user_message(
        g,
        fake.member,
        f"Three takes: {new}?utm_source=x, (also {known}/) and http://10.1.2.3/story.",
    )
    rec = await fake.message_command(g, fake.admin, "Add to library", message)
    text = await rec.wait_done(timeout=30)
    assert rec.is_ephemeral()
    lines = text.splitlines()
    assert lines[0] == "Done: 1 added, 1 already in the library, 1 refused."
    assert (
        "added with" in lines[1] and "statements" in lines[1] and "County Courier" not in lines[2]
    )
    assert articles.LIBRARY_TITLE in lines[2] and "already in the library" in lines[2]
    assert "10.1.2.3" in lines[3] and "refused" in lines[3] and "private address" in lines[3]
    assert off_loopback == []  # the private address was refused before any connection
    assert ("GET", "/news/oakfield-library") in fake.requests
    assert fake.requests.count(("GET", "/news/oakfield-library")) == 1  # the known one: no refetch
    listing = await fake.slash(g, fake.member, "articles")
    assert "County Courier" in await listing.wait_done()


async def test_add_to_library_needs_the_ingest_permission(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    message = fake.user_message(fake.guilds[0], fake.other, fake.url("/news/x"))
    rec = await fake.message_command(fake.guilds[0], fake.member, "Add to library", message)
    text = await rec.wait_done()
    assert rec.is_ephemeral() and "manage messages" in text.lower()
    assert ("GET", "/news/x") not in fake.requests


async def test_add_to_library_on_a_message_without_links(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    message = fake.user_message(fake.guilds[0], fake.member, "no links here, just opinions")
    rec = await fake.message_command(fake.guilds[0], fake.admin, "Add to library", message)
    assert "no http or https link" in await rec.wait_done()


async def test_ingest_five_urls_edits_one_progress_message(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    urls = []
    for n in range(4):
        title, text = articles.synthetic_article(n)
        body = "".join(f"<p>{line}</p>" for line in text.splitlines()[2:])
        html = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"
        urls.append(fake.serve(f"/town/{n}", html))
    urls.append(fake.url("/town/missing"))
    rec = await fake.slash(fake.guilds[0], fake.admin, "ingest", {"url": " ".join(urls)})
    text = await rec.wait_text(lambda t: t.startswith("Done:"), timeout=60)
    assert text.splitlines()[0] == "Done: 4 added, 0 already in the library, 1 refused."
    assert "HTTP 404" in text
    assert len(text.splitlines()) == 6
    assert len(rec.messages) == 1  # one message, edited
    progress = [e.get("content") or "" for e in rec.edits]
    assert any("1 of 5 done" in p for p in progress) and any("4 of 5 done" in p for p in progress)


async def test_ingest_refuses_more_than_ten_urls(fake: FakeDiscord, bot: discord.Client) -> None:
    urls = " ".join(fake.url(f"/n/{n}") for n in range(11))
    rec = await fake.slash(fake.guilds[0], fake.admin, "ingest", {"url": urls})
    text = await rec.wait_done()
    assert rec.is_ephemeral() and "at most 10 links" in text
    assert not any(path.startswith("/n/") for _, path in fake.requests)
