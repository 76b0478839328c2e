"""Fixtures for search tests: the seed library and our question set (see bench/questions.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from claims_db.models import Statement
from claims_db.search import SearchIndex

REPO = Path(__file__).resolve().parents[3]


def _load_questions_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_questions", REPO / "bench" / "questions.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


questions_module = _load_questions_module()


@pytest.fixture(scope="session")
def seed_index() -> SearchIndex:
    """Return an index over the seed article's gold statements (fails if shared/ is missing)."""
    statements, speakers = questions_module.seed_library()
    index = SearchIndex()
    index.add(statements, speakers)
    return index


@pytest.fixture(scope="session")
def full_index() -> tuple[SearchIndex, dict[str, object]]:
    """Return an index over the seed and the crafted articles, plus statements by id."""
    index, by_id = questions_module.full_index()
    return index, by_id


@pytest.fixture(scope="session")
def seed_statements() -> dict[str, Statement]:
    """Return the seed library's statements by id."""
    statements, _ = questions_module.seed_library()
    return {s.id: s for s in statements}
