"""`claimbot feed add|list|remove|poll` against feeds on a loopback server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from feed_server import Site, article_html, rss, running_site

from claims_db.cli import main


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    async with running_site() as running:
        yield running


async def _claimbot(*args: str) -> int:
    # The CLI runs its own event loop; a thread keeps the test's loop serving the site.
    return await asyncio.to_thread(main, list(args))


async def test_feed_commands_follow_poll_list_and_remove(
    tmp_path: Path, site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLAIMBOT_ALLOW_LOOPBACK_URLS", "1")
    monkeypatch.setenv("CLAIMBOT_SEEDS", "")
    db = str(tmp_path / "lib.json")
    items = [(f"S{n}", site.serve(f"/a/{n}", article_html(n))) for n in (1, 2)]
    url = site.serve("/feed.xml", rss("Ashby Gazette", items), content_type="application/rss+xml")
    assert await _claimbot("--db", db, "feed", "add", url) == 0
    assert "Following" in capsys.readouterr().out
    assert await _claimbot("--db", db, "feed", "poll") == 0
    out = capsys.readouterr().out
    assert "2 added" in out and out.count("Added: Ashby board weighs plan number") == 2
    assert "Alma Testperson001" in out
    assert await _claimbot("--db", db, "feed", "poll") == 0
    assert "No feed is due" in capsys.readouterr().out
    assert await _claimbot("--db", db, "feed", "list", "--json") == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["url"] == url and listed["added"] == 2 and listed["paused"] is None
    assert await _claimbot("--db", db, "feed", "remove", listed["id"]) == 0
    assert await _claimbot("--db", db, "feed", "list") == 0
    assert "follows no feed" in capsys.readouterr().out


async def test_feed_add_of_a_web_page_fails_clearly(
    tmp_path: Path, site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLAIMBOT_ALLOW_LOOPBACK_URLS", "1")
    monkeypatch.setenv("CLAIMBOT_SEEDS", "")
    db = str(tmp_path / "lib.json")
    url = site.serve("/page", article_html(1))
    assert await _claimbot("--db", db, "feed", "add", url) == 1
    assert "web page, not an RSS or Atom feed" in capsys.readouterr().err
    assert await _claimbot("--db", db, "feed", "list") == 0
    assert "follows no feed" in capsys.readouterr().out
