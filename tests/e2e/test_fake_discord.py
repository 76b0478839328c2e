"""Self-tests of the fake Discord API with a tiny discord.py bot, independent of claimbot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands
from fake_discord import (
    EPHEMERAL,
    FakeDiscord,
    FakeFile,
    buttons,
    patch_discord_py,
    validate_commands,
    validate_message,
    wait_ready,
)


class _Pager(discord.ui.View):
    def __init__(self, owner_id: int) -> None:
        super().__init__(timeout=30)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("Not your buttons.", ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Next", custom_id="next")
    async def next_page(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content="page 2")


def _tiny_bot(*, intents: discord.Intents | None = None) -> commands.Bot:
    bot = commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=intents or discord.Intents.default(),
        allowed_mentions=discord.AllowedMentions.none(),
    )

    @bot.tree.command(description="Say hello")
    @app_commands.describe(name="Who to greet")
    async def hello(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"Hello {name} @everyone")

    @bot.tree.command(description="Read an attachment after deferring")
    @app_commands.describe(file="A text file")
    async def read(interaction: discord.Interaction, file: discord.Attachment) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        await interaction.followup.send(f"{file.filename}: {len(data)} bytes")
        await interaction.edit_original_response(content=f"read {data.decode()[:20]}")

    @bot.tree.command(description="Defer in public, then follow up 'ephemerally'")
    async def leak(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("a refusal", ephemeral=True)

    @bot.tree.command(description="Defer in public, delete the thinking, then refuse privately")
    async def refuse(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.delete_original_response()
        await interaction.followup.send("a refusal", ephemeral=True)

    @bot.tree.command(description="Pick a fruit")
    @app_commands.describe(fruit="A fruit")
    async def fruit(interaction: discord.Interaction, fruit: str) -> None:
        await interaction.response.send_message(fruit)

    @fruit.autocomplete("fruit")
    async def _fruits(_: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        names = ["apple", "apricot", "banana"]
        return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

    @bot.tree.command(description="Show a pager")
    async def pager(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("page 1", view=_Pager(interaction.user.id))

    @bot.tree.command(description="Send a huge embed")
    async def huge(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=discord.Embed(description="x" * 5000))

    @bot.tree.context_menu(name="Echo")
    async def echo(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(f"echo: {message.content}")

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if bot.user in message.mentions:
            await message.reply(f"you said {message.content.split(' ', 1)[1]}")

    return bot


@pytest.fixture
async def tiny() -> AsyncIterator[tuple[FakeDiscord, commands.Bot]]:
    fake = FakeDiscord()
    await fake.start()
    with patch_discord_py(fake):
        bot = _tiny_bot()
        bot._connection.guild_ready_timeout = 0.05
        task = asyncio.create_task(bot.start(fake.token))
        await wait_ready(bot, fake, task)
        await bot.tree.sync()
        yield fake, bot
        await bot.close()
        await task
    await fake.stop()


async def test_client_logs_in_and_sees_both_guilds(tiny: tuple[FakeDiscord, commands.Bot]) -> None:
    fake, bot = tiny
    assert bot.user is not None and str(bot.user.id) == fake.app_id
    assert {g.name for g in bot.guilds} == {g.name for g in fake.guilds}
    guild = bot.get_guild(int(fake.guilds[0].id))
    assert guild is not None and guild.me is not None
    assert fake.identify is not None and fake.unknown_routes == []


async def test_sync_stores_commands(tiny: tuple[FakeDiscord, commands.Bot]) -> None:
    fake, _ = tiny
    names = {(c["type"], c["name"]) for c in fake.global_commands}
    assert (1, "hello") in names and (3, "Echo") in names


async def test_slash_reply_is_recorded_and_ping_counted(
    tiny: tuple[FakeDiscord, commands.Bot],
) -> None:
    fake, _ = tiny
    rec = await fake.slash(fake.guilds[0], fake.member, "hello", {"name": "Ann"})
    resp = await rec.wait_response()
    assert resp["type"] == 4 and "Hello Ann" in rec.text()
    assert rec.payload["member"]["permissions"]
    # AllowedMentions.none() is sent on every message, so the @everyone does not ping.
    assert fake.pings == []


async def test_defer_followup_and_edit_with_attachment(
    tiny: tuple[FakeDiscord, commands.Bot],
) -> None:
    fake, _ = tiny
    rec = await fake.slash(
        fake.guilds[0], fake.member, "read", {"file": FakeFile("a.txt", b"hello file")}
    )
    await rec.wait_edits(1)
    assert rec.response is not None and rec.response["type"] == 5
    assert rec.is_ephemeral()
    assert "read hello file" in rec.text()


async def test_autocomplete_returns_choices(tiny: tuple[FakeDiscord, commands.Bot]) -> None:
    fake, _ = tiny
    rec = await fake.autocomplete(fake.guilds[0], fake.member, "fruit", {"fruit": "ap"}, "fruit")
    resp = await rec.wait_response()
    assert [c["value"] for c in resp["data"]["choices"]] == ["apple", "apricot"]


async def test_button_click_by_owner_and_stranger(tiny: tuple[FakeDiscord, commands.Bot]) -> None:
    fake, _ = tiny
    g = fake.guilds[0]
    rec = await fake.slash(g, fake.member, "pager")
    await rec.wait_response()
    msg = rec.original
    assert msg is not None and [b["custom_id"] for b in buttons(msg)] == ["next"]
    stranger = await fake.click(msg, "next", fake.other)
    await stranger.wait_response()
    assert "Not your buttons" in stranger.text() and stranger.is_ephemeral()
    owner = await fake.click(msg, "next", fake.member)
    resp = await owner.wait_response()
    assert resp["type"] == 7 and fake.messages[msg["id"]]["content"] == "page 2"


async def test_limit_breach_is_refused_and_recorded(tiny: tuple[FakeDiscord, commands.Bot]) -> None:
    fake, _ = tiny
    rec = await fake.slash(fake.guilds[0], fake.member, "huge")
    await fake.wait_until(lambda: bool(fake.violations), 10, "a violation")
    assert rec.callbacks == []
    assert "description is 5000" in fake.violations[0].problem
    fake.violations.clear()


async def test_message_command_and_mention(tiny: tuple[FakeDiscord, commands.Bot]) -> None:
    fake, _ = tiny
    g = fake.guilds[0]
    target = fake.user_message(g, fake.member, "the sky is green")
    rec = await fake.message_command(g, fake.admin, "Echo", target)
    await rec.wait_response()
    assert "echo: the sky is green" in rec.text()
    # The tiny bot has no message content intent: a mention still carries the content.
    msg = await fake.mention(g, fake.member, "ping me")
    reply = await fake.wait_reply(msg)
    assert reply["content"] == "you said ping me"


async def test_privileged_intents_are_refused() -> None:
    fake = FakeDiscord()
    await fake.start()
    with patch_discord_py(fake):
        bot = _tiny_bot(intents=discord.Intents.all())
        with pytest.raises(discord.PrivilegedIntentsRequired):
            await asyncio.wait_for(bot.start(fake.token), 20)
        await bot.close()
    await fake.stop()
    assert fake.gateway_closed_with == 4014


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        ({"name": "Ask", "description": "x", "type": 1}, "name must match"),
        ({"name": "ask", "description": "", "type": 1}, "description must be 1-100"),
        ({"name": "ask", "description": "d" * 101, "type": 1}, "description must be 1-100"),
        ({"name": "a" * 33, "description": "d", "type": 1}, "name must match"),
        (
            {
                "name": "ask",
                "description": "d",
                "type": 1,
                "options": [{"name": f"o{i}", "description": "d", "type": 3} for i in range(26)],
            },
            "26 options",
        ),
        (
            {"name": "ask", "description": "d", "type": 1, "options": [{"name": "q", "type": 3}]},
            "description must be 1-100",
        ),
        ({"name": "Find sources", "description": "d", "type": 3}, "take no description"),
    ],
)
def test_invalid_commands_are_rejected(command: dict[str, Any], problem: str) -> None:
    assert any(problem in p for p in validate_commands([command]))


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"content": "x" * 2001}, "content is 2001"),
        ({"embeds": [{"title": "t" * 257}]}, "title is 257"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}, "value is 1025"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, "26 fields"),
        ({"embeds": [{"footer": {"text": "f" * 2049}}]}, "footer.text is 2049"),
        ({"embeds": [{"author": {"name": "a" * 257}}]}, "author.name is 257"),
        ({"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}, "total 6001"),
        ({"embeds": [{"title": "t"}] * 11}, "11 embeds"),
    ],
)
def test_message_limits(payload: dict[str, Any], problem: str) -> None:
    assert any(problem in p for p in validate_message(payload))


async def test_loopback_guard_refuses_other_addresses(off_loopback: list[str]) -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientError):
            await session.get("http://10.0.0.1/", timeout=aiohttp.ClientTimeout(total=5))
    assert off_loopback == ["10.0.0.1"]


async def test_a_followup_keeps_the_visibility_of_its_defer(
    tiny: tuple[FakeDiscord, commands.Bot],
) -> None:
    """Like Discord: the first followup replaces the "thinking…" message, flags and all."""
    fake, _ = tiny
    rec = await fake.slash(fake.guilds[0], fake.member, "leak")
    (message,) = await rec.wait_followups(1)
    assert message["id"] == rec.original_id
    assert not message["flags"] & EPHEMERAL  # the ephemeral flag was ignored


async def test_deleting_the_thinking_message_lets_the_followup_be_ephemeral(
    tiny: tuple[FakeDiscord, commands.Bot],
) -> None:
    fake, _ = tiny
    rec = await fake.slash(fake.guilds[0], fake.member, "refuse")
    (message,) = await rec.wait_followups(1)
    assert rec.original is None
    assert message["flags"] & EPHEMERAL
