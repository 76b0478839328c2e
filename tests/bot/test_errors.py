"""The tree error handler answers with a response or a followup, always ephemeral."""

from __future__ import annotations

from unittest.mock import create_autospec

import discord
import pytest
from discord import app_commands

from bot import errors
from claims_db.errors import NotFound


def interaction(*, done: bool) -> discord.Interaction:
    mock = create_autospec(discord.Interaction, instance=True)
    mock.response = create_autospec(discord.InteractionResponse, instance=True)
    mock.response.is_done.return_value = done
    mock.followup = create_autospec(discord.Webhook, instance=True)
    mock.extras = {}
    mock.command = None
    mock.user = create_autospec(discord.Member, instance=True)
    mock.user.id = 5
    return mock


async def test_before_defer_the_error_is_an_ephemeral_response() -> None:
    target = interaction(done=False)
    await errors.on_app_command_error(target, app_commands.CheckFailure("Not here."))
    target.response.send_message.assert_awaited_once_with("Not here.", ephemeral=True)
    target.followup.send.assert_not_awaited()


async def test_after_defer_the_error_is_an_ephemeral_followup() -> None:
    target = interaction(done=True)
    wrapped = app_commands.CommandInvokeError.__new__(app_commands.CommandInvokeError)
    wrapped.original = NotFound("No article with that id in this library.")
    await errors.on_app_command_error(target, wrapped)
    target.followup.send.assert_awaited_once_with(
        "No article with that id in this library.", ephemeral=True
    )


async def test_unexpected_error_reply_carries_the_logged_incident_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    target = interaction(done=True)
    wrapped = app_commands.CommandInvokeError.__new__(app_commands.CommandInvokeError)
    wrapped.original = KeyError("internal detail")
    await errors.on_app_command_error(target, wrapped)
    sent = target.followup.send.await_args
    assert sent is not None
    text = sent.args[0]
    assert text.startswith("Something went wrong (id ")
    assert "internal detail" not in text
    incident = text.removeprefix("Something went wrong (id ").removesuffix(").")
    assert f"incident {incident}" in caplog.text
