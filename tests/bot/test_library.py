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


FERRY = """Ferry crossings to Vellholm to be halved

The county transport office said on Tuesday that the number of daily crossings to Vellholm will fall from twelve to six in March.

"The island cannot live on six boats a day," said Wenche Aaberge, who chairs the island council.
"""


async def _until_embedded(library: ClaimsDB) -> None:
    for _ in range(600):
        if library.missing_vector_count() == 0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the background worker did not embed the library within 60 s")


async def test_ingest_answers_at_once_and_vectors_follow_in_the_background(
    tmp_path: Path,
) -> None:
    seeds = tmp_path / "no-seeds"
    seeds.mkdir()
    libraries = Libraries(tmp_path / "data", open_claims_db(seeds))
    library = await libraries.get(7)
    assert isinstance(library, ClaimsDB)
    await asyncio.to_thread(library.add_text, FERRY)
    # Answered lexically before any vector exists.
    first = await asyncio.to_thread(library.ask, "what did Aaberge say about the boats?")
    assert first and first[0].statement.speaker == "Wenche Aaberge"
    await _until_embedded(library)
    assert (tmp_path / "data" / "7.json.vectors").is_file()
    # Answered with the semantic stage once the vectors exist.
    after = await asyncio.to_thread(library.ask, "Will there be fewer boat trips to the island?")
    assert after and after[0].statement.speaker == "Wenche Aaberge"
    await libraries.close()

    # A restart with a damaged sidecar answers at once and rebuilds it behind the answers.
    sidecar = tmp_path / "data" / "7.json.vectors"
    sidecar.write_bytes(b"damaged")
    libraries = Libraries(tmp_path / "data", open_claims_db(seeds))
    library = await libraries.get(7)
    assert isinstance(library, ClaimsDB)
    again = await asyncio.to_thread(library.ask, "what did Aaberge say about the boats?")
    assert again and again[0].statement.speaker == "Wenche Aaberge"
    await _until_embedded(library)
    assert sidecar.read_bytes().startswith(b"CLAIMVEC1")
    await libraries.close()
