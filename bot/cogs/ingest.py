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
from bot.checks import give_back_ingest_budget, ingest_permission, take_ingest_budget
from bot.cogs._common import added_by, fetch_options, library
from bot.library import after_ingest
from claims_db.errors import ClaimsError, InputTooLarge
from claims_db.models import Added, Kind, LinkResult, Outcome
from claims_db.text import SUPPORTED_SUFFIXES
from claims_db.urls import url_key

if TYPE_CHECKING:
    from bot.client import ClaimBot
    from bot.library import Library

log = logging.getLogger(__name__)

FILE_SUFFIXES = SUPPORTED_SUFFIXES
FILE_TYPES = ("text/", "application/xhtml+xml")
MAIN_SPEAKERS = 3
MAX_URLS = 10  # links one /ingest takes


def split_urls(value: str) -> tuple[list[str], str | None]:
    """Split the ``url`` option into links (spaces or newlines); return them or why not."""
    parts = value.split()
    if not parts:
        return [], "The link is empty."
    if len(parts) > MAX_URLS:
        return [], f"Give at most {MAX_URLS} links at once (you gave {len(parts)})."
    unique: dict[str, str] = {}
    for part in parts:
        if not part.lower().startswith(("http://", "https://")):
            return [], f"“{part[:100]}” is not a link: each must start with http:// or https://."
        unique.setdefault(url_key(part) or part, part)
    return list(unique.values()), None


def check_sources(
    url: str | None, file: discord.Attachment | None, text: str | None, title: str | None
) -> str | None:
    """Return why the options do not name exactly one source, or None when they do."""
    given = [source for source in (url, file, text) if source is not None]
    if len(given) != 1:
        return "Give exactly one source: `url`, `file` or `text`."
    if title is not None and text is None:
        return "The `title` option goes with pasted `text` only."
    if url is not None:
        _, problem = split_urls(url)
        if problem is not None:
            return problem
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
        description="Add articles to this server's library from links, a file or text.",
    )
    @app_commands.describe(
        url="Links to news articles (http or https), up to 10 separated by spaces.",
        file="A .txt, .md or .html file holding the article.",
        text="The article text, pasted (first line is the headline unless you give a title).",
        title="Headline for pasted text (optional).",
    )
    @app_commands.guild_only()
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
        urls = split_urls(url)[0] if url is not None else []
        granted = take_ingest_budget(interaction, max(1, len(urls)))
        await interaction.response.defer(thinking=True)
        interaction.extras["edit_original"] = True
        lib = await library(interaction)
        who = added_by(interaction.user)
        if len(urls) > 1:
            await self._add_links(interaction, lib, urls, granted, who)
            return
        if urls:
            await interaction.edit_original_response(content=render.fetching(urls[0]))
            result = await lib.add_link(urls[0], added_by=who, **fetch_options(self.bot))
            if result.outcome is not Outcome.ADDED:
                give_back_ingest_budget(interaction, 1)
            if result.article is None:
                await errors.tell(interaction, result.reason or "That link could not be added.")
                return
            added = Added(
                result.article,
                is_new=result.outcome is Outcome.ADDED,
                ignored_fact_checks=result.ignored_fact_checks,
            )
        else:
            try:
                added = await self._add_one(interaction, lib, file, text, title, who)
            except ClaimsError:
                give_back_ingest_budget(interaction, 1)
                raise
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

    async def _add_one(
        self,
        interaction: discord.Interaction,
        lib: Library,
        file: discord.Attachment | None,
        text: str | None,
        title: str | None,
        who: str,
    ) -> Added:
        if file is not None:
            return await self._add_file(interaction, lib, file, who)
        await interaction.edit_original_response(content=render.progress("Extracting statements…"))
        return await asyncio.to_thread(
            lib.ingest_text, cast(str, text), title=title.strip() if title else None, added_by=who
        )

    async def _add_links(
        self,
        interaction: discord.Interaction,
        lib: Library,
        urls: list[str],
        granted: int,
        who: str,
    ) -> None:
        """Add several links one by one, editing one progress message as each finishes."""
        limit = self.bot.ingest_budget.rate
        results: list[LinkResult] = []
        await interaction.edit_original_response(content=render.links_report(results, urls))
        for index, link in enumerate(urls):
            if index < granted:
                result = await lib.add_link(link, added_by=who, **fetch_options(self.bot))
            else:
                reason = f"this server's members reached their {limit} articles for now"
                result = LinkResult(link, Outcome.REFUSED, reason=reason)
            results.append(result)
            waiting = urls[index + 1 :]
            await interaction.edit_original_response(content=render.links_report(results, waiting))
        unused = sum(1 for r in results[:granted] if r.outcome is not Outcome.ADDED)
        give_back_ingest_budget(interaction, unused)
        if any(r.outcome is Outcome.ADDED for r in results):
            after_ingest(self.bot, cast(int, interaction.guild_id))
        log.info(
            "guild %s: user %s added %d of %d links",
            interaction.guild_id,
            interaction.user.id,
            sum(1 for r in results if r.outcome is Outcome.ADDED),
            len(urls),
        )

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
        content = summary.content or ""
        if added.ignored_fact_checks:
            note = render.ignored_fact_checks(added.ignored_fact_checks)
            content = render.clamp(f"{content}\n{note}".strip(), render.CONTENT)
        await interaction.edit_original_response(content=content, embeds=summary.embeds)


async def setup(bot: commands.Bot) -> None:
    """Add the ingest cog."""
    await bot.add_cog(Ingest(cast("ClaimBot", bot)))
