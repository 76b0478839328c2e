"""Harness: the fake Discord on loopback, and claimbot started against it with the real client."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
from fake_discord import FakeDiscord, StartBot, patch_discord_py, wait_ready

REPO = Path(__file__).resolve().parents[2]


def _is_loopback(host: Any) -> bool:
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return str(host) == "localhost"


@pytest.fixture
def off_loopback() -> list[str]:
    """Connection attempts to anything but loopback (each one refused before it happens)."""
    return []


@pytest.fixture(autouse=True)
async def loopback_only(
    monkeypatch: pytest.MonkeyPatch, off_loopback: list[str]
) -> AsyncIterator[None]:
    """Refuse, and record, every connection the process tries to open off 127.0.0.1."""
    loop = asyncio.get_running_loop()
    sock_connect = loop.sock_connect
    create_connection = loop.create_connection

    async def guarded_sock_connect(sock: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            off_loopback.append(str(address[0]))
            raise ConnectionRefusedError(f"e2e tests stay on loopback, not {address[0]}")
        await sock_connect(sock, address)

    async def guarded_create_connection(*args: Any, **kwargs: Any) -> Any:
        host = kwargs.get("host", args[1] if len(args) > 1 else None)
        if host is not None and not _is_loopback(host):
            off_loopback.append(str(host))
            raise ConnectionRefusedError(f"e2e tests stay on loopback, not {host}")
        return await create_connection(*args, **kwargs)

    monkeypatch.setattr(loop, "sock_connect", guarded_sock_connect)
    monkeypatch.setattr(loop, "create_connection", guarded_create_connection)
    yield


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord with two servers; fails the test if Discord would have objected."""
    server = FakeDiscord()
    server.token = "fake"  # noqa: S105 - the fake's token
    await server.start()
    with patch_discord_py(server):
        yield server
    await server.stop()
    problems = [str(v) for v in server.violations]
    problems += [f"ping {p}" for p in server.pings]
    problems += [f"late callback {i!r}" for i in server.late_callbacks]
    if problems:
        pytest.fail("Discord would have objected: " + "; ".join(problems))


@pytest.fixture
async def start_bot(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[StartBot]:
    """Start claimbot (from `create_bot()`) against the fake; extra keyword args set env vars."""
    started: list[tuple[discord.Client, asyncio.Task[None]]] = []

    async def start(**env: str | None) -> discord.Client:
        from bot import create_bot  # noqa: PLC0415 - the bot package may still be landing

        settings = {
            "CLAIMBOT_DATA_DIR": str(tmp_path / "data"),
            "CLAIMBOT_SEEDS": str(REPO / "seeds"),
            "CLAIMBOT_ALLOW_PRIVATE_URLS": "1",
            "DISCORD_TOKEN": fake.token,
            "CLAIMBOT_ASK_COOLDOWN_RATE": "1000",
            "CLAIMBOT_INGEST_COOLDOWN_RATE": "1000",
            **env,
        }
        for key, value in settings.items():
            if value is None:  # None: the variable is not set at all
                monkeypatch.delenv(key, raising=False)
            else:
                monkeypatch.setenv(key, value)
        bot = create_bot()
        # Only shortens discord.py's wait for late GUILD_CREATEs (a Client option, default 2 s).
        bot._connection.guild_ready_timeout = 0.05
        task = asyncio.create_task(bot.start(fake.token))
        started.append((bot, task))
        await wait_ready(bot, fake, task)
        return bot

    yield start
    for bot, task in started:
        await bot.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)


@pytest.fixture
async def bot(start_bot: StartBot) -> discord.Client:
    """claimbot, started with the default test settings."""
    return await start_bot()
