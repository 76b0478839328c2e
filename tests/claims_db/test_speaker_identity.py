"""Speakers across articles: merged on compatible names only, never on a shared role."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import claims_db.db as db_module
from claims_db import ClaimsDB
from claims_db.cli import main
from claims_db.models import Extraction, Kind

# Invented articles. Reyes and Ortiz are both called "president", of different things.
CLUB = (
    "Harbour club votes to rebuild its pier\n\n"
    "Daniel Reyes, the president of the club, said the old pier could not be saved. "
    "\u201cWe have patched it for ten years,\u201d Reyes said.\n"
)
COUNCIL = (
    "Island council backs ferry subsidy\n\n"
    "President Elena Ortiz said the subsidy would keep the island connected. "
    "\u201cNobody should be cut off in winter,\u201d Ortiz said. "
    "The president told reporters the vote had been unanimous.\n"
)
PIER_DELAY = (
    "Pier vote delayed\n\n"
    "Reyes said the vote on the pier would move to June because the surveyors were late.\n"
)
TIMETABLE = (
    "Ferry timetable changes\n\nPresident Ortiz said winter crossings would run twice a day.\n"
)
# A third president, of a rowing league: shares the title word and "The president" alias.
LEAGUE = (
    "Rowing league picks a new venue\n\n"
    "President Tomas Lindqvist said the regatta would move upriver. "
    "The president told members the old course was too shallow.\n"
)
# A second Ortiz, with another first name.
MARKET = (
    "Market stalls to stay open late\n\n"
    "Marco Ortiz, a stallholder, said the late hours would bring in commuters.\n"
)
ORTIZ_ALONE = "Lantern walk returns\n\nOrtiz said the lantern walk would return in October.\n"


def _attributed(db: ClaimsDB) -> dict[str, list[str]]:
    """Return the reported and quoted statements of each speaker, by speaker name.

    Two speakers of one name would collide here, so the test fails on them.
    """
    by_speaker: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for article in db.articles():
        for st in db.statements(article.id):
            if st.kind is not Kind.CLAIM:
                assert st.speaker is not None and st.speaker_id is not None, st.text
                assert names.setdefault(st.speaker, st.speaker_id) == st.speaker_id, st.speaker
                by_speaker.setdefault(st.speaker, []).append(st.text)
    return {name: sorted(texts) for name, texts in by_speaker.items()}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ClaimsDB]:
    library = ClaimsDB.open(tmp_path / "lib.json", seeds=None)
    yield library
    library.close()


def test_presidents_stay_apart_and_a_later_surname_joins_its_person(db: ClaimsDB) -> None:
    for text in (CLUB, COUNCIL, LEAGUE, PIER_DELAY, TIMETABLE):
        db.add_text(text)
    assert sorted(sp.name for sp in db.speakers()) == [
        "Daniel Reyes",
        "Elena Ortiz",
        "Tomas Lindqvist",
    ]
    assert _attributed(db) == {
        "Daniel Reyes": [
            "We have patched it for ten years",
            "the old pier could not be saved",
            "the vote on the pier would move to June because the surveyors were late",
        ],
        # "The president told ..." is each article's own president, not a shared one.
        "Elena Ortiz": [
            "Nobody should be cut off in winter",
            "the subsidy would keep the island connected",
            "the vote had been unanimous",
            "winter crossings would run twice a day",
        ],
        "Tomas Lindqvist": ["the old course was too shallow", "the regatta would move upriver"],
    }


def test_roles_are_kept_with_the_article_that_gave_them(db: ClaimsDB) -> None:
    club = db.add_text(CLUB)
    later = db.add_text(PIER_DELAY)
    (reyes,) = db.speakers()
    assert reyes.roles_in(club.id) == ("president of the club",)
    assert reyes.roles_in(later.id) == ()
    db.remove_article(club.id)
    (reyes,) = db.speakers()
    assert reyes.roles == ()  # the role went with its article


def test_same_surname_with_another_first_name_is_another_person(db: ClaimsDB) -> None:
    db.add_text(COUNCIL)
    db.add_text(MARKET)
    assert _attributed(db) == {
        "Elena Ortiz": [
            "Nobody should be cut off in winter",
            "the subsidy would keep the island connected",
            "the vote had been unanimous",
        ],
        "Marco Ortiz": ["the late hours would bring in commuters"],
    }


def test_a_surname_two_people_share_stays_unmerged(db: ClaimsDB) -> None:
    db.add_text(COUNCIL)
    db.add_text(MARKET)
    alone = db.add_text(ORTIZ_ALONE)
    speakers = {sp.name: sp for sp in db.speakers()}
    assert sorted(speakers) == ["Elena Ortiz", "Marco Ortiz", "Ortiz"]
    (st,) = [s for s in db.statements(alone.id) if s.kind is not Kind.CLAIM]
    assert (st.text, st.speaker_id) == (
        "the lantern walk would return in October",
        speakers["Ortiz"].id,
    )
    assert st.speaker_id not in {speakers["Elena Ortiz"].id, speakers["Marco Ortiz"].id}


def test_merging_survives_reopening_and_reextracting(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    with ClaimsDB.open(path, seeds=None) as db:
        for text in (CLUB, COUNCIL, LEAGUE, PIER_DELAY, TIMETABLE, MARKET):
            db.add_text(text)
        expected = _attributed(db)
        assert sorted(expected) == ["Daniel Reyes", "Elena Ortiz", "Marco Ortiz", "Tomas Lindqvist"]
    with ClaimsDB.open(path, seeds=None) as db:  # keys rebuilt from the stored speakers
        db.add_text("Pier fund\n\nReyes said the pier fund had reached its target.\n")
        expected["Daniel Reyes"] = sorted(
            [*expected["Daniel Reyes"], "the pier fund had reached its target"]
        )
        assert _attributed(db) == expected
    assert main(["--db", str(path), "reextract", "--all"]) == 0
    with ClaimsDB.open(path, seeds=None) as db:
        assert _attributed(db) == expected
        assert sorted(sp.name for sp in db.speakers()) == sorted(expected)


def test_an_old_library_is_upgraded_without_losing_speakers(tmp_path: Path) -> None:
    """A version-1 library (one alias and role list per speaker) opens as version 2."""
    path = tmp_path / "lib.json"
    with ClaimsDB.open(path, seeds=None) as db:
        club = db.add_text(CLUB)
        db.add_text(PIER_DELAY)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["_meta"]["1"]["schema_version"] = 1
    for row in data["speakers"].values():
        del row["appearances"], row["kind"]
        row["aliases"].append("Danny")  # a name no article holds
    old = json.dumps(data)
    path.write_text(old, encoding="utf-8")
    with ClaimsDB.open(path, seeds=None) as db:
        (reyes,) = db.speakers()
        assert reyes.kind == "person"
        assert "Danny" in reyes.aliases
        assert reyes.roles_in(club.id) == ("president of the club",)
        assert db.speaker_statement_count(reyes.id) == 3
    assert (tmp_path / "lib.json.v1.bak").read_text(encoding="utf-8") == old
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["_meta"]["1"]["schema_version"] == 2
    (row,) = stored["speakers"].values()
    assert {a["article_id"] for a in row["appearances"]} >= {club.id, None}


def test_a_name_that_reads_as_an_organisation_is_one(db: ClaimsDB) -> None:
    db.add_text(
        "Harbour dredging\n\nThe Harbour Trust said the channel would be dredged in spring.\n"
    )
    kinds = {sp.name: sp.kind for sp in db.speakers()}
    assert kinds == {"Harbour Trust": "organisation"}


def test_appearances_are_stored_as_they_accumulate(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    with ClaimsDB.open(path, seeds=None) as db:
        club = db.add_text(CLUB)
        for text in (PIER_DELAY, COUNCIL, TIMETABLE):
            db.add_text(text)
        db.remove_article(club.id)  # Reyes stays, named in full, without his role
        db.add_text(CLUB)
        before = {sp.id: sp for sp in db.speakers()}
    with ClaimsDB.open(path, seeds=None) as db:
        assert {sp.id: sp for sp in db.speakers()} == before
    reyes = next(sp for sp in before.values() if sp.name == "Daniel Reyes")
    assert [a.roles for a in reyes.appearances] == [(), ("president of the club",)]


def test_an_extraction_without_kinds_gets_them_from_the_names(
    db: ClaimsDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seam for extraction that cannot tell people from organisations (kind None)."""
    real = db_module.extract

    def without_kinds(text: str, *, title: str | None = None) -> Extraction:
        found = real(text, title=title)
        return replace(found, speakers=tuple(replace(sp, kind=None) for sp in found.speakers))

    monkeypatch.setattr(db_module, "extract", without_kinds)
    db.add_text(
        "Harbour dredging\n\n"
        "The Harbour Trust said the channel would be dredged in spring. "
        "Daniel Reyes said the club would move its boats.\n"
    )
    kinds = {sp.name: sp.kind for sp in db.speakers()}
    assert kinds == {"Harbour Trust": "organisation", "Daniel Reyes": "person"}
