"""Feeds: /feed add, /feed list, /feed remove (Manage Server) and the background poller."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render
from bot.checks import manage_permission
from bot.cogs._common import added_by, fetch_options, library, library_for_suggestions, send
from bot.library import after_ingest
from bot.views import send_pages
from claims_db.errors import ClaimsError
from claims_db.feeds import FetchOptions, due_feeds, follow, poll
from claims_db.models import Feed, Outcome, PollResult

if TYPE_CHECKING:
    from bot.client import ClaimBot
    from bot.library import Library

log = logging.getLogger(__name__)


async def feed_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Suggest the server's feeds (suggestions only: the value is looked up again)."""
    lib = await library_for_suggestions(interaction)
    if lib is None:
        return []
    typed = current.strip().casefold()
    feeds = await asyncio.to_thread(lib.feeds)
    found = [f for f in feeds if typed in f"{f.title or ''} {f.url}".casefold()]
    return [app_commands.Choice(name=render.feed_choice_name(f), value=f.id) for f in found[:25]]


class Feeds(commands.Cog):
    """Follow news feeds and add their new articles on a schedule."""

    feed = app_commands.guild_only()(
        app_commands.Group(
            name="feed",
            description="Follow RSS or Atom feeds: their new articles join this server's library.",
            guild_only=True,
            default_permissions=discord.Permissions(manage_guild=True),
        )
    )

    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self._task: asyncio.Task[None] | None = None
        self._polling = asyncio.Lock()

    async def cog_load(self) -> None:
        """Start the background poller."""
        self._task = asyncio.create_task(self._run(), name="claimbot-feeds")

    async def cog_unload(self) -> None:
        """Stop the background poller."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    # ---- commands ----------------------------------------------------------------------------

    @feed.command(
        name="add", description="Follow a feed; its new articles are added and announced."
    )
    @app_commands.describe(
        url="The feed's address (RSS or Atom, http or https).",
        channel="Where to announce new articles (default: this channel).",
    )
    @app_commands.check(manage_permission)
    async def add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 8, 2000],
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Check a feed and follow it; nothing is stored when it is not a usable feed."""
        url = url.strip()
        if not url.lower().startswith(("http://", "https://")):
            await errors.tell(
                interaction, "The feed's address must start with http:// or https://."
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        lib = await library(interaction)
        feeds = await asyncio.to_thread(lib.feeds)
        known = await asyncio.to_thread(lib.find_feed, url)
        if known is None and len(feeds) >= self.bot.settings.max_feeds:
            limit = self.bot.settings.max_feeds
            await errors.tell(
                interaction,
                f"This server follows {limit} feeds, the most it may; remove one first.",
            )
            return
        target = channel.id if channel is not None else interaction.channel_id
        followed, is_new = await follow(
            lib,
            url,
            options=self._options(),
            channel_id=target,
            added_by=added_by(interaction.user),
            now=time.time(),
        )
        log.info(
            "guild %s: user %s follows feed %s",
            interaction.guild_id,
            interaction.user.id,
            followed.id,
        )
        text = render.feed_followed(followed, is_new=is_new, channel_id=followed.channel_id)
        await send(interaction, render.Message(content=text), ephemeral=True)

    @feed.command(name="list", description="The feeds this server follows and their state.")
    @app_commands.check(manage_permission)
    async def list_feeds(self, interaction: discord.Interaction) -> None:
        """List the feeds with their state (paused ones say why)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        lib = await library(interaction)
        feeds = await asyncio.to_thread(lib.feeds)
        pages = render.feeds_pages(feeds)
        await send_pages(interaction, pages, timeout=self.bot.settings.page_timeout_seconds)

    @feed.command(name="remove", description="Stop following a feed (its articles stay).")
    @app_commands.describe(feed="The feed to stop following (pick from the list).")
    @app_commands.autocomplete(feed=feed_choices)
    @app_commands.check(manage_permission)
    async def remove(
        self, interaction: discord.Interaction, feed: app_commands.Range[str, 1, 2000]
    ) -> None:
        """Stop following a feed."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        lib = await library(interaction)
        gone = await asyncio.to_thread(lib.remove_feed, feed)
        log.info(
            "guild %s: user %s removed feed %s", interaction.guild_id, interaction.user.id, gone.id
        )
        await send(interaction, render.Message(content=render.feed_removed(gone)), ephemeral=True)

    # ---- polling -----------------------------------------------------------------------------

    def _options(self) -> FetchOptions:
        return FetchOptions(**fetch_options(self.bot))

    async def _run(self) -> None:
        try:
            await self.bot.wait_until_ready()
        except RuntimeError:  # loaded without logging in (unit tests, `claimbot sync`)
            log.debug("the feed poller does not run: the client never logged in")
            return
        while not self.bot.is_closed() and not self.bot.libraries.closed:
            try:
                await self.poll_due()
            except Exception:
                if self.bot.libraries.closed:
                    return  # shutting down: the libraries closed under the poll
                log.exception("the feed poller failed; it tries again at the next check")
            await asyncio.sleep(self.bot.settings.feed_check_seconds)

    async def poll_due(self) -> int:
        """Poll every feed that is due in every server the bot is in; return how many."""
        polled = 0
        async with self._polling:
            for guild in list(self.bot.guilds):
                libraries = self.bot.libraries
                if libraries.peek(guild.id) is None and not await libraries.exists(guild.id):
                    continue
                lib = await self.bot.libraries.get(guild.id)
                due = await asyncio.to_thread(due_feeds, lib, now=time.time())
                for feed in due:
                    await self._poll_one(guild, lib, feed)
                    polled += 1
        return polled

    async def _poll_one(self, guild: discord.Guild, lib: Library, feed: Feed) -> None:
        settings = self.bot.settings
        try:
            result = await poll(
                lib,
                feed,
                options=self._options(),
                now=time.time(),
                interval=settings.feed_poll_seconds,
                daily_cap=settings.feed_daily_cap,
            )
        except ClaimsError:
            log.exception("polling feed %s of guild %s failed", feed.id, guild.id)
            return
        if any(r.outcome is Outcome.ADDED for r in result.results):
            after_ingest(self.bot, guild.id)
        await self._announce(guild, result)

    async def _announce(self, guild: discord.Guild, result: PollResult) -> None:
        feed = result.feed
        channel = guild.get_channel(feed.channel_id) if feed.channel_id else None
        if not isinstance(channel, discord.abc.Messageable):
            if result.results or result.paused_now:
                log.warning("feed %s of guild %s has no channel to announce in", feed.id, guild.id)
            return
        messages = render.feed_announcements(feed, result.results)
        if result.paused_now:
            messages.append(render.feed_paused(feed))
        for text in messages:
            try:
                await channel.send(content=text)
            except discord.HTTPException:
                log.warning("could not announce in channel %s", feed.channel_id, exc_info=True)
                return


async def setup(bot: commands.Bot) -> None:
    """Add the feeds cog (its commands and its poller)."""
    await bot.add_cog(Feeds(cast("ClaimBot", bot)))
