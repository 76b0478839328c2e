"""The `Store` contract, run against every backend (TinyDB file, PostgreSQL guild)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from claims_db.models import Article, Kind, Speaker, Statement
from claims_db.store import Store, TinyDBStore

OpenStore = Callable[[], Store]


@pytest.fixture
def open_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[OpenStore]:
    """Return a function opening the same library of the current backend each call."""
    database: Any = request.getfixturevalue("pg_database") if backend == "postgres" else None

    def _open() -> Store:
        store: Store = (
            TinyDBStore.open(tmp_path / "lib.json") if database is None else database.store(7)
        )
        return store

    yield _open


def _article(aid: str = "a1") -> Article:
    return Article(
        id=aid,
        title=f"Title {aid}",
        text=f"Body of {aid} with “a quote”.",
        authors=("Mira Talvik",),
        added_at="2026-01-02T03:04:05+00:00",
        published="2026-01-01",
    )


def _statement(aid: str, n: int, speaker_id: str | None = "s1") -> Statement:
    return Statement(
        id=f"{aid}-{n}",
        article_id=aid,
        kind=Kind.DIRECT,
        text="a quote",
        start=10 + n,
        end=17 + n,
        sentence="Body …",
        speaker_id=speaker_id,
        speaker="Ana Ruiz" if speaker_id else None,
        cue="said",
    )


def _speaker(sid: str = "s1", aliases: tuple[str, ...] = ("Ruiz",)) -> Speaker:
    return Speaker(id=sid, name="Ana Ruiz", aliases=aliases, roles=("mayor",))


def _write(store: Store, action: Callable[[], None]) -> None:
    store.begin_write()
    action()
    store.commit()


def test_new_library_round_trips_records(open_store: OpenStore) -> None:
    store = open_store()
    assert store.created
    _write(
        store,
        lambda: store.put_article(
            _article(), [_statement("a1", 1), _statement("a1", 2)], [_speaker()]
        ),
    )
    store.close()

    again = open_store()
    assert not again.created
    assert again.articles() == [_article()]
    assert sorted(again.statements(), key=lambda s: s.id) == [
        _statement("a1", 1),
        _statement("a1", 2),
    ]
    assert again.speakers() == [_speaker()]
    again.close()


def test_updated_speaker_replaces_the_stored_one(open_store: OpenStore) -> None:
    store = open_store()
    _write(store, lambda: store.put_speakers([_speaker()]))
    _write(store, lambda: store.put_speakers([_speaker(aliases=("Ruiz", "Mayor Ana Ruiz"))]))
    assert store.speakers() == [_speaker(aliases=("Ruiz", "Mayor Ana Ruiz"))]
    store.close()


def test_delete_article_drops_its_statements_and_named_speakers(open_store: OpenStore) -> None:
    store = open_store()

    def put_two() -> None:
        store.put_article(_article("a1"), [_statement("a1", 1)], [_speaker("s1")])
        store.put_article(_article("a2"), [_statement("a2", 1, "s2")], [_speaker("s2")])

    _write(store, put_two)
    _write(store, lambda: store.delete_articles(["a1"], ["s1"]))
    assert [a.id for a in store.articles()] == ["a2"]
    assert [s.id for s in store.statements()] == ["a2-1"]
    assert [s.id for s in store.speakers()] == ["s2"]
    store.close()


def test_unicode_and_empty_fields_survive(open_store: OpenStore) -> None:
    store = open_store()
    odd = Article(id="ü1", title="Zoë’s “title” — ok", text="Text with \x1f and 🙂 emoji.")
    _write(store, lambda: store.put_article(odd, [], []))
    store.close()
    assert open_store().articles() == [odd]


def test_a_store_writer_sees_nothing_new_from_itself(open_store: OpenStore) -> None:
    store = open_store()
    _write(store, lambda: store.put_article(_article(), [], []))
    assert store.changes() is None
    assert store.begin_write() is None
    store.commit()
    store.close()


def test_reextract_lock_is_held_by_the_first_taker(open_store: OpenStore) -> None:
    store = open_store()
    with store.reextract_lock() as held:
        assert held
    store.close()


def test_feed_state_round_trips(open_store: OpenStore) -> None:
    from claims_db.models import Feed

    store = open_store()
    feed = Feed(id="f1", url="https://news.example/rss", title="Örtliche News", seen=("a", "b"))
    store.put_feed(feed)
    store.put_feed_quota("2026-02-03", 7)
    store.put_watched_channels([30, 10, 30])
    store.commit()
    store.put_feed(Feed(id="f2", url="https://other.example/atom"))
    store.delete_feed("f2")
    store.commit()
    store.close()

    again = open_store()
    assert again.feeds() == [feed]
    assert again.feed_quota() == ("2026-02-03", 7)
    assert again.watched_channels() == [10, 30]
    again.close()
