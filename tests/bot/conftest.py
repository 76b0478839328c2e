"""Fixtures for the bot's unit tests: settings without secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings


@pytest.fixture
def bot_settings(tmp_path: Path) -> Settings:
    """Settings that ignore the developer's environment and .env."""
    return Settings(_env_file=None, discord_token=None, data_dir=tmp_path)  # type: ignore[call-arg]
