"""Per-server configuration: stored in the library, checked, and the seed switch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claims_db import ClaimsDB
from claims_db.models import SourceKind
from claims_db.server_config import InvalidSetting, ServerConfig
from tests.claims_db.sample_articles import HARBOUR

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_a_new_library_has_no_server_settings(tmp_path: Path) -> None:
    with ClaimsDB.open(tmp_path / "lib.json", seeds=None) as db:
        assert db.server_config == ServerConfig()


def test_settings_are_kept_across_reopening(open_library: Any) -> None:
    with open_library(seeds=None) as db:
        db.configure({"ingest_role": "Editors", "ask_cooldown_rate": 2, "request_expiry_days": 3})
    with open_library(seeds=None) as db:
        assert db.server_config == ServerConfig(
            ingest_role="Editors", ask_cooldown_rate=2, request_expiry_days=3
        )
        db.configure({"ingest_role": None})
        assert db.server_config.ingest_role is None
        assert db.server_config.ask_cooldown_rate == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ask_cooldown_rate": 0}, "between 1 and 100"),
        ({"ask_cooldown_seconds": 99999.0}, "between 1 and 3600"),
        ({"request_expiry_days": 0.5}, "between 1 and 365"),
        ({"ingest_role": "  "}, "role name or id"),
        ({"colour": "red"}, "Unknown setting"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    with ClaimsDB.open(tmp_path / "lib.json", seeds=None) as db:
        db.configure({"ask_cooldown_rate": 4})
        with pytest.raises(InvalidSetting, match=message):
            db.configure(changes)
        assert db.server_config == ServerConfig(ask_cooldown_rate=4)


def test_seed_off_removes_the_seed_and_keeps_members_articles(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    with ClaimsDB.open(path, seeds=SEEDS) as db:
        assert any(a.source is SourceKind.SEED for a in db.articles())
        mine = db.add_text(HARBOUR)
        db.configure({"seed": False})
        assert [a.id for a in db.articles()] == [mine.id]
        assert db.ask("What did Noem say about body cameras?") == []
    with ClaimsDB.open(path, seeds=SEEDS) as db:
        assert [a.id for a in db.articles()] == [mine.id]
        assert db.server_config.seed is False


def test_seed_on_loads_the_seed(tmp_path: Path) -> None:
    with ClaimsDB.open(tmp_path / "lib.json", seeds=None) as db:
        db.configure({"seed": True}, seeds=SEEDS)
        assert any(a.source is SourceKind.SEED for a in db.articles())
        assert db.ask("What did Noem say about body cameras?")
