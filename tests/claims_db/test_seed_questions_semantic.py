"""Acceptance through ClaimsDB with the semantic stage on: the seed questions still hold."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claims_db import ClaimsDB

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEED_QUESTIONS: list[dict[str, Any]] = json.loads(
    (SHARED / "acceptance" / "seed_questions.json").read_text(encoding="utf-8")
)["questions"]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClaimsDB]:
    db = ClaimsDB.open(tmp_path_factory.mktemp("seeded") / "lib.json", seeds=SEEDS)
    db.embed_missing()
    assert db.missing_vector_count() == 0
    yield db
    db.close()


@pytest.mark.parametrize("item", SEED_QUESTIONS, ids=[q["question"] for q in SEED_QUESTIONS])
def test_seed_question_through_the_fused_ranking(embedded: ClaimsDB, item: dict[str, Any]) -> None:
    answers = embedded.ask(item["question"], limit=3)
    if not item["expect_any_of"]:
        assert answers == []
        return
    assert answers, "expected an answer, got none"
    assert answers[0].statement.text in item["expect_any_of"]
    assert answers[0].statement.speaker == item["speaker"]
