"""The "Request sources" and "+1" buttons, and how requests look in Discord.

The buttons are dynamic items: their custom_id carries the server and the request id
(``cbr:<action>:<guild id>:<request id>``), so they keep working after a restart; a press
whose request is gone says so, and a press in another server than the request's is refused.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import discord

from bot import errors, render
from bot.render import Message
from claims_db.errors import ClaimsError
from claims_db.requests import RequestNotFound, RequestStatus, SourceRequest

if TYPE_CHECKING:
    from bot.client import ClaimBot
    from bot.library import Library

log = logging.getLogger(__name__)

ASK, VOTE = "ask", "vote"
CUSTOM_ID = re.compile(r"cbr:(?P<action>ask|vote):(?P<guild>[0-9]{1,20}):(?P<rid>[0-9a-f]{12})")
REQUEST_LABEL = "Request sources"
OTHER_SERVER = "This button belongs to another server's library; it does nothing here."
PER_PAGE = 10


def custom_id(action: str, guild_id: int, request_id: str) -> str:
    """Return the custom_id of a request button."""
    return f"cbr:{action}:{int(guild_id)}:{request_id}"


def vote_label(request: SourceRequest) -> str:
    """Return the label of the +1 button, with the current count."""
    count = request.vote_count
    return f"+1 · {count} member{'s' if count != 1 else ''} want sources"


class RequestButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CUSTOM_ID):
    """A "Request sources" or "+1" button of one request in one server."""

    def __init__(
        self,
        action: str,
        guild_id: int,
        request_id: str,
        *,
        label: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or (REQUEST_LABEL if action == ASK else "+1"),
                style=discord.ButtonStyle.primary
                if action == ASK
                else discord.ButtonStyle.secondary,
                emoji="📮" if action == ASK else None,
                custom_id=custom_id(action, guild_id, request_id),
                disabled=disabled,
            )
        )
        self.action = action
        self.guild_id = guild_id
        self.request_id = request_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> RequestButton:
        """Rebuild the button from a press (also after a restart)."""
        return cls(match["action"], int(match["guild"]), match["rid"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Open the request or add the member's vote; never fail silently."""
        try:
            await press(interaction, self.action, self.guild_id, self.request_id)
        except Exception as error:
            text = errors.explain(error) or errors.report(error, "a request button")
            try:
                await errors.tell(interaction, text)
            except discord.HTTPException:
                log.warning("could not deliver the error reply of a request button", exc_info=True)


def request_view(guild_id: int, request_id: str) -> discord.ui.View:
    """Return the persistent view holding the "Request sources" button."""
    view = discord.ui.View(timeout=None)
    view.add_item(RequestButton(ASK, guild_id, request_id))
    return view


def vote_view(guild_id: int, request: SourceRequest, *, disabled: bool = False) -> discord.ui.View:
    """Return the persistent view holding the +1 button of an open request."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        RequestButton(VOTE, guild_id, request.id, label=vote_label(request), disabled=disabled)
    )
    return view


def closed_view(guild_id: int, request_id: str, label: str) -> discord.ui.View:
    """Return a view with one disabled button saying why the request is closed."""
    view = discord.ui.View(timeout=None)
    view.add_item(RequestButton(VOTE, guild_id, request_id, label=label, disabled=True))
    return view


async def offer(
    lib: Library,
    question: str,
    *,
    guild_id: int,
    asker_id: int,
    channel_id: int | None,
    message: discord.Message | None = None,
) -> discord.ui.View:
    """Draft a request for a question nothing answered; return the view offering it.

    ``message`` is the member's message to answer later (a mention, or the message
    "Find sources" was used on); for /ask the bot's own reply is used once pressed.
    """
    draft = await asyncio.to_thread(
        lib.requests.draft,
        question,
        asker=str(asker_id),
        channel_id=str(channel_id) if channel_id is not None else None,
        message_id=str(message.id) if message is not None else None,
        link=message.jump_url if message is not None else None,
    )
    return request_view(guild_id, draft.id)


def _reply_target(interaction: discord.Interaction) -> tuple[str | None, str | None]:
    """Return the id and link of the pressed message when it can be replied to later."""
    message = interaction.message
    if message is None or message.flags.ephemeral:
        return None, None
    return str(message.id), message.jump_url


async def press(interaction: discord.Interaction, action: str, guild_id: int, rid: str) -> None:
    """Handle a press of a request button (either action)."""
    if interaction.guild_id != guild_id:
        await errors.tell(interaction, OTHER_SERVER)
        return
    bot = cast("ClaimBot", interaction.client)
    member = str(interaction.user.id)
    await interaction.response.defer()  # acknowledges; later edits change the pressed message
    lib = await bot.libraries.get(guild_id)
    try:
        if action == ASK:
            message_id, link = _reply_target(interaction)
            request, added = await asyncio.to_thread(
                lib.requests.open,
                rid,
                member=member,
                message_id=message_id,
                link=link,
                limit_per_day=bot.settings.request_limit_per_day,
            )
        else:
            request, added = await asyncio.to_thread(lib.requests.vote, rid, member=member)
    except RequestNotFound as error:
        await interaction.edit_original_response(view=closed_view(guild_id, rid, "Expired"))
        await interaction.followup.send(render.refusal(str(error)), ephemeral=True)
        return
    except ClaimsError as error:
        await interaction.followup.send(render.refusal(str(error)), ephemeral=True)
        return
    if request.status is RequestStatus.ANSWERED:
        await interaction.edit_original_response(view=closed_view(guild_id, rid, "Answered"))
        await interaction.followup.send(
            "This question was already answered in this channel.", ephemeral=True
        )
        return
    await interaction.edit_original_response(view=vote_view(guild_id, request))
    await interaction.followup.send(_press_reply(action, request, added), ephemeral=True)
    log.info("guild %s: request %s now has %d vote(s)", guild_id, rid, request.vote_count)


def _press_reply(action: str, request: SourceRequest, added: bool) -> str:
    wanting = f"{request.vote_count} member{'s' if request.vote_count != 1 else ''}"
    if not added:
        return f"You already asked for sources on this one ({wanting} want them)."
    if action == ASK and request.vote_count == 1:
        return (
            "Requested. Moderators see it in `/requests`; when an article added later answers "
            "it, the answer is posted here."
        )
    return f"Your +1 is counted: {wanting} want sources for this question."


# ---- rendering -------------------------------------------------------------------------------


def _when(value: str | None) -> str:
    if not value:
        return "?"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return discord.utils.format_dt(moment, "R")


def requests_pages(requests: Sequence[SourceRequest]) -> list[Message]:
    """Render the open requests of a server, most votes first, ten per page."""
    if not requests:
        return [
            Message(
                content="No open source requests. Members can ask for sources when "
                "`/ask` or “Find sources” finds nothing."
            )
        ]
    pages: list[Message] = []
    total = len(requests)
    for start in range(0, total, PER_PAGE):
        embed = discord.Embed(title=f"Open source requests ({total})", colour=0xFEE75C)
        for request in requests[start : start + PER_PAGE]:
            votes = f"{request.vote_count} vote{'s' if request.vote_count != 1 else ''}"
            where = render.safe_url(request.link)
            value = f"asked {_when(request.opened_at or request.created_at)}"
            if where:
                value += f" · [message]({where})"
            embed.add_field(
                name=render.clamp(
                    f"{votes} · {render.safe(render.one_line(request.question))}", 256
                ),
                value=render.clamp(value, 1024),
                inline=False,
            )
        embed.set_footer(text="Add an article that answers one and it is answered where asked.")
        pages.append(Message(embeds=[embed]))
    return pages


def delivery_message(request: SourceRequest, answers: Sequence[Any]) -> Message:
    """Render the late answer to a request, posted where it was asked."""
    rendered = render.answers_message(request.question, list(answers))
    wanting = f"{request.vote_count} member{'s' if request.vote_count != 1 else ''}"
    intro = f"📬 Sources arrived for a question asked here earlier ({wanting} asked for them)."
    body = f"{intro}\n{rendered.content}" if rendered.content else intro
    return Message(content=render.clamp(body, render.CONTENT), embeds=rendered.embeds)
