"""The command tree: names, descriptions, guild-only, default permissions, error texts."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest
from discord import app_commands

from bot import create_bot, errors
from bot.client import ClaimBot, intents
from bot.cogs.ask import strip_mention
from bot.cogs.ingest import check_attachment, check_sources, main_speakers
from bot.settings import Settings
from claims_db.errors import FetchFailed

EXPECTED = {
    "ask",
    "quotes",
    "speakers",
    "articles",
    "article",
    "ingest",
    "remove",
    "help",
    "requests",
    "config",
    "feed",
    "watch",
}


@pytest.fixture
async def bot(bot_settings: Settings) -> ClaimBot:
    built = create_bot(bot_settings)
    assert isinstance(built, ClaimBot)
    await built.load_features()
    return built


async def test_every_command_is_present(bot: ClaimBot) -> None:
    names = {
        command.name for command in bot.tree.get_commands(type=discord.AppCommandType.chat_input)
    }
    assert names == EXPECTED
    menus = bot.tree.get_commands(type=discord.AppCommandType.message)
    assert sorted(menu.name for menu in menus) == ["Add to library", "Find sources"]


async def test_every_command_and_parameter_has_a_description(bot: ClaimBot) -> None:
    for command in bot.tree.walk_commands():
        assert command.description and command.description != "…", command.name
        if isinstance(command, app_commands.Group):
            continue
        assert command.description and command.description != "…", command.name
        for parameter in command.parameters:
            assert parameter.description and parameter.description != "…", (
                command.name,
                parameter.name,
            )


async def test_library_commands_are_guild_only_and_help_is_not(bot: ClaimBot) -> None:
    for command in bot.tree.walk_commands():
        top = command.root_parent or command
        assert top.guild_only is (top.name != "help"), command.qualified_name


async def test_remove_defaults_to_manage_server(bot: ClaimBot) -> None:
    remove = bot.tree.get_command("remove")
    assert isinstance(remove, app_commands.Command)
    assert remove.default_permissions == discord.Permissions(manage_guild=True)


async def test_unloading_the_sources_cog_removes_the_message_command(bot: ClaimBot) -> None:
    await bot.unload_extension("bot.cogs.sources")
    menus = bot.tree.get_commands(type=discord.AppCommandType.message)
    assert [menu.name for menu in menus] == ["Add to library"]


async def test_unloading_the_links_cog_removes_its_message_command(bot: ClaimBot) -> None:
    await bot.unload_extension("bot.cogs.links")
    menus = bot.tree.get_commands(type=discord.AppCommandType.message)
    assert [menu.name for menu in menus] == ["Find sources"]


async def test_command_hash_changes_with_the_sync_target(bot: ClaimBot) -> None:
    assert bot.command_hash(None) == bot.command_hash(None)
    assert bot.command_hash(None) != bot.command_hash(123)


def test_the_client_uses_no_privileged_intent_and_no_mentions(bot_settings: Settings) -> None:
    bot = create_bot(bot_settings)
    assert not bot.intents.message_content
    assert not bot.intents.members
    assert not bot.intents.presences
    assert bot.intents == intents()
    mentions = bot.allowed_mentions
    assert mentions is not None
    assert mentions.to_dict() == {"parse": []}


def test_create_bot_reads_no_settings_at_import() -> None:
    import importlib

    module = importlib.reload(importlib.import_module("bot.app"))
    assert callable(module.create_bot)


def test_run_bot_without_a_token_says_so_and_returns_2(
    bot_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import run_bot

    assert run_bot(bot_settings) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_sync_commands_without_a_token_returns_2(bot_settings: Settings) -> None:
    from bot import sync_commands

    assert sync_commands(None, bot_settings) == 2


@pytest.mark.parametrize(
    ("url", "text", "title", "ok"),
    [
        ("https://n.example/a", None, None, True),
        (None, "Some article text", "A title", True),
        (None, None, None, False),
        ("https://n.example/a", "text too", None, False),
        ("ftp://n.example/a", None, None, False),
        ("https://n.example/a", None, "title without text", False),
        (None, "   ", None, False),
    ],
)
def test_ingest_needs_exactly_one_source(
    url: str | None, text: str | None, title: str | None, ok: bool
) -> None:
    assert (check_sources(url, None, text, title) is None) is ok


def attachment(filename: str, size: int, content_type: str | None) -> discord.Attachment:
    from unittest.mock import create_autospec

    file = create_autospec(discord.Attachment, instance=True)
    file.filename = filename
    file.size = size
    file.content_type = content_type
    return file


@pytest.mark.parametrize(
    ("filename", "size", "content_type", "ok"),
    [
        ("story.txt", 100, "text/plain; charset=utf-8", True),
        ("story.md", 100, None, True),
        ("story.html", 100, "text/html", True),
        ("story.pdf", 100, "application/pdf", False),
        ("story.txt", 100, "image/png", False),
        ("story.txt", 10_000_000, "text/plain", False),
    ],
)
def test_attachments_are_checked_before_reading(
    filename: str, size: int, content_type: str | None, ok: bool
) -> None:
    file = attachment(filename, size, content_type)
    assert (check_attachment(file, 1_000_000) is None) is ok
    file.read.assert_not_called()


def test_main_speakers_are_the_most_frequent() -> None:
    assert main_speakers(["A", "B", "A", None, "C", "A", "B"]) == [("A", 3), ("B", 2), ("C", 1)]


def test_mention_is_stripped_from_the_question() -> None:
    assert strip_mention("<@42> what did Noem say? <@!42>", 42) == "what did Noem say?"
    assert strip_mention("<@7> hi <@42>", 42) == "<@7> hi"


def test_engine_errors_become_their_sentence() -> None:
    wrapped = app_commands.CommandInvokeError.__new__(app_commands.CommandInvokeError)
    wrapped.original = FetchFailed("The page could not be fetched.")
    assert errors.explain(wrapped) == "The page could not be fetched."


def test_cooldowns_say_how_long_to_wait() -> None:
    error = app_commands.CommandOnCooldown(app_commands.Cooldown(1, 30), 12.2)
    assert errors.explain(error) == "You're going a bit fast: try again in 13 s."


def test_unexpected_errors_get_an_incident_id(caplog: pytest.LogCaptureFixture) -> None:
    text = errors.report(RuntimeError("boom"), "/ask")
    assert errors.explain(RuntimeError("boom")) is None
    incident = text.removeprefix("Something went wrong (id ").removesuffix(").")
    assert len(incident) == 8
    assert incident in caplog.text


def test_library_files_are_named_by_guild_id(bot_settings: Settings, tmp_path: Path) -> None:
    bot = create_bot(bot_settings)
    assert isinstance(bot, ClaimBot)
    assert bot.libraries.path_for(123) == tmp_path / "123.json"


async def test_feed_commands_default_to_manage_server(bot: ClaimBot) -> None:
    group = bot.tree.get_command("feed")
    assert isinstance(group, app_commands.Group)
    assert group.default_permissions == discord.Permissions(manage_guild=True)
    assert sorted(c.name for c in group.commands) == ["add", "list", "remove"]
