"""Hand-built statement records for the search tests."""

from __future__ import annotations

from claims_db.models import Kind, Speaker, Statement


def statement(
    sid: str,
    text: str,
    *,
    speaker: Speaker | None = None,
    article: str = "a1",
    sentence: str | None = None,
    start: int = 0,
    kind: Kind | None = None,
) -> Statement:
    """Return a statement whose sentence is its own text unless ``sentence`` is given."""
    return Statement(
        id=sid,
        article_id=article,
        kind=kind or (Kind.DIRECT if speaker else Kind.CLAIM),
        text=text,
        start=start,
        end=start + len(text),
        sentence=sentence or text,
        speaker_id=speaker.id if speaker else None,
        speaker=speaker.name if speaker else None,
    )
