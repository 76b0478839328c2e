"""The seed article gives every statement of the shared acceptance gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claims_db.extract import extract
from claims_db.models import Extraction, Kind, SpeakerKind

_REPO = Path(__file__).resolve().parents[3]
_GOLD = _REPO.parent / "shared" / "acceptance" / "seed_gold.json"


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    # CI keeps a copy of shared/ beside the repository: a missing file is a failure.
    assert _GOLD.is_file(), f"acceptance gold missing: {_GOLD}"
    data: dict[str, Any] = json.loads(_GOLD.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def seed(gold: dict[str, Any]) -> Extraction:
    text = (_REPO / gold["article"]).read_text(encoding="utf-8")
    return extract(text)


def test_seed_title_is_the_headline(seed: Extraction, gold: dict[str, Any]) -> None:
    assert seed.title == gold["title"]


def test_seed_gives_every_gold_statement(seed: Extraction, gold: dict[str, Any]) -> None:
    found = {(s.kind.value, s.text, s.speaker) for s in seed.statements}
    missing = [
        (g["kind"], g["text"], g["speaker"])
        for g in gold["statements"]
        if (g["kind"], g["text"], g["speaker"]) not in found
    ]
    assert missing == []


def test_seed_statements_are_exact_substrings(seed: Extraction) -> None:
    for s in seed.statements:
        assert seed.text[s.start : s.end] == s.text
        assert s.sentence_start <= s.start <= s.end <= s.sentence_end


def test_seed_never_names_bystanders_as_speakers(seed: Extraction, gold: dict[str, Any]) -> None:
    speakers = {s.speaker for s in seed.statements} | {sp.name for sp in seed.speakers}
    assert speakers.isdisjoint(gold["not_speakers"])


def test_seed_speakers_have_gold_aliases_found_in_text(
    seed: Extraction, gold: dict[str, Any]
) -> None:
    by_name = {sp.name: sp for sp in seed.speakers}
    assert set(gold["speakers"]) <= set(by_name)
    for name, entry in gold["speakers"].items():
        present = {a for a in entry["aliases"] if a in seed.text}
        assert present <= set(by_name[name].aliases), name


def test_seed_agency_is_an_organisation(seed: Extraction) -> None:
    kinds = {sp.name: sp.kind for sp in seed.speakers}
    assert kinds["Customs and Border Protection"] is SpeakerKind.ORGANISATION
    assert kinds["Kristi Noem"] is SpeakerKind.PERSON


def test_seed_addressee_is_kept_apart(seed: Extraction) -> None:
    told = [s for s in seed.statements if s.cue == "told"]
    assert [(s.speaker, s.addressee) for s in told] == [("Ron Johnson", "Dana Bash")]


def test_seed_roles_include_titles(seed: Extraction) -> None:
    roles = {sp.name: sp.roles for sp in seed.speakers}
    assert "Secretary" in roles["Kristi Noem"]
    assert "President" in roles["Donald Trump"]
    assert "White House press secretary" in roles["Karoline Leavitt"]


def test_seed_claims_are_whole_sentences(seed: Extraction) -> None:
    for s in seed.statements:
        if s.kind is Kind.CLAIM:
            assert (s.start, s.end) == (s.sentence_start, s.sentence_end)


def test_seed_cues_match_gold(seed: Extraction, gold: dict[str, Any]) -> None:
    cues = {(s.text, s.cue) for s in seed.statements}
    missing = [(g["text"], g["cue"]) for g in gold["statements"] if "cue" in g]
    assert [pair for pair in missing if pair not in cues] == []
