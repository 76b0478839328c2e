"""Buttons: page through a listing, cite an answer, see more, pick a speaker, confirm a removal.

Buttons that only need ids (Cite, More, a "did you mean" speaker) are dynamic items: their
custom id carries what they act on, so they keep working after a restart. Paging and
confirmation buttons hold state in this process; once it is gone (timeout or restart), a
press is answered "these buttons have expired" instead of failing.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot import errors, render
from bot.cogs._common import library
from bot.render import Message
from claims_db.errors import ClaimsError
from claims_db.models import Answer, Speaker

log = logging.getLogger(__name__)

NOT_YOURS = "Only the person who ran the command can use these buttons."
EXPIRED = "These buttons have expired. Run the command again to get fresh ones."
_CUSTOM_ID = 100
_live_views: set[str] = set()  # tokens of the stateful views alive in this process


def forget_views() -> None:
    """Treat every stateful view as gone (the bot is closing): later presses say "expired"."""
    _live_views.clear()


class TokenView(discord.ui.View):
    """A view whose buttons carry a per-view token, so a press after it is gone is recognised."""

    message: discord.InteractionMessage | discord.WebhookMessage | discord.Message | None

    def __init__(self, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.message = None
        self.token = secrets.token_hex(6)
        for number, item in enumerate(self.children):
            if isinstance(item, discord.ui.Button):
                item.custom_id = f"cb:v:{self.token}:{number}"
        _live_views.add(self.token)

    def stop(self) -> None:
        """Stop listening, and let later presses say the buttons expired."""
        _live_views.discard(self.token)
        super().stop()

    def disable_all(self) -> None:
        """Disable every button."""
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True

    async def on_timeout(self) -> None:
        """Disable the buttons once nobody can use them any more."""
        _live_views.discard(self.token)
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
        await _answer_failed_press(interaction, error, f"button {type(item).__name__}")


async def _answer_failed_press(
    interaction: discord.Interaction, error: Exception, where: str
) -> None:
    text = errors.explain(error) or errors.report(error, where)
    try:
        await errors.tell(interaction, text)
    except discord.HTTPException:
        log.warning("could not deliver the error reply of a button", exc_info=True)


class OwnedView(TokenView):
    """A view whose buttons answer only the member who ran the command."""

    def __init__(self, owner_id: int, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Refuse presses by anyone but the owner."""
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        return False


class Pager(TokenView):
    """Previous / next buttons over pre-rendered pages.

    On a public list anyone who sees it may page: the asker's presses turn the list itself,
    anyone else gets the page they asked for privately, with buttons of their own.
    """

    def __init__(
        self,
        pages: Sequence[Message],
        owner_id: int,
        *,
        timeout: float,
        private: bool = False,
        index: int = 0,
    ) -> None:
        super().__init__(timeout=timeout)
        self.pages = list(pages)
        self.owner_id = owner_id
        self.private = private
        self.index = max(0, min(index, len(self.pages) - 1))
        self.timeout_seconds = timeout
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        self.position.label = f"{self.index + 1} / {len(self.pages)}"

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        wanted = max(0, min(len(self.pages) - 1, self.index + step))
        if interaction.user.id == self.owner_id or self.private:
            self.index = wanted
            self._sync_buttons()
            page = self.pages[self.index]
            await interaction.response.edit_message(
                content=page.content, embeds=page.embeds, view=self
            )
            return
        mine = Pager(
            self.pages,
            interaction.user.id,
            timeout=self.timeout_seconds,
            private=True,
            index=wanted,
        )
        page = mine.pages[mine.index]
        await interaction.response.send_message(
            content=page.content, embeds=page.embeds, view=mine, ephemeral=True
        )
        mine.message = await interaction.original_response()

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        """Show the previous page."""
        await self._turn(interaction, -1)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, disabled=True)
    async def position(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        """Show the page number (never pressable)."""
        await interaction.response.defer()

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        """Show the next page."""
        await self._turn(interaction, 1)


async def send_pages(
    interaction: discord.Interaction,
    pages: Sequence[Message],
    *,
    timeout: float,
    ephemeral: bool = False,
) -> None:
    """Send the first page as the followup of a deferred command, with buttons when paged."""
    first = pages[0]
    if len(pages) == 1:
        await interaction.followup.send(
            content=first.content or "", embeds=first.embeds, ephemeral=ephemeral
        )
        return
    view = Pager(pages, interaction.user.id, timeout=timeout, private=ephemeral)
    view.message = await interaction.followup.send(
        content=first.content or "", embeds=first.embeds, view=view, wait=True, ephemeral=ephemeral
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


# ---- buttons that survive a restart -------------------------------------------------------


class ExpiredButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"cb:v:(?P<token>[0-9a-f]+):\w+"
):
    """Any stateful view's button: silent while the view lives, "expired" once it is gone."""

    def __init__(self, token: str) -> None:
        super().__init__(discord.ui.Button(label="…", custom_id=f"cb:v:{token}:x"))
        self.token = token

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> ExpiredButton:
        """Rebuild the item from a pressed button's custom id."""
        return cls(match["token"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Say the buttons expired, unless their view is alive and answers itself."""
        if self.token in _live_views:
            return
        await interaction.response.send_message(EXPIRED, ephemeral=True)


class CiteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"cb:cite:(?P<sid>[\w-]{1,64})"
):
    """ "Cite n": a copy-ready citation of one answer, sent to the presser alone."""

    def __init__(self, statement_id: str, number: int = 1) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"Cite {number}",
                style=discord.ButtonStyle.secondary,
                custom_id=f"cb:cite:{statement_id}",
            )
        )
        self.statement_id = statement_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> CiteButton:
        """Rebuild the item from a pressed button's custom id."""
        return cls(match["sid"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Send the citation privately."""
        try:
            lib = await library(interaction)
            answer = await asyncio.to_thread(lib.answer_for, self.statement_id)
        except Exception as error:  # noqa: BLE001 - answered like a failed command
            await _answer_failed_press(interaction, error, "the Cite button")
            return
        cite = render.cite_message(answer)
        await interaction.response.send_message(content=cite.content, ephemeral=True)


class MoreButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"cb:more:(?P<ids>[\w!,-]{1,92})"
):
    """ "More": the answers beyond the first three, sent to the presser alone."""

    def __init__(self, ids: str, count: int = 0) -> None:
        label = f"More ({count})" if count else "More"
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.primary, custom_id=f"cb:more:{ids}"
            )
        )
        self.ids = ids

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> MoreButton:
        """Rebuild the item from a pressed button's custom id."""
        return cls(match["ids"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Send the further answers privately (those still in the library)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            lib = await library(interaction)
            wanted = [(part.rstrip("!"), part.endswith("!")) for part in self.ids.split(",")]

            def load() -> list[Answer]:
                found = []
                for sid, contradicts in wanted:
                    try:
                        found.append(lib.answer_for(sid, contradicts=contradicts))
                    except ClaimsError:
                        log.info("statement %s is gone; left out of More", sid)
                return found

            answers = await asyncio.to_thread(load)
        except Exception as error:  # noqa: BLE001 - answered like a failed command
            await _answer_failed_press(interaction, error, "the More button")
            return
        message = render.more_message(answers)
        await interaction.followup.send(
            content=message.content or "",
            embeds=message.embeds,
            view=answer_view(answers, []) or discord.utils.MISSING,
            ephemeral=True,
        )


def _more_id(rest: Sequence[Answer]) -> str | None:
    parts: list[str] = []
    for answer in rest:
        part = answer.statement.id + ("!" if answer.contradicts else "")
        if len("cb:more:" + ",".join([*parts, part])) > _CUSTOM_ID:
            break
        parts.append(part)
    return ",".join(parts) or None


def answer_view(shown: Sequence[Answer], rest: Sequence[Answer]) -> discord.ui.View | None:
    """Return the buttons under an answer: "Cite n" per answer, "More" when there are more."""
    view = discord.ui.View(timeout=None)
    for number, answer in enumerate(shown[: render.MAX_ANSWERS], start=1):
        if len(f"cb:cite:{answer.statement.id}") <= _CUSTOM_ID:
            view.add_item(CiteButton(answer.statement.id, number))
    more = _more_id(rest)
    if more is not None:
        view.add_item(MoreButton(more, len(more.split(","))))
    return view if view.children else None


class SpeakerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"cb:who:(?P<sid>[\w-]{1,40})(?::(?P<topic>.*))?",
):
    """A "did you mean" choice: that speaker's statements (the asker's list turns into it)."""

    def __init__(self, speaker_id: str, topic: str | None = None, label: str = "?") -> None:
        custom_id = f"cb:who:{speaker_id}"
        if topic:
            custom_id = f"{custom_id}:{topic}"[:_CUSTOM_ID]
        super().__init__(
            discord.ui.Button(label=label, style=discord.ButtonStyle.secondary, custom_id=custom_id)
        )
        self.speaker_id = speaker_id
        self.topic = custom_id.partition(f"cb:who:{speaker_id}:")[2] or None

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> SpeakerButton:
        """Rebuild the item from a pressed button's custom id."""
        return cls(match["sid"], match["topic"], getattr(item, "label", None) or "?")

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the chosen speaker's statements."""
        try:
            lib = await library(interaction)
            speaker, answers = await asyncio.to_thread(self._load, lib)
        except Exception as error:  # noqa: BLE001 - answered like a failed command
            await _answer_failed_press(interaction, error, "a speaker button")
            return
        pages = render.quotes_pages(speaker, self.topic, answers)
        timeout = float(interaction.client.settings.page_timeout_seconds)  # type: ignore[attr-defined]
        metadata = interaction.message.interaction_metadata if interaction.message else None
        asker = metadata.user.id if metadata is not None else None
        first = pages[0]
        if asker == interaction.user.id:
            view = Pager(pages, interaction.user.id, timeout=timeout) if len(pages) > 1 else None
            await interaction.response.edit_message(
                content=first.content, embeds=first.embeds, view=view
            )
            if view is not None:
                view.message = interaction.message
            return
        mine = Pager(pages, interaction.user.id, timeout=timeout, private=True)
        await interaction.response.send_message(
            content=first.content,
            embeds=first.embeds,
            view=mine if len(pages) > 1 else discord.utils.MISSING,
            ephemeral=True,
        )

    def _load(self, lib: Any) -> tuple[Speaker | str, list[Answer]]:
        speaker = lib.speaker(self.speaker_id)
        if speaker is None:
            raise ClaimsError("That speaker is no longer in this server's library.")
        return speaker, lib.speaker_quotes(self.speaker_id, topic=self.topic, limit=50)


def speaker_choice_view(candidates: Sequence[Speaker], topic: str | None) -> discord.ui.View:
    """Return one button per candidate speaker of an ambiguous name."""
    view = discord.ui.View(timeout=None)
    for speaker in candidates[:5]:
        view.add_item(SpeakerButton(speaker.id, topic, render.speaker_button_label(speaker)))
    return view


DYNAMIC_ITEMS = (ExpiredButton, CiteButton, MoreButton, SpeakerButton)
