"""Small helpers the feature cogs share: the guild's library and sending rendered messages."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.checks import NoLibraryHere
from bot.render import Message

if TYPE_CHECKING:
    from bot.client import ClaimBot
    from bot.library import Library

log = logging.getLogger(__name__)

AUTOCOMPLETE_SECONDS = 2.0  # Discord drops suggestions that take longer than 3 s


def claimbot(interaction: discord.Interaction) -> ClaimBot:
    """Return the bot that received an interaction."""
    return cast("ClaimBot", interaction.client)


def guild_id(interaction: discord.Interaction) -> int:
    """Return the id of the interaction's server; library commands refuse to run elsewhere."""
    if interaction.guild_id is None:
        raise NoLibraryHere()
    return interaction.guild_id


async def library(interaction: discord.Interaction) -> Library:
    """Return the library of the interaction's server, opening it if needed."""
    return await claimbot(interaction).libraries.get(guild_id(interaction))


async def library_for_suggestions(interaction: discord.Interaction) -> Library | None:
    """Return the server's library for autocomplete, or None if it cannot open in time.

    Opening goes on in the background (shielded), so a later keystroke finds it ready.
    """
    if interaction.guild_id is None:
        return None
    opening = asyncio.ensure_future(claimbot(interaction).libraries.get(interaction.guild_id))
    try:
        return await asyncio.wait_for(asyncio.shield(opening), AUTOCOMPLETE_SECONDS)
    except TimeoutError:
        log.info("library of guild %s still opening: no suggestions yet", interaction.guild_id)
        opening.add_done_callback(_log_failed_open)
        return None


def _log_failed_open(task: asyncio.Future[Library]) -> None:
    """Log an open that failed after autocomplete stopped waiting (nobody else reads it)."""
    if not task.cancelled() and task.exception() is not None:
        log.error("opening a library for suggestions failed", exc_info=task.exception())


async def send(
    interaction: discord.Interaction,
    message: Message,
    *,
    ephemeral: bool = False,
    view: discord.ui.View | None = None,
) -> None:
    """Send a rendered message (with buttons when given) as the followup of a deferred one."""
    await interaction.followup.send(
        content=message.content or "",
        embeds=message.embeds,
        ephemeral=ephemeral,
        view=view if view is not None else discord.utils.MISSING,
    )


def fetch_options(bot: ClaimBot) -> dict[str, Any]:
    """Return the keyword arguments every guarded fetch of the bot takes (switches, session)."""
    return {
        "allow_private": bot.settings.allow_private_urls,
        "allow_loopback": bot.settings.allow_loopback_urls,
        "session": bot.session,
    }


def added_by(user: discord.abc.User) -> str:
    """Return how the engine records who added an article."""
    return f"discord:{user.id}"
