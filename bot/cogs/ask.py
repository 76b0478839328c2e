"""Questions: /ask, /quotes and replies to @mentions of the bot."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render, source_requests, views
from bot.checks import ask_cooldown, hit_ask_cooldown
from bot.cogs._common import guild_id, library, library_for_suggestions, send
from bot.cogs._links import answer_link
from bot.views import send_pages
from claims_db.errors import ClaimsError

if TYPE_CHECKING:
    from bot.client import ClaimBot

log = logging.getLogger(__name__)

ASKED = 2 * render.MAX_ANSWERS  # three are shown; "More" opens the others privately
MIN_QUESTION = 3
MAX_QUESTION = 500
_MENTION = re.compile(r"<@!?(\d+)>")


def strip_mention(content: str, bot_id: int) -> str:
    """Remove the bot's own mentions from a message and return the question left."""
    text = _MENTION.sub(lambda m: "" if int(m.group(1)) == bot_id else m.group(0), content)
    return " ".join(text.split())


async def speaker_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Suggest speaker names from the server's library (only suggestions: input is re-checked)."""
    typed = current.strip()[:100]
    lib = await library_for_suggestions(interaction)
    if lib is None:
        return []
    try:
        if typed:
            speakers = await asyncio.to_thread(lib.find_speakers, typed, limit=25)
        else:
            speakers = (await asyncio.to_thread(lib.speakers))[:25]
    except ClaimsError:
        log.info("no speaker suggestions for guild %s", interaction.guild_id, exc_info=True)
        return []
    names = list(dict.fromkeys(render.choice(speaker.name) for speaker in speakers))
    return [app_commands.Choice(name=name, value=name) for name in names[:25]]


class Ask(commands.Cog):
    """Answer questions with sourced statements."""

    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot

    async def cog_unload(self) -> None:
        """Let buttons of this run's lists say they expired once the bot is gone."""
        views.forget_views()

    @app_commands.command(
        name="ask", description="Ask a question; get up to three sourced statements."
    )
    @app_commands.describe(
        question="What you want to know, e.g. “what did Noem say about FEMA?”",
        private="Show the answer only to you (default: everyone in the channel sees it).",
    )
    @app_commands.guild_only()
    @app_commands.check(ask_cooldown)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, MIN_QUESTION, MAX_QUESTION],
        private: bool = False,
    ) -> None:
        """Answer a question from this server's library."""
        question = " ".join(question.split())
        if len(question) < MIN_QUESTION:
            await errors.tell(interaction, "Please ask a question of a few words.")
            return
        await interaction.response.defer(ephemeral=private, thinking=True)
        lib = await library(interaction)
        if await answer_link(interaction, lib, question, ephemeral=private):
            return
        found = await asyncio.to_thread(lib.ask_explained, question, limit=ASKED)
        shown, rest = found.answers[: render.MAX_ANSWERS], found.answers[render.MAX_ANSWERS :]
        view = views.answer_view(shown, rest)
        if not shown:
            view = await source_requests.offer(
                lib,
                question,
                guild_id=guild_id(interaction),
                asker_id=interaction.user.id,
                channel_id=interaction.channel_id,
            )
        await send(
            interaction,
            render.explained_message(question, found),
            ephemeral=private,
            view=view,
        )

    @app_commands.command(
        name="quotes", description="What one speaker said, optionally about a topic."
    )
    @app_commands.describe(
        speaker="Who said it (pick from the list or type a name).",
        topic="Only statements about this topic, e.g. “FEMA” (optional).",
    )
    @app_commands.autocomplete(speaker=speaker_choices)
    @app_commands.guild_only()
    @app_commands.check(ask_cooldown)
    async def quotes(
        self,
        interaction: discord.Interaction,
        speaker: app_commands.Range[str, 1, 100],
        topic: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """List a speaker's statements from this server's library."""
        speaker = " ".join(speaker.split())
        topic = " ".join(topic.split()) if topic else None
        if not speaker:
            await errors.tell(interaction, "Please name a speaker.")
            return
        await interaction.response.defer(thinking=True)
        lib = await library(interaction)
        found = await asyncio.to_thread(lib.resolve_speaker, speaker)
        if found.speaker is None and len(found.candidates) > 1:
            choose = render.did_you_mean(speaker, found.candidates)
            await send(interaction, choose, view=views.speaker_choice_view(found.candidates, topic))
            return
        answers = []
        if found.speaker is not None:
            answers = await asyncio.to_thread(
                lib.speaker_quotes, found.speaker.id, topic=topic or None, limit=50
            )
        pages = render.quotes_pages(found.speaker or speaker, topic, answers)
        await send_pages(interaction, pages, timeout=self.bot.settings.page_timeout_seconds)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer a message that mentions the bot with a question."""
        me = self.bot.user
        if me is None or message.author.bot or message.guild is None:
            return
        if me.id not in message.raw_mentions:
            return
        question = strip_mention(message.content, me.id)
        log.debug("mention in guild %s: %r", message.guild.id, question)
        try:
            await self._answer_mention(message, question)
        except ClaimsError as error:
            await self._reply(message, render.refusal(str(error)))
        except Exception as error:
            await self._reply(message, errors.report(error, "a mention reply"))

    async def _answer_mention(self, message: discord.Message, question: str) -> None:
        if len(question) < MIN_QUESTION:
            await self._reply(
                message,
                "Ask me a question after the mention, e.g. "
                "“@claimbot what did Noem say about FEMA?”",
            )
            return
        guild = cast(discord.Guild, message.guild)
        _, retry_after = hit_ask_cooldown(self.bot, guild.id, message.author.id)
        if retry_after:
            await self._reply(message, errors.explain(_cooldown(retry_after)) or "Slow down.")
            return
        lib = await self.bot.libraries.get(cast(discord.Guild, message.guild).id)
        found = await asyncio.to_thread(lib.ask_explained, question[:MAX_QUESTION], limit=ASKED)
        shown, rest = found.answers[: render.MAX_ANSWERS], found.answers[render.MAX_ANSWERS :]
        rendered = render.explained_message(question[:MAX_QUESTION], found)
        view = views.answer_view(shown, rest)
        if not shown:
            view = await source_requests.offer(
                lib,
                question[:MAX_QUESTION],
                guild_id=cast(discord.Guild, message.guild).id,
                asker_id=message.author.id,
                channel_id=message.channel.id,
                message=message,
            )
        await message.reply(
            content=rendered.content,
            embeds=rendered.embeds,
            view=view if view is not None else discord.utils.MISSING,
            mention_author=False,
        )

    async def _reply(self, message: discord.Message, text: str) -> None:
        try:
            await message.reply(content=render.refusal(text), mention_author=False)
        except discord.HTTPException:
            log.warning("could not reply to a mention in guild %s", message.guild, exc_info=True)


def _cooldown(retry_after: float) -> app_commands.CommandOnCooldown:
    return app_commands.CommandOnCooldown(app_commands.Cooldown(1, retry_after), retry_after)


async def setup(bot: commands.Bot) -> None:
    """Add the ask cog, and the answer buttons that keep working after a restart."""
    bot.add_dynamic_items(*views.DYNAMIC_ITEMS)
    await bot.add_cog(Ask(cast("ClaimBot", bot)))
