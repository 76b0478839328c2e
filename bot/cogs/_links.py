"""Looking up a posted link: shared by /ask and "Find sources"."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot import render
from bot.cogs._common import send
from claims_db.urls import find_links

if TYPE_CHECKING:
    import discord

    from bot.library import Library


async def answer_link(
    interaction: discord.Interaction, lib: Library, text: str, *, ephemeral: bool
) -> bool:
    """Answer with the library's article when ``text`` holds a link it has; return whether done.

    A message that is nothing but an unknown link gets "not in the library yet" (searching
    a URL's words would only find noise); other text falls through to the usual answer.
    """
    links = find_links(text)
    if not links:
        return False
    linked = await asyncio.to_thread(lib.lookup_link, text)
    if linked is not None:
        await send(interaction, render.linked_article(linked), ephemeral=ephemeral)
        return True
    if " ".join(text.split()) in (links[0], f"<{links[0]}>"):
        await send(
            interaction,
            render.Message(content=render.link_not_in_library(links[0])),
            ephemeral=True,
        )
        return True
    return False
