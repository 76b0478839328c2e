"""Entry points: build the bot, run it until stopped, sync its commands."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord.ext import commands
from pydantic import ValidationError

from bot.client import ClaimBot, ShardedClaimBot
from bot.settings import Settings
from claims_db.errors import ClaimsError

log = logging.getLogger(__name__)

MISSING_CREDENTIALS = "claimbot: DISCORD_TOKEN is not set (put it in the environment or in .env)."
SHARDS_NEED_DATABASE = (
    "claimbot: CLAIMBOT_SHARD_COUNT/CLAIMBOT_SHARD_IDS need CLAIMBOT_DATABASE_URL "
    "(processes running shards share one PostgreSQL database)."
)


class ConfigError(Exception):
    """Settings that cannot run; the message is one line for the operator."""


EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2


def create_bot(settings: Settings | None = None, **options: Any) -> commands.Bot:
    """Build the configured bot; settings are read here (never at import) unless given.

    With shard settings the bot is an ``AutoShardedBot`` running those shards.
    """
    loaded = settings if settings is not None else Settings()
    if not loaded.is_sharded:
        return ClaimBot(loaded, **options)
    if loaded.database is None:
        raise ConfigError(SHARDS_NEED_DATABASE)
    return ShardedClaimBot(
        loaded,
        shard_count=loaded.shard_count,
        shard_ids=list(loaded.owned_shards),
        **options,
    )


def _connect_database(settings: Settings) -> Any:
    """Connect to the configured database, or return None for TinyDB; raise with one line."""
    url = settings.database
    if url is None:
        return None
    try:
        from claims_db.pgstore import Database  # noqa: PLC0415 -- only in PostgreSQL mode
    except ImportError as error:
        raise ConfigError(
            "claimbot: CLAIMBOT_DATABASE_URL needs the postgres extra "
            "(pip install 'claimbot[postgres]')."
        ) from error
    try:
        return Database.connect(url)
    except ClaimsError as error:
        raise ConfigError(f"claimbot: {error}") from error


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")


def _load_settings(settings: Settings | None) -> Settings | None:
    if settings is not None:
        return settings
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "settings"
        _say(f"claimbot: invalid setting {where}: {first.get('msg', 'invalid value')}")
        return None


def _setup_logging(settings: Settings) -> None:
    level = logging.getLevelName(settings.log_level.upper())
    discord.utils.setup_logging(level=level if isinstance(level, int) else logging.INFO)


async def _run_until_stopped(bot: ClaimBot, main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()

    def _stop() -> None:
        log.info("stop signal received; closing")
        stopping.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, _stop)
        except (NotImplementedError, RuntimeError):
            log.debug("cannot handle %s on this platform", sig)
    async with bot:
        task = asyncio.create_task(main())
        waiter = asyncio.create_task(stopping.wait())
        done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if task not in done:
            await bot.close()
        await task


def _configured(settings: Settings | None) -> tuple[Settings, str] | None:
    """Return the settings and token, or None after saying what is missing."""
    loaded = _load_settings(settings)
    if loaded is None:
        return None
    token = loaded.token
    if token is None:
        _say(MISSING_CREDENTIALS)
        return None
    _setup_logging(loaded)
    return loaded, token


def run_bot(settings: Settings | None = None) -> int:
    """Run the bot until SIGTERM/SIGINT; return the process exit code (2 without a token)."""
    configured = _configured(settings)
    if configured is None:
        return EXIT_CONFIG
    loaded, token = configured
    try:
        if loaded.is_sharded and loaded.database is None:
            raise ConfigError(SHARDS_NEED_DATABASE)
        database = _connect_database(loaded)
    except ConfigError as error:
        _say(str(error))
        return EXIT_CONFIG
    bot = create_bot(loaded, database=database)
    assert isinstance(bot, ClaimBot)
    try:
        asyncio.run(_run_until_stopped(bot, lambda: bot.start(token)))
    except discord.LoginFailure:
        _say("claimbot: Discord rejected the token (DISCORD_TOKEN).")
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        if database is not None:
            database.close()
    return EXIT_OK


def sync_commands(guild_id: int | None = None, settings: Settings | None = None) -> int:
    """Log in, sync the commands (to one guild, or globally), log out; return an exit code."""
    configured = _configured(settings)
    if configured is None:
        return EXIT_CONFIG
    loaded, token = configured
    bot = ClaimBot(loaded, auto_sync=False)

    async def _sync() -> int:
        async with bot:
            await bot.login(token)
            count = await bot.sync_commands(guild_id)
        where = f"guild {guild_id}" if guild_id is not None else "every server (global)"
        _say(f"claimbot: synced {count} commands to {where}.")
        return EXIT_OK

    try:
        return asyncio.run(_sync())
    except discord.LoginFailure:
        _say("claimbot: Discord rejected the token (DISCORD_TOKEN).")
        return EXIT_CONFIG
    except discord.HTTPException as error:
        _say(f"claimbot: sync failed: {error}")
        return EXIT_FAILED
