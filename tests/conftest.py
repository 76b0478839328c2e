"""Fixtures shared by every test package."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_FILE = REPO / "seeds" / "000_2b7fe4ef701bf384.txt"


def load_shared_json(*parts: str) -> Any:
    """Read a file of ../shared; fail (never skip) when it is missing."""
    path = SHARED.joinpath(*parts)
    assert path.is_file(), f"{path} is missing: the acceptance data must sit beside the repo"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep tests away from the user's real library and settings."""
    monkeypatch.setenv("CLAIMBOT_DB", str(tmp_path / "default-library.json"))
    monkeypatch.delenv("CLAIMBOT_SEEDS", raising=False)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
