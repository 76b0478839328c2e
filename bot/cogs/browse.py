"""Browsing the library: /speakers, /articles and /article."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render
from bot.cogs._common import library, library_for_suggestions
from bot.views import send_pages
from claims_db.errors import ClaimsError

if TYPE_CHECKING:
    from bot.client import ClaimBot

log = logging.getLogger(__name__)

_ARTICLE_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
BAD_ARTICLE_ID = "Pick an article from the list, or paste an id shown by /articles."


def is_article_id(value: str) -> bool:
    """Return whether a value has the shape of an article id (autocomplete can be bypassed)."""
    return _ARTICLE_ID.fullmatch(value) is not None


async def checked_article_id(interaction: discord.Interaction, value: str) -> str | None:
    """Return the article id a member gave, or tell them it is not one and return None."""
    article_id = value.strip()
    if not is_article_id(article_id):
        await errors.tell(interaction, BAD_ARTICLE_ID)
        return None
    return article_id


async def article_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Suggest articles whose title, publisher or id contains what was typed."""
    typed = current.strip().casefold()
    lib = await library_for_suggestions(interaction)
    if lib is None:
        return []
    try:
        articles = await asyncio.to_thread(lib.articles)
    except ClaimsError:
        log.info("no article suggestions for guild %s", interaction.guild_id, exc_info=True)
        return []
    choices = []
    for article in articles:
        haystack = f"{article.title} {article.publisher or ''} {article.id}".casefold()
        if typed in haystack and len(article.id) <= render.CHOICE:
            choices.append(
                app_commands.Choice(name=render.article_choice_name(article), value=article.id)
            )
        if len(choices) == 25:
            break
    return choices


class Browse(commands.Cog):
    """List what the server's library holds."""

    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="speakers", description="List everyone quoted in this server's library."
    )
    @app_commands.guild_only()
    async def speakers(self, interaction: discord.Interaction) -> None:
        """List the library's speakers, with paging buttons."""
        await interaction.response.defer(thinking=True)
        lib = await library(interaction)
        speakers = await asyncio.to_thread(lib.speakers)
        pages = render.speakers_pages(speakers)
        await send_pages(interaction, pages, timeout=self.bot.settings.page_timeout_seconds)

    @app_commands.command(name="articles", description="List this server's articles, newest first.")
    @app_commands.guild_only()
    async def articles(self, interaction: discord.Interaction) -> None:
        """List the library's articles, with paging buttons."""
        await interaction.response.defer(thinking=True)
        lib = await library(interaction)
        articles = await asyncio.to_thread(lib.articles)
        pages = render.articles_pages(articles)
        await send_pages(interaction, pages, timeout=self.bot.settings.page_timeout_seconds)

    @app_commands.command(
        name="article", description="Show one article's statements in reading order."
    )
    @app_commands.describe(
        article="The article (pick from the list, or paste an id from /articles)."
    )
    @app_commands.autocomplete(article=article_choices)
    @app_commands.guild_only()
    async def article(
        self, interaction: discord.Interaction, article: app_commands.Range[str, 1, 100]
    ) -> None:
        """Show one article's statements, with paging buttons."""
        article_id = await checked_article_id(interaction, article)
        if article_id is None:
            return
        await interaction.response.defer(thinking=True)
        lib = await library(interaction)
        record, statements = await asyncio.to_thread(
            lambda: (lib.article(article_id), lib.statements(article_id))
        )
        pages = render.article_pages(record, statements)
        await send_pages(interaction, pages, timeout=self.bot.settings.page_timeout_seconds)


async def setup(bot: commands.Bot) -> None:
    """Add the browse cog."""
    await bot.add_cog(Browse(cast("ClaimBot", bot)))
