"""claimbot end to end through the fake Discord: sync, /help, /ask, mentions, Find sources."""

from __future__ import annotations

import json

import discord
from fake_discord import MANAGE_GUILD, FakeDiscord, StartBot, message_text

EXPECTED_SLASH = {
    "watch",
    "ask",
    "ingest",
    "quotes",
    "speakers",
    "articles",
    "article",
    "remove",
    "help",
    "requests",
    "config",
    "feed",
}


async def test_commands_are_synced_and_valid(fake: FakeDiscord, bot: discord.Client) -> None:
    names = {c["name"] for c in fake.global_commands if c["type"] == 1}
    menus = {c["name"] for c in fake.global_commands if c["type"] == 3}
    assert names == EXPECTED_SLASH
    assert menus == {"Find sources", "Add to library"}
    assert fake.violations == []
    for cmd in fake.global_commands:
        for opt in cmd["options"]:
            assert opt["description"], (cmd["name"], opt["name"])


async def test_remove_needs_manage_server_by_default(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    remove = next(c for c in fake.global_commands if c["name"] == "remove")
    assert remove["default_member_permissions"] == str(MANAGE_GUILD)


async def test_library_commands_are_server_only(fake: FakeDiscord, bot: discord.Client) -> None:
    for cmd in fake.global_commands:
        if cmd["name"] != "help":
            assert cmd["contexts"] == [0], cmd["name"]


async def test_restart_with_same_commands_does_not_sync_again(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    first = await start_bot()
    await first.close()
    syncs = len(fake.command_syncs)
    await start_bot()
    assert len(fake.command_syncs) == syncs == 1


async def test_help_is_ephemeral_and_lists_commands(fake: FakeDiscord, bot: discord.Client) -> None:
    rec = await fake.slash(fake.guilds[0], fake.member, "help")
    text = await rec.wait_done()
    assert rec.is_ephemeral()
    for name in ("/ask", "/ingest", "/quotes"):
        assert name in text


async def test_ask_answers_noem_on_body_cameras_from_the_seed(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    rec = await fake.slash(
        fake.guilds[0], fake.member, "ask", {"question": "What did Noem say about body cameras?"}
    )
    text = await rec.wait_text(lambda t: "Noem" in t and "body camera" in t)
    assert rec.response is not None and rec.response["type"] == 5  # deferred first
    assert not rec.is_ephemeral()
    embeds = [e for m in rec.messages for e in m["embeds"]]
    assert embeds, text
    first = embeds[0]
    assert "Kristi Noem" in first["author"]["name"]
    assert "body camera" in first["description"]
    assert "Homeland Security officers in Minneapolis" in json.dumps(first)  # article title


async def test_ask_private_answers_only_the_asker(fake: FakeDiscord, bot: discord.Client) -> None:
    rec = await fake.slash(
        fake.guilds[0],
        fake.member,
        "ask",
        {"question": "What did Noem say about body cameras?", "private": True},
    )
    await rec.wait_done()
    assert rec.is_ephemeral()
    assert all(m["flags"] & 64 for m in rec.messages)


async def test_ask_with_no_match_says_nothing_found(fake: FakeDiscord, bot: discord.Client) -> None:
    rec = await fake.slash(
        fake.guilds[0], fake.member, "ask", {"question": "What is the capital of France?"}
    )
    text = await rec.wait_done()
    assert "no sourced statement" in text
    assert all(not m["embeds"] for m in rec.messages)


async def test_ask_for_a_speaker_the_library_lacks_says_so(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    rec = await fake.slash(
        fake.guilds[0], fake.member, "ask", {"question": "What did Obama say about body cameras?"}
    )
    text = await rec.wait_done()
    assert "No statement by Obama in this server's library." in text
    assert "Did you mean" not in text
    assert all(not m["embeds"] for m in rec.messages)  # no other speaker's answer


async def test_ask_for_a_misspelt_speaker_offers_the_close_name(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    msg = await fake.mention(fake.guilds[0], fake.member, "What did Noam say about body cameras?")
    reply = await fake.wait_reply(msg)
    text = message_text(reply)
    assert "No statement by Noam in this server's library." in text
    assert "Did you mean **Kristi Noem**?" in text
    assert not reply["embeds"]


async def test_mention_with_a_question_gets_a_sourced_reply(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    msg = await fake.mention(fake.guilds[0], fake.member, "what did Noem say about body cameras?")
    reply = await fake.wait_reply(msg)
    assert "body camera" in message_text(reply)
    assert reply["embeds"]
    assert reply["allowed_mentions"]["parse"] == []
    assert fake.pings == []  # replying does not ping the asker either


async def test_find_sources_on_a_message_replies_privately(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    g = fake.guilds[0]
    target = fake.user_message(
        g, fake.other, "Noem said every officer in Minneapolis gets a body camera"
    )
    rec = await fake.message_command(g, fake.member, "Find sources", target)
    text = await rec.wait_done()
    assert rec.is_ephemeral()
    assert "body camera" in text
    assert target["id"] in text  # links back to the message checked


async def test_every_bot_message_disables_all_mentions(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    rec = await fake.slash(
        fake.guilds[0], fake.member, "ask", {"question": "What did Noem say about body cameras?"}
    )
    await rec.wait_done()
    sent = list(fake.all_sent())
    assert sent
    assert all(m["allowed_mentions"]["parse"] == [] for m in sent)
