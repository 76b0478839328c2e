"""Small helpers the feature cogs share: the guild's library and sending rendered messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import discord

from bot.checks import NoLibraryHere
from bot.render import Message

if TYPE_CHECKING:
    from bot.client import ClaimBot
    from bot.library import Library


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


async def send(
    interaction: discord.Interaction, message: Message, *, ephemeral: bool = False
) -> None:
    """Send a rendered message as the followup of a deferred interaction."""
    await interaction.followup.send(
        content=message.content or "", embeds=message.embeds, ephemeral=ephemeral
    )


def added_by(user: discord.abc.User) -> str:
    """Return how the engine records who added an article."""
    return f"discord:{user.id}"
