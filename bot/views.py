"""Buttons: page through a listing, confirm a removal. Only the asker can press them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot import errors
from bot.render import Message

log = logging.getLogger(__name__)

NOT_YOURS = "Only the person who ran the command can use these buttons."


class OwnedView(discord.ui.View):
    """A view whose buttons answer only the member who ran the command."""

    message: discord.InteractionMessage | discord.WebhookMessage | None

    def __init__(self, owner_id: int, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.message = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Refuse presses by anyone but the owner."""
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        return False

    def disable_all(self) -> None:
        """Disable every button."""
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True

    async def on_timeout(self) -> None:
        """Disable the buttons once nobody can use them any more."""
        self.disable_all()
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException:
                log.debug("could not disable the buttons of an expired view", exc_info=True)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Answer a failed button press like a failed command."""
        text = errors.explain(error) or errors.report(error, f"button {type(item).__name__}")
        try:
            await errors.tell(interaction, text)
        except discord.HTTPException:
            log.warning("could not deliver the error reply of a button", exc_info=True)


class Pager(OwnedView):
    """Previous / next buttons over pre-rendered pages."""

    def __init__(self, pages: Sequence[Message], owner_id: int, *, timeout: float) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.pages = list(pages)
        self.index = 0
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        self.position.label = f"{self.index + 1} / {len(self.pages)}"

    async def _show(self, interaction: discord.Interaction) -> None:
        self._sync_buttons()
        page = self.pages[self.index]
        await interaction.response.edit_message(content=page.content, embeds=page.embeds, view=self)

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        """Show the previous page."""
        self.index = max(0, self.index - 1)
        await self._show(interaction)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        """Show the page number (never pressable)."""
        await interaction.response.defer()

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        """Show the next page."""
        self.index = min(len(self.pages) - 1, self.index + 1)
        await self._show(interaction)


async def send_pages(
    interaction: discord.Interaction, pages: Sequence[Message], *, timeout: float
) -> None:
    """Send the first page as the followup of a deferred command, with buttons when paged."""
    first = pages[0]
    if len(pages) == 1:
        await interaction.followup.send(content=first.content or "", embeds=first.embeds)
        return
    view = Pager(pages, interaction.user.id, timeout=timeout)
    view.message = await interaction.followup.send(
        content=first.content or "", embeds=first.embeds, view=view, wait=True
    )


class Confirm(OwnedView):
    """Confirm or cancel a destructive action."""

    def __init__(
        self,
        owner_id: int,
        on_confirm: Callable[[discord.Interaction], Awaitable[str]],
        *,
        timeout: float,
    ) -> None:
        super().__init__(owner_id, timeout=timeout)
        self._on_confirm = on_confirm

    @discord.ui.button(label="Remove", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        """Run the action and show its result."""
        self.disable_all()
        self.stop()
        await interaction.response.edit_message(view=self)
        text = await self._on_confirm(interaction)
        await interaction.edit_original_response(content=text, embeds=[], view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        """Leave things as they are."""
        self.stop()
        await interaction.response.edit_message(
            content="Nothing was removed.", embeds=[], view=None
        )
