"""Who may ingest and remove, checked at run time with spec'd mocks."""

from __future__ import annotations

from unittest.mock import create_autospec

import discord
import pytest

from bot.checks import UserCooldowns, may_ingest, may_manage


def member_with(*roles: tuple[int, str]) -> discord.Member:
    member = create_autospec(discord.Member, instance=True)
    role_mocks = []
    for role_id, name in roles:
        role = create_autospec(discord.Role, instance=True)
        role.id = role_id
        role.name = name
        role_mocks.append(role)
    member.roles = role_mocks
    return member


def perms(**flags: bool) -> discord.Permissions:
    return discord.Permissions(**flags)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({}, False),
        ({"send_messages": True}, False),
        ({"manage_messages": True}, True),
        ({"manage_guild": True}, True),
        ({"administrator": True}, True),
    ],
)
def test_without_a_role_setting_manage_messages_may_ingest(flags: dict, expected: bool) -> None:
    assert may_ingest(member_with(), perms(**flags), None) is expected


def test_the_configured_role_may_ingest_by_name() -> None:
    assert may_ingest(member_with((42, "Editors")), perms(), "Editors")


def test_the_configured_role_may_ingest_by_id() -> None:
    assert may_ingest(member_with((42, "Editors")), perms(), "42")


def test_with_a_role_setting_manage_messages_alone_is_not_enough() -> None:
    assert not may_ingest(member_with((7, "Mods")), perms(manage_messages=True), "Editors")


def test_manage_server_may_always_ingest() -> None:
    assert may_ingest(member_with(), perms(manage_guild=True), "Editors")


@pytest.mark.parametrize(
    ("flags", "expected"),
    [({}, False), ({"manage_messages": True}, False), ({"manage_guild": True}, True)],
)
def test_only_manage_server_may_remove(flags: dict, expected: bool) -> None:
    assert may_manage(perms(**flags)) is expected


def test_cooldown_refuses_after_the_rate_and_says_how_long() -> None:
    cooldowns = UserCooldowns(2, 60)
    assert cooldowns.hit(1)[1] is None
    assert cooldowns.hit(1)[1] is None
    retry_after = cooldowns.hit(1)[1]
    assert retry_after is not None and 0 < retry_after <= 60


def test_cooldown_is_per_user() -> None:
    cooldowns = UserCooldowns(1, 60)
    assert cooldowns.hit(1)[1] is None
    assert cooldowns.hit(2)[1] is None
    assert cooldowns.hit(1)[1] is not None


def interaction_for(
    member: discord.Member, permissions: discord.Permissions, ingest_role: str | None
) -> discord.Interaction:
    from bot.client import ClaimBot
    from bot.library import Libraries
    from bot.settings import Settings

    interaction = create_autospec(discord.Interaction, instance=True)
    interaction.user = member
    interaction.guild_id = 1
    interaction.permissions = permissions
    client = create_autospec(ClaimBot, instance=True)
    client.settings = Settings(_env_file=None, ingest_role=ingest_role)  # type: ignore[call-arg]
    client.libraries = create_autospec(Libraries, instance=True)
    client.libraries.peek.return_value = None  # library not open: the operator's defaults
    interaction.client = client
    return interaction


def test_ingest_check_refusal_names_the_missing_permission() -> None:
    from bot.checks import NotAllowed, ingest_permission

    interaction = interaction_for(member_with(), perms(), None)
    with pytest.raises(NotAllowed, match="manage messages"):
        ingest_permission(interaction)


def test_ingest_check_refusal_names_the_configured_role() -> None:
    from bot.checks import NotAllowed, ingest_permission

    interaction = interaction_for(member_with(), perms(manage_messages=True), "Editors")
    with pytest.raises(NotAllowed, match="Editors"):
        ingest_permission(interaction)


def test_ingest_check_passes_for_a_moderator() -> None:
    from bot.checks import ingest_permission

    assert ingest_permission(interaction_for(member_with(), perms(manage_messages=True), None))


def test_remove_check_refuses_without_manage_server_at_run_time() -> None:
    from bot.checks import NotAllowed, manage_permission

    interaction = interaction_for(member_with(), perms(manage_messages=True), None)
    with pytest.raises(NotAllowed, match="Manage Server"):
        manage_permission(interaction)
