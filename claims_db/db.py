"""ClaimsDB: the facade the CLI, the bot and the tests use."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

import platformdirs
from rapidfuzz import fuzz

from claims_db import identity, rank
from claims_db import text as text_mod
from claims_db.embed import DIMENSION, MODEL_VERSION, Embedder, shared_embedder
from claims_db.errors import ClaimsError, InputTooLarge, NotFound, UnsupportedFile
from claims_db.extract import EXTRACTOR_VERSION, extract
from claims_db.extract.pool import extract_many
from claims_db.models import (
    Added,
    Answer,
    Appearance,
    Article,
    Document,
    Explained,
    ExtractedSpeaker,
    ExtractedStatement,
    Extraction,
    FactCheck,
    Feed,
    Kind,
    LinkedArticle,
    LinkResult,
    Match,
    Outcome,
    SourceKind,
    Speaker,
    SpeakerLookup,
    Statement,
)
from claims_db.requests import RequestBook
from claims_db.search import Lexical, SearchIndex
from claims_db.server_config import ServerConfig
from claims_db.store import Changes, Store, TinyDBStore
from claims_db.urls import find_links, url_key
from claims_db.vectors import VectorStore, sidecar_path

if TYPE_CHECKING:
    import aiohttp

    from claims_db.pgstore import Database

log = logging.getLogger(__name__)

MIN_SPEAKER_SCORE: Final = 0.5
# A typed name is ambiguous when another speaker scores within this of the best one.
SPEAKER_TIE: Final = 0.1
SPELLING_MARGIN: Final = 8.0  # points of rapidfuzz ratio that make one spelling clearly closer
MAX_QUESTION_CHARS: Final = 4000  # Discord's longest message; a question is never longer
# Up to this many vectors, ask also scans all of them for the DENSE_CANDIDATES nearest
# statements (a float32 copy, 1.5 KB a statement; bench/semantic.py times the scan); above it only
# the lexical pool is scored.
DENSE_SCAN_LIMIT: Final = 20_000
DENSE_CANDIDATES: Final = 20
EMBED_BATCH: Final = 256  # statements embedded between two progress reports
_VECTOR_SAVE_SECONDS: Final = 60.0  # a long embedding run saves its vectors this often

EmbedProgressFn = Callable[[int, int], None]


class _Default:
    """Marker for "use the configured seeds folder"."""


DEFAULT_SEEDS: Final = _Default()


def default_seeds() -> Path | None:
    """Return the seeds folder: ``CLAIMBOT_SEEDS`` if set (empty: none), else the bundled one."""
    configured = os.environ.get("CLAIMBOT_SEEDS")
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    for candidate in (
        Path(__file__).resolve().parents[1] / "seeds",
        Path(sys.prefix) / "share" / "claimbot" / "seeds",
    ):
        if candidate.is_dir():
            return candidate
    return None


def article_id_for(text: str) -> str:
    """Return the content hash that identifies an article's text."""
    digest = hashlib.sha256(text_mod.normalise_for_hash(text).encode("utf-8"))
    return digest.hexdigest()[:16]


def _vectors_location(store: Store) -> Path:
    """Return where this library's vectors are cached: beside its file, or in the user cache.

    A PostgreSQL library has no file; its vectors are a local cache of this machine's,
    one file per database and guild, rebuilt from the text when missing.
    """
    path = getattr(store, "path", None)
    if isinstance(path, Path):
        return sidecar_path(path)
    folder = platformdirs.user_cache_path("claimbot") / "vectors"
    return sidecar_path(folder / f"{_short_hash(store.name)}.library")


def _short_hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _name_key(name: str) -> str:
    return identity.name_key(name)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class IngestReport:
    """What a batch ingest did."""

    added: list[Article] = field(default_factory=list)
    skipped: list[Article] = field(default_factory=list)  # already in the library
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)


ProgressFn = Callable[[int, int, IngestReport], None]


_REEXTRACT_BATCH = 100  # articles extracted, then swapped, together


class _CommitPacer:
    """Decide when a batch ingest writes: often enough to lose little, rarely enough to stay linear.

    A flush rewrites the whole file, so flushing after every article makes an
    ingest of n articles O(n²). Waiting at least ``ratio`` times as long as
    the last flush took keeps writing to a bounded share of the total time.
    """

    def __init__(self, *, ratio: float = 4.0, min_interval: float = 0.5) -> None:
        self._ratio = ratio
        self._min_interval = min_interval
        self._last_end = time.monotonic()
        self._last_cost = 0.0

    def is_due(self) -> bool:
        wait = max(self._min_interval, self._ratio * self._last_cost)
        return time.monotonic() - self._last_end >= wait

    def record(self, started: float) -> None:
        self._last_end = time.monotonic()
        self._last_cost = self._last_end - started


@dataclass(frozen=True, slots=True)
class _Fused:
    """Both stages' ranking of a question before abstention."""

    found: Lexical
    matches: list[Match]
    confidence: float | None
    signals: list[float]


class ClaimsDB:
    """A library of articles, their statements and speakers, with search."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._on_close: list[Callable[[], None]] = []
        self._lock = threading.RLock()
        self._articles: dict[str, Article] = {a.id: a for a in store.articles()}
        self._statements: dict[str, Statement] = {}
        self._by_article: dict[str, list[str]] = {}
        for st in sorted(store.statements(), key=lambda s: (s.article_id, s.start)):
            self._statements[st.id] = st
            self._by_article.setdefault(st.article_id, []).append(st.id)
        self._speakers: dict[str, Speaker] = {s.id: s for s in store.speakers()}
        self._speaker_counts: Counter[str] = Counter(
            s.speaker_id for s in self._statements.values() if s.speaker_id
        )
        self._directory = identity.Directory()
        self._directory.rebuild((sp.id, _identity(sp)) for sp in self._speakers.values())
        self._index = SearchIndex()
        self._index.add(self._statements.values(), self._speakers.values())
        self._by_url: dict[str, str] = {}
        for article in self._articles.values():
            self._remember_urls(article)
        self._feeds: dict[str, Feed] = {f.id: f for f in store.feeds()}
        # Vectors are a cache of the statements' text, kept beside the library.
        self._embedder: Embedder = shared_embedder()
        self._embed_lock = threading.Lock()
        self._vectors_path = _vectors_location(store)
        self._vectors = VectorStore.load(
            self._vectors_path, model=MODEL_VERSION, dimension=DIMENSION
        )
        self._vectors.keep_only(self._statements)
        self._worker: threading.Thread | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        # Questions nothing answered yet, asked again after each ingest (claims_db.requests).
        self.requests = RequestBook(store, self._ask_request, self._lock)
        self._config = ServerConfig.from_dict(store.server_config())

    # -- opening and closing -------------------------------------------------

    @classmethod
    def open(
        cls, path: str | Path, *, seeds: Path | str | None | _Default = DEFAULT_SEEDS
    ) -> ClaimsDB:
        """Open the library at ``path``, creating it (with the seed articles) if missing."""
        return cls.from_store(TinyDBStore.open(path), seeds=seeds)

    @classmethod
    def open_guild(
        cls,
        database: Database,
        guild_id: int,
        *,
        seeds: Path | str | None | _Default = DEFAULT_SEEDS,
    ) -> ClaimsDB:
        """Open one guild's library in a PostgreSQL database, creating it if missing."""
        return cls.from_store(database.store(guild_id), seeds=seeds)

    @classmethod
    def open_url(
        cls,
        url: str,
        guild_id: int = 0,
        *,
        seeds: Path | str | None | _Default = DEFAULT_SEEDS,
    ) -> ClaimsDB:
        """Connect to a PostgreSQL database and open one guild's library; close disconnects."""
        from claims_db.pgstore import Database  # psycopg is only needed in PostgreSQL mode

        database = Database.connect(url, max_connections=2)
        try:
            db = cls.open_guild(database, guild_id, seeds=seeds)
        except BaseException:
            database.close()
            raise
        db._on_close.append(database.close)
        return db

    @classmethod
    def from_store(
        cls, store: Store, *, seeds: Path | str | None | _Default = DEFAULT_SEEDS
    ) -> ClaimsDB:
        """Load a library from an open store; a new one gets the seed articles."""
        try:
            db = cls(store)
            if store.created:
                folder = default_seeds() if isinstance(seeds, _Default) else seeds
                if folder is not None:
                    db._add_seeds(Path(folder))
        except BaseException:
            store.close()
            raise
        return db

    @property
    def path(self) -> Path:
        """Return the library file's path (TinyDB libraries only)."""
        if not isinstance(self._store, TinyDBStore):
            raise AttributeError("a PostgreSQL library has no file path")
        return self._store.path

    @property
    def name(self) -> str:
        """Return how messages name this library (its path, or its guild and database)."""
        return self._store.name

    @property
    def statement_count(self) -> int:
        """Return how many statements the library holds in memory."""
        with self._lock:
            return len(self._statements)

    # -- other writers -----------------------------------------------------------------

    def catch_up(self) -> int:
        """Apply what other processes stored since this library last looked; return articles."""
        with self._lock:
            changes = self._store.changes()
            if changes is None:
                return 0
            self._apply(changes)
            return len(changes.article_ids)

    def _end_write(self) -> None:
        """End a write that staged nothing (its last batch was committed or held nothing)."""
        with self._lock:
            self._store.rollback()

    def _begin_write(self) -> None:
        """Take the store's write lock and apply others' writes before deciding ours."""
        changes = self._store.begin_write()
        if changes is not None:
            self._apply(changes)

    def _apply(self, changes: Changes) -> None:
        """Make memory and index match the stored state of the touched records."""
        self._forget(*changes.article_ids, stage=False)
        current = {sp.id: sp for sp in changes.speakers}
        gone = [sid for sid in changes.speaker_ids if sid not in current and sid in self._speakers]
        for sid in gone:
            del self._speakers[sid]
            self._speaker_counts.pop(sid, None)
        for speaker in current.values():
            self._speakers[speaker.id] = speaker
        if gone or current:
            self._directory.rebuild((s.id, _identity(s)) for s in self._speakers.values())
        for article in changes.articles:
            self._articles[article.id] = article
        statements = sorted(changes.statements, key=lambda s: (s.article_id, s.start))
        for st in statements:
            if st.article_id not in self._articles:
                continue
            self._statements[st.id] = st
            self._by_article.setdefault(st.article_id, []).append(st.id)
            if st.speaker_id:
                self._speaker_counts[st.speaker_id] += 1
        self._index.remove((), gone)
        self._index.add(
            (st for st in statements if st.article_id in self._articles), current.values()
        )
        log.info("applied %d changed article(s) from other writers", len(changes.article_ids))

    def close(self) -> None:
        """Write anything pending and release the library."""
        self._stopping.set()
        worker = self._worker
        if worker is not None:
            self._wake.set()
            worker.join()
        with self._lock:
            try:
                self._store.close()
            finally:
                for closer in self._on_close:
                    closer()

    def __enter__(self) -> ClaimsDB:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- adding ----------------------------------------------------------------

    def add_text(
        self,
        text: str,
        *,
        title: str | None = None,
        url: str | None = None,
        published: str | None = None,
        publisher: str | None = None,
        added_by: str | None = None,
    ) -> Article:
        """Add pasted text; its first line is the title unless ``title`` is given."""
        return self.ingest_text(
            text, title=title, url=url, published=published, publisher=publisher, added_by=added_by
        ).article

    def ingest_text(
        self,
        text: str,
        *,
        title: str | None = None,
        url: str | None = None,
        published: str | None = None,
        publisher: str | None = None,
        added_by: str | None = None,
    ) -> Added:
        """Add pasted text like :meth:`add_text`, saying whether the article was new."""
        doc = text_mod.document_from_text(
            text, title=title, url=url, published=published, publisher=publisher
        )
        return self._add(doc, source=SourceKind.TEXT, added_by=added_by)

    def add_html(
        self, html: str, *, url: str | None = None, added_by: str | None = None
    ) -> Article:
        """Add an HTML page; its main text and metadata come from the article extractor."""
        doc = text_mod.document_from_html(html, url=url)
        source = SourceKind.URL if url else SourceKind.FILE
        return self.add_document(doc, source=source, added_by=added_by)

    def add_file(self, path: str | Path, *, added_by: str | None = None) -> Article:
        """Add a .txt, .md or .html file."""
        doc = text_mod.read_file(Path(path))
        return self.add_document(doc, source=SourceKind.FILE, added_by=added_by)

    def add_bytes(self, data: bytes, *, filename: str, added_by: str | None = None) -> Article:
        """Add an uploaded file's content; its suffix picks the reader."""
        return self.ingest_bytes(data, filename=filename, added_by=added_by).article

    def ingest_bytes(self, data: bytes, *, filename: str, added_by: str | None = None) -> Added:
        """Add an uploaded file like :meth:`add_bytes`, saying whether the article was new."""
        doc = text_mod.document_from_bytes(data, filename=filename)
        return self._add(doc, source=SourceKind.FILE, added_by=added_by)

    async def add_url(
        self,
        url: str,
        *,
        added_by: str | None = None,
        allow_private: bool = False,
        allow_loopback: bool = False,
        session: aiohttp.ClientSession | None = None,
    ) -> Article:
        """Fetch a web page (guarded against private addresses) and add its article."""
        added = await self.ingest_url(
            url,
            added_by=added_by,
            allow_private=allow_private,
            allow_loopback=allow_loopback,
            session=session,
        )
        return added.article

    async def ingest_url(
        self,
        url: str,
        *,
        added_by: str | None = None,
        allow_private: bool = False,
        allow_loopback: bool = False,
        session: aiohttp.ClientSession | None = None,
    ) -> Added:
        """Fetch and add a web page like :meth:`add_url`, saying whether the article was new."""
        return await self._add_url(
            url,
            added_by=added_by,
            allow_private=allow_private,
            allow_loopback=allow_loopback,
            session=session,
        )

    async def add_link(
        self,
        url: str,
        *,
        added_by: str | None = None,
        allow_private: bool = False,
        allow_loopback: bool = False,
        session: aiohttp.ClientSession | None = None,
        commit: bool = True,
    ) -> LinkResult:
        """Add one link and say what happened (added / already known / refused and why).

        With ``commit=False`` the article is staged and the next write carries it (a feed
        poll writes once for all its items). Everything that takes the library's lock runs
        in a thread, so the event loop never waits on a write in progress.
        """
        try:
            added = await self._add_url(
                url,
                added_by=added_by,
                allow_private=allow_private,
                allow_loopback=allow_loopback,
                session=session,
                commit=commit,
            )
        except ClaimsError as exc:
            return LinkResult(url, Outcome.REFUSED, reason=str(exc) or "It could not be added.")
        return await asyncio.to_thread(self._link_result, url, added)

    def _link_result(self, url: str, added: Added) -> LinkResult:
        article = added.article
        with self._lock:
            stored = [self._statements[sid] for sid in self._by_article.get(article.id, [])]
        speakers = Counter(s.speaker for s in stored if s.speaker and s.kind is not Kind.CLAIM)
        return LinkResult(
            url,
            Outcome.ADDED if added.is_new else Outcome.KNOWN,
            article=article,
            statements=len(stored),
            speakers=tuple(speakers.most_common(3)),
            ignored_fact_checks=added.ignored_fact_checks,
        )

    async def _add_url(
        self,
        url: str,
        *,
        added_by: str | None,
        allow_private: bool,
        allow_loopback: bool,
        session: aiohttp.ClientSession | None,
        commit: bool = True,
    ) -> Added:
        from claims_db.fetch import check_url, fetch_page  # aiohttp is only needed for URLs

        known = await asyncio.to_thread(self.article_for_url, url)
        if known is not None:
            return Added(known, is_new=False)  # the same link again (or a variant of it)
        check_url(url, allow_private=allow_private, allow_loopback=allow_loopback)
        page = await fetch_page(
            url, session=session, allow_private=allow_private, allow_loopback=allow_loopback
        )
        return await asyncio.to_thread(
            self._add_page, page.text, page.url, page.is_html, added_by, commit
        )

    def _add_page(
        self, body: str, url: str, is_html: bool, added_by: str | None, commit: bool = True
    ) -> Added:
        if is_html:
            doc = text_mod.document_from_html(body, url=url)
        else:
            doc = text_mod.document_from_text(body, url=url)
        return self._add(doc, source=SourceKind.URL, added_by=added_by, commit=commit)

    def add_document(
        self,
        doc: Document,
        *,
        source: SourceKind,
        added_by: str | None = None,
        commit: bool = True,
        extraction: Extraction | None = None,
    ) -> Article:
        """Extract and store one document; an article already stored is returned as is.

        ``extraction`` is the document's extraction when the caller already has it.
        """
        return self._add(
            doc, source=source, added_by=added_by, commit=commit, extraction=extraction
        ).article

    def _add(
        self,
        doc: Document,
        *,
        source: SourceKind,
        added_by: str | None = None,
        commit: bool = True,
        extraction: Extraction | None = None,
    ) -> Added:
        article_id = article_id_for(doc.text)
        with self._lock:
            known = self._articles.get(article_id)
        if known is None and not commit:
            with self._lock:  # a batch holds the write lock: what others stored is applied
                self._begin_write()
                known = self._articles.get(article_id)
        if known is not None:
            return Added(known, is_new=False, ignored_fact_checks=doc.ignored_fact_checks)
        if extraction is None:
            extraction = extract(doc.text, title=doc.title)
        article = Article(
            id=article_id,
            title=extraction.title or doc.title,
            text=doc.text,
            url=doc.url,
            publisher=doc.publisher,
            published=doc.published,
            authors=doc.authors,
            added_at=_now(),
            added_by=added_by,
            source=source,
            extractor_version=EXTRACTOR_VERSION,
            fact_checks=doc.fact_checks,
        )
        with self._lock:
            self._begin_write()
            known = self._articles.get(article_id)
            if known is not None:
                if commit:
                    self._store.commit()  # nothing staged: releases the write lock
                return Added(known, is_new=False)
            count = self._put(article, extraction)
            if commit:
                self._commit_or_roll_back(article_id)
        log.info("added article %s (%d statements)", article_id, count)
        return Added(article, is_new=True, ignored_fact_checks=doc.ignored_fact_checks)

    def _put(self, article: Article, extraction: Extraction) -> int:
        """Stage an article with its extracted statements and speakers; return the count."""
        text = article.text
        checks = _fact_check_spans(text, article.fact_checks)
        quoted = {st.speaker for st in extraction.statements if st.speaker}
        speaker_ids, changed = self._merge_speakers(
            (sp for sp in extraction.speakers if sp.name in quoted), article_id=article.id
        )
        statements = [
            Statement(
                id=_short_hash(article.id, str(st.start), str(st.end), st.kind.value),
                article_id=article.id,
                kind=st.kind,
                text=st.text,
                start=st.start,
                end=st.end,
                sentence=text[st.sentence_start : st.sentence_end],
                speaker_id=speaker_ids.get(st.speaker) if st.speaker else None,
                speaker=(
                    self._speakers[speaker_ids[st.speaker]].name
                    if st.speaker and st.speaker in speaker_ids
                    else None
                ),
                cue=st.cue,
                addressee=st.addressee,
            )
            for st in _outside(extraction.statements, checks)
        ]
        statements.extend(_fact_check_statement(article, start, check) for start, check in checks)
        statements.sort(key=lambda s: s.start)
        self._store.put_article(article, statements, changed)
        self._articles[article.id] = article
        self._remember_urls(article)
        self._by_article[article.id] = [s.id for s in statements]
        for s in statements:
            self._statements[s.id] = s
            if s.speaker_id:
                self._speaker_counts[s.speaker_id] += 1
        self._index.add(statements, changed)
        if self._worker is not None:
            self._wake.set()
        return len(statements)

    def reextract(
        self, *, everything: bool = False, progress: ProgressFn | None = None
    ) -> IngestReport:
        """Extract again the articles that an older extractor read (all with ``everything``).

        Articles keep their ids, metadata and dates; their statements and speakers come
        from the current extractor. Articles are swapped in batches, each whole (a Ctrl-C
        inside a swap finishes it first), and the file is written in paced batches, so an
        interrupted run leaves every article either as it was or re-extracted, and running
        it again finishes the rest. A speaker quoted in articles of several batches keeps
        the aliases and roles its other articles gave it, and takes this article's anew.
        """
        report = IngestReport()
        with self._store.reextract_lock() as held:
            if not held:
                log.info("another process is re-extracting %s; leaving it to it", self.name)
                return report
            return self._reextract(report, everything=everything, progress=progress)

    def _reextract(
        self, report: IngestReport, *, everything: bool, progress: ProgressFn | None
    ) -> IngestReport:
        with self._lock:
            self.catch_up()
            stale = sorted(
                (
                    a
                    for a in self._articles.values()
                    if everything or a.extractor_version < EXTRACTOR_VERSION
                ),
                # Library order (stable within a second): a surname alone joins only a
                # person already named in full, so articles must come back as they came.
                key=lambda a: a.added_at,
            )
        pacer = _CommitPacer()
        pending: list[Article] = []
        for first in range(0, len(stale), _REEXTRACT_BATCH):
            batch = stale[first : first + _REEXTRACT_BATCH]
            extracted = [(old, extract(old.text, title=old.title)) for old in batch]
            with self._lock:
                self._begin_write()
                # Removing a batch at once keeps the store's scans to one per batch.
                live = [(old, ex) for old, ex in extracted if self._articles.get(old.id) == old]
                fresh = [
                    (replace(old, extractor_version=EXTRACTOR_VERSION), ex) for old, ex in live
                ]
                try:
                    self._swap(fresh)
                except BaseException:
                    self._swap(fresh)  # never leave a batch half swapped for close() to write
                    raise
                pending.extend(article for article, _ in fresh)
                done = first + len(batch)
                if pending and (pacer.is_due() or done == len(stale)):
                    started = time.monotonic()
                    self._store.commit()
                    pacer.record(started)
                    report.added.extend(pending)
                    pending = []
            if progress is not None:
                progress(done, len(stale), report)
        self._end_write()
        log.info("re-extracted %d article(s)", len(report.added))
        return report

    def _swap(self, articles: list[tuple[Article, Extraction]]) -> None:
        """Replace stored articles (same ids) with new extractions of them."""
        self._forget(*(article.id for article, _ in articles))
        for article, extraction in articles:
            self._put(article, extraction)

    @property
    def outdated_count(self) -> int:
        """Return how many articles an older extractor read (see :meth:`reextract`)."""
        with self._lock:
            return sum(
                1 for a in self._articles.values() if a.extractor_version < EXTRACTOR_VERSION
            )

    def _commit_or_roll_back(self, *article_ids: str) -> None:
        try:
            self._store.commit()
        except ClaimsError:
            discarded = self._store.rollback()
            for article_id in article_ids:
                self._forget(article_id, stage=not discarded)
            raise

    def _merge_speakers(
        self, extracted: Iterable[ExtractedSpeaker], *, article_id: str
    ) -> tuple[dict[str, str], list[Speaker]]:
        """Map each speaker of one article to a stored speaker id (see ``claims_db.identity``).

        A compatible name joins the stored speaker, which gains this article's aliases and
        roles as an appearance; anything else (an ambiguous surname, a description such as
        "the president of the club") becomes a speaker of its own, scoped to the article
        when its plain id is taken.
        """
        ids: dict[str, str] = {}
        changed: list[Speaker] = []
        for ex in extracted:
            kind = identity.kind_of(ex.name, ex.kind)
            found = identity.identity_of((ex.name, *ex.aliases), kind)
            sid, ambiguous = self._directory.find(found) if found.is_named else (None, False)
            if ambiguous:
                log.debug("speaker %r matches several in the library; kept apart", ex.name)
            appearance = Appearance(
                article_id=article_id,
                aliases=_unique((ex.name, *ex.aliases)),
                roles=_unique(ex.roles),
            )
            if sid is None:
                sid = _short_hash("speaker", _name_key(ex.name))
                if sid in self._speakers or not found.is_named:
                    sid = _short_hash("speaker", _name_key(ex.name), article_id)
                speaker = _with_appearances(Speaker(id=sid, name=ex.name, kind=kind), (appearance,))
            else:
                # Adding to what the speaker had keeps an ingest linear in the articles a
                # frequent speaker appears in; _forget recomputes when articles go.
                old = self._speakers[sid]
                speaker = replace(
                    old,
                    appearances=(*old.appearances, appearance),
                    aliases=_unique((*old.aliases, *appearance.aliases)),
                    roles=_unique((*old.roles, *appearance.roles)),
                )
            ids[ex.name] = sid
            self._speakers[sid] = speaker
            self._directory.add(sid, _identity(speaker))
            changed.append(speaker)
        return ids, changed

    def add_paths(
        self,
        paths: Sequence[Path],
        *,
        added_by: str | None = None,
        source: SourceKind = SourceKind.FILE,
        progress: ProgressFn | None = None,
        workers: int | None = None,
    ) -> IngestReport:
        """Add files and folders of .txt/.md/.html, writing in paced batches.

        An article counts as added once the batch holding it is written; a
        crash loses at most the current batch, and running the same ingest
        again adds only what is missing. Many new files are extracted in
        ``workers`` processes (by default one per core, see ``extract.pool``).
        """
        files = list(iter_article_files(paths))
        read: list[Document | ClaimsError] = []
        for file in files:
            try:
                read.append(text_mod.read_file(file))
            except ClaimsError as exc:
                read.append(exc)
        with self._lock:
            new: dict[str, Document] = {}
            for item in read:
                if isinstance(item, Document):
                    article_id = article_id_for(item.text)
                    if article_id not in self._articles:
                        new.setdefault(article_id, item)
        extractions = extract_many(((d.text, d.title) for d in new.values()), workers=workers)
        report = IngestReport()
        pacer = _CommitPacer()
        pending: list[Article] = []
        for done, (file, item) in enumerate(zip(files, read, strict=True), start=1):
            try:
                if isinstance(item, ClaimsError):
                    raise item
                doc = item
                extraction = None
                if new.get(article_id_for(doc.text)) is doc:
                    extraction = next(extractions)
                result = self._add(
                    doc, source=source, added_by=added_by, commit=False, extraction=extraction
                )
                article = result.article
                if result.is_new:
                    pending.append(article)
                else:
                    report.skipped.append(result.article)
            except ClaimsError as exc:
                report.failed.append((str(file), str(exc)))
            if pending and (pacer.is_due() or done == len(files)):
                started = time.monotonic()
                with self._lock:
                    self._commit_or_roll_back(*(a.id for a in pending))
                pacer.record(started)
                report.added.extend(pending)
                pending = []
            if progress is not None:
                progress(done, len(files), report)
        self._end_write()
        return report

    @property
    def server_config(self) -> ServerConfig:
        """Return what the server configured (a snapshot; read without waiting for writes)."""
        return self._config

    def configure(self, changes: dict[str, Any], *, seeds: Path | None = None) -> ServerConfig:
        """Change the server's configuration; ``seed`` adds or removes the seed articles now.

        ``seeds`` is the folder to load when the seed is turned on. Values are checked
        before anything changes (`InvalidSetting`); None resets a value to the default.
        """
        with self._lock:
            updated = self._config.changed(**changes)
            wanted = changes.get("seed")
            if wanted is True:
                folder = seeds if seeds is not None else default_seeds()
                if folder is None:
                    raise NotFound("No seed articles are installed here.")
                self._add_seeds(Path(folder))
            elif wanted is False:
                seeded = [a.id for a in self._articles.values() if a.source is SourceKind.SEED]
                for article_id in seeded:
                    self.remove_article(article_id)
                if seeded:
                    log.info("removed %d seed article(s)", len(seeded))
            self._store.save_server_config(updated.to_dict())
            self._config = updated
            return updated

    def _add_seeds(self, folder: Path) -> None:
        if not folder.is_dir():
            log.warning("seeds folder %s does not exist; starting empty", folder)
            return
        report = self.add_paths([folder], source=SourceKind.SEED, added_by="seeds")
        for name, reason in report.failed:
            log.warning("seed %s not added: %s", name, reason)

    def _remember_urls(self, article: Article) -> None:
        for key in _keys_of(article):
            self._by_url.setdefault(key, article.id)

    # -- reading ---------------------------------------------------------------

    def article_for_url(self, url: str) -> Article | None:
        """Return the stored article a link names (tracking parameters, www. etc. ignored)."""
        key = url_key(url)
        if key is None:
            return None
        with self._lock:
            article_id = self._by_url.get(key)
            return self._articles.get(article_id) if article_id else None

    def lookup_link(self, text: str, *, statements: int = 3) -> LinkedArticle | None:
        """Return the article of the first link in ``text`` that the library holds, or None.

        Its main statements come first: quotes and reported speech with a speaker, in
        reading order, then claims; each carries ``also_in``, the other articles with a
        near-identical statement ("also reported by").
        """
        for link in find_links(text):
            article = self.article_for_url(link)
            if article is not None:
                return self._linked(link, article, statements)
        return None

    def _linked(self, link: str, article: Article, count: int) -> LinkedArticle:
        with self._lock:
            stored = [self._statements[sid] for sid in self._by_article.get(article.id, [])]
            spoken = [s for s in stored if s.speaker and s.kind in (Kind.DIRECT, Kind.INDIRECT)]
            rest = [s for s in stored if s not in spoken]
            main = (spoken + rest)[:count]
            main.sort(key=lambda s: s.start)
            answers = tuple(self._with_copies(st) for st in main)
            speakers = Counter(s.speaker for s in stored if s.speaker)
        return LinkedArticle(
            url=link,
            article=article,
            statements=answers,
            speakers=tuple(speakers.most_common(3)),
            total=len(stored),
        )

    def _with_copies(self, statement: Statement) -> Answer:
        """Return a statement as an answer whose ``also_in`` are the other articles carrying it."""
        others: dict[str, Article] = {}
        key = _fold(statement.text)
        for match in self._index.search(statement.text, limit=5):
            for sid in (match.statement_id, *match.also_in):
                other = self._statements.get(sid)
                if other is None or other.article_id == statement.article_id:
                    continue
                if fuzz.ratio(key, _fold(other.text)) >= _SAME_STATEMENT:
                    others.setdefault(other.article_id, self._articles[other.article_id])
        answer = self._answer(Match(statement.id, 1.0))
        return replace(answer, also_in=tuple(others.values()))

    def ask(self, question: str, *, limit: int = 3) -> list[Answer]:
        """Return the sourced statements that best answer ``question``; [] if none fits."""
        return list(self.ask_explained(question, limit=limit).answers)

    def ask_explained(self, question: str, *, limit: int = 3) -> Explained:
        """Answer ``question`` like :meth:`ask`, saying why there is no answer when it can.

        ``unknown_speaker`` is set when the question asks what someone said whom no
        statement is by or about; ``did_you_mean`` then lists known speakers spelt close.
        """
        if len(question) > MAX_QUESTION_CHARS:
            raise InputTooLarge(
                f"That question is {len(question):,} characters long; "
                f"ask in at most {MAX_QUESTION_CHARS:,}."
            )
        with self._lock:
            if not len(self._vectors):
                return self._explained_lexically(question, limit=limit)
            fused = self._fused(question, limit=limit)
            answered = fused.confidence is None or (
                bool(fused.signals) and rank.should_answer(fused.signals)
            )
            kept = fused.matches if answered else []
            answers = self._verdicts_first([self._answer(m) for m in kept], kept)[:limit]
            close = tuple(
                self._speakers[s] for s in fused.found.did_you_mean if s in self._speakers
            )
            return Explained(tuple(answers), fused.found.unknown_speaker, close)

    def _explained_lexically(self, question: str, *, limit: int) -> Explained:
        """The lexical stage alone: how ask answers before a library has vectors."""
        ranking = self._index.explain(question, limit=limit)
        threshold = self._index.threshold
        kept = [
            m
            for m in ranking.matches
            if m.score >= threshold and m.statement_id in self._statements
        ]
        answers = self._verdicts_first([self._answer(m) for m in kept], kept)[:limit]
        close = tuple(self._speakers[s] for s in ranking.did_you_mean if s in self._speakers)
        return Explained(tuple(answers), ranking.unknown_speaker, close)

    def _fused(self, question: str, *, limit: int) -> _Fused:
        """Rank with both stages, without abstaining; with the abstention model's inputs.

        ``confidence`` None means the lexical stage decided alone (a question that needs
        no ranking, such as a bare speaker name), and its answers are final.
        """
        found = self._index.lexical(question, limit=limit)
        if found.direct is not None:
            direct = [m for m in found.direct if m.statement_id in self._statements]
            return _Fused(found, direct, None, [])
        query = self._embedder.embed_query(question)
        if len(self._vectors) <= DENSE_SCAN_LIMIT:
            # A paraphrase may share no word with its statement, so the lexical stage
            # never proposes it; in a library this size a full scan costs a few ms.
            self._index.add_candidates(found, self._vectors.nearest(query, DENSE_CANDIDATES))
        if not found.candidates:
            return _Fused(found, [], 0.0, [])
        ids = [c.statement_id for c in found.candidates]
        ranked = rank.fuse(found, self._vectors.cosines(query, ids))
        best = self._statements.get(ranked[0].candidate.statement_id)
        signals = rank.features(
            found,
            ranked,
            lexical_threshold=self._index.threshold,
            top_speaker=best.speaker_id if best else None,
        )
        # Grouping near-duplicates needs a few more than ``limit``, never the whole pool.
        top = [(r.candidate, r.fused) for r in ranked[: max(4 * limit, 20)]]
        matches = [
            m for m in self._index.answers(found, top, limit) if m.statement_id in self._statements
        ]
        return _Fused(found, matches, rank.confidence(signals), signals)

    def _ask(self, question: str, *, limit: int) -> tuple[list[Answer], float | None, list[float]]:
        """Rank without abstaining (for bench/): answers, confidence, the model's inputs."""
        with self._lock:
            if not len(self._vectors):
                return list(self._explained_lexically(question, limit=limit).answers), None, []
            fused = self._fused(question, limit=limit)
            return [self._answer(m) for m in fused.matches], fused.confidence, fused.signals

    # -- vectors -----------------------------------------------------------------

    def missing_vector_count(self) -> int:
        """Return how many statements have no vector yet (they rank lexically until then)."""
        with self._lock:
            return sum(1 for sid in self._statements if sid not in self._vectors)

    def embed_missing(self, *, progress: EmbedProgressFn | None = None) -> int:
        """Embed every statement that lacks a vector, save the sidecar; return how many.

        The library stays usable meanwhile: the model runs outside the library's lock,
        and each batch becomes searchable as soon as it is embedded.
        """
        with self._embed_lock:
            with self._lock:
                todo = [
                    (sid, st.text)
                    for sid, st in self._statements.items()
                    if sid not in self._vectors
                ]
            done = 0
            last_save = time.monotonic()
            if progress is not None:
                progress(0, len(todo))
            for start in range(0, len(todo), EMBED_BATCH):
                if self._stopping.is_set():
                    break
                chunk = todo[start : start + EMBED_BATCH]
                vectors = self._embedder.embed([text for _, text in chunk])
                with self._lock:
                    keep = [i for i, (sid, _) in enumerate(chunk) if sid in self._statements]
                    self._vectors.add([chunk[i][0] for i in keep], vectors[keep])
                    if time.monotonic() - last_save >= _VECTOR_SAVE_SECONDS:
                        self._save_vectors()
                        last_save = time.monotonic()
                done += len(chunk)
                if progress is not None:
                    progress(done, len(todo))
            with self._lock:
                if self._vectors.changed:
                    self._save_vectors()
            if done:
                log.info("embedded %d statements", done)
            return done

    def embed_in_background(self) -> None:
        """Start a worker thread that embeds statements lacking vectors, now and after each add.

        Answers never wait for it: a statement ranks lexically until its vector exists.
        It stops when the library is closed.
        """
        with self._lock:
            if self._worker is not None or self._stopping.is_set():
                return
            self._worker = threading.Thread(
                target=self._embed_worker, name=f"embed {self.path.name}", daemon=True
            )
            self._worker.start()
        self._wake.set()

    def _embed_worker(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stopping.is_set():
                return
            try:
                self.embed_missing()
            except ClaimsError as exc:
                log.warning("background embedding of %s stopped: %s", self.path, exc)
                return
            except Exception:
                log.exception("background embedding of %s failed", self.path)
                return

    def _save_vectors(self) -> None:
        self._vectors.keep_only(self._statements)
        self._vectors.save(self._vectors_path)

    def _verdicts_first(self, answers: list[Answer], matches: list[Match]) -> list[Answer]:
        """Put matching fact-checks first, each with the news statements that make its claim.

        A fact-check folded into a near-identical news statement (``also_in``) is brought
        out as its own answer, since the verdict is what the asker most needs to see.
        """
        verdicts: list[Answer] = []
        others: list[Answer] = []
        seen: set[str] = set()
        for answer, match in zip(answers, matches, strict=False):
            if answer.statement.fact_check is not None:
                verdicts.append(answer)
                seen.add(answer.statement.id)
            else:
                others.append(answer)
            for sid in match.also_in:
                st = self._statements.get(sid)
                if st is not None and st.fact_check is not None and sid not in seen:
                    seen.add(sid)
                    verdicts.append(
                        self._answer(Match(sid, match.score, match.matched, match.contradicts))
                    )
        if not verdicts:
            return answers
        linked = [replace(v, appears_in=self._claim_appears_in(v, others)) for v in verdicts]
        return linked + others

    def _claim_appears_in(self, verdict: Answer, others: list[Answer]) -> tuple[Answer, ...]:
        """Return the news statements (not fact-checks) that make a fact-checked claim."""
        check = verdict.statement.fact_check
        assert check is not None
        found: dict[str, Answer] = {}
        for match in self._index.search(check.claim, limit=_APPEARS_IN + 2):
            st = self._statements.get(match.statement_id)
            if st is None or st.fact_check is not None or st.article_id == verdict.article.id:
                continue
            found.setdefault(st.id, self._answer(match))
        for other in others:
            if other.statement.id in found or other.article.id == verdict.article.id:
                continue
            if any(a.id == verdict.article.id for a in other.also_in):
                found[other.statement.id] = other
        best: dict[str, Answer] = {}  # one statement per article, its best
        for answer in sorted(found.values(), key=lambda a: -a.score):
            best.setdefault(answer.article.id, answer)
        return tuple(list(best.values())[:_APPEARS_IN])

    def _ask_request(self, question: str) -> list[Answer]:
        """Ask a source request's question again, as `ask` would answer it."""
        return self.ask(question, limit=3)

    def quotes(self, speaker: str, *, topic: str | None = None, limit: int = 50) -> list[Answer]:
        """Return a speaker's statements (fuzzy name), ranked by ``topic`` when given."""
        with self._lock:
            found = self._index.find_speakers(speaker, limit=1)
            if not found or found[0][1] < MIN_SPEAKER_SCORE:
                return []
            return self.speaker_quotes(found[0][0], topic=topic, limit=limit)

    def resolve_speaker(self, name: str, *, limit: int = 5) -> SpeakerLookup:
        """Say who a typed name means: one speaker, or the close candidates when it is ambiguous.

        A name that is exactly one speaker's name or alias resolves to that speaker. Otherwise
        the best fuzzy match resolves only when no other speaker scores about as well.
        """
        with self._lock:
            found = [
                (self._speakers[sid], score)
                for sid, score in self._index.find_speakers(name, limit=limit)
                if score >= MIN_SPEAKER_SCORE and sid in self._speakers
            ]
            if not found:
                return SpeakerLookup(None, ())
            key = _name_key(name)
            exact = [sp for sp, _ in found if key in {_name_key(n) for n in (sp.name, *sp.aliases)}]
            if len(exact) == 1:
                return SpeakerLookup(exact[0], (exact[0],))
            best = found[0][1]
            close = [sp for sp, score in found if score >= best - SPEAKER_TIE]
            if len(close) > 1:
                # Among equal index scores, the name spelt most like what was typed wins
                # ("Roy Whitfeld" is Roy Whitfield); an equal tie ("Whitfield") stays open.
                alike = {sp.id: _spelling_likeness(key, sp) for sp in close}
                close.sort(key=lambda sp: -alike[sp.id])
                if alike[close[0].id] - alike[close[1].id] >= SPELLING_MARGIN:
                    return SpeakerLookup(close[0], tuple(close))
                return SpeakerLookup(None, tuple(close))
            return SpeakerLookup(close[0], tuple(close))

    def speaker_quotes(
        self, speaker_id: str, *, topic: str | None = None, limit: int = 50
    ) -> list[Answer]:
        """Return one speaker's statements (by id), ranked by ``topic`` when given."""
        with self._lock:
            matches = self._index.quotes(speaker_id, topic=topic, limit=limit)
            return [self._answer(m) for m in matches if m.statement_id in self._statements]

    def answer_for(self, statement_id: str, *, contradicts: bool = False) -> Answer:
        """Return a stored statement as an answer (for a "cite" or "more" request later on)."""
        with self._lock:
            if statement_id not in self._statements:
                raise NotFound("That statement is no longer in this library.")
            return self._answer(Match(statement_id, 0.0, contradicts=contradicts))

    def speakers(self) -> list[Speaker]:
        """Return every speaker, most quoted first."""
        with self._lock:
            counts = self._speaker_counts
            return sorted(
                (sp for sp in self._speakers.values() if counts[sp.id]),
                key=lambda sp: (-counts[sp.id], sp.name.casefold()),
            )

    def find_speakers(self, name: str, *, limit: int = 25) -> list[Speaker]:
        """Return speakers whose name, alias or role resembles ``name`` (all if empty)."""
        if not name.strip():
            return self.speakers()[:limit]
        with self._lock:
            found = self._index.find_speakers(name, limit=limit)
            return [self._speakers[sid] for sid, _ in found if sid in self._speakers]

    def speaker_statement_count(self, speaker_id: str) -> int:
        """Return how many statements a speaker has."""
        with self._lock:
            return self._speaker_counts[speaker_id]

    @property
    def article_count(self) -> int:
        """Return how many articles the library holds."""
        with self._lock:
            return len(self._articles)

    def articles(self) -> list[Article]:
        """Return every article, newest first."""
        with self._lock:
            return sorted(self._articles.values(), key=lambda a: (a.added_at, a.id), reverse=True)

    def article(self, article_id: str) -> Article:
        """Return one article by id (a unique prefix is enough)."""
        with self._lock:
            found = self._articles.get(article_id)
            if found is None and len(article_id) >= 6:
                hits = [a for aid, a in self._articles.items() if aid.startswith(article_id)]
                found = hits[0] if len(hits) == 1 else None
            if found is None:
                raise NotFound(f"No article with id {article_id!r} in this library.")
            return found

    def statements(self, article_id: str) -> list[Statement]:
        """Return an article's statements in reading order."""
        with self._lock:
            article = self.article(article_id)
            return [self._statements[sid] for sid in self._by_article.get(article.id, [])]

    def statement_counts(self, article_id: str) -> dict[Kind, int]:
        """Return how many statements of each kind an article has."""
        counts = Counter(s.kind for s in self.statements(article_id))
        return {kind: counts.get(kind, 0) for kind in Kind}

    def speaker(self, speaker_id: str) -> Speaker | None:
        """Return a speaker by id."""
        with self._lock:
            return self._speakers.get(speaker_id)

    # -- removing ----------------------------------------------------------------

    def remove_article(self, article_id: str) -> Article:
        """Remove an article, its statements and the speakers left without statements."""
        with self._lock:
            self._begin_write()
            try:
                article = self.article(article_id)
            except NotFound:
                self._store.commit()  # nothing staged: release the write lock
                raise
            orphans = self._forget(article.id)
            self._store.commit()
            log.info("removed article %s (%d speakers dropped)", article.id, len(orphans))
            return article

    def _forget(self, *article_ids: str, stage: bool = True) -> list[str]:
        """Drop articles from memory, index and (``stage``) store; return dropped speaker ids."""
        statement_ids = [sid for aid in article_ids for sid in self._by_article.pop(aid, [])]
        touched: set[str] = set()
        for sid in statement_ids:
            speaker_id = self._statements.pop(sid).speaker_id
            if speaker_id:
                touched.add(speaker_id)
                self._speaker_counts[speaker_id] -= 1
        for article_id in article_ids:
            dropped = self._articles.pop(article_id, None)
            if dropped is not None:
                for key in _keys_of(dropped):
                    if self._by_url.get(key) == article_id:
                        del self._by_url[key]
        orphans = sorted(sp for sp in touched if self._speaker_counts[sp] <= 0)
        for sp in orphans:
            del self._speaker_counts[sp]
            del self._speakers[sp]
        # Survivors lose what the forgotten articles called them, so a name or role one
        # article gave never keeps two people together after that article is gone.
        forgotten = set(article_ids)
        survivors: list[Speaker] = []
        for sp in sorted(touched - set(orphans)):
            old = self._speakers[sp]
            kept = tuple(a for a in old.appearances if a.article_id not in forgotten)
            if kept != old.appearances:
                self._speakers[sp] = _with_appearances(old, kept)
                survivors.append(self._speakers[sp])
        if orphans or survivors:
            self._directory.rebuild((s.id, _identity(s)) for s in self._speakers.values())
        if stage:
            self._store.delete_articles(article_ids, orphans)
            self._store.put_speakers(survivors)
        self._index.remove(statement_ids, orphans)
        self._index.add((), survivors)
        self._vectors.remove(statement_ids)
        return orphans

    # -- feeds (polling lives in claims_db.feeds) --------------------------------------

    def feeds(self) -> list[Feed]:
        """Return the feeds this library follows, oldest first."""
        with self._lock:
            return sorted(self._feeds.values(), key=lambda f: (f.added_at, f.id))

    def find_feed(self, ref: str) -> Feed | None:
        """Return a feed by id, unique id prefix, or URL (any variant of it), or None."""
        ref = ref.strip()
        with self._lock:
            if ref in self._feeds:
                return self._feeds[ref]
            key = url_key(ref)
            if key is not None:
                return next((f for f in self._feeds.values() if url_key(f.url) == key), None)
            hits = [f for fid, f in self._feeds.items() if len(ref) >= 4 and fid.startswith(ref)]
            return hits[0] if len(hits) == 1 else None

    def save_feed(self, feed: Feed) -> None:
        """Store a new or updated feed (written at once: feed state is small)."""
        with self._lock:
            self._store.put_feed(feed)
            self._feeds[feed.id] = feed
            self._store.commit()

    def remove_feed(self, ref: str) -> Feed:
        """Stop following a feed (its articles stay in the library)."""
        with self._lock:
            feed = self.find_feed(ref)
            if feed is None:
                raise NotFound(f"This library follows no feed {ref!r}.")
            self._store.delete_feed(feed.id)
            del self._feeds[feed.id]
            self._store.commit()
            return feed

    def watched_channels(self) -> frozenset[int]:
        """Return the channels whose posted links the bot adds (watch mode)."""
        with self._lock:
            return frozenset(self._store.watched_channels())

    def set_watched(self, channel_id: int, *, watched: bool) -> None:
        """Turn watch mode on or off for one channel."""
        with self._lock:
            channels = set(self._store.watched_channels())
            if watched:
                channels.add(channel_id)
            else:
                channels.discard(channel_id)
            self._store.put_watched_channels(sorted(channels))
            self._store.commit()

    def commit(self) -> None:
        """Write what is staged (articles added with ``commit=False``)."""
        with self._lock:
            self._store.commit()

    def feed_articles_today(self, day: str) -> int:
        """Return how many articles feeds added on ``day`` (an ISO date, UTC)."""
        with self._lock:
            stored_day, count = self._store.feed_quota()
            return count if stored_day == day else 0

    def count_feed_articles(self, day: str, added: int) -> None:
        """Count articles feeds added on ``day`` towards the daily cap.

        Staged, not written: the next write (the feed's state after the poll) carries it.
        """
        with self._lock:
            stored_day, count = self._store.feed_quota()
            self._store.put_feed_quota(day, (count if stored_day == day else 0) + added)

    # -- helpers -------------------------------------------------------------------

    def _answer(self, match: Match) -> Answer:
        st = self._statements[match.statement_id]
        also = tuple(
            self._articles[self._statements[sid].article_id]
            for sid in match.also_in
            if sid in self._statements
        )
        return Answer(
            statement=st,
            article=self._articles[st.article_id],
            speaker=self._speakers.get(st.speaker_id) if st.speaker_id else None,
            score=match.score,
            matched=match.matched,
            contradicts=match.contradicts,
            also_in=also,
        )


_APPEARS_IN = 3  # news statements linked to one fact-check
_SAME_STATEMENT = 92  # rapidfuzz ratio above which two statements are one (as search folds)


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _keys_of(article: Article) -> list[str]:
    """Return the URL keys an article is found by: its URL (an upload's canonical link)."""
    key = url_key(article.url) if article.url else None
    return [key] if key is not None else []


def _fact_check_spans(text: str, checks: Iterable[FactCheck]) -> list[tuple[int, FactCheck]]:
    """Return where each fact-check's claim sits in the article text (ingestion put it there)."""
    spans: list[tuple[int, FactCheck]] = []
    for check in checks:
        start = text.find(check.claim)
        if start < 0:
            log.warning("a fact-check's claim is not in its article text; skipped")
            continue
        if any(start == seen for seen, _ in spans):
            continue  # two verdicts on one claim: the first (JSON-LD before microdata) stands
        spans.append((start, check))
    return spans


def _outside(
    statements: Iterable[ExtractedStatement], checks: list[tuple[int, FactCheck]]
) -> Iterable[ExtractedStatement]:
    """Yield the extracted statements that do not overlap a fact-checked claim."""
    taken = [(start, start + len(check.claim)) for start, check in checks]
    for st in statements:
        if not any(st.start < end and start < st.end for start, end in taken):
            yield st


def _fact_check_statement(article: Article, start: int, check: FactCheck) -> Statement:
    end = start + len(check.claim)
    return Statement(
        id=_short_hash(article.id, str(start), str(end), Kind.FACT_CHECK.value),
        article_id=article.id,
        kind=Kind.FACT_CHECK,
        text=article.text[start:end],
        start=start,
        end=end,
        sentence=article.text[start:end],
        speaker=check.claimant,
        cue="rated",
        fact_check=check,
    )


def _spelling_likeness(typed_key: str, speaker: Speaker) -> float:
    """Return how closely a typed name is spelt like a speaker's name or aliases (0-100)."""
    return max(fuzz.ratio(typed_key, _name_key(n)) for n in (speaker.name, *speaker.aliases))


def _identity(speaker: Speaker) -> identity.Identity:
    return identity.identity_of((speaker.name, *speaker.aliases), speaker.kind)


def _with_appearances(speaker: Speaker, appearances: tuple[Appearance, ...]) -> Speaker:
    """Return ``speaker`` with these appearances and the aliases and roles they add up to."""
    return replace(
        speaker,
        appearances=appearances,
        aliases=_unique((speaker.name, *(a for app in appearances for a in app.aliases))),
        roles=_unique(r for app in appearances for r in app.roles),
    )


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        key = _name_key(item)
        if key and key not in seen:
            seen[key] = item.strip()
    return tuple(seen.values())


def iter_article_files(paths: Iterable[Path]) -> Iterable[Path]:
    """Yield the readable article files among ``paths``, walking folders in name order."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in text_mod.SUPPORTED_SUFFIXES:
                    yield child
        elif path.exists():
            yield path
        else:
            raise UnsupportedFile(f"No such file or folder: {path}")
