"""Bulk ingest extracts many new files in worker processes, with the same result."""

from __future__ import annotations

from pathlib import Path

from claims_db import ClaimsDB
from claims_db.extract import extract
from claims_db.extract.pool import MIN_POOLED

_TOWNS = ["Arlow", "Bexmoor", "Caddon", "Dunmere", "Elsford", "Fenwick", "Galloway", "Harrowby"]


def _article(i: int) -> str:
    town = _TOWNS[i % len(_TOWNS)]
    return (
        f"{town} budget talks, day {i}\n\n"
        f"Mayor Oriel Fanshawe said the {town} library would open {i} more hours a week.\n\n"
        f"“We found the money in the parks budget,” she said on day {i}.\n\n"
        f"The {town} council will vote again next month, its clerk said."
    )


def test_bulk_ingest_in_processes_matches_extraction_in_process(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    count = MIN_POOLED + 2
    for i in range(count):
        (folder / f"{i:03}.txt").write_text(_article(i), encoding="utf-8")
    (folder / "copy.txt").write_text(_article(0), encoding="utf-8")  # the same article again
    with ClaimsDB.open(tmp_path / "lib.json", seeds=None) as db:
        report = db.add_paths([folder], workers=2)
        assert len(report.added) == count
        assert len(report.skipped) == 1
        for article in report.added:
            stored = [(s.kind, s.text, s.speaker) for s in db.statements(article.id)]
            expected = [(s.kind, s.text, s.speaker) for s in extract(article.text).statements]
            assert sorted(stored) == sorted(expected)
