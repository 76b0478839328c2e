"""Name rules of speaker identity across articles (claims_db.identity)."""

from __future__ import annotations

import pytest

from claims_db.identity import Directory, identity_of, kind_of, name_words
from claims_db.models import SpeakerKind

PERSON = SpeakerKind.PERSON


@pytest.mark.parametrize(
    ("alias", "words"),
    [
        ("Daniel Reyes", ("daniel", "reyes")),
        ("President Elena Ortiz", ("elena", "ortiz")),
        ("Vice President Elena Ortiz", ("elena", "ortiz")),
        ("Ms. Ortiz", ("ortiz",)),
        ("Ludwig van Hoorn", ("ludwig", "van", "hoorn")),
        ("The Harbour Trust", ("harbour", "trust")),
        ("the president of the club", None),
        ("The president", None),
        ("President", None),
        ("officials", None),
    ],
)
def test_name_words_drop_titles_and_refuse_descriptions(
    alias: str, words: tuple[str, ...] | None
) -> None:
    assert name_words(alias) == words


def _directory(*people: tuple[str, ...]) -> Directory:
    directory = Directory()
    for i, names in enumerate(people):
        directory.add(f"p{i}", identity_of(names, PERSON))
    return directory


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("Elena Ortiz",), ("p0", False)),
        (("Elena J. Ortiz",), ("p0", False)),
        (("Reyes",), ("p1", False)),
        (("D. Reyes",), ("p1", False)),
        (("Ana Reyes",), (None, False)),  # another first name: another person
        (("E. Reyes",), (None, False)),  # a conflicting initial
        (("Ms. Reyes",), (None, False)),  # Daniel Reyes is "Mr. Reyes"
        (("President", "the president"), (None, False)),
    ],
)
def test_directory_matches_full_names_and_unambiguous_surnames(
    names: tuple[str, ...], expected: tuple[str | None, bool]
) -> None:
    directory = _directory(("Elena Ortiz", "Ortiz"), ("Daniel Reyes", "Mr. Reyes"))
    assert directory.find(identity_of(names, PERSON)) == expected


def test_a_surname_two_people_hold_is_ambiguous() -> None:
    directory = _directory(("Elena Ortiz",), ("Marco Ortiz",))
    assert directory.find(identity_of(("Ortiz",), PERSON)) == (None, True)
    assert directory.find(identity_of(("Mr. Ortiz",), PERSON)) == (None, True)


def test_an_honorific_settles_a_shared_surname() -> None:
    directory = _directory(("Elena Ortiz", "Ms. Ortiz"), ("Marco Ortiz", "Mr. Ortiz"))
    assert directory.find(identity_of(("Ms. Ortiz",), PERSON)) == ("p0", False)


def test_people_and_organisations_never_merge() -> None:
    directory = Directory()
    directory.add("org", identity_of(("Harbour Trust",), SpeakerKind.ORGANISATION))
    assert directory.find(identity_of(("Harbour Trust",), PERSON)) == (None, False)
    org = identity_of(("the Harbour Trust",), SpeakerKind.ORGANISATION)
    assert directory.find(org) == ("org", False)


def test_an_organisation_keeps_a_title_word_of_its_name() -> None:
    directory = Directory()
    directory.add("senate", identity_of(("State Senate",), SpeakerKind.ORGANISATION))
    other = identity_of(("Senate",), SpeakerKind.ORGANISATION)
    assert directory.find(other) == (None, False)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Harbour Trust", SpeakerKind.ORGANISATION),
        ("Island Ferry Authority", SpeakerKind.ORGANISATION),
        ("NATO", SpeakerKind.ORGANISATION),
        ("Daniel Reyes", PERSON),
        ("Reyes", PERSON),
    ],
)
def test_an_unclassified_speaker_is_a_person_unless_the_name_reads_as_an_organisation(
    name: str, kind: SpeakerKind
) -> None:
    assert kind_of(name, None) is kind
    assert kind_of(name, PERSON) is PERSON  # extraction's kind wins when it has one
