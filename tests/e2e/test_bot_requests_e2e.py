"""Source requests end to end: nothing found → "Request sources" → +1 → ingest → answered."""

from __future__ import annotations

from typing import Any

import discord
import e2e_articles as articles
from fake_discord import FakeDiscord, Interaction, StartBot, buttons, message_text

QUESTION = "What did Dana Whitfield say about the bike lanes on Main Street?"
ANSWER_WORDS = "safest choice"


def _button(message: dict[str, Any], label_part: str) -> dict[str, Any]:
    found = [b for b in buttons(message) if label_part in (b.get("label") or "")]
    assert found, f"no button with {label_part!r}: {buttons(message)}"
    return found[0]


async def _ask_nothing(
    fake: FakeDiscord, guild: int = 0, question: str = QUESTION
) -> dict[str, Any]:
    """Ask a question the library cannot answer yet; return the reply message."""
    rec = await fake.slash(fake.guilds[guild], fake.member, "ask", {"question": question})
    await rec.wait_text(lambda t: "Request sources" in t)
    assert ANSWER_WORDS not in rec.text()
    return rec.messages[0]


async def _press(
    fake: FakeDiscord, message: dict[str, Any], label_part: str, user: Any
) -> Interaction:
    current = fake.messages[message["id"]]
    rec = await fake.click(current, str(_button(current, label_part)["custom_id"]), user)
    await rec.wait_followups(1)
    return rec


async def _ingest_council(fake: FakeDiscord, guild: int = 0) -> None:
    rec = await fake.slash(fake.guilds[guild], fake.admin, "ingest", {"text": articles.COUNCIL})
    await rec.wait_text(lambda t: "Added to this server's library" in t)


async def _requests(fake: FakeDiscord, guild: int = 0) -> str:
    rec = await fake.slash(fake.guilds[guild], fake.admin, "requests")
    text = await rec.wait_done()
    assert rec.is_ephemeral()
    return text


async def test_request_vote_ingest_and_the_answer_arrives_as_a_reply(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    reply = await _ask_nothing(fake)
    press = await _press(fake, reply, "Request sources", fake.member)
    assert "Requested" in message_text(press.followups[-1])
    assert press.followups[-1]["flags"] & 64  # only the presser sees the confirmation
    assert "1 member want" in message_text(fake.messages[reply["id"]])

    vote = await _press(fake, reply, "+1", fake.other)
    assert "2 members want" in message_text(vote.followups[-1])
    again = await _press(fake, reply, "+1", fake.other)
    assert "already" in message_text(again.followups[-1])
    assert "2 members want" in message_text(fake.messages[reply["id"]])

    listed = await _requests(fake)
    assert "2 votes" in listed and "Dana Whitfield" in listed

    await _ingest_council(fake)
    answer = await fake.wait_reply(reply)
    text = message_text(answer)
    assert ANSWER_WORDS in text and "Sources arrived" in text
    assert answer["channel_id"] == fake.guilds[0].channel_id
    assert any("Cite" in (b.get("label") or "") for b in buttons(answer))  # like any answer
    assert "No open source requests" in await _requests(fake)


async def test_requests_are_for_members_who_may_add_articles(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    rec = await fake.slash(fake.guilds[0], fake.member, "requests")
    text = await rec.wait_done()
    assert rec.is_ephemeral()
    assert "can add articles" in text


async def test_a_mention_that_finds_nothing_is_answered_under_the_members_message(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    asked = await fake.mention(fake.guilds[0], fake.member, QUESTION)
    reply = await fake.wait_reply(asked)
    await _press(fake, reply, "Request sources", fake.member)
    await _ingest_council(fake)
    await fake.wait_until(lambda: len(fake.replies_to(asked)) == 2, 20, "the late answer")
    late = fake.replies_to(asked)[1]
    assert ANSWER_WORDS in message_text(late)


async def test_find_sources_request_is_answered_under_the_checked_message(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    g = fake.guilds[0]
    target = fake.user_message(g, fake.other, "Whitfield said bike lanes are the safest choice")
    rec = await fake.message_command(g, fake.member, "Find sources", target)
    await rec.wait_text(lambda t: "Request sources" in t)
    assert rec.is_ephemeral()
    await _press(fake, rec.messages[0], "Request sources", fake.member)
    await _ingest_council(fake)
    late = await fake.wait_reply(target)
    assert ANSWER_WORDS in message_text(late)


async def test_answer_goes_to_the_channel_when_the_original_message_is_gone(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    reply = await _ask_nothing(fake)
    await _press(fake, reply, "Request sources", fake.member)
    fake.delete_message(reply)
    sent = len(fake.channel_messages)
    await _ingest_council(fake)
    await fake.wait_until(lambda: len(fake.channel_messages) > sent, 20, "the late answer")
    late = fake.channel_messages[-1]
    assert ANSWER_WORDS in message_text(late)
    assert "message_reference" not in late


async def test_buttons_work_after_a_restart(fake: FakeDiscord, start_bot: StartBot) -> None:
    first = await start_bot()
    reply = await _ask_nothing(fake)
    await first.close()
    await start_bot()
    press = await _press(fake, reply, "Request sources", fake.member)
    assert "Requested" in message_text(press.followups[-1])
    await _ingest_council(fake)
    assert ANSWER_WORDS in message_text(await fake.wait_reply(reply))


async def test_a_request_that_is_gone_says_it_expired(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    g = fake.guilds[0]
    old = fake.bot_message(g, _row(f"cbr:ask:{g.id}:0123456789ab", "Request sources"))
    press = await _press(fake, old, "Request sources", fake.member)
    assert "expired" in message_text(press.followups[-1])
    assert _button(fake.messages[old["id"]], "Expired")["disabled"]


async def test_a_button_of_another_server_is_refused(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    reply = await _ask_nothing(fake, guild=0)
    custom_id = str(_button(reply, "Request sources")["custom_id"])
    copied = fake.bot_message(fake.guilds[1], _row(custom_id, "Request sources"))
    rec = await fake.click(copied, custom_id, fake.member)
    await rec.wait_response()
    assert rec.is_ephemeral() and "another server" in rec.text()
    # the request of server 0 was not opened from server 1
    assert "No open source requests" in await _requests(fake, guild=0)


async def test_request_flood_is_limited_per_member(fake: FakeDiscord, start_bot: StartBot) -> None:
    await start_bot(CLAIMBOT_REQUEST_LIMIT_PER_DAY="1")
    first = await _ask_nothing(fake)
    second = await _ask_nothing(fake, question="Who paid for the Riverton tram extension?")
    await _press(fake, first, "Request sources", fake.member)
    refused = await _press(fake, second, "Request sources", fake.member)
    assert "limit" in message_text(refused.followups[-1])
    assert "Request sources" in message_text(fake.messages[second["id"]])  # still offered
    listed = await _requests(fake)
    assert "Dana Whitfield" in listed and "tram" not in listed


async def test_expired_requests_are_purged_and_never_answered(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    first = await start_bot()
    reply = await _ask_nothing(fake)
    await _press(fake, reply, "Request sources", fake.member)
    await first.close()
    await start_bot(CLAIMBOT_REQUEST_EXPIRY_DAYS="0.000001")  # a tenth of a second
    assert "No open source requests" in await _requests(fake)
    await _ingest_council(fake)
    answer = await fake.slash(fake.guilds[0], fake.member, "ask", {"question": QUESTION})
    assert ANSWER_WORDS in await answer.wait_done()  # the article is there ...
    assert fake.replies_to(reply) == []  # ... but the expired request got no answer


def _row(custom_id: str, label: str) -> list[dict[str, Any]]:
    return [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": label, "custom_id": custom_id}]}
    ]


async def test_a_vote_after_the_answer_says_it_was_answered(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    reply = await _ask_nothing(fake)
    await _press(fake, reply, "Request sources", fake.member)
    await _ingest_council(fake)
    await fake.wait_reply(reply)
    late = await _press(fake, reply, "+1", fake.other)
    assert "already answered" in message_text(late.followups[-1])
    assert _button(fake.messages[reply["id"]], "Answered")["disabled"]


async def test_an_article_added_from_a_message_link_answers_a_request(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    question = "What did Miriam Castellanos say about closing on Saturdays?"
    reply = await _ask_nothing(fake, question=question)
    await _press(fake, reply, "Request sources", fake.member)
    g = fake.guilds[0]
    link = fake.serve("/news/oakfield-library", articles.LIBRARY_HTML)
    message = fake.user_message(g, fake.other, f"Read this: {link}")
    rec = await fake.message_command(g, fake.admin, "Add to library", message)
    assert "1 added" in await rec.wait_done(timeout=30)
    late = await fake.wait_reply(reply)
    assert "hurts the families" in message_text(late)
