"""Adding articles: /ingest from a link, an attachment or pasted text."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from pathlib import PurePath
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render
from bot.checks import ingest_cooldown, ingest_permission
from bot.cogs._common import added_by, library
from bot.library import after_ingest
from claims_db.errors import InputTooLarge
from claims_db.models import Added, Kind
from claims_db.text import SUPPORTED_SUFFIXES

if TYPE_CHECKING:
    from bot.client import ClaimBot
    from bot.library import Library

log = logging.getLogger(__name__)

FILE_SUFFIXES = SUPPORTED_SUFFIXES
FILE_TYPES = ("text/", "application/xhtml+xml")
MAIN_SPEAKERS = 3


def check_sources(
    url: str | None, file: discord.Attachment | None, text: str | None, title: str | None
) -> str | None:
    """Return why the options do not name exactly one source, or None when they do."""
    given = [source for source in (url, file, text) if source is not None]
    if len(given) != 1:
        return "Give exactly one source: `url`, `file` or `text`."
    if title is not None and text is None:
        return "The `title` option goes with pasted `text` only."
    if url is not None and not url.strip().lower().startswith(("http://", "https://")):
        return "The link must start with http:// or https://."
    if text is not None and not text.strip():
        return "The pasted text is empty."
    return None


def check_attachment(file: discord.Attachment, max_bytes: int) -> str | None:
    """Return why an attachment cannot be read (type, size), or None when it can."""
    suffix = PurePath(file.filename).suffix.lower()
    if suffix not in FILE_SUFFIXES:
        return "I can read .txt, .md and .html files only."
    content_type = (file.content_type or "").lower()
    if content_type and not content_type.startswith(FILE_TYPES):
        return "That file does not look like text or HTML."
    if file.size > max_bytes:
        return f"That file is {file.size // 1000} KB; the limit is {max_bytes // 1000} KB."
    return None


def main_speakers(names: list[str | None], count: int = MAIN_SPEAKERS) -> list[tuple[str, int]]:
    """Return the speakers with the most statements, most first."""
    return Counter(name for name in names if name).most_common(count)


class Ingest(commands.Cog):
    """Add articles to the server's library."""

    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="ingest",
        description="Add an article to this server's library from a link, a file or text.",
    )
    @app_commands.describe(
        url="Link to a news article (http or https).",
        file="A .txt, .md or .html file holding the article.",
        text="The article text, pasted (first line is the headline unless you give a title).",
        title="Headline for pasted text (optional).",
    )
    @app_commands.guild_only()
    @app_commands.check(ingest_cooldown)
    @app_commands.check(ingest_permission)
    async def ingest(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 8, 2000] | None = None,
        file: discord.Attachment | None = None,
        text: app_commands.Range[str, 1, 6000] | None = None,
        title: app_commands.Range[str, 1, 256] | None = None,
    ) -> None:
        """Add one article and summarise what was found in it."""
        problem = check_sources(url, file, text, title)
        if problem is None and file is not None:
            problem = check_attachment(file, self.bot.settings.max_attachment_bytes)
        if problem is not None:
            await errors.tell(interaction, problem)
            return
        await interaction.response.defer(thinking=True)
        interaction.extras["edit_original"] = True
        lib = await library(interaction)
        who = added_by(interaction.user)
        if url is not None:
            await interaction.edit_original_response(content=render.fetching(url.strip()))
            added = await lib.ingest_url(
                url.strip(),
                added_by=who,
                allow_private=self.bot.settings.allow_private_urls,
                session=self.bot.session,
            )
        elif file is not None:
            added = await self._add_file(interaction, lib, file, who)
        else:
            await interaction.edit_original_response(
                content=render.progress("Extracting statements…")
            )
            added = await asyncio.to_thread(
                lib.ingest_text,
                cast(str, text),
                title=title.strip() if title else None,
                added_by=who,
            )
        log.info(
            "guild %s: user %s %s article %s",
            interaction.guild_id,
            interaction.user.id,
            "added" if added.is_new else "re-sent known",
            added.article.id,
        )
        if added.is_new:
            after_ingest(self.bot, cast(int, interaction.guild_id))
        await self._summarise(interaction, lib, added)

    async def _add_file(
        self, interaction: discord.Interaction, lib: Library, file: discord.Attachment, who: str
    ) -> Added:
        await interaction.edit_original_response(content=render.progress("Reading the file…"))
        data = await file.read()
        limit = self.bot.settings.max_attachment_bytes
        if len(data) > limit:  # the announced size is the uploader's word
            raise InputTooLarge(f"That file is larger than {limit // 1000} KB.")
        await interaction.edit_original_response(content=render.progress("Extracting statements…"))
        return await asyncio.to_thread(lib.ingest_bytes, data, filename=file.filename, added_by=who)

    async def _summarise(
        self, interaction: discord.Interaction, lib: Library, added: Added
    ) -> None:
        article = added.article
        statements = await asyncio.to_thread(lib.statements, article.id)
        found = Counter(statement.kind for statement in statements)
        counts = {kind: found.get(kind, 0) for kind in Kind}
        speakers = main_speakers([statement.speaker for statement in statements])
        summary = render.ingest_summary(article, counts, speakers, is_new=added.is_new)
        await interaction.edit_original_response(content=summary.content, embeds=summary.embeds)


async def setup(bot: commands.Bot) -> None:
    """Add the ingest cog."""
    await bot.add_cog(Ingest(cast("ClaimBot", bot)))
