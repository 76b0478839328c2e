"""claimbot end to end: /ingest from a file, a link and pasted text, and each refusal."""

from __future__ import annotations

import asyncio

import discord
import e2e_articles as articles
import pytest
from fake_discord import EPHEMERAL, FakeDiscord, FakeFile, Interaction, StartBot

from claims_db.db import ClaimsDB


async def _ingest(fake: FakeDiscord, options: dict[str, object], guild: int = 0) -> Interaction:
    rec = await fake.slash(fake.guilds[guild], fake.admin, "ingest", options)
    await rec.wait_text(lambda t: "Added to this server's library" in t or "." in t and _final(rec))
    return rec


def _final(rec: Interaction) -> bool:
    """An ingest is finished when its original reply no longer shows progress."""
    original = rec.original
    if original is None or original["flags"] & 128:
        return bool(rec.followups)
    text = original["content"] or ""
    return bool(original["embeds"]) or not (text.startswith(("Fetching", "Reading", "Extracting")))


async def _ask(fake: FakeDiscord, question: str, guild: int = 0) -> str:
    rec = await fake.slash(fake.guilds[guild], fake.member, "ask", {"question": question})
    return await rec.wait_done()


async def test_ingest_text_then_ask_about_it(fake: FakeDiscord, bot: discord.Client) -> None:
    rec = await _ingest(fake, {"text": articles.COUNCIL})
    text = rec.text()
    assert "Added to this server's library" in text
    assert articles.COUNCIL_TITLE in text
    assert rec.edits  # progress, then the summary, in the original reply
    summary = rec.original["embeds"][0]  # type: ignore[index]
    fields = {f["name"]: f["value"] for f in summary["fields"]}
    assert int(fields["Quotes"]) >= 2
    assert "Whitfield" in fields["Main speakers"] or "Brennan" in fields["Main speakers"]
    answer = await _ask(fake, "What did Whitfield say about the bike lanes?")
    assert "safest choice" in answer


async def test_a_short_answer_arrives_with_its_sentence_and_the_contradiction(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    text = (
        "Tax plan stalls\n\nMayor Lena Voss presented the budget on Monday.\n\n"
        "Asked whether she would raise property taxes, Voss said she would not.\n"
    )
    await _ingest(fake, {"text": text})
    answer = await _ask(fake, "Voss will raise property taxes")
    assert "she would not" in answer
    assert "In context" in answer
    assert "Asked whether she would raise property taxes" in answer
    assert "appears to contradict" in answer


async def test_ingest_text_with_title_uses_the_title(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    rec = await _ingest(fake, {"text": articles.WATER, "title": "Water plant: the delay"})
    assert "Water plant: the delay" in rec.text()


async def test_ingest_file_then_ask_about_it(fake: FakeDiscord, bot: discord.Client) -> None:
    file = FakeFile("water.txt", articles.WATER.encode())
    rec = await _ingest(fake, {"file": file})
    assert articles.WATER_TITLE in rec.text()
    answer = await _ask(fake, "What did Okafor say about the tap water?")
    assert "remains safe to drink" in answer


async def test_ingest_url_then_ask_about_it(fake: FakeDiscord, bot: discord.Client) -> None:
    url = fake.serve("/articles/oakfield-library.html", articles.LIBRARY_HTML)
    rec = await _ingest(fake, {"url": url})
    text = rec.text()
    assert articles.LIBRARY_TITLE in text
    assert url in text  # the summary links the article
    assert ("GET", "/articles/oakfield-library.html") in fake.requests
    answer = await _ask(fake, "What did Castellanos say about closing on Saturdays?")
    assert "hurts the families" in answer
    assert url in answer


async def test_ingest_by_a_plain_member_is_refused(fake: FakeDiscord, bot: discord.Client) -> None:
    rec = await fake.slash(fake.guilds[0], fake.member, "ingest", {"text": articles.COUNCIL})
    text = await rec.wait_done()
    assert rec.is_ephemeral()
    assert "manage messages" in text.lower()


async def test_ingest_needs_exactly_one_source(fake: FakeDiscord, bot: discord.Client) -> None:
    url = fake.serve("/articles/a.html", articles.LIBRARY_HTML)
    rec = await fake.slash(
        fake.guilds[0], fake.admin, "ingest", {"url": url, "text": articles.COUNCIL}
    )
    text = await rec.wait_done()
    assert rec.is_ephemeral() and "exactly one source" in text


def _refused_privately(rec: Interaction) -> str:
    """Return the refusal of a deferred ingest, checking that only the asker saw it."""
    assert rec.original is None, "the public progress reply should be gone"
    assert [m["flags"] & EPHEMERAL for m in rec.followups] == [EPHEMERAL]
    return rec.text()


async def test_ingest_url_that_404s_says_so(fake: FakeDiscord, bot: discord.Client) -> None:
    rec = await _ingest(fake, {"url": fake.url("/articles/gone.html")})
    await rec.wait_followups(1)
    text = _refused_privately(rec)
    assert "HTTP 404" in text
    assert "Added" not in text


async def test_ingest_private_address_is_refused_without_connecting(
    fake: FakeDiscord, start_bot: StartBot, off_loopback: list[str]
) -> None:
    await start_bot(CLAIMBOT_ALLOW_PRIVATE_URLS="0")
    rec = await _ingest(fake, {"url": "http://10.0.0.1/news/story.html"})
    await rec.wait_followups(1)
    assert "private address" in _refused_privately(rec)
    assert off_loopback == []  # refused before any connection was attempted


async def test_ingest_loopback_is_refused_when_private_urls_are_off(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot(CLAIMBOT_ALLOW_PRIVATE_URLS="0")
    url = fake.serve("/articles/oakfield-library.html", articles.LIBRARY_HTML)
    rec = await _ingest(fake, {"url": url})
    assert "private address" in rec.text()
    assert ("GET", "/articles/oakfield-library.html") not in fake.requests


async def test_ingest_oversized_file_is_refused_before_reading(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    big = FakeFile("huge.txt", b"All quiet in Riverton today. " * 200_000)  # ~5.8 MB
    rec = await fake.slash(fake.guilds[0], fake.admin, "ingest", {"file": big})
    text = await rec.wait_done()
    assert "limit" in text and "KB" in text
    assert not any(path.startswith("/files/") for _, path in fake.requests)


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        (FakeFile("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image/png"), ".txt"),
        (FakeFile("notes.txt", bytes(range(256)) * 20, "application/octet-stream"), "text"),
        (FakeFile("notes.txt", b"\x00\x01\x02\xff\xfe" * 400, None), "text"),
    ],
    ids=["png", "octet-stream-txt", "binary-txt-no-type"],
)
async def test_ingest_binary_file_is_refused_clearly(
    fake: FakeDiscord, bot: discord.Client, file: FakeFile, expected: str
) -> None:
    rec = await fake.slash(fake.guilds[0], fake.admin, "ingest", {"file": file})
    text = await rec.wait_text(lambda t: bool(t) and _final(rec))
    assert expected in text
    assert "Added" not in text and "Something went wrong" not in text


async def test_concurrent_ingests_and_asks_lose_no_article(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    bot = await start_bot()
    g = fake.guilds[0]
    stories = [articles.synthetic_article(n) for n in range(20)]
    ingests = [fake.slash(g, fake.admin, "ingest", {"text": text}) for _, text in stories]
    asks = [
        fake.slash(g, fake.member, "ask", {"question": f"What did Testperson{n:03d} say?"})
        for n in range(20)
    ]
    recs = await asyncio.gather(*ingests, *asks)
    await asyncio.gather(*(r.wait_text(lambda _t, r=r: _final(r), timeout=60) for r in recs[:20]))
    await asyncio.gather(*(r.wait_done(timeout=60) for r in recs[20:]))
    for (title, _), rec in zip(stories, recs[:20], strict=True):
        assert title in rec.text(), rec.text()
    await bot.close()
    with ClaimsDB.open(bot.libraries.path_for(int(g.id))) as db:  # type: ignore[attr-defined]
        titles = {a.title for a in db.articles()}
    assert {title for title, _ in stories} <= titles
