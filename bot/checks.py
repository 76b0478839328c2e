"""Run-time permission checks and per-user cooldowns for the commands."""

from __future__ import annotations

import math
import time
from collections import deque
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands

from claims_db.server_config import ServerConfig

if TYPE_CHECKING:
    from bot.client import ClaimBot

_PRUNE_AT = 1000


class NotAllowed(app_commands.CheckFailure):
    """A member may not use a command; the message says why."""


class NoLibraryHere(app_commands.NoPrivateMessage):
    """A library command used outside a server."""

    def __init__(self) -> None:
        super().__init__("This command works in a server: each server has its own library.")


def may_ingest(
    member: discord.Member, permissions: discord.Permissions, ingest_role: str | None
) -> bool:
    """Return whether a member may add articles.

    Without a configured role, members with Manage Messages may. With ``ingest_role`` (a role
    name or id), members holding that role may instead. Manage Server always may.
    """
    if permissions.manage_guild or permissions.administrator:
        return True
    if not ingest_role:
        return permissions.manage_messages
    wanted = ingest_role.strip()
    return any(role.name == wanted or str(role.id) == wanted for role in member.roles)


def may_manage(permissions: discord.Permissions) -> bool:
    """Return whether a member may remove articles (Manage Server)."""
    return permissions.manage_guild or permissions.administrator


def _bot(interaction: discord.Interaction) -> ClaimBot:
    return cast("ClaimBot", interaction.client)


def _member(interaction: discord.Interaction) -> discord.Member:
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        raise NoLibraryHere()
    return interaction.user


def server_config(bot: ClaimBot, guild_id: int | None) -> ServerConfig:
    """Return what a server configured with /config (defaults while its library is not open).

    Checks run on the event loop, so this only reads a library that is already open
    (libraries open in the background when a server becomes available).
    """
    lib = bot.libraries.peek(guild_id) if guild_id is not None else None
    return lib.server_config if lib is not None else ServerConfig()


def ingest_role(bot: ClaimBot, guild_id: int | None) -> str | None:
    """Return the role allowed to add articles: the server's choice, else the operator's."""
    configured = server_config(bot, guild_id).ingest_role
    return configured if configured is not None else bot.settings.ingest_role


def ingest_permission(interaction: discord.Interaction) -> bool:
    """Check, at run time, that the member may add articles."""
    member = _member(interaction)
    role = ingest_role(_bot(interaction), interaction.guild_id)
    if may_ingest(member, interaction.permissions, role):
        return True
    if role:
        name = _role_name(member, role)
        raise NotAllowed(f"Only members with the “{name}” role can add articles here.")
    raise NotAllowed("Only members who can manage messages can add articles here.")


def _role_name(member: discord.Member, role: str) -> str:
    found = member.guild.get_role(int(role)) if role.isdigit() else None
    return found.name if found is not None else role


def config_permission(interaction: discord.Interaction) -> bool:
    """Check, at run time, that the member has Manage Server (to change /config)."""
    _member(interaction)
    if may_manage(interaction.permissions):
        return True
    raise NotAllowed("Only members with the Manage Server permission can change the settings.")


def manage_permission(interaction: discord.Interaction) -> bool:
    """Check, at run time, that the member has Manage Server."""
    _member(interaction)
    if may_manage(interaction.permissions):
        return True
    raise NotAllowed("Only members with the Manage Server permission can remove articles.")


class UserCooldowns:
    """A rate limit per user: ``rate`` uses per ``per`` seconds."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate = rate
        self.per = per
        self._buckets: dict[tuple[int | None, int], app_commands.Cooldown] = {}

    def hit(
        self,
        user_id: int,
        *,
        scope: int | None = None,
        rate: int | None = None,
        per: float | None = None,
    ) -> tuple[app_commands.Cooldown, float | None]:
        """Use one token; return the bucket and the seconds to wait when none was left.

        ``scope`` (a server) with ``rate``/``per`` applies that server's own limit.
        """
        rate = rate if rate is not None else self.rate
        per = per if per is not None else self.per
        key = (scope, user_id)
        now = time.time()
        if len(self._buckets) >= _PRUNE_AT:
            self._buckets = {
                key: bucket
                for key, bucket in self._buckets.items()
                if bucket.get_tokens(now) < bucket.rate
            }
        bucket = self._buckets.get(key)
        if bucket is None or (bucket.rate, bucket.per) != (rate, per):
            bucket = self._buckets[key] = app_commands.Cooldown(rate, per)
        return bucket, bucket.update_rate_limit(now)


def hit_ask_cooldown(
    bot: ClaimBot, guild_id: int | None, user_id: int
) -> tuple[app_commands.Cooldown, float | None]:
    """Count one question against the member's limit (the server's, else the operator's)."""
    config = server_config(bot, guild_id)
    return bot.ask_cooldowns.hit(
        user_id, scope=guild_id, rate=config.ask_cooldown_rate, per=config.ask_cooldown_seconds
    )


def ask_cooldown(interaction: discord.Interaction) -> bool:
    """Refuse a question when the member asked too many too quickly."""
    bucket, retry_after = hit_ask_cooldown(
        _bot(interaction), interaction.guild_id, interaction.user.id
    )
    if retry_after:
        raise app_commands.CommandOnCooldown(bucket, retry_after)
    return True


class IngestLimit(app_commands.CheckFailure):
    """The server added as many articles as members may add in the window."""


class ArticleBudget:
    """Articles a server's members may add per window (a sliding window per server)."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate = rate
        self.per = per
        self._added: dict[int, deque[float]] = {}

    def _window(self, guild_id: int, now: float, per: float | None = None) -> deque[float]:
        window = self._added.setdefault(guild_id, deque())
        while window and window[0] <= now - (per if per is not None else self.per):
            window.popleft()
        return window

    def take(
        self,
        guild_id: int,
        wanted: int,
        *,
        now: float | None = None,
        rate: int | None = None,
        per: float | None = None,
    ) -> int:
        """Reserve up to ``wanted`` articles; return how many the window still allows.

        ``rate``/``per`` are the server's own limit (its /config) instead of the default.
        """
        now = time.monotonic() if now is None else now
        window = self._window(guild_id, now, per)
        granted = max(0, min(wanted, (rate if rate is not None else self.rate) - len(window)))
        window.extend([now] * granted)
        return granted

    def give_back(self, guild_id: int, count: int) -> None:
        """Return reserved articles that were not added (known or refused links)."""
        window = self._added.get(guild_id)
        for _ in range(min(count, len(window or ()))):
            assert window is not None
            window.pop()

    def retry_after(
        self,
        guild_id: int,
        *,
        now: float | None = None,
        rate: int | None = None,
        per: float | None = None,
    ) -> float:
        """Return the seconds until one more article is allowed."""
        now = time.monotonic() if now is None else now
        per = per if per is not None else self.per
        window = self._window(guild_id, now, per)
        if len(window) < (rate if rate is not None else self.rate):
            return 0.0
        return max(1.0, window[0] + per - now)


def take_ingest_budget(interaction: discord.Interaction, wanted: int) -> int:
    """Reserve articles for an ingest; moderators (Manage Server) are not counted.

    Raises IngestLimit, saying when to come back, when the server has none left.
    """
    if may_manage(interaction.permissions):
        return wanted
    bot = _bot(interaction)
    budget = bot.ingest_budget
    guild = interaction.guild_id or 0
    config = server_config(bot, interaction.guild_id)  # the server's /config, else defaults
    rate = config.ingest_cooldown_rate or budget.rate
    per = config.ingest_cooldown_seconds or budget.per
    granted = budget.take(guild, wanted, rate=rate, per=per)
    if granted == 0:
        wait = math.ceil(budget.retry_after(guild, rate=rate, per=per) / 60)
        raise IngestLimit(
            f"Members of this server have added {rate} articles in the last "
            f"{_describe_window(per)}; try again in {wait} min "
            "(members with Manage Server are not limited)."
        )
    return granted


def give_back_ingest_budget(interaction: discord.Interaction, count: int) -> None:
    """Return reserved articles an ingest did not add."""
    if count > 0 and not may_manage(interaction.permissions):
        _bot(interaction).ingest_budget.give_back(interaction.guild_id or 0, count)


def _describe_window(seconds: float) -> str:
    if seconds % 3600 == 0:
        hours = int(seconds // 3600)
        return "hour" if hours == 1 else f"{hours} hours"
    minutes = max(1, round(seconds / 60))
    return "minute" if minutes == 1 else f"{minutes} minutes"
