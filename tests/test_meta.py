"""Project rules that code review alone would miss."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_engine_never_imports_discord() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "claims_db").rglob("*.py"))
        if any(m == "discord" or m.startswith("discord.") for m in _imported_modules(path))
    ]
    assert offenders == []


def test_bot_holds_no_extraction_or_ranking_logic() -> None:
    forbidden = ("claims_db.extract", "claims_db.search", "claims_db.query", "rapidfuzz")
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "bot").rglob("*.py"))
        if any(m.startswith(forbidden) for m in _imported_modules(path))
    ]
    assert offenders == []


def test_only_store_imports_tinydb() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "claims_db").rglob("*.py"))
        if path.name != "store.py" and any(m.startswith("tinydb") for m in _imported_modules(path))
    ]
    assert offenders == []
