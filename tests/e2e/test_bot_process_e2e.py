"""The bot as an operator starts it: a real process, stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from fake_discord import FakeDiscord

LAUNCHER = """
import sys, yarl, discord
discord.http.Route.BASE = {base!r}
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL({gateway!r})
from claims_db.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _launcher(fake: FakeDiscord) -> str:
    """Return code that runs the claimbot CLI with discord.py pointed at the fake."""
    return LAUNCHER.format(
        base=f"{fake.base_url}/api/v10", gateway=f"ws://127.0.0.1:{fake.port}/gateway"
    )


async def test_bot_process_stops_cleanly_on_sigterm(fake: FakeDiscord, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DISCORD_TOKEN": fake.token,
        "CLAIMBOT_DATA_DIR": str(tmp_path / "data"),
        "CLAIMBOT_SEEDS": "",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _launcher(fake),
        "run",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        for _ in range(600):  # the fake records IDENTIFY and the sync; poll for both
            if fake.identify is not None and fake.commands() or proc.returncode is not None:
                break
            await asyncio.sleep(0.1)
        assert fake.identify is not None, "the bot process never identified"
        assert fake.commands(), "the bot process did not sync its commands on first start"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    assert fake.token.encode() not in stderr


def test_run_without_a_token_is_one_clear_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["CLAIMBOT_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-m", "claims_db", "run"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # no .env file here
        timeout=60,
    )
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


async def test_sync_command_pushes_the_commands_to_one_server(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    guild = fake.guilds[0]
    env = {**os.environ, "DISCORD_TOKEN": fake.token, "CLAIMBOT_DATA_DIR": str(tmp_path)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _launcher(fake),
        "sync",
        "--guild",
        str(guild.id),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, stderr.decode()
    names = {c["name"] for c in fake.guild_commands.get(guild.id, [])}
    assert {"ask", "ingest", "quotes", "remove", "Find sources"} <= names
    assert fake.global_commands == []  # a guild sync leaves the global commands alone
    assert f"synced {len(names)} commands to guild {guild.id}" in stderr.decode()
