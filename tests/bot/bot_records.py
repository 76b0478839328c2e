"""Engine records for the bot's unit tests."""

from __future__ import annotations

from claims_db.models import Answer, Article, Kind, Speaker, Statement


def make_answer(
    text: str = "We will rebuild FEMA from the ground up.",
    *,
    kind: Kind = Kind.DIRECT,
    speaker: str | None = "Kristi Noem",
    role: str | None = "Secretary of Homeland Security",
    title: str = "Noem vows to overhaul FEMA",
    url: str | None = "https://news.example/noem-fema",
    publisher: str | None = "Example News",
    published: str | None = "2025-03-02",
    score: float = 0.87,
    contradicts: bool = False,
    also_in: int = 0,
    sentence: str | None = None,
) -> Answer:
    """Build an Answer with the given visible parts."""
    article = Article(
        id="a1b2c3d4e5f60718",
        title=title,
        text=text,
        url=url,
        publisher=publisher,
        published=published,
    )
    statement = Statement(
        id="s1",
        article_id=article.id,
        kind=kind,
        text=text,
        start=0,
        end=len(text),
        sentence=sentence or text,
        speaker_id="p1" if speaker else None,
        speaker=speaker,
    )
    person = Speaker(id="p1", name=speaker, roles=(role,) if role else ()) if speaker else None
    others = tuple(
        Article(
            id=f"other{i}",
            title=f"Other {i}",
            text="",
            url=f"https://news.example/other-{i}" if i % 2 == 0 else None,
        )
        for i in range(also_in)
    )
    return Answer(
        statement=statement,
        article=article,
        speaker=person,
        score=score,
        contradicts=contradicts,
        also_in=others,
    )
