"""claimbot's Discord layer: `create_bot()`, `run_bot()` and `sync_commands()`."""

from __future__ import annotations

from bot.app import create_bot, run_bot, sync_commands
from bot.settings import Settings

__all__ = ["Settings", "create_bot", "run_bot", "sync_commands"]
