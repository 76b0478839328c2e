"""The Discord client: intents, mentions off, one HTTP session, libraries, deliberate sync."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors
from bot.checks import ArticleBudget, UserCooldowns
from bot.library import Libraries, Library, Opener, open_claims_db, open_guild_library
from bot.settings import Settings

if TYPE_CHECKING:
    import aiohttp

    from claims_db.pgstore import ChangeListener, Database

log = logging.getLogger(__name__)

HASH_FILE = ".command-hash"
HASH_STATE_KEY = "command-hash"  # the synced-command hash, in PostgreSQL mode
COGS = (
    "bot.cogs.ask",
    "bot.cogs.browse",
    "bot.cogs.ingest",
    "bot.cogs.admin",
    "bot.cogs.sources",
    "bot.cogs.requests",
    "bot.cogs.config",
    "bot.cogs.links",
    "bot.cogs.feeds",
    "bot.cogs.watch",
)


def intents(*, message_content: bool = False) -> discord.Intents:
    """Return the intents the bot needs: no privileged one unless watch mode asks for content."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.message_content = message_content
    return wanted


class ClaimTree(app_commands.CommandTree):
    """The command tree, with the one error handler."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Answer every failed command with one short sentence."""
        await errors.on_app_command_error(interaction, error)


class ClaimBot(commands.Bot):
    """claimbot's client: slash commands, a message command and @mention replies."""

    def __init__(
        self,
        settings: Settings,
        *,
        opener: Opener | None = None,
        auto_sync: bool = True,
        database: Database | None = None,
        **client_options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(message_content=settings.watch_mode),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ClaimTree,
            **client_options,
        )
        self.settings = settings
        self.auto_sync = auto_sync
        self.database = database
        self._owns_database = False
        self.listener: ChangeListener | None = None
        self._max_concurrency: int | None = None
        uses_database = settings.database is not None
        self.libraries = Libraries(
            settings.data_dir,
            opener or open_claims_db(settings.seeds),
            guild_opener=self._open_guild if uses_database else None,
            has_library=self._has_library if uses_database else None,
            owns=settings.owns if settings.is_sharded else None,
            max_resident_statements=settings.max_resident_statements,
            on_open=self._listen_to,
            on_close=self._stop_listening_to,
        )
        self.ask_cooldowns = UserCooldowns(
            settings.ask_cooldown_rate, settings.ask_cooldown_seconds
        )
        self.ingest_budget = ArticleBudget(
            settings.ingest_cooldown_rate, settings.ingest_cooldown_seconds
        )
        self._session: aiohttp.ClientSession | None = None
        self._warmups: set[asyncio.Task[object]] = set()

    @property
    def session(self) -> aiohttp.ClientSession:
        """Return the process's HTTP session for fetching articles."""
        if self._session is None:
            raise RuntimeError("the HTTP session opens in setup_hook")
        return self._session

    async def load_features(self) -> None:
        """Add every feature cog (and so every command) to the bot."""
        for name in COGS:
            if name not in self.extensions:
                await self.load_extension(name)

    async def setup_hook(self) -> None:
        """Load the cogs, open the HTTP session and sync commands when they changed."""
        await self.load_features()
        from claims_db.fetch import make_session  # noqa: PLC0415 -- engine network module

        self._session = make_session(
            allow_private=self.settings.allow_private_urls,
            allow_loopback=self.settings.allow_loopback_urls,
        )
        url = self.settings.database
        if url is not None:
            from claims_db.pgstore import ChangeListener, Database  # noqa: PLC0415

            if self.database is None:
                self.database = await asyncio.to_thread(Database.connect, url)
                self._owns_database = True
            self.listener = ChangeListener(url, poll_seconds=self.settings.catch_up_seconds)
            self.listener.start()
        if self.auto_sync:
            await self.sync_if_changed()

    async def close(self) -> None:
        """Close the libraries and the HTTP session, then disconnect."""
        try:
            await self.libraries.close()
            if self.listener is not None:
                await asyncio.to_thread(self.listener.stop)
            if self._owns_database and self.database is not None:
                await asyncio.to_thread(self.database.close)
            if self._session is not None and not self._session.closed:
                await self._session.close()
        finally:
            await super().close()

    # ---- PostgreSQL mode -----------------------------------------------------------------------

    def _open_guild(self, guild_id: int) -> Library:
        if self.database is None:
            raise RuntimeError("the database connects in setup_hook")
        return open_guild_library(self.database, self.settings.seeds)(guild_id)

    def _has_library(self, guild_id: int) -> bool:
        return self.database is not None and self.database.has_library(guild_id)

    def _listen_to(self, guild_id: int, library: Library) -> None:
        if self.listener is not None and hasattr(library, "catch_up"):
            self.listener.register(guild_id, library)  # type: ignore[arg-type]

    def _stop_listening_to(self, guild_id: int) -> None:
        if self.listener is not None:
            self.listener.unregister(guild_id)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Space IDENTIFYs per bucket across every process (a database row lock per bucket)."""
        if self.database is None or shard_id is None or not self.settings.is_sharded:
            await super().before_identify_hook(shard_id, initial=initial)
            return
        if self._max_concurrency is None:
            self._max_concurrency = await self._fetch_max_concurrency()
        bucket = shard_id % self._max_concurrency
        await asyncio.to_thread(
            self.database.wait_identify_turn,
            bucket,
            spacing=self.settings.identify_spacing_seconds,
        )

    async def _fetch_max_concurrency(self) -> int:
        try:
            _, _, limits = await self.http.get_bot_gateway()
            return max(1, int(limits.get("max_concurrency", 1)))
        except (discord.HTTPException, KeyError, TypeError, ValueError):
            log.warning("could not read max_concurrency; identifying one shard at a time")
            return 1

    @property
    def syncs_commands(self) -> bool:
        """Return whether this process syncs commands (only the owner of shard 0 does)."""
        return not self.settings.is_sharded or 0 in self.settings.owned_shards

    # ---- command sync --------------------------------------------------------------------------

    def _target(self, guild_id: int | None) -> discord.Object | None:
        return discord.Object(id=guild_id) if guild_id is not None else None

    def command_hash(self, guild_id: int | None) -> str:
        """Return a hash of the command payload that a sync to ``guild_id`` would send."""
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands()]
        payload.sort(key=lambda item: (item.get("type", 1), item["name"]))
        # The application is part of the key: another token on the same data folder must sync.
        target = {"application": self.application_id, "guild": guild_id, "commands": payload}
        blob = json.dumps(target, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def _hash_path(self) -> Path:
        return self.settings.data_dir / HASH_FILE

    def _stored_hash(self) -> str | None:
        if self.database is not None:
            return self.database.get_state(HASH_STATE_KEY)
        try:
            return self._hash_path().read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except OSError:
            log.warning("could not read %s", self._hash_path(), exc_info=True)
            return None

    def _store_hash(self, digest: str) -> None:
        if self.database is not None:
            self.database.set_state(HASH_STATE_KEY, digest)
            return
        path = self._hash_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(digest + "\n", encoding="utf-8")

    async def sync_commands(self, guild_id: int | None) -> int:
        """Sync the commands to one guild (copying the global ones) or globally; return a count."""
        target = self._target(guild_id)
        if target is not None:
            self.tree.copy_global_to(guild=target)
        synced = await self.tree.sync(guild=target)
        await asyncio.to_thread(self._store_hash, self.command_hash(guild_id))
        log.info(
            "synced %d commands to %s", len(synced), f"guild {guild_id}" if guild_id else "all"
        )
        return len(synced)

    async def sync_if_changed(self) -> bool:
        """Sync only when the command payload differs from the last synced one."""
        if not self.syncs_commands:
            log.info("the owner of shard 0 syncs commands; not this process")
            return False
        guild_id = self.settings.dev_guild
        digest = self.command_hash(guild_id)
        if digest == await asyncio.to_thread(self._stored_hash):
            log.info("commands unchanged since the last sync; not syncing")
            return False
        try:
            await self.sync_commands(guild_id)
        except discord.HTTPException:
            log.exception("command sync failed; the commands Discord knows may be stale")
            return False
        return True

    # ---- events ----------------------------------------------------------------------------------

    async def on_message(self, message: discord.Message, /) -> None:
        """Ignore prefix commands: mentions are answered by the ask cog's listener."""
        return

    async def on_guild_available(self, guild: discord.Guild) -> None:
        """Open an existing library in the background, so the first command finds it ready.

        A large library takes seconds to load; autocomplete, which must answer
        within three seconds, would offer nothing until it is open.
        """
        if await self.libraries.exists(guild.id):
            task = asyncio.create_task(self.libraries.get(guild.id))
            self._warmups.add(task)
            task.add_done_callback(self._warmup_done)

    def _warmup_done(self, task: asyncio.Task[object]) -> None:
        self._warmups.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("opening a library in the background failed", exc_info=task.exception())

    async def on_ready(self) -> None:
        """Log who we are; nothing else happens here (no sync)."""
        user = self.user
        log.info(
            "logged in as %s (%s) in %d servers", user, user.id if user else "?", len(self.guilds)
        )


class ShardedClaimBot(ClaimBot, commands.AutoShardedBot):
    """claimbot running some of the bot's shards (``CLAIMBOT_SHARD_COUNT``/``_IDS``)."""
