"""The bot's settings, read from the environment and an optional `.env` file."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
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
    database_url: SecretStr | None = None
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: str | None = None
    max_resident_statements: int = Field(default=0, ge=0)
    identify_spacing_seconds: float = Field(default=5.0, ge=0)
    catch_up_seconds: float = Field(default=60.0, gt=0)

    @field_validator("shard_ids")
    @classmethod
    def _shard_list(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = [p.strip() for p in value.replace(" ", ",").split(",") if p.strip()]
        if not parts or not all(p.isdigit() for p in parts):
            raise ValueError("give shard ids as numbers separated by commas, e.g. 0,1")
        return ",".join(str(int(p)) for p in parts)

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("CLAIMBOT_SHARD_IDS needs CLAIMBOT_SHARD_COUNT")
            if any(i >= self.shard_count for i in self.owned_shards):
                raise ValueError("every shard id must be below CLAIMBOT_SHARD_COUNT")
        return self

    @property
    def database(self) -> str | None:
        """Return the PostgreSQL URL, or None for TinyDB files."""
        if self.database_url is None:
            return None
        value = self.database_url.get_secret_value().strip()
        return value or None

    @property
    def is_sharded(self) -> bool:
        """Return whether shard settings are given."""
        return self.shard_count is not None

    @property
    def owned_shards(self) -> tuple[int, ...]:
        """Return the shard ids this process runs (all of them when only a count is set)."""
        if self.shard_ids is not None:
            return tuple(int(p) for p in self.shard_ids.split(","))
        return tuple(range(self.shard_count or 1))

    def owns(self, guild_id: int) -> bool:
        """Return whether Discord routes this guild's events to one of our shards."""
        return (int(guild_id) >> 22) % (self.shard_count or 1) in self.owned_shards

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
