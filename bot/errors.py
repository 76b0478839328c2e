"""The one error handler of the command tree: short sentences for people, incident ids in logs."""

from __future__ import annotations

import logging
import math
import secrets

import discord
from discord import app_commands

from bot import render
from claims_db.errors import ClaimsError

log = logging.getLogger(__name__)


def new_incident_id() -> str:
    """Return a short id that links a reply to its log entry."""
    return secrets.token_hex(4)


def explain(error: BaseException) -> str | None:
    """Return the sentence shown for an expected error, or None for an unexpected one."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, ClaimsError):
        return str(error) or "The library could not do that."
    if isinstance(error, app_commands.CommandOnCooldown):
        wait = max(1, math.ceil(error.retry_after))
        return f"You're going a bit fast: try again in {wait} s."
    if isinstance(error, app_commands.NoPrivateMessage):
        return str(error) or "This command works in a server only."
    if isinstance(error, app_commands.MissingPermissions):
        return "You don't have the permission this command needs."
    if isinstance(error, app_commands.BotMissingPermissions):
        return "I'm missing a permission in this channel: " + ", ".join(error.missing_permissions)
    if isinstance(error, app_commands.TransformerError):
        return "That value isn't valid for this option."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You can't use this command here."
    return None


def report(error: BaseException, where: str) -> str:
    """Log an unexpected error under a fresh incident id and return the reply text."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    incident = new_incident_id()
    log.error("incident %s in %s", incident, where, exc_info=error)
    return f"Something went wrong (id {incident})."


async def tell(interaction: discord.Interaction, text: str) -> None:
    """Send a short sentence to the asker alone, whatever the command's defer was.

    A followup's visibility is fixed by the defer: after a public "thinking…", the first
    followup would replace it in front of the whole channel. So a public thinking or progress
    reply is deleted first, and the sentence comes as an ephemeral followup.
    """
    text = render.refusal(text)
    if not interaction.response.is_done():
        await interaction.response.send_message(text, ephemeral=True)
        return
    if await _shows_public_placeholder(interaction):
        await interaction.delete_original_response()
    await interaction.followup.send(text, ephemeral=True)


async def _shows_public_placeholder(interaction: discord.Interaction) -> bool:
    """Return whether the original reply is a public "thinking…" or progress message."""
    if interaction.response.type is not discord.InteractionResponseType.deferred_channel_message:
        return False
    try:
        original = await interaction.original_response()
    except discord.NotFound:
        return False  # already deleted
    if original.flags.ephemeral:
        return False
    return bool(original.flags.loading or interaction.extras.get("edit_original"))


async def on_app_command_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    """Answer every failed command with one short sentence."""
    name = interaction.command.qualified_name if interaction.command else "an interaction"
    text = explain(error)
    if text is None:
        text = report(error, f"/{name}")
    else:
        log.info("refused /%s for user %s: %s", name, interaction.user.id, type(error).__name__)
    try:
        await tell(interaction, text)
    except discord.HTTPException:
        log.warning("could not deliver the error reply of /%s", name, exc_info=True)
