"""Acceptance: every seed question gives the expected statement first, or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claims_db.models import Statement
from claims_db.search import SearchIndex

SHARED = Path(__file__).resolve().parents[4] / "shared"
# Read at collection time on purpose: a missing shared/ folder must fail the run, not skip it.
SEED_QUESTIONS: list[dict[str, Any]] = json.loads(
    (SHARED / "acceptance" / "seed_questions.json").read_text(encoding="utf-8")
)["questions"]


@pytest.mark.parametrize("item", SEED_QUESTIONS, ids=[q["question"] for q in SEED_QUESTIONS])
def test_seed_question_answer(
    seed_index: SearchIndex, seed_statements: dict[str, Statement], item: dict[str, Any]
) -> None:
    matches = seed_index.search(item["question"], limit=3)
    if not item["expect_any_of"]:
        assert matches == []
        return
    assert matches, "expected an answer, got none"
    top = seed_statements[matches[0].statement_id]
    assert top.text in item["expect_any_of"]
    assert top.speaker == item["speaker"]
