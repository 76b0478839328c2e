"""claimbot end to end: /quotes, paging, /remove, hostile quotes and isolated servers."""

from __future__ import annotations

import re
from pathlib import Path

import discord
import e2e_articles as articles
import pytest
from fake_discord import FakeDiscord, Guild, Interaction, StartBot, buttons, message_text

from claims_db import ClaimsDB


def _button(message: dict[str, object], label: str) -> dict[str, object]:
    return next(b for b in buttons(message) if label in (b.get("label") or ""))


async def _ingest_text(fake: FakeDiscord, text: str, guild: Guild) -> Interaction:
    rec = await fake.slash(guild, fake.admin, "ingest", {"text": text})
    await rec.wait_text(lambda t: "Added to this server's library" in t)
    return rec


async def _article_id(fake: FakeDiscord, guild: Guild, typed: str) -> str:
    rec = await fake.autocomplete(guild, fake.admin, "article", {"article": typed}, "article")
    resp = await rec.wait_response()
    choices = resp["data"]["choices"]
    assert len(choices) == 1, choices
    return str(choices[0]["value"])


async def _paged_quotes(fake: FakeDiscord, user_index: int = 0) -> Interaction:
    user = [fake.member, fake.other][user_index]
    rec = await fake.slash(fake.guilds[0], user, "quotes", {"speaker": "Kristi Noem"})
    await rec.wait_followups(1)
    return rec


async def test_quotes_speaker_autocomplete_suggests_names(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    rec = await fake.autocomplete(
        fake.guilds[0], fake.member, "quotes", {"speaker": "noe"}, "speaker"
    )
    resp = await rec.wait_response()
    assert resp["type"] == 8
    assert "Kristi Noem" in [c["value"] for c in resp["data"]["choices"]]


async def test_quotes_lists_a_speakers_statements(fake: FakeDiscord, bot: discord.Client) -> None:
    rec = await _paged_quotes(fake)
    text = rec.text()
    assert "Statements by Kristi Noem" in text
    assert "body camera" in text


async def test_paging_buttons_move_between_pages(fake: FakeDiscord, bot: discord.Client) -> None:
    rec = await _paged_quotes(fake)
    msg = rec.followups[0]
    first = message_text(msg)
    assert "1 / " in first
    click = await fake.click(msg, str(_button(msg, "Next")["custom_id"]), fake.member)
    resp = await click.wait_response()
    assert resp["type"] == 7
    second = message_text(fake.messages[msg["id"]])
    assert "2 / " in second and second != first


async def test_anyone_may_page_a_public_list_and_sees_the_page_privately(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    rec = await _paged_quotes(fake)
    msg = rec.followups[0]
    before = message_text(msg)
    click = await fake.click(msg, str(_button(msg, "Next")["custom_id"]), fake.other)
    await click.wait_response()
    assert click.is_ephemeral()
    assert "2 / 2" in click.text() and "Statements by Kristi Noem" in click.text()
    assert message_text(fake.messages[msg["id"]]) == before  # the public list did not move
    mine = click.original
    assert mine is not None
    back = await fake.click(mine, str(_button(mine, "Previous")["custom_id"]), fake.other)
    assert (await back.wait_response())["type"] == 7  # their private copy turns in place
    assert "1 / 2" in message_text(fake.messages[mine["id"]])


async def test_paging_buttons_are_disabled_on_timeout(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot(CLAIMBOT_PAGE_TIMEOUT_SECONDS="0.5")
    rec = await _paged_quotes(fake)
    msg_id = rec.followups[0]["id"]
    await fake.wait_until(
        lambda: all(b.get("disabled") for b in buttons(fake.messages[msg_id])), 10, "disabled"
    )
    with pytest.raises(PermissionError):
        await fake.click(
            fake.messages[msg_id],
            str(_button(fake.messages[msg_id], "Next")["custom_id"]),
            fake.member,
        )


async def test_remove_is_hidden_from_a_plain_member(fake: FakeDiscord, bot: discord.Client) -> None:
    with pytest.raises(PermissionError):
        await fake.slash(fake.guilds[0], fake.member, "remove", {"article": "x"})


async def test_remove_is_refused_for_a_member_when_the_server_allows_the_command(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    g = fake.guilds[0]
    article_id = await _article_id(fake, g, "Minneapolis")
    rec = await fake.slash(
        g, fake.member, "remove", {"article": article_id}, override_permissions=True
    )
    text = await rec.wait_done()
    assert rec.is_ephemeral() and "Manage Server" in text
    assert len(await _autocomplete_articles(fake, g, "Minneapolis")) == 1


async def _autocomplete_articles(fake: FakeDiscord, guild: Guild, typed: str) -> list[str]:
    rec = await fake.autocomplete(guild, fake.admin, "remove", {"article": typed}, "article")
    resp = await rec.wait_response()
    return [str(c["value"]) for c in resp["data"]["choices"]]


async def test_remove_by_an_admin_after_confirmation(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    g = fake.guilds[0]
    await _ingest_text(fake, articles.COUNCIL, g)
    article_id = await _article_id(fake, g, "Riverton")
    rec = await fake.slash(g, fake.admin, "remove", {"article": article_id})
    await rec.wait_followups(1)
    prompt = rec.followups[0]
    assert prompt["flags"] & 64
    assert articles.COUNCIL_TITLE in message_text(prompt)
    assert await _autocomplete_articles(fake, g, "Riverton") == [article_id]  # not yet
    click = await fake.click(prompt, str(_button(prompt, "Remove")["custom_id"]), fake.admin)
    await fake.wait_until(lambda: "Removed" in message_text(fake.messages[prompt["id"]]), 15)
    assert click.response is not None
    assert await _autocomplete_articles(fake, g, "Riverton") == []
    answer = await fake.slash(
        g, fake.member, "ask", {"question": "What did Whitfield say about the bike lanes?"}
    )
    assert "safest choice" not in await answer.wait_done()


async def test_remove_cancel_keeps_the_article(fake: FakeDiscord, bot: discord.Client) -> None:
    g = fake.guilds[0]
    article_id = await _article_id(fake, g, "Minneapolis")
    rec = await fake.slash(g, fake.admin, "remove", {"article": article_id})
    prompt = (await rec.wait_followups(1))[0]
    await fake.click(prompt, str(_button(prompt, "Cancel")["custom_id"]), fake.admin)
    await fake.wait_until(
        lambda: "Nothing was removed" in message_text(fake.messages[prompt["id"]])
    )
    assert await _autocomplete_articles(fake, g, "Minneapolis") == [article_id]


async def test_quote_with_everyone_and_markdown_is_escaped_and_pings_nobody(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    g = fake.guilds[0]
    await _ingest_text(fake, articles.HOSTILE, g)
    rec = await fake.slash(
        g, fake.member, "ask", {"question": "What did Ramos say about the harbor bridge?"}
    )
    await rec.wait_text(lambda t: "harbor bridge" in t)
    shown = "\n".join(message_text(m) for m in rec.messages)
    assert "@everyone" not in shown  # neutralised, e.g. "@\u200beveryone"
    assert "<@&123456789>" not in shown and "<@987654321>" not in shown
    # Markdown renders outside code blocks only; there it must come out escaped.
    rendered = re.sub(r"```.*?```", "", shown, flags=re.S)
    assert "Tell @" in rendered  # the quote itself is shown outside a code block
    assert "**the harbor bridge**" not in rendered
    assert "_closed_" not in rendered.replace("\\_", "")
    assert "[the map](http://evil.example/phish)" not in rendered  # no masked link
    assert all(m["allowed_mentions"]["parse"] == [] for m in rec.messages)
    assert fake.pings == []


async def test_servers_never_see_each_others_articles(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    a, b = fake.guilds
    await _ingest_text(fake, articles.COUNCIL, a)
    secret_id = await _article_id(fake, a, "Riverton")
    asked = await fake.slash(
        b, fake.member, "ask", {"question": "What did Whitfield say about the bike lanes?"}
    )
    assert "safest choice" not in await asked.wait_done()
    listing = await fake.slash(b, fake.member, "articles")
    assert "Riverton" not in await listing.wait_done()
    assert await _autocomplete_articles(fake, b, "Riverton") == []
    assert await _autocomplete_articles(fake, b, secret_id) == []


async def test_guessed_article_id_from_another_server_is_not_found(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    a, b = fake.guilds
    await _ingest_text(fake, articles.COUNCIL, a)
    secret_id = await _article_id(fake, a, "Riverton")
    shown = await fake.slash(b, fake.member, "article", {"article": secret_id})
    text = await shown.wait_done()
    assert "No article" in text and "Whitfield" not in text
    removed = await fake.slash(b, fake.admin, "remove", {"article": secret_id})
    assert "No article" in await removed.wait_done()
    still = await fake.slash(a, fake.member, "article", {"article": secret_id})
    assert "safest choice" in await still.wait_done()


async def test_a_value_that_is_not_an_article_id_is_refused_before_any_lookup(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    a, _ = fake.guilds
    await _ingest_text(fake, articles.COUNCIL, a)
    for command, user in (("article", fake.member), ("remove", fake.admin)):
        refused = await fake.slash(a, user, command, {"article": "../../etc/passwd"})
        text = await refused.wait_done()
        assert "paste an id shown by /articles" in text, command
    still = await (await fake.slash(a, fake.member, "articles")).wait_done()
    assert "Riverton" in still


async def test_each_server_has_its_own_library_file(fake: FakeDiscord, bot: discord.Client) -> None:
    a, b = fake.guilds
    await _ingest_text(fake, articles.COUNCIL, a)
    await (await fake.slash(b, fake.member, "articles")).wait_done()
    data_dir = bot.settings.data_dir  # type: ignore[attr-defined]
    file_a = (data_dir / f"{a.id}.json").read_text(encoding="utf-8")
    file_b = (data_dir / f"{b.id}.json").read_text(encoding="utf-8")
    assert "Whitfield" in file_a and "Whitfield" not in file_b


async def test_speakers_and_articles_list_the_library(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    g = fake.guilds[0]
    await _ingest_text(fake, articles.WATER, g)
    speakers = await fake.slash(g, fake.member, "speakers")
    assert "Okafor" in await speakers.wait_done()
    listing = await fake.slash(g, fake.member, "articles")
    text = await listing.wait_done()
    assert articles.WATER_TITLE in text and "Minneapolis" in text


async def test_existing_library_is_opened_before_the_first_command(
    fake: FakeDiscord, start_bot: StartBot, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    guild_id = int(fake.guilds[0].id)
    ClaimsDB.open(data / f"{guild_id}.json").close()  # a library left by an earlier run
    bot = await start_bot()
    await fake.wait_until(
        lambda: bot.libraries.peek(guild_id) is not None, 15, "the library to open by itself"
    )
    assert bot.libraries.peek(int(fake.guilds[1].id)) is None  # no file: nothing created
