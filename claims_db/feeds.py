"""Following RSS and Atom feeds: validate, poll politely, add each new item once.

A poll sends the validators of the previous answer (ETag, Last-Modified), so an
unchanged feed costs the server a 304. Items are fetched through the same guarded
fetcher as any link; an item already in the library, whether by its URL (any variant
of it, through any feed or a member's ingest) or by its text's hash, is not added
again. Each library has a daily cap on articles from feeds; a feed that fails
``MAX_FAILURES`` polls in a row is paused with the reason, for the admins to read.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Protocol

import feedparser

from claims_db.errors import ClaimsError, FetchFailed, InputTooLarge, UnsafeURL
from claims_db.fetch import check_url, fetch_feed
from claims_db.models import Feed, LinkResult, Outcome, PollResult
from claims_db.urls import url_key

if TYPE_CHECKING:
    import aiohttp


class FeedLibrary(Protocol):
    """What following feeds needs of a library (``ClaimsDB`` has it all)."""

    def feeds(self) -> list[Feed]: ...

    def find_feed(self, ref: str) -> Feed | None: ...

    def save_feed(self, feed: Feed) -> None: ...

    def feed_articles_today(self, day: str) -> int: ...

    def count_feed_articles(self, day: str, added: int) -> None: ...

    def commit(self) -> None: ...

    async def add_link(
        self,
        url: str,
        *,
        added_by: str | None = None,
        allow_private: bool = False,
        allow_loopback: bool = False,
        session: aiohttp.ClientSession | None = None,
        commit: bool = True,
    ) -> LinkResult: ...


log = logging.getLogger(__name__)

MAX_FEED_ITEMS: Final = 1000  # a feed listing more is an archive, not a feed
MAX_ITEMS_PER_POLL: Final = 20  # new items one poll adds at most; the rest wait
MAX_FAILURES: Final = 3  # failed polls in a row before a feed is paused
MAX_SEEN: Final = 2000  # item keys remembered per feed
DEFAULT_INTERVAL: Final = 1800.0  # seconds between polls of one feed
DEFAULT_JITTER: Final = 0.1  # up to 10% more, so feeds added together spread out
DEFAULT_DAILY_CAP: Final = 100  # articles a library takes from feeds per UTC day
_ITEM_TAG = re.compile(rb"<(?:[A-Za-z0-9_]+:)?(?:item|entry)[\s>/]")


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed: its link and title."""

    link: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's title and items, newest first as published."""

    title: str | None
    items: tuple[FeedItem, ...]


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How items and feeds are fetched: the shared session and the test switches."""

    session: aiohttp.ClientSession | None = None
    allow_private: bool = False
    allow_loopback: bool = False


def feed_id_for(url: str) -> str:
    """Return the id of a feed: a hash of its URL key, so variants of one URL are one feed."""
    key = url_key(url) or url.strip()
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def _too_many(count: int) -> InputTooLarge:
    return InputTooLarge(
        f"The feed lists {count:,} items; claimbot follows feeds of at most {MAX_FEED_ITEMS:,}."
    )


def parse_feed(body: bytes, *, url: str) -> ParsedFeed:
    """Parse RSS or Atom bytes with feedparser (never given a URL, so it fetches nothing)."""
    # feedparser takes seconds over 10,000 items; a tag count refuses such a feed first.
    tags = len(_ITEM_TAG.findall(body))
    if tags > MAX_FEED_ITEMS:
        raise _too_many(tags)
    parsed: Any = feedparser.parse(body, response_headers={"content-location": url})
    if not parsed.get("version") and not parsed.entries:
        raise FetchFailed("That is not an RSS or Atom feed.")
    entries = parsed.entries
    if len(entries) > MAX_FEED_ITEMS:
        raise _too_many(len(entries))
    items: list[FeedItem] = []
    for entry in entries:
        link = _entry_link(entry)
        if link is not None:
            title = " ".join(str(entry.get("title") or "").split()) or None
            items.append(FeedItem(link=link, title=title))
    title = " ".join(str(parsed.feed.get("title") or "").split()) or None
    return ParsedFeed(title=title, items=tuple(items))


def _entry_link(entry: Any) -> str | None:
    """Return an entry's article link: ``link``, else the first alternate or any http link."""
    candidates = [entry.get("link")]
    candidates += [
        link.get("href") for link in entry.get("links") or () if link.get("rel") == "alternate"
    ]
    candidates.append(entry.get("id"))
    for candidate in candidates:
        if isinstance(candidate, str) and url_key(candidate) is not None:
            return candidate.strip()
    return None


def _unsafe_items(items: tuple[FeedItem, ...], options: FetchOptions) -> int:
    """Count the items whose link is refused before any connection (private addresses)."""
    unsafe = 0
    for item in items:
        try:
            check_url(
                item.link,
                allow_private=options.allow_private,
                allow_loopback=options.allow_loopback,
            )
        except UnsafeURL:
            unsafe += 1
    return unsafe


def _now_iso(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds")


def _today(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).date().isoformat()


async def follow(
    db: FeedLibrary,
    url: str,
    *,
    options: FetchOptions,
    channel_id: int | None = None,
    added_by: str | None = None,
    now: float,
) -> tuple[Feed, bool]:
    """Start following a feed after checking it; return it and whether it is new.

    The feed is fetched and parsed first, so a web page, a feed over the size cap, one
    with too many items, or one whose items point at private addresses is refused with
    a message saying which, and nothing is stored. Following a paused feed again resumes
    it (the channel may change).
    """
    check_url(url, allow_private=options.allow_private, allow_loopback=options.allow_loopback)
    existing = await asyncio.to_thread(db.find_feed, url)
    if (
        existing is not None
        and existing.paused is None
        and channel_id in (None, existing.channel_id)
    ):
        return existing, False
    response = await fetch_feed(
        url,
        session=options.session,
        allow_private=options.allow_private,
        allow_loopback=options.allow_loopback,
    )
    parsed = await asyncio.to_thread(parse_feed, response.body, url=response.url)
    if not parsed.items:
        raise FetchFailed("That feed has no items with links to articles.")
    unsafe = _unsafe_items(parsed.items, options)
    if unsafe:
        raise UnsafeURL(
            f"{unsafe} of the feed's {len(parsed.items)} items link to private addresses, "
            "which claimbot does not fetch."
        )
    if existing is not None:
        resumed = replace(
            existing,
            channel_id=channel_id if channel_id is not None else existing.channel_id,
            paused=None,
            failures=0,
            last_error=None,
            next_poll=now,
            title=parsed.title or existing.title,
        )
        await asyncio.to_thread(db.save_feed, resumed)
        return resumed, False
    feed = Feed(
        id=feed_id_for(url),
        url=url.strip(),
        title=parsed.title,
        channel_id=channel_id,
        added_by=added_by,
        added_at=_now_iso(now),
        next_poll=now,  # the first poll adds today's items
    )
    await asyncio.to_thread(db.save_feed, feed)
    log.info("following feed %s (%d items)", feed.id, len(parsed.items))
    return feed, True


def due_feeds(db: FeedLibrary, *, now: float) -> list[Feed]:
    """Return the feeds whose next poll time has come (paused ones never are)."""
    return sorted(
        (f for f in db.feeds() if f.paused is None and f.next_poll <= now),
        key=lambda f: (f.next_poll, f.id),
    )


def _next_poll(now: float, interval: float, jitter: float, rng: Callable[[], float]) -> float:
    return now + interval * (1.0 + jitter * rng())


async def poll(
    db: FeedLibrary,
    feed: Feed,
    *,
    options: FetchOptions,
    now: float,
    interval: float = DEFAULT_INTERVAL,
    jitter: float = DEFAULT_JITTER,
    daily_cap: int = DEFAULT_DAILY_CAP,
    max_items: int = MAX_ITEMS_PER_POLL,
    rng: Callable[[], float] = random.random,
) -> PollResult:
    """Poll one feed: conditional GET, add new items (within the daily cap), save its state."""
    next_poll = _next_poll(now, interval, jitter, rng)
    try:
        response = await fetch_feed(
            feed.url,
            session=options.session,
            etag=feed.etag,
            last_modified=feed.last_modified,
            allow_private=options.allow_private,
            allow_loopback=options.allow_loopback,
        )
        parsed = (
            None
            if response.not_modified
            else await asyncio.to_thread(parse_feed, response.body, url=response.url)
        )
    except ClaimsError as exc:
        return await _failed(db, feed, str(exc) or "The feed could not be read.", now, next_poll)
    polled = replace(
        feed,
        last_polled=_now_iso(now),
        next_poll=next_poll,
        failures=0,
        last_error=None,
    )
    if parsed is None:
        await asyncio.to_thread(db.save_feed, polled)
        return PollResult(feed=polled, not_modified=True)
    seen = set(feed.seen)
    fresh: list[FeedItem] = []
    for item in parsed.items:
        key = url_key(item.link)
        if key is not None and key not in seen and all(url_key(f.link) != key for f in fresh):
            fresh.append(item)
    left = max(0, daily_cap - await asyncio.to_thread(db.feed_articles_today, _today(now)))
    results: list[LinkResult] = []
    tried: list[str] = []
    for item in fresh:
        if len(results) >= max_items or left <= 0:
            break
        result = await db.add_link(
            item.link,
            added_by=f"feed:{feed.id}",
            allow_private=options.allow_private,
            allow_loopback=options.allow_loopback,
            session=options.session,
            commit=False,  # the feed's state below writes the poll's articles in one go
        )
        results.append(result)
        tried.append(url_key(item.link) or item.link)
        if result.outcome is Outcome.ADDED:
            left -= 1
            await asyncio.to_thread(db.count_feed_articles, _today(now), 1)
    waiting = len(fresh) - len(results)
    added = sum(1 for r in results if r.outcome is Outcome.ADDED)
    state = replace(
        polled,
        title=parsed.title or feed.title,
        seen=(*feed.seen, *tried)[-MAX_SEEN:],
        added=feed.added + added,
        # Items left for later must be fetched again, so the next poll asks unconditionally.
        etag=None if waiting else response.etag,
        last_modified=None if waiting else response.last_modified,
    )
    if await asyncio.to_thread(db.find_feed, feed.id) is None:
        log.info("feed %s was removed while it was polled; its state is dropped", feed.id)
        await asyncio.to_thread(db.commit)
    else:
        await asyncio.to_thread(db.save_feed, state)
    log.info(
        "polled feed %s: %d new item(s), %d added, %d waiting", feed.id, len(fresh), added, waiting
    )
    return PollResult(feed=state, results=tuple(results), not_modified=not fresh, capped=waiting)


async def _failed(
    db: FeedLibrary, feed: Feed, reason: str, now: float, next_poll: float
) -> PollResult:
    failures = feed.failures + 1
    paused = failures >= MAX_FAILURES
    state = replace(
        feed,
        last_polled=_now_iso(now),
        next_poll=next_poll,
        failures=failures,
        last_error=reason,
        paused=f"{reason} ({failures} failed polls in a row)" if paused else None,
    )
    await asyncio.to_thread(db.save_feed, state)
    log.info("feed %s failed (%d in a row): %s", feed.id, failures, reason)
    return PollResult(feed=state, error=reason, paused_now=paused)
