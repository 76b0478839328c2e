"""A server's own configuration, stored in its library; unset values use the operator's defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Final

from claims_db.errors import ClaimsError

MAX_ROLE: Final = 100
ASK_RATE: Final = (1, 100)  # questions (or articles) per window
ASK_SECONDS: Final = (1.0, 3600.0)
EXPIRY_DAYS: Final = (1.0, 365.0)


class InvalidSetting(ClaimsError):
    """A configuration value out of its allowed range."""


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """What a server set for itself; None means "the operator's default"."""

    ingest_role: str | None = None  # role name or id allowed to add articles
    ask_cooldown_rate: int | None = None  # questions one member may ask per window
    ask_cooldown_seconds: float | None = None  # that window
    ingest_cooldown_rate: int | None = None  # articles members may add per window, together
    ingest_cooldown_seconds: float | None = None  # that window
    seed: bool | None = None  # whether the seed articles are in the library
    request_expiry_days: float | None = None  # days a source request stays open

    def changed(self, **values: Any) -> ServerConfig:
        """Return this configuration with ``values`` set (checked; None resets one)."""
        known = {f.name for f in fields(self)}
        unknown = set(values) - known
        if unknown:
            raise InvalidSetting(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
        updated = replace(self, **values)
        updated.check()
        return updated

    def check(self) -> None:
        """Raise `InvalidSetting` when a value is out of range."""
        if self.ingest_role is not None and not 0 < len(self.ingest_role.strip()) <= MAX_ROLE:
            raise InvalidSetting("The ingest role must be a role name or id.")
        _in_range("questions per window", self.ask_cooldown_rate, ASK_RATE)
        _in_range("question window (seconds)", self.ask_cooldown_seconds, ASK_SECONDS)
        _in_range("articles per window", self.ingest_cooldown_rate, ASK_RATE)
        _in_range("article window (seconds)", self.ingest_cooldown_seconds, ASK_SECONDS)
        _in_range("request expiry (days)", self.request_expiry_days, EXPIRY_DAYS)

    def to_dict(self) -> dict[str, Any]:
        """Return the stored form (only the values that were set)."""
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ServerConfig:
        """Read the stored form, ignoring keys this version does not know."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


def _in_range(name: str, value: float | None, bounds: tuple[float, float]) -> None:
    if value is None:
        return
    low, high = bounds
    if not low <= value <= high:
        raise InvalidSetting(f"The {name} must be between {low:g} and {high:g}.")
