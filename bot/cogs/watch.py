"""Watch mode: links posted in a watched channel are added silently (off unless configured).

It is the only feature that reads ordinary messages, so it needs the privileged Message
Content intent and `CLAIMBOT_WATCH_MODE=1`; without them `/watch` says how to enable it.
Only the link of a message is used: the message text is neither stored nor logged.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render
from bot.checks import manage_permission
from bot.cogs._common import fetch_options, library
from bot.library import after_ingest
from claims_db.models import Outcome
from claims_db.urls import find_links

if TYPE_CHECKING:
    from bot.client import ClaimBot

log = logging.getLogger(__name__)

ADDED_REACTION = "📰"
LINKS_PER_MESSAGE = 3
NOT_ENABLED = (
    "Watch mode is off for this bot. Its operator can turn it on with CLAIMBOT_WATCH_MODE=1 "
    "after enabling the Message Content intent in the Discord developer portal."
)


class Watch(commands.Cog):
    """Add the links members post in watched channels."""

    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self._added_today: dict[int, tuple[str, int]] = {}  # guild -> (day, articles)

    @app_commands.command(
        name="watch", description="Add links posted in a channel automatically (on or off)."
    )
    @app_commands.describe(
        channel="The channel to watch.", state="on: add its links from now on; off: stop."
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @app_commands.check(manage_permission)
    async def watch(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        state: Literal["on", "off"],
    ) -> None:
        """Turn watch mode on or off for one channel."""
        if not self.bot.settings.watch_mode:
            await errors.tell(interaction, NOT_ENABLED)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        lib = await library(interaction)
        await asyncio.to_thread(lib.set_watched, channel.id, watched=state == "on")
        if state == "on":
            cap = self.bot.settings.watch_daily_cap
            text = (
                f"Watching <#{channel.id}>: links posted there are added to the library "
                f"(at most {cap} a day) and get a {ADDED_REACTION} reaction."
            )
        else:
            text = f"No longer watching <#{channel.id}>."
        await interaction.followup.send(content=render.clamp(text, 2000), ephemeral=True)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Add the links of a message posted in a watched channel."""
        if not self.bot.settings.watch_mode or message.author.bot or message.guild is None:
            return
        libraries = self.bot.libraries
        guild_id = message.guild.id
        if libraries.peek(guild_id) is None and not await libraries.exists(guild_id):
            return
        links = find_links(message.content, limit=LINKS_PER_MESSAGE)
        if not links:
            return
        lib = await self.bot.libraries.get(message.guild.id)
        watched = await asyncio.to_thread(lib.watched_channels)
        if message.channel.id not in watched:
            return
        added = 0
        for link in links:
            if not self._take(message.guild.id):
                log.info("watch mode: guild %s reached its daily cap", message.guild.id)
                break
            result = await lib.add_link(
                link, added_by=f"watch:{message.author.id}", **fetch_options(self.bot)
            )
            if result.outcome is Outcome.ADDED:
                added += 1
            else:
                self._give_back(message.guild.id)
        if added:
            after_ingest(self.bot, message.guild.id)
            try:
                await message.add_reaction(ADDED_REACTION)
            except discord.HTTPException:
                log.warning("could not react in channel %s", message.channel.id, exc_info=True)

    def _take(self, guild_id: int) -> bool:
        today = datetime.now(UTC).date().isoformat()
        day, count = self._added_today.get(guild_id, (today, 0))
        if day != today:
            count = 0
        if count >= self.bot.settings.watch_daily_cap:
            return False
        self._added_today[guild_id] = (today, count + 1)
        return True

    def _give_back(self, guild_id: int) -> None:
        day, count = self._added_today.get(guild_id, ("", 0))
        self._added_today[guild_id] = (day, max(0, count - 1))


async def setup(bot: commands.Bot) -> None:
    """Add the watch cog."""
    await bot.add_cog(Watch(cast("ClaimBot", bot)))
