"""Per-server settings end to end: /config is Manage Server only and changes one server."""

from __future__ import annotations

import discord
import e2e_articles as articles
from fake_discord import MANAGE_GUILD, FakeDiscord, StartBot

NOEM = "What did Noem say about body cameras?"


async def _config(fake: FakeDiscord, options: dict[str, object], guild: int = 0) -> str:
    rec = await fake.slash(fake.guilds[guild], fake.admin, "config", options)
    text = await rec.wait_done()
    assert rec.is_ephemeral()
    return text


async def _ask(fake: FakeDiscord, guild: int = 0) -> str:
    rec = await fake.slash(fake.guilds[guild], fake.member, "ask", {"question": NOEM})
    return await rec.wait_done()


async def test_config_needs_manage_server_by_default(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    config = next(c for c in fake.global_commands if c["name"] == "config")
    assert config["default_member_permissions"] == str(MANAGE_GUILD)


async def test_a_member_cannot_change_the_settings_even_if_the_server_shows_the_command(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    rec = await fake.slash(
        fake.guilds[0], fake.member, "config", {"seed": False}, override_permissions=True
    )
    text = await rec.wait_done()
    assert rec.is_ephemeral() and "Manage Server" in text
    assert "Kristi Noem" in await _ask(fake)  # the seed is still there


async def test_seed_off_empties_one_server_only_and_survives_a_restart(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    first = await start_bot()
    assert "Saved" in await _config(fake, {"seed": False})
    assert "Request sources" in await _ask(fake)
    assert "Kristi Noem" in await _ask(fake, guild=1)
    await first.close()
    await start_bot()
    shown = await _config(fake, {})
    assert "not loaded" in shown
    assert "Request sources" in await _ask(fake)


async def test_the_ingest_role_is_the_servers_choice(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    g = fake.guilds[0]
    checkers = fake.add_role(g, "Fact checkers", fake.member)
    await start_bot()
    refused = await fake.slash(g, fake.member, "ingest", {"text": articles.COUNCIL})
    assert "manage messages" in await refused.wait_done()
    assert "Fact checkers" in await _config(fake, {"ingest_role": checkers})
    added = await fake.slash(g, fake.member, "ingest", {"text": articles.COUNCIL})
    assert "Added to this server's library" in await added.wait_text(
        lambda t: "Added" in t or "Only" in t
    )
    other = await fake.slash(fake.guilds[1], fake.member, "ingest", {"text": articles.WATER})
    assert "manage messages" in await other.wait_done()  # the other server kept its default


async def test_the_question_limit_is_the_servers_choice(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    await _config(fake, {"questions_per_window": 1, "question_window_seconds": 600})
    await _ask(fake)
    assert "going a bit fast" in await _ask(fake)
    assert "going a bit fast" not in await _ask(fake, guild=1)
    await _config(fake, {"reset": "ask_cooldown_rate"})
    assert "going a bit fast" not in await _ask(fake)


async def test_the_article_limit_is_the_servers_choice(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    first, second = fake.guilds[0], fake.guilds[1]
    in_first = fake.add_role(first, "Fact checkers", fake.member)
    in_second = fake.add_role(second, "Fact checkers", fake.member)
    await start_bot()
    await _config(fake, {"ingest_role": in_first, "articles_per_window": 1}, guild=0)
    await _config(fake, {"ingest_role": in_second}, guild=1)
    added = await fake.slash(first, fake.member, "ingest", {"text": articles.COUNCIL})
    await added.wait_text(lambda t: "Added" in t)
    limited = await fake.slash(first, fake.member, "ingest", {"text": articles.WATER})
    assert "added 1 articles" in await limited.wait_done()
    other = await fake.slash(second, fake.member, "ingest", {"text": articles.WATER})
    assert "Added" in await other.wait_text(lambda t: "Added" in t or "added 1" in t)
