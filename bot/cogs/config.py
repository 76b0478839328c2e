"""Per-server settings: /config (Manage Server), stored in the server's library."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.checks import config_permission
from bot.cogs._common import library, send
from bot.render import Message
from claims_db.server_config import ServerConfig

if TYPE_CHECKING:
    from bot.client import ClaimBot
    from bot.settings import Settings

log = logging.getLogger(__name__)

RESETTABLE = {
    "ingest_role": "ingest role",
    "ask_cooldown_rate": "questions per window",
    "ask_cooldown_seconds": "question window",
    "ingest_cooldown_rate": "articles per window",
    "ingest_cooldown_seconds": "article window",
    "request_expiry_days": "request expiry",
}


def config_message(
    config: ServerConfig, settings: Settings, guild: discord.Guild | None
) -> Message:
    """Render a server's settings, saying which ones are the operator's defaults."""

    def shown(value: Any, default: Any, unit: str = "") -> str:
        if value is None:
            return f"{default}{unit} (default)" if default is not None else "not set (default)"
        return f"{value}{unit}"

    role = config.ingest_role
    if role is not None and role.isdigit() and guild is not None:
        found = guild.get_role(int(role))
        role = found.name if found is not None else role
    who = role or settings.ingest_role or "members who can manage messages"
    embed = discord.Embed(title="Settings of this server", colour=0x5865F2)
    embed.add_field(
        name="Who may add articles",
        value=render.safe(who if config.ingest_role is None else f"the “{who}” role", 200)
        + (" (default)" if config.ingest_role is None else ""),
        inline=False,
    )
    embed.add_field(
        name="Questions per member",
        value=f"{shown(config.ask_cooldown_rate, settings.ask_cooldown_rate)} per "
        f"{shown(config.ask_cooldown_seconds, settings.ask_cooldown_seconds, ' s')}",
        inline=False,
    )
    embed.add_field(
        name="Articles members may add (all together)",
        value=f"{shown(config.ingest_cooldown_rate, settings.ingest_cooldown_rate)} per "
        f"{shown(config.ingest_cooldown_seconds, settings.ingest_cooldown_seconds, ' s')}",
        inline=False,
    )
    seed = {None: "as the operator set it (default)", True: "loaded", False: "not loaded"}
    embed.add_field(name="Seed articles", value=seed[config.seed], inline=False)
    embed.add_field(
        name="Source requests expire after",
        value=shown(config.request_expiry_days, settings.request_expiry_days, " days"),
        inline=False,
    )
    embed.set_footer(
        text="Change one with /config <setting>; reset one with /config reset:<setting>."
    )
    return Message(embeds=[embed])


class Config(commands.Cog):
    """Let a server choose its own settings."""

    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="config", description="Show or change this server's claimbot settings."
    )
    @app_commands.describe(
        ingest_role="The role whose members may add articles (instead of Manage Messages).",
        questions_per_window="How many questions one member may ask per window.",
        question_window_seconds="The window of that limit, in seconds.",
        articles_per_window="How many articles members may add per window, all together.",
        article_window_seconds="The window of that limit, in seconds.",
        seed="Whether the bundled seed articles are in this server's library.",
        request_expiry_days="Days a source request stays open before it is purged.",
        reset="Put one setting back to the bot's default.",
    )
    @app_commands.choices(
        reset=[app_commands.Choice(name=label, value=key) for key, label in RESETTABLE.items()]
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @app_commands.check(config_permission)
    async def config(
        self,
        interaction: discord.Interaction,
        ingest_role: discord.Role | None = None,
        questions_per_window: app_commands.Range[int, 1, 100] | None = None,
        question_window_seconds: app_commands.Range[float, 1, 3600] | None = None,
        articles_per_window: app_commands.Range[int, 1, 100] | None = None,
        article_window_seconds: app_commands.Range[float, 1, 3600] | None = None,
        seed: bool | None = None,
        request_expiry_days: app_commands.Range[float, 1, 365] | None = None,
        reset: app_commands.Choice[str] | None = None,
    ) -> None:
        """Show the settings, or change the ones given (checked at run time: Manage Server)."""
        changes: dict[str, Any] = {}
        if ingest_role is not None:
            changes["ingest_role"] = str(ingest_role.id)
        if questions_per_window is not None:
            changes["ask_cooldown_rate"] = questions_per_window
        if question_window_seconds is not None:
            changes["ask_cooldown_seconds"] = float(question_window_seconds)
        if articles_per_window is not None:
            changes["ingest_cooldown_rate"] = articles_per_window
        if article_window_seconds is not None:
            changes["ingest_cooldown_seconds"] = float(article_window_seconds)
        if seed is not None:
            changes["seed"] = seed
        if request_expiry_days is not None:
            changes["request_expiry_days"] = float(request_expiry_days)
        if reset is not None and reset.value in RESETTABLE:
            changes[reset.value] = None
        await interaction.response.defer(ephemeral=True, thinking=True)
        lib = await library(interaction)
        config = lib.server_config
        if changes:
            config = await asyncio.to_thread(lib.configure, changes, seeds=self.bot.settings.seeds)
            log.info(
                "guild %s: user %s changed %s",
                interaction.guild_id,
                interaction.user.id,
                ", ".join(sorted(changes)),
            )
        message = config_message(config, self.bot.settings, interaction.guild)
        if changes:
            message.content = "Saved."
        await send(interaction, message, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    """Add the config cog."""
    await bot.add_cog(Config(cast("ClaimBot", bot)))
