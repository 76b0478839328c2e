"""Settings: every field is documented in .env.example, and nothing is read at import."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings, env_names

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def example_entries() -> dict[str, str]:
    """Map each NAME in .env.example to the comment line right above it."""
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    entries: dict[str, str] = {}
    for number, line in enumerate(lines):
        match = re.match(r"^([A-Z_]+)=", line)
        if match:
            above = lines[number - 1] if number else ""
            entries[match.group(1)] = above
    return entries


def test_env_example_lists_exactly_the_settings() -> None:
    assert set(example_entries()) == set(env_names().values())


def test_every_env_example_entry_has_a_comment() -> None:
    for name, comment in example_entries().items():
        assert comment.startswith("# ") and len(comment) > 10, name


def test_the_token_is_read_without_prefix_and_kept_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "abc.def")
    loaded = Settings(_env_file=None)  # type: ignore[call-arg]
    assert loaded.token == "abc.def"
    assert "abc.def" not in repr(loaded)
    assert "abc.def" not in str(loaded)


def test_prefixed_settings_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLAIMBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CLAIMBOT_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("CLAIMBOT_DEV_GUILD", "123")
    monkeypatch.setenv("CLAIMBOT_INGEST_ROLE", "Editors")
    loaded = Settings(_env_file=None)  # type: ignore[call-arg]
    assert loaded.data_dir == tmp_path
    assert loaded.allow_private_urls is True
    assert loaded.dev_guild == 123
    assert loaded.ingest_role == "Editors"


def test_blank_values_from_a_copied_example_mean_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in env_names().values():
        monkeypatch.setenv(name, "")
    loaded = Settings(_env_file=None)  # type: ignore[call-arg]
    assert loaded.token is None
    assert loaded.dev_guild is None
    assert loaded.data_dir.parts[-2:] == ("claimbot", "libraries")


def test_missing_token_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert Settings(_env_file=None).token is None  # type: ignore[call-arg]


def test_a_guild_belongs_to_the_shard_discord_routes_it_to(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import Settings

    monkeypatch.setenv("CLAIMBOT_SHARD_COUNT", "4")
    monkeypatch.setenv("CLAIMBOT_SHARD_IDS", "1, 3")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.owned_shards == (1, 3)
    assert [settings.owns(shard << 22 | 12345) for shard in range(8)] == [
        False, True, False, True, False, True, False, True,
    ]  # fmt: skip


def test_shard_ids_without_a_count_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from bot.settings import Settings

    monkeypatch.setenv("CLAIMBOT_SHARD_IDS", "0")
    with pytest.raises(ValidationError, match="needs CLAIMBOT_SHARD_COUNT"):
        Settings(_env_file=None)  # type: ignore[call-arg]
