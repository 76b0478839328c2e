"""The per-server library cache."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from unittest.mock import create_autospec

import pytest

from bot.library import Libraries, open_claims_db
from claims_db import ClaimsDB
from claims_db.extract import EXTRACTOR_VERSION


async def test_library_that_finishes_opening_after_close_is_closed_too(tmp_path: Path) -> None:
    release = threading.Event()
    opened = create_autospec(ClaimsDB, instance=True)

    def slow_open(path: Path) -> ClaimsDB:
        release.wait(10)
        return opened

    libraries = Libraries(tmp_path, slow_open)
    opening = asyncio.create_task(libraries.get(42))
    await asyncio.sleep(0.05)  # the open is now running in its thread
    await libraries.close()
    release.set()
    with pytest.raises(RuntimeError, match="shutting down"):
        await opening
    opened.close.assert_called_once_with()
    assert libraries.peek(42) is None


async def test_each_server_opens_its_own_file_once(tmp_path: Path) -> None:
    paths: list[Path] = []

    def record(path: Path) -> ClaimsDB:
        paths.append(path)
        return create_autospec(ClaimsDB, instance=True)

    libraries = Libraries(tmp_path, record)
    first, again, other = await asyncio.gather(libraries.get(1), libraries.get(1), libraries.get(2))
    assert first is again and first is not other
    # The two opens run in threads, so either may start first.
    assert sorted(paths) == [tmp_path / "1.json", tmp_path / "2.json"]


async def test_a_server_library_from_an_older_claimbot_is_reextracted_on_first_use(
    tmp_path: Path,
) -> None:
    path = tmp_path / "42.json"
    with ClaimsDB.open(path, seeds=None) as db:
        db.add_text("Pier news\n\n\u201cThe pier reopens in May,\u201d said Lena Voss.\n")
    data = json.loads(path.read_text(encoding="utf-8"))
    for row in data["articles"].values():
        row["extractor_version"] = EXTRACTOR_VERSION - 1
    path.write_text(json.dumps(data), encoding="utf-8")

    libraries = Libraries(tmp_path, open_claims_db(None))
    library = await libraries.get(42)
    try:
        assert isinstance(library, ClaimsDB)
        await libraries.reextracted(42)  # it runs in the background, off the event loop
        assert library.outdated_count == 0
        assert library.ask("when does the pier reopen?")[0].statement.speaker == "Lena Voss"
    finally:
        await libraries.close()
