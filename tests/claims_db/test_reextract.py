"""Re-extraction after an upgrade: articles an older extractor read get today's statements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import claims_db.db as db_module
from claims_db import ClaimsDB
from claims_db.cli import main
from claims_db.extract import EXTRACTOR_VERSION
from claims_db.models import Article, Extraction

PIER = (
    "Pier to reopen in May\n\n"
    "\u201cThe pier will reopen in May,\u201d said Lena Voss, a city planner.\n"
)
BRIDGE = "Bridge repairs slip\n\nTomas Berg of Ferrisburg said the bridge would open late.\n"


def _age(path: Path) -> None:
    """Make every stored article look as if an older extractor had read it, badly."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for row in data["articles"].values():
        row["extractor_version"] = EXTRACTOR_VERSION - 1
    for row in data["statements"].values():
        row["speaker"], row["speaker_id"] = None, None
    data["speakers"] = {}
    path.write_text(json.dumps(data), encoding="utf-8")


def _assert_both_articles_kept(path: Path) -> None:
    with ClaimsDB.open(path, seeds=None) as db:
        assert len(db.articles()) == 2
        assert all(db.statements(a.id) for a in db.articles())


@pytest.fixture
def aged(tmp_path: Path) -> Path:
    path = tmp_path / "lib.json"
    with ClaimsDB.open(path, seeds=None) as db:
        db.add_text(PIER, url="https://news.example/pier", added_by="mod")
        db.add_text(BRIDGE)
    _age(path)
    return path


def test_reextract_rebuilds_statements_and_keeps_the_articles(aged: Path) -> None:
    with ClaimsDB.open(aged, seeds=None) as db:
        before = {a.id: a for a in db.articles()}
        assert db.outdated_count == 2
        assert db.speakers() == []
        report = db.reextract()
        assert len(report.added) == 2
        assert db.outdated_count == 0
    with ClaimsDB.open(aged, seeds=None) as db:
        answer = db.ask("what did Voss say about the pier?")[0]
        assert (answer.statement.speaker, answer.role) == ("Lena Voss", "city planner")
        assert answer.article.url == "https://news.example/pier"
        after = {a.id: a for a in db.articles()}
        assert after.keys() == before.keys()
        for article_id, old in before.items():
            assert (after[article_id].added_at, after[article_id].added_by) == (
                old.added_at,
                old.added_by,
            )
        assert db.reextract().added == []  # nothing left to do


def test_an_interrupted_reextract_loses_no_article(
    aged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = db_module.extract
    calls: list[str] = []

    def failing(text: str, *, title: str | None = None) -> Extraction:
        calls.append(text)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(text, title=title)

    monkeypatch.setattr(db_module, "extract", failing)
    with ClaimsDB.open(aged, seeds=None) as db, pytest.raises(KeyboardInterrupt):
        db.reextract()
    monkeypatch.setattr(db_module, "extract", real)
    _assert_both_articles_kept(aged)
    with ClaimsDB.open(aged, seeds=None) as db:
        assert db.outdated_count == 2  # the batch is extracted before any article is swapped
        assert len(db.reextract().added) == 2
        assert db.outdated_count == 0


def test_an_interrupt_inside_the_swap_still_leaves_the_article(
    aged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ClaimsDB._put
    calls: list[str] = []

    def interrupted(self: ClaimsDB, article: Article, extraction: Extraction) -> int:
        calls.append(article.id)
        if len(calls) == 1:
            raise KeyboardInterrupt  # after _forget, before anything is put back
        return real(self, article, extraction)

    monkeypatch.setattr(ClaimsDB, "_put", interrupted)
    with ClaimsDB.open(aged, seeds=None) as db, pytest.raises(KeyboardInterrupt):
        db.reextract()
    monkeypatch.setattr(ClaimsDB, "_put", real)
    _assert_both_articles_kept(aged)


def test_the_reextract_command(aged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(aged), "reextract", "-q"]) == 0
    assert "Re-extracted 2 of 2 article(s)." in capsys.readouterr().out
    assert main(["--db", str(aged), "reextract", "-q"]) == 0
    assert "Re-extracted 0 of 2 article(s)." in capsys.readouterr().out
    assert main(["--db", str(aged), "reextract", "-q", "--all"]) == 0
    assert "Re-extracted 2 of 2 article(s)." in capsys.readouterr().out


def test_other_commands_point_to_reextract(aged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(aged), "articles"]) == 0
    assert "2 article(s) were read by an older claimbot" in capsys.readouterr().err
    main(["--db", str(aged), "reextract", "-q"])
    assert "older claimbot" not in capsys.readouterr().err
    main(["--db", str(aged), "articles"])
    assert "older claimbot" not in capsys.readouterr().err
