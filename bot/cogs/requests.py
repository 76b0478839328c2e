"""Source requests: /requests, the persistent request buttons, and answering after an ingest."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import render, source_requests, views
from bot.checks import ingest_permission
from bot.cogs._common import library
from bot.library import INGESTED_EVENT
from bot.views import send_pages
from claims_db.requests import Delivery

if TYPE_CHECKING:
    from bot.client import ClaimBot
    from bot.library import Library

log = logging.getLogger(__name__)

Postable = discord.TextChannel | discord.Thread | discord.VoiceChannel


class Requests(commands.Cog):
    """Keep unanswered questions and answer them when an article arrives."""

    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self._locks: dict[int, asyncio.Lock] = {}

    async def cog_load(self) -> None:
        """Listen for request buttons of any message, including those sent before a restart."""
        self.bot.add_dynamic_items(source_requests.RequestButton)

    async def cog_unload(self) -> None:
        """Stop listening for request buttons."""
        self.bot.remove_dynamic_items(source_requests.RequestButton)

    def expiry(self, lib: Library) -> timedelta:
        """Return how long requests stay open in a server (its /config, else the default)."""
        days = lib.server_config.request_expiry_days
        return timedelta(days=days if days is not None else self.bot.settings.request_expiry_days)

    @app_commands.command(
        name="requests", description="Questions members asked sources for, most wanted first."
    )
    @app_commands.guild_only()
    @app_commands.check(ingest_permission)
    async def requests(self, interaction: discord.Interaction) -> None:
        """List the open source requests of this server (members who may add articles)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        lib = await library(interaction)
        expiry = self.expiry(lib)
        await asyncio.to_thread(lib.requests.purge, expiry=expiry)
        open_requests = await asyncio.to_thread(lib.requests.open_requests, expiry=expiry)
        pages = source_requests.requests_pages(open_requests)
        await send_pages(interaction, pages, timeout=self.bot.settings.page_timeout_seconds)

    @commands.Cog.listener(f"on_{INGESTED_EVENT}")
    async def on_ingested(self, guild_id: int) -> None:
        """Ask the server's open requests again after articles were added."""
        if self.bot.libraries.is_closed:
            return
        try:
            await self.answer_requests(guild_id)
        except Exception:
            if self.bot.libraries.is_closed:  # closed under us; the next ingest rechecks
                log.info("not answering the requests of guild %s: shutting down", guild_id)
                return
            log.exception("answering the source requests of guild %s failed", guild_id)

    async def answer_requests(self, guild_id: int) -> int:
        """Purge expired requests, ask the open ones again, post the answers; return a count."""
        lock = self._locks.setdefault(guild_id, asyncio.Lock())
        async with lock:  # two ingests at once must not answer one request twice
            lib = await self.bot.libraries.get(guild_id)
            expiry = self.expiry(lib)
            await asyncio.to_thread(lib.requests.purge, expiry=expiry)
            deliveries = await asyncio.to_thread(lib.requests.recheck, expiry=expiry)
            answered = 0
            for delivery in deliveries:
                if await self._deliver(guild_id, delivery):
                    await asyncio.to_thread(
                        lib.requests.mark_answered, delivery.request.id, delivery.answers
                    )
                    answered += 1
            if deliveries:
                log.info(
                    "guild %s: answered %d of %d request(s)", guild_id, answered, len(deliveries)
                )
            return answered

    async def _deliver(self, guild_id: int, delivery: Delivery) -> bool:
        """Post a late answer in the request's channel, replying to its message if it exists."""
        request = delivery.request
        if request.channel_id is None:
            return False
        channel = await self._channel(guild_id, int(request.channel_id))
        if channel is None:
            log.info("request %s: its channel is gone; not delivered", request.id)
            return False
        rendered = source_requests.delivery_message(request, delivery.answers)
        reference = None
        if request.message_id is not None:
            reference = discord.MessageReference(
                message_id=int(request.message_id),
                channel_id=channel.id,
                guild_id=guild_id,
                fail_if_not_exists=False,  # the original message was deleted: post plainly
            )
        try:
            view = views.answer_view(delivery.answers[: render.MAX_ANSWERS], [])
            sent = await channel.send(
                content=rendered.content or "",
                embeds=rendered.embeds,
                view=view if view is not None else discord.utils.MISSING,
                reference=reference,  # type: ignore[arg-type]
                mention_author=False,
            )
        except discord.HTTPException:
            log.warning("request %s: could not post the answer", request.id, exc_info=True)
            return False
        log.info("guild %s: answered request %s in message %s", guild_id, request.id, sent.id)
        return True

    async def _channel(self, guild_id: int, channel_id: int) -> Postable | None:
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except discord.HTTPException:
                return None
        if not isinstance(channel, discord.TextChannel | discord.Thread | discord.VoiceChannel):
            return None
        if channel.guild.id != guild_id:
            return None  # a request only ever answers in its own server
        return channel


async def setup(bot: commands.Bot) -> None:
    """Add the requests cog."""
    await bot.add_cog(Requests(cast("ClaimBot", bot)))
