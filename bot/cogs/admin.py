"""Administration and help: /remove (Manage Server, with confirmation) and /help."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.checks import manage_permission
from bot.cogs._common import library, library_for_suggestions
from bot.cogs.browse import article_choices, checked_article_id
from bot.views import Confirm

if TYPE_CHECKING:
    from bot.client import ClaimBot

log = logging.getLogger(__name__)

CONFIRM_SECONDS = 60.0


class Admin(commands.Cog):
    """Remove articles; explain the commands."""

    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="remove",
        description="Remove an article and its statements from this server's library.",
    )
    @app_commands.describe(article="The article to remove (pick from the list, or paste its id).")
    @app_commands.autocomplete(article=article_choices)
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @app_commands.check(manage_permission)
    async def remove(
        self, interaction: discord.Interaction, article: app_commands.Range[str, 1, 100]
    ) -> None:
        """Ask for confirmation, then remove an article."""
        article_id = await checked_article_id(interaction, article)
        if article_id is None:
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        lib = await library(interaction)
        record = await asyncio.to_thread(lib.article, article_id)

        async def confirmed(press: discord.Interaction) -> str:
            gone = await asyncio.to_thread(lib.remove_article, article_id)
            log.info("guild %s: user %s removed article %s", press.guild_id, press.user.id, gone.id)
            return render.removed(gone)

        view = Confirm(interaction.user.id, confirmed, timeout=CONFIRM_SECONDS)
        prompt = render.remove_prompt(record)
        view.message = await interaction.followup.send(
            content=prompt.content or "", embeds=prompt.embeds, view=view, ephemeral=True, wait=True
        )

    @app_commands.command(
        name="help", description="What claimbot does and how to use its commands."
    )
    async def help(self, interaction: discord.Interaction) -> None:
        """Explain the commands (works anywhere, only you see it); say how to start if empty."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        lib = await library_for_suggestions(interaction)  # at most 2 s: help must not hang
        empty = lib is not None and await asyncio.to_thread(lambda: lib.article_count == 0)
        message = render.help_message(library_is_empty=empty)
        await interaction.followup.send(
            content=message.content or "", embeds=message.embeds, ephemeral=True
        )


async def setup(bot: commands.Bot) -> None:
    """Add the admin cog."""
    await bot.add_cog(Admin(cast("ClaimBot", bot)))
