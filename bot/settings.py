"""The bot's settings, read from the environment and an optional `.env` file."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return platformdirs.user_data_path("claimbot") / "libraries"


class Settings(BaseSettings):
    """Everything the bot reads from `CLAIMBOT_*` variables (and `DISCORD_TOKEN`)."""

    model_config = SettingsConfigDict(
        env_prefix="CLAIMBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,  # a copied .env.example with blank values means "use defaults"
        populate_by_name=True,
    )

    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN", "discord_token")
    )
    data_dir: Path = Field(default_factory=_default_data_dir)
    seeds: Path | None = None
    ingest_role: str | None = None
    allow_private_urls: bool = False
    dev_guild: int | None = None
    ask_cooldown_rate: int = Field(default=5, ge=1)
    ask_cooldown_seconds: float = Field(default=60.0, gt=0)
    allow_loopback_urls: bool = False
    ingest_cooldown_rate: int = Field(default=20, ge=1)
    ingest_cooldown_seconds: float = Field(default=3600.0, gt=0)
    max_attachment_bytes: int = Field(default=2_000_000, ge=1)
    page_timeout_seconds: float = Field(default=180.0, gt=0)
    request_expiry_days: float = Field(default=30.0, gt=0)
    request_limit_per_day: int = Field(default=5, ge=1)
    feed_poll_seconds: float = Field(default=1800.0, gt=0)
    feed_check_seconds: float = Field(default=60.0, gt=0)
    feed_daily_cap: int = Field(default=100, ge=1)
    max_feeds: int = Field(default=20, ge=1)
    watch_mode: bool = False
    watch_daily_cap: int = Field(default=20, ge=1)
    log_level: str = "INFO"

    @property
    def token(self) -> str | None:
        """Return the Discord token, or None when it is missing or blank."""
        if self.discord_token is None:
            return None
        value = self.discord_token.get_secret_value().strip()
        return value or None


def env_names() -> dict[str, str]:
    """Map each `Settings` field to the environment variable that sets it."""
    names: dict[str, str] = {}
    prefix = Settings.model_config.get("env_prefix", "")
    for name, info in Settings.model_fields.items():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            first = alias.choices[0]
            names[name] = str(first)
        elif isinstance(alias, str):
            names[name] = alias
        else:
            names[name] = f"{prefix}{name}".upper()
    return names
