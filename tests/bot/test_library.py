"""The per-server library cache."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from unittest.mock import create_autospec

import pytest

from bot.library import Libraries
from claims_db import ClaimsDB


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
