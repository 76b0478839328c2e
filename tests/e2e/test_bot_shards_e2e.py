"""Two bot processes, shards 0 and 1 of 2, sharing one PostgreSQL database."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import e2e_articles as articles
import pytest
from fake_discord import FakeDiscord, Interaction, patch_discord_py
from test_bot_process_e2e import _launcher

pytestmark = pytest.mark.postgres

SPACING = 0.5  # seconds between IDENTIFYs of one bucket (Discord asks 5; shortened here)


@pytest.fixture
async def sharded_fake() -> AsyncIterator[FakeDiscord]:
    """A fake Discord whose two guilds sit on shards 0 and 1 of 2."""
    server = FakeDiscord(spread_over_shards=2)
    await server.start()
    with patch_discord_py(server):
        yield server
    await server.stop()
    assert server.violations == []


async def _start(fake: FakeDiscord, url: str, shard: int, data: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DISCORD_TOKEN": fake.token,
        "CLAIMBOT_DATA_DIR": str(data),
        "CLAIMBOT_SEEDS": "",
        "CLAIMBOT_DATABASE_URL": url,
        "CLAIMBOT_SHARD_COUNT": "2",
        "CLAIMBOT_SHARD_IDS": str(shard),
        "CLAIMBOT_IDENTIFY_SPACING_SECONDS": str(SPACING),
        "CLAIMBOT_ASK_COOLDOWN_RATE": "1000",
        "CLAIMBOT_INGEST_COOLDOWN_RATE": "1000",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", _launcher(fake), "run", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _ask(fake: FakeDiscord, guild: int, question: str) -> str:
    rec = await fake.slash(fake.guilds[guild], fake.member, "ask", {"question": question})
    return await rec.wait_done()


async def _ingest(fake: FakeDiscord, guild: int, text: str) -> Interaction:
    rec = await fake.slash(fake.guilds[guild], fake.admin, "ingest", {"text": text})
    await rec.wait_text(lambda t: "Added to this server's library" in t)
    return rec


async def test_two_shard_processes_serve_their_own_guilds(
    sharded_fake: FakeDiscord, pg_url: str, tmp_path: Path
) -> None:
    fake = sharded_fake
    assert [fake.shard_of(g.id, 2) for g in fake.guilds] == [0, 1]
    procs = [await _start(fake, pg_url, shard, tmp_path / f"data{shard}") for shard in (0, 1)]
    try:
        for _ in range(600):
            if len(fake.identifies) == 2 or any(p.returncode is not None for p in procs):
                break
            await asyncio.sleep(0.1)
        assert sorted(tuple(i["shard"]) for i in fake.identifies) == [(0, 2), (1, 2)]
        first, second = sorted(i["at"] for i in fake.identifies)
        assert second - first >= SPACING * 0.9  # one identify bucket, shared across processes
        await asyncio.sleep(1.0)  # both have decided about syncing before they identified
        assert len(fake.command_syncs) == 1, "only the owner of shard 0 syncs commands"

        question = "What did Whitfield say about the bike lanes?"
        added = await _ingest(fake, 0, articles.COUNCIL)
        assert articles.COUNCIL_TITLE in added.text()
        assert "safest choice" in await _ask(fake, 0, question)
        assert "safest choice" not in await _ask(fake, 1, question)

        # A CLI ingest into guild 1 reaches the process that owns it.
        (tmp_path / "water.txt").write_text(articles.WATER, encoding="utf-8")
        env = {**os.environ, "CLAIMBOT_DATABASE_URL": pg_url, "CLAIMBOT_SEEDS": ""}
        done = subprocess.run(
            [sys.executable, "-m", "claims_db", "--guild", fake.guilds[1].id, "ingest",
             str(tmp_path / "water.txt")],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        answer = ""
        for _ in range(100):
            answer = await _ask(fake, 1, "When will the Lakeview water plant upgrade finish?")
            if articles.WATER_TITLE in answer:
                break
            await asyncio.sleep(0.2)
        assert articles.WATER_TITLE in answer
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        outputs = [await asyncio.wait_for(p.communicate(), 30) for p in procs]
    for proc, (_, stderr) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, stderr.decode()
        assert b"Traceback" not in stderr, stderr.decode()


def _run(env_extra: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    env.update({"DISCORD_TOKEN": "x", "CLAIMBOT_DATA_DIR": str(tmp_path / "d"), **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "claims_db", "run"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"CLAIMBOT_SHARD_COUNT": "2", "CLAIMBOT_SHARD_IDS": "0"}, "need CLAIMBOT_DATABASE_URL"),
        ({"CLAIMBOT_DATABASE_URL": "postgresql://claimbot@127.0.0.1:9/none"}, "Cannot reach"),
        ({"CLAIMBOT_SHARD_COUNT": "2", "CLAIMBOT_SHARD_IDS": "3"}, "below CLAIMBOT_SHARD_COUNT"),
    ],
    ids=["shards-without-database", "unreachable-database", "shard-out-of-range"],
)
def test_a_configuration_that_cannot_run_is_one_line(
    tmp_path: Path, settings: dict[str, str], expected: str
) -> None:
    result = _run(settings, tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr


def test_a_database_at_a_newer_schema_is_refused(tmp_path: Path, pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    result = _run({"CLAIMBOT_DATABASE_URL": pg_url}, tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "upgrade claimbot" in result.stderr, result.stderr
