"""The "Add to library" message command: every link in a message, added in one go."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render
from bot.checks import give_back_ingest_budget, ingest_permission, take_ingest_budget
from bot.cogs._common import added_by, fetch_options, library
from bot.library import after_ingest
from claims_db.models import LinkResult, Outcome
from claims_db.urls import find_links

if TYPE_CHECKING:
    from bot.client import ClaimBot

log = logging.getLogger(__name__)

MENU_NAME = "Add to library"
MAX_LINKS = 5  # links one use of the message command adds


class Links(commands.Cog):
    """Add the links people post to the server's library."""

    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name=MENU_NAME, callback=self.add_to_library)
        app_commands.guild_only(self.menu)
        self.menu.add_check(ingest_permission)
        bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        """Take the message command off the tree with the cog."""
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def add_to_library(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """Add every http(s) link of a message (up to five); reply privately, one line each."""
        links = find_links(message.content, limit=MAX_LINKS + 1)
        if not links:
            await errors.tell(interaction, "That message has no http or https link to add.")
            return
        extra = len(links) > MAX_LINKS
        links = links[:MAX_LINKS]
        granted = take_ingest_budget(interaction, len(links))
        await interaction.response.defer(ephemeral=True, thinking=True)
        lib = await library(interaction)
        who = added_by(interaction.user)
        results: list[LinkResult] = []
        for index, link in enumerate(links):
            if index < granted:
                result = await lib.add_link(link, added_by=who, **fetch_options(self.bot))
            else:
                reason = "this server's members reached their articles for now"
                result = LinkResult(link, Outcome.REFUSED, reason=reason)
            results.append(result)
        give_back_ingest_budget(
            interaction, sum(1 for r in results[:granted] if r.outcome is not Outcome.ADDED)
        )
        if any(r.outcome is Outcome.ADDED for r in results) and interaction.guild_id is not None:
            after_ingest(self.bot, interaction.guild_id)
        text = render.links_report(results, [])
        if extra:
            text = render.clamp(f"{text}\nOnly the first {MAX_LINKS} links were read.", 2000)
        log.info(
            "guild %s: user %s added links from message %s",
            interaction.guild_id,
            interaction.user.id,
            message.id,
        )
        await interaction.followup.send(content=text, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    """Add the links cog (and its message command)."""
    await bot.add_cog(Links(cast("ClaimBot", bot)))
