"""Feeds: following, polite polling, de-duplication, the daily cap, pausing, bad feeds."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from feed_server import Site, article_html, atom, rss, running_site

from claims_db import ClaimsDB
from claims_db import feeds as feeds_mod
from claims_db.errors import FetchFailed, InputTooLarge, NotFound, UnsafeURL
from claims_db.feeds import FetchOptions, due_feeds, follow, parse_feed, poll
from claims_db.models import Outcome

OPTIONS = FetchOptions(allow_loopback=True)
NOW = 1_800_000_000.0


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ClaimsDB]:
    library = ClaimsDB.open(tmp_path / "lib.json", seeds=None)
    yield library
    library.close()


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    async with running_site() as running:
        yield running


def _feed_of(site: Site, path: str, numbers: list[int], *, etag: str | None = "v1") -> str:
    items = []
    for n in numbers:
        url = site.serve(f"/a/{n}", article_html(n))
        items.append((f"Story {n}", url))
    return site.serve(
        path, rss("Ashby Gazette", items), content_type="application/rss+xml", etag=etag
    )


def test_parse_feed_reads_rss_and_atom_links() -> None:
    items = [("One", "https://n.example/1"), ("Two", "https://n.example/2")]
    for body in (rss("N", items), atom("N", items)):
        parsed = parse_feed(body.encode(), url="https://n.example/feed")
        assert parsed.title == "N"
        assert [i.link for i in parsed.items] == ["https://n.example/1", "https://n.example/2"]


def test_parse_feed_refuses_html_and_too_many_items() -> None:
    with pytest.raises(FetchFailed, match="not an RSS or Atom feed"):
        parse_feed(b"<html><body><p>hello</p></body></html>", url="https://n.example/")
    many = [(f"S{n}", f"https://n.example/{n}") for n in range(10_000)]
    with pytest.raises(InputTooLarge, match="10,000 items"):
        parse_feed(rss("N", many).encode(), url="https://n.example/feed")


async def test_a_feed_is_followed_polled_and_a_second_poll_adds_nothing(
    db: ClaimsDB, site: Site
) -> None:
    url = _feed_of(site, "/feed.xml", [1, 2, 3])
    feed, is_new = await follow(db, url, options=OPTIONS, now=NOW)
    assert is_new and feed.title == "Ashby Gazette"
    assert [f.id for f in due_feeds(db, now=NOW)] == [feed.id]
    first = await poll(db, feed, options=OPTIONS, now=NOW)
    assert [r.outcome for r in first.results] == [Outcome.ADDED] * 3
    assert all(r.statements >= 2 for r in first.results)
    assert db.article_count == 3
    assert due_feeds(db, now=NOW + 60) == []  # the interval holds
    later = NOW + 3 * 3600
    (again,) = due_feeds(db, now=later)
    second = await poll(db, again, options=OPTIONS, now=later)
    assert second.not_modified and second.results == ()
    assert site.requests[-1] == ("/feed.xml", "v1")  # a conditional GET, answered 304
    assert db.article_count == 3


async def test_new_items_are_added_when_the_feed_changes(db: ClaimsDB, site: Site) -> None:
    url = _feed_of(site, "/feed.xml", [1, 2])
    feed, _ = await follow(db, url, options=OPTIONS, now=NOW)
    feed = (await poll(db, feed, options=OPTIONS, now=NOW)).feed
    _feed_of(site, "/feed.xml", [3, 1, 2], etag="v2")
    result = await poll(db, feed, options=OPTIONS, now=NOW + 4000)
    assert [r.url for r in result.results] == [site.base + "/a/3"]
    assert site.hits("/a/1") == 1  # items seen before are not fetched again


async def test_items_are_deduplicated_across_feeds_by_url_and_by_text(
    db: ClaimsDB, site: Site
) -> None:
    first_url = _feed_of(site, "/one.xml", [1, 2])
    site.serve("/mirror/1", article_html(1))  # the same article under another address
    second_url = site.serve(
        "/two.xml",
        rss("Mirror", [("S1", site.base + "/a/1?utm_source=rss"), ("M1", site.base + "/mirror/1")]),
        content_type="application/rss+xml",
    )
    first, _ = await follow(db, first_url, options=OPTIONS, now=NOW)
    second, _ = await follow(db, second_url, options=OPTIONS, now=NOW)
    await poll(db, first, options=OPTIONS, now=NOW)
    result = await poll(db, second, options=OPTIONS, now=NOW)
    assert [r.outcome for r in result.results] == [Outcome.KNOWN, Outcome.KNOWN]
    assert site.hits("/a/1") == 1  # known by its URL: not fetched
    assert db.article_count == 2


async def test_the_daily_cap_leaves_items_for_later(db: ClaimsDB, site: Site) -> None:
    url = _feed_of(site, "/feed.xml", [1, 2, 3])
    feed, _ = await follow(db, url, options=OPTIONS, now=NOW)
    result = await poll(db, feed, options=OPTIONS, now=NOW, daily_cap=2)
    assert len(result.results) == 2 and result.capped == 1
    assert result.feed.etag is None  # the rest must be fetched again next time
    more = await poll(db, result.feed, options=OPTIONS, now=NOW + 4000, daily_cap=2)
    assert more.results == () and more.capped == 1  # same UTC day: still capped
    tomorrow = await poll(db, more.feed, options=OPTIONS, now=NOW + 86_400, daily_cap=2)
    assert [r.outcome for r in tomorrow.results] == [Outcome.ADDED]
    assert db.article_count == 3


async def test_a_failing_feed_is_paused_after_three_polls(db: ClaimsDB, site: Site) -> None:
    url = _feed_of(site, "/feed.xml", [1])
    feed, _ = await follow(db, url, options=OPTIONS, now=NOW)
    site.serve("/feed.xml", "oops", status=500)
    results = []
    for n in range(3):
        result = await poll(db, feed, options=OPTIONS, now=NOW + n * 4000)
        feed = result.feed
        results.append(result)
    assert [r.paused_now for r in results] == [False, False, True]
    assert feed.paused is not None and "HTTP 500" in feed.paused
    assert due_feeds(db, now=NOW + 10**6) == []
    site.serve("/feed.xml", rss("Back", [("S1", site.base + "/a/1")]), content_type="text/xml")
    resumed, is_new = await follow(db, url, options=OPTIONS, now=NOW + 20_000)
    assert not is_new and resumed.paused is None and resumed.failures == 0


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("<html><body>a page</body></html>", "text/html", "web page, not an RSS or Atom feed"),
        ("x" * 2_100_000, "application/rss+xml", "feed is larger than 2 MB"),
        (
            rss("Many", [(f"S{n}", f"https://n.example/{n}") for n in range(10_000)]),
            "application/rss+xml",
            "10,000 items",
        ),
        (
            rss("Private", [("S", "http://10.0.0.8/x"), ("T", "http://192.168.1.2/y")]),
            "application/rss+xml",
            "2 of the feed's 2 items link to private addresses",
        ),
        (
            "<rss version='2.0'><channel><title>Empty</title></channel></rss>",
            "text/xml",
            "no items",
        ),
    ],
    ids=["html", "huge", "10k-items", "private-items", "no-items"],
)
async def test_a_bad_feed_is_refused_and_nothing_is_stored(
    db: ClaimsDB, site: Site, body: str, content_type: str, message: str
) -> None:
    url = site.serve("/bad", body, content_type=content_type)
    with pytest.raises((FetchFailed, InputTooLarge, UnsafeURL), match=message):
        await follow(db, url, options=OPTIONS, now=NOW)
    assert db.feeds() == []


async def test_a_feed_on_a_private_address_is_refused_without_connecting(db: ClaimsDB) -> None:
    with pytest.raises(UnsafeURL, match="private address"):
        await follow(db, "http://10.0.0.1/feed.xml", options=OPTIONS, now=NOW)
    assert db.feeds() == []


async def test_feeds_survive_reopening_and_can_be_removed(tmp_path: Path, site: Site) -> None:
    url = _feed_of(site, "/feed.xml", [1])
    path = tmp_path / "lib.json"
    with ClaimsDB.open(path, seeds=None) as db:
        feed, _ = await follow(db, url, options=OPTIONS, channel_id=42, now=NOW)
        await poll(db, feed, options=OPTIONS, now=NOW)
    with ClaimsDB.open(path, seeds=None) as db:
        (stored,) = db.feeds()
        assert stored.channel_id == 42 and stored.etag == "v1" and stored.added == 1
        assert db.find_feed(url + "/?utm_source=x") == stored
        assert db.remove_feed(stored.id[:6]) == stored
        assert db.feeds() == []
        with pytest.raises(NotFound):
            db.remove_feed(url)


def test_feed_ids_do_not_depend_on_url_variants() -> None:
    assert feeds_mod.feed_id_for("https://www.n.example/feed/") == feeds_mod.feed_id_for(
        "http://n.example/feed?utm_medium=rss"
    )
