"""The ClaimsDB facade: adding, deduplicating, removing, seeding, persisting."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest
from sample_articles import HARBOUR, LIBRARY, numbered_article

from claims_db import ClaimsDB
from claims_db import store as store_mod
from claims_db.errors import EmptyInput, InputTooLarge, NotFound
from claims_db.models import Kind, SourceKind
from claims_db.store import SaveFailed

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ClaimsDB]:
    library = ClaimsDB.open(tmp_path / "lib.json", seeds=None)
    yield library
    library.close()


def test_new_library_starts_with_the_seed_articles(tmp_path: Path) -> None:
    with ClaimsDB.open(tmp_path / "lib.json") as db:
        articles = db.articles()
    assert [a.source for a in articles] == [SourceKind.SEED]
    assert articles[0].title.startswith("Homeland Security officers in Minneapolis")


def test_empty_seeds_setting_starts_an_empty_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMBOT_SEEDS", "")
    with ClaimsDB.open(tmp_path / "lib.json") as db:
        assert db.articles() == []


def test_seeds_setting_can_name_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "myseeds"
    folder.mkdir()
    (folder / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    monkeypatch.setenv("CLAIMBOT_SEEDS", str(folder))
    with ClaimsDB.open(tmp_path / "lib.json") as db:
        assert [a.title for a in db.articles()] == [HARBOUR.splitlines()[0]]


def test_seeds_are_not_added_again_to_an_existing_library(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    with ClaimsDB.open(path) as db:
        db.remove_article(db.articles()[0].id)
    with ClaimsDB.open(path) as db:
        assert db.articles() == []


def test_same_article_twice_is_one_article(db: ClaimsDB) -> None:
    first = db.add_text(HARBOUR)
    again = db.add_text(HARBOUR.replace("“", '"').replace("”", '"').replace("\n", "\n\n"))
    assert again.id == first.id
    assert len(db.articles()) == 1


def test_first_line_is_the_title_of_pasted_text(db: ClaimsDB) -> None:
    article = db.add_text(HARBOUR, added_by="member#1")
    assert article.title == "Harbour bridge repairs will finish by spring, mayor says"
    assert article.added_by == "member#1"
    assert article.source is SourceKind.TEXT


def test_every_statement_is_an_exact_substring_of_its_article(db: ClaimsDB) -> None:
    article = db.add_text(HARBOUR)
    statements = db.statements(article.id)
    assert statements
    for st in statements:
        assert article.text[st.start : st.end] == st.text
        assert st.text in st.sentence


def test_statement_counts_cover_every_kind(db: ClaimsDB) -> None:
    article = db.add_text(HARBOUR)
    counts = db.statement_counts(article.id)
    assert set(counts) == set(Kind)
    assert counts[Kind.DIRECT] >= 3
    assert sum(counts.values()) == len(db.statements(article.id))


def test_whitespace_only_text_is_refused(db: ClaimsDB) -> None:
    with pytest.raises(EmptyInput):
        db.add_text("  \n\t \n")


def test_speaker_in_two_articles_is_one_speaker(db: ClaimsDB) -> None:
    db.add_text(HARBOUR)
    db.add_text(LIBRARY)
    ruiz = [sp for sp in db.speakers() if sp.name == "Ana Ruiz"]
    assert len(ruiz) == 1
    assert db.speaker_statement_count(ruiz[0].id) >= 4


@pytest.mark.parametrize(
    "names",
    [("Vera J. Quillby", "Vera Quillby"), ("Vera Quillby", "Vera J. Quillby")],
)
def test_a_middle_initial_does_not_split_a_speaker(db: ClaimsDB, names: tuple[str, str]) -> None:
    for n, name in enumerate(names):
        db.add_text(f"Levee report {n}\n\n{name} said the levee number {n} would hold.")
    speakers = [sp for sp in db.speakers() if "Quillby" in sp.name]
    assert [sp.name for sp in speakers] == [names[0]]
    assert set(speakers[0].aliases) >= set(names)
    assert db.speaker_statement_count(speakers[0].id) == 2


def test_different_middle_initials_are_different_speakers(db: ClaimsDB) -> None:
    db.add_text("Levee report\n\nVera J. Quillby said the levee would hold.")
    db.add_text("Dam report\n\nVera K. L. Quillby said the dam would hold.")
    assert sorted(sp.name for sp in db.speakers() if "Quillby" in sp.name) == [
        "Vera J. Quillby",
        "Vera K. L. Quillby",
    ]


def test_remove_article_drops_statements_and_orphaned_speakers(db: ClaimsDB) -> None:
    harbour = db.add_text(HARBOUR)
    db.add_text(LIBRARY)
    db.remove_article(harbour.id)
    names = {sp.name for sp in db.speakers()}
    assert "Tomas Berg" not in names  # only quoted in the removed article
    assert "Ana Ruiz" in names  # still quoted in the other one
    assert all(a.id != harbour.id for a in db.articles())
    with pytest.raises(NotFound):
        db.statements(harbour.id)


def test_unknown_article_id_is_not_found(db: ClaimsDB) -> None:
    with pytest.raises(NotFound, match="No article"):
        db.remove_article("0123456789abcdef")


def test_article_can_be_found_by_a_unique_id_prefix(db: ClaimsDB) -> None:
    article = db.add_text(HARBOUR)
    assert db.article(article.id[:8]) == article


def test_library_reopens_with_everything_searchable(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    with ClaimsDB.open(path, seeds=None) as db:
        article = db.add_text(HARBOUR)
        stored = db.statements(article.id)
    with ClaimsDB.open(path, seeds=None) as db:
        assert db.statements(article.id) == stored
        answers = db.ask("When will the harbour bridge reopen?")
        assert answers and answers[0].article.id == article.id


def test_failed_save_keeps_disk_and_memory_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lib.json"
    db = ClaimsDB.open(path, seeds=None)
    db.add_text(HARBOUR)
    good = path.read_bytes()

    def permission_denied(src: Path, dst: Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(store_mod, "_replace", permission_denied)
    with pytest.raises(SaveFailed):
        db.add_text(LIBRARY)
    assert path.read_bytes() == good
    assert len(db.articles()) == 1
    assert not any("Nair" in (a.statement.speaker or "") for a in db.ask("library budget cut"))
    monkeypatch.undo()
    db.close()


def test_folder_ingest_adds_only_what_is_new(db: ClaimsDB, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(5):
        (folder / f"{n}.txt").write_text(numbered_article(n), encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")  # not an article type: passed over
    first = db.add_paths([folder])
    (folder / "5.txt").write_text(numbered_article(5), encoding="utf-8")
    second = db.add_paths([folder])
    assert (len(first.added), len(first.skipped), first.failed) == (5, 0, [])
    assert (len(second.added), len(second.skipped)) == (1, 5)


def test_folder_ingest_reports_bad_files_and_goes_on(db: ClaimsDB, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(numbered_article(1), encoding="utf-8")
    (folder / "b.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (folder / "c.txt").write_text("   ", encoding="utf-8")
    report = db.add_paths([folder])
    assert len(report.added) == 1
    assert sorted(Path(name).name for name, _ in report.failed) == ["b.txt", "c.txt"]


def test_overlong_question_is_refused_with_the_limit(db: ClaimsDB) -> None:
    with pytest.raises(InputTooLarge, match="at most 4,000"):
        db.ask("why " * 2000)
    assert db.ask("why " * 900) == []  # within the limit: an honest empty answer


def test_ask_explained_names_a_speaker_the_library_lacks(tmp_path: Path) -> None:
    db = ClaimsDB.open(tmp_path / "lib.json", seeds=None)
    db.add_text(
        "Ferry cuts\n\nMayor Ilse Brandvold said on Monday that the ferry tolls would not rise.\n",
        title="Ferry cuts",
    )
    found = db.ask_explained("What did Bransvolden say about the ferry tolls?")
    assert found.answers == ()
    assert found.unknown_speaker == "Bransvolden"
    assert [s.name for s in found.did_you_mean] == ["Ilse Brandvold"]
    assert db.ask("What did Bransvolden say about the ferry tolls?") == []
    assert db.ask_explained("What did Brandvold say about the ferry tolls?").answers


def test_an_answer_tells_when_its_speaker_is_unnamed(tmp_path: Path) -> None:
    db = ClaimsDB.open(tmp_path / "lib.json", seeds=None)
    db.add_text(
        "Ferry cuts\n\n"
        '"The ferry timetable is a disgrace," said Mayor Ilse Brandvold.\n\n'
        '"The ferry is our lifeline," said a woman waiting at the quay.\n',
        title="Ferry cuts",
    )
    answers = db.ask("who said the ferry is our lifeline?")
    assert answers and answers[0].statement.text == "The ferry is our lifeline"
    assert answers[0].is_speaker_unnamed
    assert not any(a.is_speaker_unnamed for a in answers if a.statement.speaker_id)


def test_ingest_says_whether_the_article_was_new(db: ClaimsDB) -> None:
    first = db.ingest_text(HARBOUR)
    again = db.ingest_bytes(HARBOUR.encode(), filename="harbour.txt")
    assert first.is_new and not again.is_new
    assert again.article == first.article
    assert db.add_text(HARBOUR) == first.article  # the old signature still returns the article


WHITFIELDS = (
    "School calendar vote\n\n"
    "“Families asked for a longer break,” board chair Dana Whitfield said.\n"
    "“Children will lose a week of summer school,” teacher Roy Whitfield said.\n"
)


def test_a_shared_last_name_is_ambiguous_and_a_full_name_is_not(db: ClaimsDB) -> None:
    db.add_text(WHITFIELDS)
    both = db.resolve_speaker("Whitfield")
    assert both.speaker is None
    assert {s.name for s in both.candidates} == {"Dana Whitfield", "Roy Whitfield"}
    roy = db.resolve_speaker("Roy Whitfield").speaker
    assert roy is not None and roy.name == "Roy Whitfield"
    quotes = db.speaker_quotes(roy.id)
    assert [a.statement.speaker for a in quotes] == ["Roy Whitfield"]
    assert db.answer_for(quotes[0].statement.id).statement == quotes[0].statement


def test_a_misspelt_name_resolves_to_the_speaker_it_resembles(db: ClaimsDB) -> None:
    db.add_text(WHITFIELDS)
    found = db.resolve_speaker("Roy Whitfeld")
    assert found.speaker is not None and found.speaker.name == "Roy Whitfield"
    assert db.resolve_speaker("Zebulon Quartermaine").candidates == ()


def test_answer_for_a_removed_statement_says_it_is_gone(db: ClaimsDB) -> None:
    with pytest.raises(NotFound):
        db.answer_for("0000000000000000")
