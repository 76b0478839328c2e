"""Search: an in-memory inverted index over statements, question parsing and ranking."""

from __future__ import annotations

from collections.abc import Iterable

from claims_db.models import Match, Speaker, Statement


class SearchIndex:
    """Rank stored statements for a question; updated on every add and remove."""

    def __init__(self) -> None:
        raise NotImplementedError

    def add(self, statements: Iterable[Statement], speakers: Iterable[Speaker]) -> None:
        """Index statements; speakers (new or updated with more aliases) replace earlier ones."""
        raise NotImplementedError

    def remove(self, statement_ids: Iterable[str], speaker_ids: Iterable[str] = ()) -> None:
        """Drop statements (and speakers left without statements) from the index."""
        raise NotImplementedError

    def search(self, question: str, *, limit: int = 3) -> list[Match]:
        """Return the best statements for a question, [] when nothing matches well."""
        raise NotImplementedError

    def find_speakers(self, name: str, *, limit: int = 5) -> list[tuple[str, float]]:
        """Return (speaker id, score 0..1) of speakers whose names or roles match ``name``."""
        raise NotImplementedError

    def quotes(self, speaker_id: str, *, topic: str | None = None, limit: int = 50) -> list[Match]:
        """Return a speaker's statements, ranked by ``topic`` when given (else reading order)."""
        raise NotImplementedError
