"""One engine library per Discord server, opened once per process and closed with the bot."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from claims_db.db import ClaimsDB
from claims_db.models import (
    Added,
    Answer,
    Article,
    Explained,
    Feed,
    Kind,
    LinkedArticle,
    LinkResult,
    Speaker,
    SpeakerLookup,
    Statement,
)
from claims_db.requests import RequestBook
from claims_db.server_config import ServerConfig

if TYPE_CHECKING:
    import aiohttp

    from claims_db.pgstore import Database

log = logging.getLogger(__name__)

INGESTED_EVENT = "claimbot_ingested"  # dispatched as on_claimbot_ingested(guild_id)


class _Dispatcher(Protocol):
    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None: ...


def after_ingest(client: _Dispatcher, guild_id: int) -> None:
    """Tell the features that follow a library (source requests) that articles were added.

    Every ingest path (command, feed, message command) calls this once after its articles
    are stored; listeners run as their own tasks, so the ingest reply is not held up.
    """
    client.dispatch(INGESTED_EVENT, guild_id)


class Library(Protocol):
    """The part of `claims_db.ClaimsDB` the bot uses (lets tests substitute a fake)."""

    requests: RequestBook

    @property
    def server_config(self) -> ServerConfig: ...

    def configure(self, changes: dict[str, Any], *, seeds: Path | None = None) -> ServerConfig: ...

    def close(self) -> None: ...

    def add_text(
        self,
        text: str,
        *,
        title: str | None = None,
        url: str | None = None,
        published: str | None = None,
        publisher: str | None = None,
        added_by: str | None = None,
    ) -> Article: ...

    def add_bytes(self, data: bytes, *, filename: str, added_by: str | None = None) -> Article: ...

    async def add_url(
        self,
        url: str,
        *,
        added_by: str | None = None,
        allow_private: bool = False,
        allow_loopback: bool = False,
        session: aiohttp.ClientSession | None = None,
    ) -> Article: ...

    def ingest_text(
        self,
        text: str,
        *,
        title: str | None = None,
        url: str | None = None,
        published: str | None = None,
        publisher: str | None = None,
        added_by: str | None = None,
    ) -> Added: ...

    def ingest_bytes(self, data: bytes, *, filename: str, added_by: str | None = None) -> Added: ...

    async def ingest_url(
        self,
        url: str,
        *,
        added_by: str | None = None,
        allow_private: bool = False,
        allow_loopback: bool = False,
        session: aiohttp.ClientSession | None = None,
    ) -> Added: ...

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

    def ask(self, question: str, *, limit: int = 3) -> list[Answer]: ...

    def ask_explained(self, question: str, *, limit: int = 3) -> Explained: ...

    def resolve_speaker(self, name: str, *, limit: int = 5) -> SpeakerLookup: ...

    def speaker_quotes(
        self, speaker_id: str, *, topic: str | None = None, limit: int = 50
    ) -> list[Answer]: ...

    def speaker(self, speaker_id: str) -> Speaker | None: ...

    def answer_for(self, statement_id: str, *, contradicts: bool = False) -> Answer: ...

    @property
    def article_count(self) -> int: ...

    def quotes(
        self, speaker: str, *, topic: str | None = None, limit: int = 50
    ) -> list[Answer]: ...

    def speakers(self) -> list[Speaker]: ...

    def find_speakers(self, name: str, *, limit: int = 25) -> list[Speaker]: ...

    def articles(self) -> list[Article]: ...

    def article(self, article_id: str) -> Article: ...

    def statements(self, article_id: str) -> list[Statement]: ...

    def statement_counts(self, article_id: str) -> dict[Kind, int]: ...

    def remove_article(self, article_id: str) -> Article: ...

    def article_for_url(self, url: str) -> Article | None: ...

    def lookup_link(self, text: str, *, statements: int = 3) -> LinkedArticle | None: ...

    def feeds(self) -> list[Feed]: ...

    def find_feed(self, ref: str) -> Feed | None: ...

    def save_feed(self, feed: Feed) -> None: ...

    def remove_feed(self, ref: str) -> Feed: ...

    def feed_articles_today(self, day: str) -> int: ...

    def count_feed_articles(self, day: str, added: int) -> None: ...

    def commit(self) -> None: ...

    def watched_channels(self) -> frozenset[int]: ...

    def set_watched(self, channel_id: int, *, watched: bool) -> None: ...


Opener = Callable[[Path], Library]
GuildOpener = Callable[[int], Library]


def open_claims_db(seeds: Path | None) -> Opener:
    """Return an opener that opens a `ClaimsDB` file, seeded from ``seeds`` only when given.

    A server's library starts empty unless the bot is configured with a seeds folder; the
    engine's own default (the bundled seed, for the CLI's quick start) does not apply here.
    """

    def _open(path: Path) -> Library:
        db = ClaimsDB.open(path, seeds=seeds)
        # Vectors are computed off the event loop and off the answer path: a new or
        # stale library answers lexically until its worker has embedded it.
        db.embed_in_background()
        return db

    return _open


def open_guild_library(database: Database, seeds: Path | None) -> GuildOpener:
    """Return an opener of guild libraries in PostgreSQL, seeded from ``seeds`` only when given."""

    def _open(guild_id: int) -> Library:
        return ClaimsDB.open_guild(database, guild_id, seeds=seeds)

    return _open


class NotServedHere(RuntimeError):
    """A guild whose shard another process runs."""


def _log_progress(path: Path, done: int, total: int) -> None:
    log.info("re-extracted %d of %d article(s) of %s", done, total, path)


class Libraries:
    """Cache of open libraries keyed by guild id; each is opened once, off the loop.

    With ``guild_opener`` libraries come from PostgreSQL instead of files; ``owns``
    refuses guilds another process serves; above ``max_resident_statements`` the least
    recently used libraries are closed (0: never). ``on_open``/``on_close`` let the bot
    keep its change listener in step.
    """

    def __init__(
        self,
        data_dir: Path,
        opener: Opener,
        *,
        guild_opener: GuildOpener | None = None,
        has_library: Callable[[int], bool] | None = None,
        owns: Callable[[int], bool] | None = None,
        max_resident_statements: int = 0,
        on_open: Callable[[int, Library], None] | None = None,
        on_close: Callable[[int], None] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self._opener = opener
        self._guild_opener = guild_opener
        self._has_library = has_library
        self._owns = owns
        self.max_resident_statements = max_resident_statements
        self._on_open = on_open
        self._on_close = on_close
        self._open: OrderedDict[int, Library] = OrderedDict()
        self._locks: dict[int, asyncio.Lock] = {}
        self._reextracting: dict[int, asyncio.Task[None]] = {}
        self._closed = False
        self.evicted = 0

    def owns(self, guild_id: int) -> bool:
        """Return whether this process serves the guild."""
        return self._owns is None or self._owns(guild_id)

    def resident_statements(self) -> int:
        """Return how many statements the open libraries hold."""
        return sum(int(getattr(lib, "statement_count", 0)) for lib in self._open.values())

    @property
    def closed(self) -> bool:
        """Return whether close() has begun (no library opens any more)."""
        return self._closed

    def path_for(self, guild_id: int) -> Path:
        """Return the library file of a guild (chosen from the id only, never from input)."""
        return self.data_dir / f"{int(guild_id)}.json"

    @property
    def is_closed(self) -> bool:
        """Return whether the bot closed its libraries (it is shutting down)."""
        return self._closed

    def peek(self, guild_id: int) -> Library | None:
        """Return the guild's library if it is already open (for autocomplete)."""
        return self._open.get(guild_id)

    async def get(self, guild_id: int) -> Library:
        """Return the guild's library, opening (and creating) it in a thread on first use."""
        library = self._open.get(guild_id)
        if library is not None:
            self._open.move_to_end(guild_id)
            return library
        if not self.owns(guild_id):
            raise NotServedHere(f"guild {guild_id} belongs to a shard of another process")
        lock = self._locks.setdefault(guild_id, asyncio.Lock())
        async with lock:
            library = self._open.get(guild_id)
            if library is None:
                if self._closed:
                    raise RuntimeError("the bot is shutting down")
                path = self.path_for(guild_id)
                if self._guild_opener is not None:
                    library = await asyncio.to_thread(self._guild_opener, guild_id)
                else:
                    library = await asyncio.to_thread(self._open_file, path)
                if self._closed:  # close() ran while the file was opening: release it too
                    await asyncio.to_thread(library.close)
                    raise RuntimeError("the bot is shutting down")
                self._open[guild_id] = library
                if self._on_open is not None:
                    self._on_open(guild_id, library)
                log.info("opened library of guild %s", guild_id)
                if isinstance(library, ClaimsDB) and library.outdated_count:
                    # After an upgrade, a server's library gets today's extraction in the
                    # background; it answers from the older statements meanwhile.
                    self._reextracting[guild_id] = asyncio.create_task(
                        self._reextract(library, path)
                    )
                await self._evict(keep=guild_id)
            return library

    async def _reextract(self, library: ClaimsDB, path: Path) -> None:
        log.info(
            "re-extracting %d article(s) of %s in the background", library.outdated_count, path
        )
        try:
            await asyncio.to_thread(
                library.reextract,
                progress=lambda done, total, _report: _log_progress(path, done, total),
            )
        except Exception:
            log.exception("re-extracting %s failed; it is retried on the next start", path)

    async def reextracted(self, guild_id: int) -> None:
        """Wait until the background re-extraction of a guild's library (if any) is done."""
        task = self._reextracting.get(guild_id)
        if task is not None:
            await asyncio.shield(task)

    async def _evict(self, *, keep: int) -> None:
        """Close least recently used libraries while the open ones exceed the budget."""
        budget = self.max_resident_statements
        if budget <= 0:
            return
        while self.resident_statements() > budget and len(self._open) > 1:
            busy = {g for g, task in self._reextracting.items() if not task.done()}
            idle = [g for g in self._open if g != keep and g not in busy]
            if not idle:
                return
            guild_id = idle[0]
            library = self._open.pop(guild_id)
            if self._on_close is not None:
                self._on_close(guild_id)
            self.evicted += 1
            log.info("closing the library of guild %s (least recently used)", guild_id)
            try:
                await asyncio.to_thread(library.close)
            except Exception:
                log.exception("closing the library of guild %s failed", guild_id)

    async def exists(self, guild_id: int) -> bool:
        """Return whether the guild already has a library (a file, or rows in PostgreSQL)."""
        if not self.owns(guild_id):
            return False
        if self._has_library is None:
            return self.path_for(guild_id).exists()
        return await asyncio.to_thread(self._has_library, guild_id)

    def _open_file(self, path: Path) -> Library:
        path.parent.mkdir(parents=True, exist_ok=True)
        return self._opener(path)

    async def close(self) -> None:
        """Close every open library (in a thread, since closing may write)."""
        self._closed = True
        # A batch being re-extracted finishes first, so no article is left half swapped.
        await asyncio.gather(*self._reextracting.values(), return_exceptions=True)
        opened, self._open = self._open, OrderedDict()
        for guild_id, library in opened.items():
            if self._on_close is not None:
                self._on_close(guild_id)
            try:
                await asyncio.to_thread(library.close)
            except Exception:
                log.exception("closing the library of guild %s failed", guild_id)
