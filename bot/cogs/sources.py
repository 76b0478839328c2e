"""The "Find sources" message command: sourced statements close to a message's words."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render, source_requests, views
from bot.checks import ask_cooldown
from bot.cogs._common import guild_id, library, send
from bot.cogs._links import answer_link

if TYPE_CHECKING:
    from bot.client import ClaimBot

log = logging.getLogger(__name__)

MENU_NAME = "Find sources"
MAX_CHECKED = 1000


class Sources(commands.Cog):
    """Check a message against the server's library."""

    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name=MENU_NAME, callback=self.find_sources)
        app_commands.guild_only(self.menu)
        self.menu.add_check(ask_cooldown)
        bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        """Take the message command off the tree with the cog."""
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def find_sources(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """Reply (only to you) with the closest sourced statements, flagging contradictions."""
        text = " ".join(message.content.split())
        if not text:
            await errors.tell(interaction, "That message has no text I can look up.")
            return
        log.debug("find sources for %r", text)
        await interaction.response.defer(ephemeral=True, thinking=True)
        lib = await library(interaction)
        if await answer_link(interaction, lib, text[:MAX_CHECKED], ephemeral=True):
            return
        answers = await asyncio.to_thread(lib.ask, text[:MAX_CHECKED], limit=2 * render.MAX_ANSWERS)
        shown, rest = answers[: render.MAX_ANSWERS], answers[render.MAX_ANSWERS :]
        rendered = render.sources_message(message.jump_url, shown)
        view = views.answer_view(shown, rest)
        if not shown:
            view = await source_requests.offer(
                lib,
                text[:MAX_CHECKED],
                guild_id=guild_id(interaction),
                asker_id=interaction.user.id,
                channel_id=interaction.channel_id,
                message=message,
            )
        await send(interaction, rendered, ephemeral=True, view=view)


async def setup(bot: commands.Bot) -> None:
    """Add the sources cog (and its message command)."""
    await bot.add_cog(Sources(cast("ClaimBot", bot)))
