"""Logging hygiene: importing never configures logging, and secrets stay out of text forms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pydantic import SecretStr

from bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SECRET = "MTE5OTk5.logging-hygiene-secret.Zq7xV3kP9wLrT2mN"  # noqa: S105 - a fake token

_IMPORT_ALL = """
import importlib, logging, pkgutil, sys
import bot, claims_db
for package in (claims_db, bot):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
root = logging.getLogger()
configured = [
    name
    for name, logger in logging.Logger.manager.loggerDict.items()
    if isinstance(logger, logging.Logger)
    and (logger.handlers or logger.level)
    and name.split(".")[0] in ("bot", "claims_db")
]
print(len(root.handlers), root.level, configured)
"""


def test_importing_every_module_configures_no_logging() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "30", "[]"]  # no handler, WARNING, as Python starts


def test_settings_never_show_the_token_in_text_forms() -> None:
    settings = Settings(_env_file=None, discord_token=SecretStr(SECRET))  # type: ignore[call-arg]
    assert settings.token == SECRET
    shown = [repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())]
    assert all(SECRET not in text for text in shown)
