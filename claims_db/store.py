"""Storage: the ``Store`` protocol ``ClaimsDB`` writes through, and the TinyDB store.

This is the only module that imports tinydb (``pgstore`` holds the PostgreSQL store).
A TinyDB library is one JSON file holding TinyDB tables (``_meta``, ``articles``,
``statements``, ``speakers``, feed state, and the community tables ``source_requests``
and ``server_config``). The file is read once on open and kept in memory;
:meth:`TinyDBStore.commit` writes it back crash-safely (temp file, fsync, atomic
replace). A file lock keeps a second process from clobbering the library.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import filelock
import orjson
from tinydb import TinyDB, where
from tinydb.storages import Storage

from claims_db.errors import ClaimsError, CorruptLibrary, LibraryInUse
from claims_db.identity import kind_of
from claims_db.models import (
    Appearance,
    Article,
    FactCheck,
    Feed,
    Kind,
    SourceKind,
    Speaker,
    SpeakerKind,
    Statement,
)
from claims_db.requests import RequestStatus, SourceRequest

log = logging.getLogger(__name__)

# 2: speakers carry per-article appearances (aliases and roles by article) and a kind.
SCHEMA_VERSION = 2

_META, _ARTICLES, _STATEMENTS, _SPEAKERS = "_meta", "articles", "statements", "speakers"
# Community tables (added without a schema bump: a library without them has none yet).
_REQUESTS, _CONFIG = "source_requests", "server_config"
_CONFIG_DOC = "1"
_FEEDS, _FEED_QUOTA, _WATCH = (
    "feeds",
    "feed_quota",
    "watch",
)  # optional tables: older files simply lack them
_R = TypeVar("_R")
_open_paths: set[Path] = set()
_open_paths_lock = threading.Lock()


class SaveFailed(ClaimsError):
    """The library could not be written; the previous file is intact."""


@dataclass(frozen=True, slots=True)
class Changes:
    """What other processes wrote to a library since this process last looked.

    ``article_ids`` and ``speaker_ids`` are every id touched; the records are their
    current state, so an id touched but absent from the records was removed.
    ``speakers`` also holds every speaker the listed statements name.
    """

    article_ids: frozenset[str]
    speaker_ids: frozenset[str]
    articles: list[Article] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)


class Store(Protocol):
    """The storage ``ClaimsDB`` keeps one library in (TinyDB file or PostgreSQL guild).

    Writes go ``begin_write`` → ``put_*``/``delete_articles`` → ``commit`` (or
    ``rollback``). ``begin_write`` returns what other writers stored first, for the
    caller to apply before it decides what to write.
    """

    created: bool  # the library did not exist before this open

    @property
    def name(self) -> str:
        """Return how messages name this library (a path, a guild)."""
        ...

    def articles(self) -> list[Article]:
        """Return every stored article."""
        ...

    def statements(self) -> list[Statement]:
        """Return every stored statement."""
        ...

    def speakers(self) -> list[Speaker]:
        """Return every stored speaker."""
        ...

    def begin_write(self) -> Changes | None:
        """Start (or continue) a write; return others' changes to apply first."""
        ...

    def changes(self) -> Changes | None:
        """Return what others wrote since the last look (None when nothing)."""
        ...

    def put_article(
        self, article: Article, statements: Iterable[Statement], speakers: Iterable[Speaker]
    ) -> None:
        """Stage an article with its statements and new or updated speakers."""
        ...

    def put_speakers(self, speakers: Iterable[Speaker]) -> None:
        """Stage new or updated speakers."""
        ...

    def delete_articles(self, article_ids: Iterable[str], speaker_ids: Iterable[str]) -> None:
        """Stage the removal of articles, their statements and the given speakers."""
        ...

    def feeds(self) -> list[Feed]:
        """Return every followed feed."""
        ...

    def put_feed(self, feed: Feed) -> None:
        """Stage a new or updated feed."""
        ...

    def delete_feed(self, feed_id: str) -> None:
        """Stage the removal of a feed."""
        ...

    def feed_quota(self) -> tuple[str, int]:
        """Return (day, articles feeds added that day) for the daily cap."""
        ...

    def put_feed_quota(self, day: str, count: int) -> None:
        """Stage the day's count of articles added from feeds."""
        ...

    def watched_channels(self) -> list[int]:
        """Return the channels whose posted links are added (watch mode)."""
        ...

    def source_requests(self) -> list[SourceRequest]:
        """Return every stored source request (drafts, open and answered)."""
        ...

    def stage_source_requests(self, requests: Iterable[SourceRequest]) -> None:
        """Keep new or updated requests for the next write (or store them at once)."""
        ...

    def save_source_requests(self, requests: Iterable[SourceRequest]) -> None:
        """Store new or updated requests durably now."""
        ...

    def delete_source_requests(self, request_ids: Iterable[str]) -> None:
        """Delete requests durably now (unknown ids are ignored)."""
        ...

    def server_config(self) -> dict[str, Any]:
        """Return the server's stored configuration (empty when nothing was set)."""
        ...

    def save_server_config(self, config: dict[str, Any]) -> None:
        """Store the server's whole configuration durably now."""
        ...

    def put_watched_channels(self, channel_ids: list[int]) -> None:
        """Stage the set of watched channels."""
        ...

    def commit(self) -> None:
        """Make staged changes durable (and visible to other processes)."""
        ...

    def rollback(self) -> bool:
        """Drop what a failed commit left; return True when staged changes were discarded."""
        ...

    def reextract_lock(self) -> contextlib.AbstractContextManager[bool]:
        """Hold the library's re-extraction lock; yield False when another process has it."""
        ...

    def close(self) -> None:
        """Write pending changes and release the library."""
        ...


class AtomicJSONStorage(Storage):
    """TinyDB storage held in memory and written to disk only on :meth:`flush`.

    Writing the whole file on every TinyDB change would make an ingest of n
    articles cost O(n²); the store decides when to flush instead.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict[str, dict[str, Any]] | None = self._load()

    def _load(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CorruptLibrary(f"Cannot read the library {self.path}: {exc.strerror}.") from exc
        if not raw.strip():
            raise CorruptLibrary(
                f"The library {self.path} is empty or truncated. It was left untouched; "
                "restore it from a backup or move it away to start a new library."
            )
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise CorruptLibrary(
                f"The library {self.path} is corrupt ({exc}). It was left untouched; "
                "restore it from a backup or move it away to start a new library."
            ) from exc
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise CorruptLibrary(
                f"The library {self.path} is not a claimbot library. It was left untouched."
            )
        return data

    def read(self) -> dict[str, dict[str, Any]] | None:
        """Return the tables held in memory."""
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Keep TinyDB's change in memory; :meth:`flush` persists it."""
        self._data = data

    def flush(self) -> None:
        """Write the tables to disk: temp file, fsync, atomic replace."""
        data = self._data or {}
        folder = self.path.parent
        fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(orjson.dumps(data))  # UTF-8, no ASCII escapes
                fh.flush()
                os.fsync(fh.fileno())
            _replace(tmp, self.path)
            _fsync_dir(folder)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise SaveFailed(
                f"Could not save the library {self.path} ({exc.strerror or exc}); "
                "the previous version is intact."
            ) from exc

    def close(self) -> None:
        """Nothing to release: the file is only open while flushing."""


def _replace(src: Path, dst: Path) -> None:
    """Atomically move ``src`` over ``dst`` (a seam the crash tests patch)."""
    os.replace(src, dst)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open a directory; the rename is still atomic
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class TinyDBStore:
    """One library file: articles, statements and speakers (one process at a time)."""

    def __init__(self, path: Path, db: TinyDB, storage: AtomicJSONStorage, lock: filelock.FileLock):
        self.path = path
        self._db = db
        self._storage = storage
        self._lock = lock
        self._dirty = False
        self.created = False  # set by open() when the file did not exist
        self._next_ids: dict[str, int] = {}
        self._speaker_doc_ids: dict[str, int] = {
            speaker.id: int(doc_id)
            for doc_id, speaker in zip(self._raw_table(_SPEAKERS), self.speakers(), strict=True)
        }
        self._request_doc_ids: dict[str, int] = {
            request.id: int(doc_id)
            for doc_id, request in zip(
                self._raw_table(_REQUESTS), self.source_requests(), strict=True
            )
        }

    @classmethod
    def open(cls, path: str | Path) -> TinyDBStore:
        """Open (or create) the library at ``path``; refuse one another process holds."""
        path = Path(path).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        with _open_paths_lock:
            if path in _open_paths:
                raise LibraryInUse(f"The library {path} is already open in this process.")
            # Not thread-local: the bot opens and closes a library in different threads.
            lock = filelock.FileLock(str(path) + ".lock", timeout=0, thread_local=False)
            try:
                lock.acquire()
            except filelock.Timeout as exc:
                raise LibraryInUse(
                    f"The library {path} is in use by another claimbot process; "
                    "stop it first or use another --db."
                ) from exc
            try:
                storage = AtomicJSONStorage(path)
                is_new = storage.read() is None
                db = TinyDB(storage=lambda: storage)
                migrated = _check_schema(db, storage, path, is_new=is_new)
                store = cls(path, db, storage, lock)
                store.created = is_new
                if is_new:
                    store.commit()
                elif migrated:
                    _keep_backup(path, migrated)
                    store.commit()
                    log.info("upgraded library %s to schema %d", path, SCHEMA_VERSION)
            except BaseException:
                lock.release()
                raise
            _open_paths.add(path)
        return store

    @property
    def name(self) -> str:
        """Return the library file's path as text."""
        return str(self.path)

    def begin_write(self) -> Changes | None:
        """Nothing to catch up on: the file lock keeps every other writer out."""
        return None

    def changes(self) -> Changes | None:
        """Nothing to catch up on: the file lock keeps every other writer out."""
        return None

    def rollback(self) -> bool:
        """Keep the staged changes: the caller stages their removal instead."""
        return False

    @contextlib.contextmanager
    def reextract_lock(self) -> Iterator[bool]:
        """The file lock already makes this process the only one re-extracting."""
        yield True

    # Reads go to the storage's tables directly: Table.all() would wrap each of
    # 100k statements in a TinyDB Document only for us to convert it again.

    def articles(self) -> list[Article]:
        """Return every stored article."""
        return self._records(_ARTICLES, _article_from)

    def statements(self) -> list[Statement]:
        """Return every stored statement."""
        return self._records(_STATEMENTS, _statement_from)

    def speakers(self) -> list[Speaker]:
        """Return every stored speaker."""
        return self._records(_SPEAKERS, _speaker_from)

    def _records(self, name: str, convert: Callable[[dict[str, Any]], _R]) -> list[_R]:
        try:
            return [convert(doc) for doc in self._raw_table(name).values()]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CorruptLibrary(
                f"The library {self.path} holds a damaged {name} record ({exc!r}). It was "
                "left untouched; restore it from a backup or move it away."
            ) from exc

    def put_article(
        self, article: Article, statements: Iterable[Statement], speakers: Iterable[Speaker]
    ) -> None:
        """Stage an article with its statements and new or updated speakers."""
        self._append(_ARTICLES, [_article_to(article)])
        self._append(_STATEMENTS, [_statement_to(s) for s in statements])
        self.put_speakers(speakers)
        self._dirty = True

    def put_speakers(self, speakers: Iterable[Speaker]) -> None:
        """Stage new or updated speakers."""
        for speaker in speakers:
            doc_id = self._speaker_doc_ids.get(speaker.id)
            if doc_id is None:
                (self._speaker_doc_ids[speaker.id],) = self._append(
                    _SPEAKERS, [_speaker_to(speaker)]
                )
                continue
            table = self._raw_table(_SPEAKERS)
            old = table[str(doc_id)].get("appearances") or []
            if _extends(speaker.appearances, old):
                # A speaker quoted again gains one appearance: append it rather than
                # convert all of them again, which made a frequent speaker's ingest O(n²).
                doc = _speaker_to(speaker, appearances=False)
                doc["appearances"] = old
                old.extend(_appearance_to(a) for a in speaker.appearances[len(old) :])
            else:
                doc = _speaker_to(speaker)
            table[str(doc_id)] = doc
        self._dirty = True

    # -- community tables: source requests and the server's configuration -----------------

    def source_requests(self) -> list[SourceRequest]:
        """Return every stored source request (drafts, open and answered)."""
        return self._records(_REQUESTS, _request_from)

    def stage_source_requests(self, requests: Iterable[SourceRequest]) -> None:
        """Keep new or updated requests in memory; the next write of the library saves them."""
        for request in requests:
            doc = _request_to(request)
            doc_id = self._request_doc_ids.get(request.id)
            if doc_id is None:
                (self._request_doc_ids[request.id],) = self._append(_REQUESTS, [doc])
            else:
                self._raw_table(_REQUESTS)[str(doc_id)] = doc
        self._dirty = True

    def save_source_requests(self, requests: Iterable[SourceRequest]) -> None:
        """Store new or updated requests durably now."""
        self.stage_source_requests(requests)
        self.commit()

    def delete_source_requests(self, request_ids: Iterable[str]) -> None:
        """Delete requests durably now (unknown ids are ignored)."""
        table = self._raw_table(_REQUESTS)
        for request_id in request_ids:
            doc_id = self._request_doc_ids.pop(request_id, None)
            if doc_id is not None:
                table.pop(str(doc_id), None)
        self.commit()

    def server_config(self) -> dict[str, Any]:
        """Return the server's stored configuration (empty when nothing was set)."""
        doc = self._raw_table(_CONFIG).get(_CONFIG_DOC)
        if doc is not None and not isinstance(doc, dict):
            raise CorruptLibrary(f"The library {self.path} holds a damaged configuration record.")
        return dict(doc or {})

    def save_server_config(self, config: dict[str, Any]) -> None:
        """Store the server's whole configuration (JSON values only) durably now."""
        self._raw_table(_CONFIG)[_CONFIG_DOC] = dict(config)
        self.commit()

    def _raw_table(self, name: str) -> dict[str, Any]:
        data = self._storage.read()
        assert data is not None, "open() writes the schema table first"
        return data.setdefault(name, {})

    def _append(self, name: str, docs: list[dict[str, Any]]) -> list[int]:
        """Insert documents in TinyDB's file format without rebuilding the table.

        TinyDB's ``Table.insert`` converts every document of the table on each
        call, which makes a bulk ingest quadratic. Writing into the storage's
        table is the same file format at O(1) a document. Nothing here calls
        ``Table.insert``, so TinyDB's cached next id can never collide.
        """
        raw = self._raw_table(name)
        next_id = self._next_ids.get(name) or max(map(int, raw), default=0) + 1
        ids = list(range(next_id, next_id + len(docs)))
        for doc_id, doc in zip(ids, docs, strict=True):
            raw[str(doc_id)] = doc
        self._next_ids[name] = next_id + len(docs)
        return ids

    def delete_articles(self, article_ids: Iterable[str], speaker_ids: Iterable[str]) -> None:
        """Stage the removal of articles, their statements and the given speakers."""
        ids = frozenset(article_ids)
        self._db.table(_ARTICLES).remove(where("id").test(ids.__contains__))
        self._db.table(_STATEMENTS).remove(where("article_id").test(ids.__contains__))
        doc_ids = [self._speaker_doc_ids.pop(sid) for sid in speaker_ids]
        if doc_ids:
            self._db.table(_SPEAKERS).remove(doc_ids=doc_ids)
        self._dirty = True

    # Feeds: a handful of small records, replaced whole (keyed by feed id).

    def feeds(self) -> list[Feed]:
        """Return every followed feed."""
        return self._records(_FEEDS, _feed_from)

    def put_feed(self, feed: Feed) -> None:
        """Stage a new or updated feed."""
        self._raw_table(_FEEDS)[feed.id] = _feed_to(feed)
        self._dirty = True

    def delete_feed(self, feed_id: str) -> None:
        """Stage the removal of a feed."""
        self._raw_table(_FEEDS).pop(feed_id, None)
        self._dirty = True

    def feed_quota(self) -> tuple[str, int]:
        """Return (day, articles feeds added that day) for the daily cap."""
        record = self._raw_table(_FEED_QUOTA).get("quota") or {}
        return str(record.get("day", "")), int(record.get("count", 0))

    def put_feed_quota(self, day: str, count: int) -> None:
        """Stage the day's count of articles added from feeds."""
        self._raw_table(_FEED_QUOTA)["quota"] = {"day": day, "count": count}
        self._dirty = True

    def watched_channels(self) -> list[int]:
        """Return the channels whose posted links are added (watch mode)."""
        record = self._raw_table(_WATCH).get("channels") or {}
        return [int(c) for c in record.get("ids") or ()]

    def put_watched_channels(self, channel_ids: list[int]) -> None:
        """Stage the set of watched channels."""
        self._raw_table(_WATCH)["channels"] = {"ids": sorted(set(channel_ids))}
        self._dirty = True

    def commit(self) -> None:
        """Write staged changes to disk crash-safely."""
        self._storage.flush()
        self._dirty = False

    def close(self) -> None:
        """Write pending changes and release the file lock."""
        try:
            if self._dirty:
                self.commit()
        finally:
            self._db.close()
            self._lock.release()
            with _open_paths_lock:
                _open_paths.discard(self.path)


def _check_schema(
    db: TinyDB, storage: AtomicJSONStorage, path: Path, *, is_new: bool
) -> int | None:
    """Check the stored schema version; upgrade an older library in memory.

    Return the version it was upgraded from, or None when nothing changed.
    """
    meta = db.table(_META)
    if is_new:
        meta.insert({"schema_version": SCHEMA_VERSION})
        return None
    rows = meta.all()
    version = rows[0].get("schema_version") if rows else None
    if version == SCHEMA_VERSION:
        return None
    if version == 1:
        _migrate_1_to_2(storage)
        meta.update({"schema_version": SCHEMA_VERSION})
        return 1
    raise CorruptLibrary(
        f"The library {path} has schema version {version!r}; this claimbot reads version "
        f"{SCHEMA_VERSION}. It was left untouched: use a matching claimbot or another --db."
    )


def _keep_backup(path: Path, version: int) -> None:
    """Copy a library about to be upgraded next to it (``lib.json.v1.bak``), once."""
    backup = path.with_name(f"{path.name}.v{version}.bak")
    if backup.exists():
        return
    try:
        backup.write_bytes(path.read_bytes())
    except OSError as exc:
        raise SaveFailed(
            f"Could not keep a copy of {path} before upgrading it ({exc.strerror or exc}); "
            "the library was left untouched."
        ) from exc


def _migrate_1_to_2(storage: AtomicJSONStorage) -> None:
    """Give version-1 speakers appearances and a kind, losing none of their names.

    Version 1 kept one list of aliases and roles per speaker. Each alias and role goes to
    the speaker's articles whose text holds it; what no article holds stays in an
    appearance without article, so it is kept but never tied to an article.
    """
    data = storage.read()
    assert data is not None, "only an existing library is migrated"
    articles = data.get(_ARTICLES, {})
    text_of = {doc.get("id"): str(doc.get("text", "")).casefold() for doc in articles.values()}
    articles_of: dict[str, list[str]] = {}
    for doc in data.get(_STATEMENTS, {}).values():
        sid, aid = doc.get("speaker_id"), doc.get("article_id")
        if sid and aid in text_of and aid not in articles_of.setdefault(sid, []):
            articles_of[sid].append(aid)
    for doc in data.get(_SPEAKERS, {}).values():
        name = str(doc.get("name", ""))
        if "kind" not in doc:
            doc["kind"] = kind_of(name, None).value
        found: dict[str | None, dict[str, list[str]]] = {}
        for field_name in ("aliases", "roles"):
            for item in doc.get(field_name) or ():
                where_found: list[str | None] = [
                    aid
                    for aid in articles_of.get(doc.get("id", ""), [])
                    if item.casefold() in text_of[aid]
                ] or [None]
                for aid in where_found:
                    found.setdefault(aid, {"aliases": [], "roles": []})[field_name].append(item)
        doc["appearances"] = [
            {"article_id": aid, "aliases": lists["aliases"], "roles": lists["roles"]}
            for aid, lists in found.items()
        ]


def _article_to(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "text": a.text,
        "url": a.url,
        "publisher": a.publisher,
        "published": a.published,
        "authors": list(a.authors),
        "added_at": a.added_at,
        "added_by": a.added_by,
        "source": a.source.value,
        "extractor_version": a.extractor_version,
        "fact_checks": [_fact_check_to(f) for f in a.fact_checks],
    }


def _fact_check_to(f: FactCheck) -> dict[str, Any]:
    return {
        "claim": f.claim,
        "verdict": f.verdict,
        "reviewer": f.reviewer,
        "claimant": f.claimant,
        "published": f.published,
        "claim_date": f.claim_date,
        "url": f.url,
    }


def _fact_check_from(d: dict[str, Any]) -> FactCheck:
    return FactCheck(
        claim=d["claim"],
        verdict=d["verdict"],
        reviewer=d.get("reviewer"),
        claimant=d.get("claimant"),
        published=d.get("published"),
        claim_date=d.get("claim_date"),
        url=d.get("url"),
    )


def _article_from(d: dict[str, Any]) -> Article:
    return Article(
        id=d["id"],
        title=d["title"],
        text=d["text"],
        url=d.get("url"),
        publisher=d.get("publisher"),
        published=d.get("published"),
        authors=tuple(d.get("authors") or ()),
        added_at=d.get("added_at", ""),
        added_by=d.get("added_by"),
        source=SourceKind(d.get("source", "text")),
        extractor_version=int(d.get("extractor_version", 0)),
        fact_checks=tuple(_fact_check_from(f) for f in d.get("fact_checks") or ()),
    )


def _statement_to(s: Statement) -> dict[str, Any]:
    return {
        "id": s.id,
        "article_id": s.article_id,
        "kind": s.kind.value,
        "text": s.text,
        "start": s.start,
        "end": s.end,
        "sentence": s.sentence,
        "speaker_id": s.speaker_id,
        "speaker": s.speaker,
        "cue": s.cue,
        "addressee": s.addressee,
        **({"fact_check": _fact_check_to(s.fact_check)} if s.fact_check is not None else {}),
    }


def _statement_from(d: dict[str, Any]) -> Statement:
    return Statement(
        id=d["id"],
        article_id=d["article_id"],
        kind=Kind(d["kind"]),
        text=d["text"],
        start=int(d["start"]),
        end=int(d["end"]),
        sentence=d.get("sentence", d["text"]),
        speaker_id=d.get("speaker_id"),
        speaker=d.get("speaker"),
        cue=d.get("cue"),
        addressee=d.get("addressee"),
        fact_check=_fact_check_from(d["fact_check"]) if d.get("fact_check") else None,
    )


def _speaker_to(s: Speaker, *, appearances: bool = True) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": s.id,
        "name": s.name,
        "aliases": list(s.aliases),
        "roles": list(s.roles),
        "kind": s.kind.value,
    }
    if appearances:
        doc["appearances"] = [_appearance_to(a) for a in s.appearances]
    return doc


def _appearance_to(a: Appearance) -> dict[str, Any]:
    return {"article_id": a.article_id, "aliases": list(a.aliases), "roles": list(a.roles)}


def _extends(appearances: tuple[Appearance, ...], stored: list[dict[str, Any]]) -> bool:
    """Return True when ``appearances`` are the stored ones plus more at the end."""
    n = len(stored)
    if not stored or len(appearances) <= n:
        return False
    return bool(_appearance_to(appearances[n - 1]) == stored[-1])


def _speaker_from(d: dict[str, Any]) -> Speaker:
    return Speaker(
        id=d["id"],
        name=d["name"],
        aliases=tuple(d.get("aliases") or ()),
        roles=tuple(d.get("roles") or ()),
        kind=SpeakerKind(d.get("kind", "person")),
        appearances=tuple(
            Appearance(
                article_id=a.get("article_id"),
                aliases=tuple(a.get("aliases") or ()),
                roles=tuple(a.get("roles") or ()),
            )
            for a in d.get("appearances") or ()
        ),
    )


def _request_to(r: SourceRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "question": r.question,
        "asker": r.asker,
        "created_at": r.created_at,
        "status": r.status.value,
        "channel_id": r.channel_id,
        "message_id": r.message_id,
        "link": r.link,
        "requested_by": r.requested_by,
        "opened_at": r.opened_at,
        "votes": list(r.votes),
        "answered_at": r.answered_at,
        "answer_ids": list(r.answer_ids),
    }


def _request_from(d: dict[str, Any]) -> SourceRequest:
    return SourceRequest(
        id=d["id"],
        question=d["question"],
        asker=d["asker"],
        created_at=d["created_at"],
        status=RequestStatus(d.get("status", "draft")),
        channel_id=d.get("channel_id"),
        message_id=d.get("message_id"),
        link=d.get("link"),
        requested_by=d.get("requested_by"),
        opened_at=d.get("opened_at"),
        votes=tuple(d.get("votes") or ()),
        answered_at=d.get("answered_at"),
        answer_ids=tuple(d.get("answer_ids") or ()),
    )


def _feed_to(f: Feed) -> dict[str, Any]:
    return {
        "id": f.id,
        "url": f.url,
        "title": f.title,
        "channel_id": f.channel_id,
        "added_by": f.added_by,
        "added_at": f.added_at,
        "etag": f.etag,
        "last_modified": f.last_modified,
        "last_polled": f.last_polled,
        "next_poll": f.next_poll,
        "failures": f.failures,
        "paused": f.paused,
        "last_error": f.last_error,
        "seen": list(f.seen),
        "added": f.added,
    }


def _feed_from(d: dict[str, Any]) -> Feed:
    return Feed(
        id=d["id"],
        url=d["url"],
        title=d.get("title"),
        channel_id=int(d["channel_id"]) if d.get("channel_id") is not None else None,
        added_by=d.get("added_by"),
        added_at=d.get("added_at", ""),
        etag=d.get("etag"),
        last_modified=d.get("last_modified"),
        last_polled=d.get("last_polled"),
        next_poll=float(d.get("next_poll", 0.0)),
        failures=int(d.get("failures", 0)),
        paused=d.get("paused"),
        last_error=d.get("last_error"),
        seen=tuple(d.get("seen") or ()),
        added=int(d.get("added", 0)),
    )
