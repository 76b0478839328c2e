"""PostgreSQL storage: every guild's library in one shared database (``CLAIMBOT_DATABASE_URL``).

The only module that imports psycopg. A :class:`Database` owns a connection pool, the
schema migrations and process-wide state; :meth:`Database.store` builds a
:class:`PgStore` for exactly one guild, and every statement it sends is bound to that
guild's id, so a library cannot read another's rows.

Several processes may write one guild. A write transaction takes the guild's advisory
lock, hands back what others committed since this process last looked (the caller
applies it before deciding what to write), writes, appends a numbered row to
``changes`` and sends a NOTIFY at commit. :class:`ChangeListener` turns those
notifications into ``catch_up`` calls and compares change numbers on every reconnect and
every ``poll_seconds``, so a dropped notification only delays an update.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

import orjson
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from claims_db.errors import ClaimsError, CorruptLibrary, DatabaseUnavailable, SchemaMismatch
from claims_db.models import Article, Feed, Speaker, Statement
from claims_db.requests import SourceRequest
from claims_db.store import (
    Changes,
    _article_from,
    _article_to,
    _feed_from,
    _feed_to,
    _request_from,
    _request_to,
    _speaker_from,
    _speaker_to,
    _statement_from,
    _statement_to,
)

log = logging.getLogger(__name__)

CHANNEL = "claimbot_changes"
_REQUESTS_KEY, _CONFIG_KEY = "source_requests", "server_config"
LISTENER_NAME = "claimbot-listener"
CONNECT_TIMEOUT_SECONDS = 5
_MIGRATIONS_TABLE = "schema_migrations"


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered SQL file shipped in ``claims_db/migrations``."""

    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Return the shipped migrations in order."""
    found: list[Migration] = []
    for entry in resources.files("claims_db.migrations").iterdir():
        name = entry.name
        if not name.endswith(".sql"):
            continue
        number, _, _ = name.partition("_")
        found.append(Migration(int(number), name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    return found


def code_schema_version() -> int:
    """Return the schema version this claimbot's code reads and writes."""
    return migrations()[-1].version


def _redacted(url: str) -> str:
    """Return ``url`` without its password, for messages."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the configured database"
    host = info.get("host", "localhost")
    port = info.get("port", "5432")
    return f"{info.get('dbname', '?')} on {host}:{port}"


def _lock_key(purpose: str, guild_id: int) -> str:
    return f"claimbot:{purpose}:{int(guild_id)}"


class Database:
    """A PostgreSQL database shared by every claimbot process; one pool per process."""

    def __init__(self, url: str, *, max_connections: int = 4) -> None:
        self.url = url
        self.label = _redacted(url)
        self._probe()
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            kwargs={"connect_timeout": CONNECT_TIMEOUT_SECONDS, "application_name": "claimbot"},
            open=False,
            name="claimbot",
        )
        try:
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_SECONDS + 1)
        except PoolTimeout as exc:
            self._pool.close()
            raise DatabaseUnavailable(
                f"Cannot reach the database {self.label} (CLAIMBOT_DATABASE_URL): "
                "check that PostgreSQL runs and the URL is right."
            ) from exc

    def _probe(self) -> None:
        """Connect once, so an unreachable database is one clear error (not pool retries)."""
        try:
            psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_SECONDS).close()
        except psycopg.Error as exc:
            reason = (
                str(exc).strip().splitlines()[-1].strip()
                if str(exc).strip()
                else type(exc).__name__
            )
            raise DatabaseUnavailable(
                f"Cannot reach the database {self.label} (CLAIMBOT_DATABASE_URL): {reason}"
            ) from exc

    @classmethod
    def connect(cls, url: str, *, max_connections: int = 4) -> Database:
        """Connect and check the schema; refuse a database at another version."""
        database = cls(url, max_connections=max_connections)
        try:
            database.check_schema()
        except BaseException:
            database.close()
            raise
        return database

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """Lend a pooled connection for one transaction (committed on success)."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise DatabaseUnavailable(
                f"Lost the database {self.label} ({exc.__class__.__name__}); try again."
            ) from exc

    # -- schema -----------------------------------------------------------------------

    def schema_version(self) -> int | None:
        """Return the database's schema version, or None before the first upgrade."""
        with self.connection() as conn:
            exists = conn.execute("SELECT to_regclass(%s)", (_MIGRATIONS_TABLE,)).fetchone()
            if exists is None or exists[0] is None:
                return None
            row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
            return int(row[0]) if row and row[0] is not None else None

    def check_schema(self) -> None:
        """Raise ``SchemaMismatch`` unless the database is at the code's schema version."""
        have, want = self.schema_version(), code_schema_version()
        if have == want:
            return
        if have is None:
            raise SchemaMismatch(
                f"The database {self.label} has no claimbot schema yet; "
                "run `claimbot db upgrade` first."
            )
        if have < want:
            raise SchemaMismatch(
                f"The database {self.label} is at schema {have}; this claimbot needs {want}. "
                "Run `claimbot db upgrade`."
            )
        raise SchemaMismatch(
            f"The database {self.label} is at schema {have}, newer than this claimbot "
            f"({want}); upgrade claimbot before starting it."
        )

    def upgrade(self) -> list[Migration]:
        """Apply the migrations the database lacks, each in its own transaction."""
        applied: list[Migration] = []
        with self.connection() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version integer PRIMARY KEY, name text NOT NULL, "
                "applied_at timestamptz NOT NULL DEFAULT now())"
            )
            conn.commit()
            for migration in migrations():
                with conn.transaction():
                    conn.execute(
                        "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                        ("claimbot:migrate",),
                    )
                    done = conn.execute(
                        "SELECT 1 FROM schema_migrations WHERE version = %s",
                        (migration.version,),
                    ).fetchone()
                    if done:
                        continue
                    conn.execute(migration.sql.encode())
                    conn.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                        (migration.version, migration.name),
                    )
                    applied.append(migration)
                    log.info("applied migration %s", migration.name)
        newer = self.schema_version()
        if newer is not None and newer > code_schema_version():
            self.check_schema()  # raises: the database is newer than this code
        return applied

    # -- libraries and shared state -----------------------------------------------------

    def import_library(
        self,
        guild_id: int,
        articles: list[Article],
        statements: list[Statement],
        speakers: list[Speaker],
        *,
        feeds: Iterable[Feed] = (),
        feed_quota: tuple[str, int] | None = None,
        watched_channels: list[int] | None = None,
        replace: bool = False,
    ) -> None:
        """Store a whole library as one guild's, in one transaction.

        A guild that already holds articles is refused unless ``replace`` is set, which
        swaps its whole library for this one.
        """
        store = self.store(guild_id)
        store.begin_write()
        try:
            held = store.articles()
            if held and not replace:
                raise ClaimsError(
                    f"Guild {guild_id} already holds {len(held)} article(s) in the database; "
                    "it was left as is (use --replace to swap it for the imported one)."
                )
            store.clear()
            store.bulk_put(articles, statements, speakers)
            for feed in feeds:
                store.put_feed(feed)
            if feed_quota is not None and feed_quota[0]:
                store.put_feed_quota(*feed_quota)
            if watched_channels:
                store.put_watched_channels(watched_channels)
        except BaseException:
            store.rollback()
            raise
        store.commit()

    def store(self, guild_id: int) -> PgStore:
        """Open (creating when missing) the library of one guild."""
        return PgStore(self, int(guild_id))

    def guild_ids(self) -> list[int]:
        """Return every guild that has a library."""
        with self.connection() as conn:
            rows = conn.execute("SELECT guild_id FROM libraries ORDER BY guild_id").fetchall()
        return [int(r[0]) for r in rows]

    def has_library(self, guild_id: int) -> bool:
        """Return whether a guild has a library already."""
        with self.connection() as conn:
            row = conn.execute(
                "SELECT 1 FROM libraries WHERE guild_id = %s", (int(guild_id),)
            ).fetchone()
        return row is not None

    def get_state(self, key: str) -> str | None:
        """Return a shared value (e.g. the synced-command hash)."""
        with self.connection() as conn:
            row = conn.execute("SELECT value FROM bot_state WHERE key = %s", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_state(self, key: str, value: str) -> None:
        """Store a shared value."""
        with self.connection() as conn:
            conn.execute(
                "INSERT INTO bot_state (key, value) VALUES (%s, %s) ON CONFLICT (key) "
                "DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
                (key, value),
            )

    def wait_identify_turn(self, bucket: int, *, spacing: float) -> None:
        """Block until ``bucket`` may identify: ``spacing`` seconds after its last identify.

        The bucket's row lock is held while waiting, so processes sharing a bucket take
        turns whichever process their shards run in.
        """
        with self.connection() as conn:
            conn.execute(
                "INSERT INTO identify_buckets (bucket, last_identify) "
                "VALUES (%s, 'epoch') ON CONFLICT (bucket) DO NOTHING",
                (bucket,),
            )
            conn.commit()
            row = conn.execute(
                "SELECT extract(epoch FROM now() - last_identify) FROM identify_buckets "
                "WHERE bucket = %s FOR UPDATE",
                (bucket,),
            ).fetchone()
            since = float(row[0]) if row and row[0] is not None else float("inf")
            if since < spacing:
                time.sleep(spacing - since)
            conn.execute(
                "UPDATE identify_buckets SET last_identify = clock_timestamp() WHERE bucket = %s",
                (bucket,),
            )


class PgStore:
    """One guild's library in PostgreSQL (the ``Store`` protocol)."""

    def __init__(self, database: Database, guild_id: int) -> None:
        self._db = database
        self.guild_id = guild_id
        self._conn: psycopg.Connection[Any] | None = None  # the open write transaction
        self._touched_articles: set[str] = set()
        self._touched_speakers: set[str] = set()
        self._snapshot: dict[str, list[Any]] = {}
        self._stashed: Changes | None = None  # read by an implicit begin, not yet handed out
        self._stash_from = 0
        self.last_seen = 0
        with database.connection() as conn:
            # Its own READ COMMITTED transaction: under REPEATABLE READ two processes opening
            # a new guild at once would fail to serialise on the conflicting insert.
            created = conn.execute(
                "INSERT INTO libraries (guild_id) VALUES (%s) ON CONFLICT DO NOTHING "
                "RETURNING guild_id",
                (guild_id,),
            ).fetchone()
            self.created = created is not None
            conn.commit()
        with database.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            self.last_seen = self._latest(conn)
            self._snapshot = {
                "articles": self._load(conn, "articles", _article_from),
                "statements": self._load(conn, "statements", _statement_from),
                "speakers": self._load(conn, "speakers", _speaker_from),
            }

    @property
    def name(self) -> str:
        """Return how messages name this library."""
        return f"guild {self.guild_id} in {self._db.label}"

    # -- reads ----------------------------------------------------------------------

    def _latest(self, conn: psycopg.Connection[Any]) -> int:
        row = conn.execute(
            "SELECT coalesce(max(seq), 0) FROM changes WHERE guild_id = %s", (self.guild_id,)
        ).fetchone()
        return int(row[0]) if row else 0

    def _load(
        self,
        conn: psycopg.Connection[Any],
        table: str,
        convert: Callable[[dict[str, Any]], Any],
        ids: list[str] | None = None,
        *,
        by_article: bool = False,
    ) -> list[Any]:
        query = sql.SQL("SELECT doc::text FROM {} WHERE guild_id = %s").format(
            sql.Identifier(table)
        )
        params: list[Any] = [self.guild_id]
        if ids is not None:
            column = "article_id" if by_article else "id"
            query += sql.SQL(" AND {} = ANY(%s)").format(sql.Identifier(column))
            params.append(ids)
        try:
            with conn.cursor(binary=False) as cur:
                cur.execute(query, params)
                return [convert(orjson.loads(row[0])) for row in cur]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CorruptLibrary(
                f"The library of {self.name} holds a damaged {table} record ({exc!r})."
            ) from exc

    def _read(self, table: str, convert: Callable[[dict[str, Any]], Any]) -> list[Any]:
        cached = self._snapshot.pop(table, None)
        if cached is not None:
            return cached
        if self._conn is not None:
            return self._load(self._conn, table, convert)
        with self._db.connection() as conn:
            return self._load(conn, table, convert)

    def articles(self) -> list[Article]:
        """Return every article of the guild."""
        articles: list[Article] = self._read("articles", _article_from)
        return articles

    def statements(self) -> list[Statement]:
        """Return every statement of the guild."""
        statements: list[Statement] = self._read("statements", _statement_from)
        return statements

    def speakers(self) -> list[Speaker]:
        """Return every speaker of the guild."""
        speakers: list[Speaker] = self._read("speakers", _speaker_from)
        return speakers

    def _changes(self, conn: psycopg.Connection[Any]) -> Changes | None:
        rows = conn.execute(
            "SELECT seq, article_ids, speaker_ids FROM changes "
            "WHERE guild_id = %s AND seq > %s ORDER BY seq",
            (self.guild_id, self.last_seen),
        ).fetchall()
        if not rows:
            return None
        article_ids = sorted({a for _, arts, _ in rows for a in arts})
        speaker_ids = {s for _, _, sps in rows for s in sps}
        statements: list[Statement] = self._load(
            conn, "statements", _statement_from, article_ids, by_article=True
        )
        wanted = sorted(speaker_ids | {s.speaker_id for s in statements if s.speaker_id})
        changes = Changes(
            article_ids=frozenset(article_ids),
            speaker_ids=frozenset(speaker_ids),
            articles=self._load(conn, "articles", _article_from, article_ids),
            statements=statements,
            speakers=self._load(conn, "speakers", _speaker_from, wanted),
        )
        self.last_seen = int(rows[-1][0])
        return changes

    def changes(self) -> Changes | None:
        """Return what others committed since this store last looked."""
        self._snapshot.clear()
        if self._conn is not None:  # inside our own write: we hold the lock, nothing is new
            stashed, self._stashed = self._stashed, None
            return stashed
        with self._db.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return self._changes(conn)

    # -- writes ----------------------------------------------------------------------

    def begin_write(self) -> Changes | None:
        """Take the guild's write lock (once per transaction); return others' changes."""
        self._snapshot.clear()
        if self._conn is not None:
            stashed, self._stashed = self._stashed, None
            return stashed
        conn = self._getconn()
        try:
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                (_lock_key("write", self.guild_id),),
            )
            changes = self._changes(conn)
        except psycopg.Error:
            self._release(conn, failed=True)
            raise
        self._conn = conn
        return changes

    def _getconn(self) -> psycopg.Connection[Any]:
        try:
            return self._db._pool.getconn()
        except PoolTimeout as exc:
            raise DatabaseUnavailable(f"Cannot reach the database {self._db.label}.") from exc

    def _release(self, conn: psycopg.Connection[Any], *, failed: bool) -> None:
        if failed:
            with contextlib.suppress(psycopg.Error):
                conn.rollback()
        self._db._pool.putconn(conn)

    def _implicit_write(self) -> psycopg.Connection[Any]:
        """Open a write for state the caller stages without ``begin_write`` (feeds)."""
        if self._conn is None:
            before = self.last_seen
            changes = self.begin_write()
            if changes is not None:
                self._stashed = changes  # handed to the next begin_write or changes()
                self._stash_from = before
        return self._writing()

    def _drop_stash(self) -> None:
        """Forget changes nobody took: the next catch-up reads them again."""
        if self._stashed is not None:
            self._stashed = None
            self.last_seen = self._stash_from

    # -- feeds and library state (no change rows: only the owning process reads them) --------

    def feeds(self) -> list[Feed]:
        """Return every followed feed."""
        feeds: list[Feed] = self._read("feeds", _feed_from)
        return feeds

    def put_feed(self, feed: Feed) -> None:
        """Write a new or updated feed (uncommitted)."""
        self._implicit_write().execute(
            "INSERT INTO feeds (guild_id, id, doc) VALUES (%s, %s, %s) "
            "ON CONFLICT (guild_id, id) DO UPDATE SET doc = EXCLUDED.doc",
            (self.guild_id, feed.id, Jsonb(_feed_to(feed))),
        )

    def delete_feed(self, feed_id: str) -> None:
        """Delete a feed (uncommitted)."""
        self._implicit_write().execute(
            "DELETE FROM feeds WHERE guild_id = %s AND id = %s", (self.guild_id, feed_id)
        )

    def _state(self, key: str) -> dict[str, Any]:
        query = "SELECT doc::text FROM library_state WHERE guild_id = %s AND key = %s"
        if self._conn is not None:
            row = self._conn.execute(query, (self.guild_id, key)).fetchone()
        else:
            with self._db.connection() as conn:
                row = conn.execute(query, (self.guild_id, key)).fetchone()
        loaded = orjson.loads(row[0]) if row else {}
        return loaded if isinstance(loaded, dict) else {}

    def _put_state(self, key: str, doc: dict[str, Any]) -> None:
        self._implicit_write().execute(
            "INSERT INTO library_state (guild_id, key, doc) VALUES (%s, %s, %s) "
            "ON CONFLICT (guild_id, key) DO UPDATE SET doc = EXCLUDED.doc",
            (self.guild_id, key, Jsonb(doc)),
        )

    def feed_quota(self) -> tuple[str, int]:
        """Return (day, articles feeds added that day) for the daily cap."""
        record = self._state("feed_quota")
        return str(record.get("day", "")), int(record.get("count", 0))

    def put_feed_quota(self, day: str, count: int) -> None:
        """Write the day's count of articles added from feeds (uncommitted)."""
        self._put_state("feed_quota", {"day": day, "count": count})

    # -- community state: source requests and the server's configuration ---------------
    # Autocommitted upserts into library_state, outside the article write lock and the
    # change log; a request is merged into (or cut from) the JSON object in one statement,
    # so two processes voting at once never overwrite each other's requests.

    def source_requests(self) -> list[SourceRequest]:
        """Return every stored source request (drafts, open and answered)."""
        docs = self._state(_REQUESTS_KEY)
        return [_request_from(doc) for doc in docs.values() if isinstance(doc, dict)]

    def stage_source_requests(self, requests: Iterable[SourceRequest]) -> None:
        """Store requests; a row write is cheap here, so staging saves at once."""
        self.save_source_requests(requests)

    def save_source_requests(self, requests: Iterable[SourceRequest]) -> None:
        """Store new or updated requests durably now."""
        docs = {r.id: _request_to(r) for r in requests}
        if not docs:
            return
        with self._db.connection() as conn, conn.transaction():
            conn.execute(
                "INSERT INTO library_state (guild_id, key, doc) VALUES (%s, %s, %s) "
                "ON CONFLICT (guild_id, key) DO UPDATE SET doc = library_state.doc || EXCLUDED.doc",
                (self.guild_id, _REQUESTS_KEY, Jsonb(docs)),
            )

    def delete_source_requests(self, request_ids: Iterable[str]) -> None:
        """Delete requests durably now (unknown ids are ignored)."""
        ids = list(request_ids)
        if not ids:
            return
        with self._db.connection() as conn, conn.transaction():
            conn.execute(
                "UPDATE library_state SET doc = doc - %s::text[] WHERE guild_id = %s AND key = %s",
                (ids, self.guild_id, _REQUESTS_KEY),
            )

    def server_config(self) -> dict[str, Any]:
        """Return the guild's stored configuration (empty when nothing was set)."""
        return self._state(_CONFIG_KEY)

    def save_server_config(self, config: dict[str, Any]) -> None:
        """Store the guild's whole configuration durably now."""
        with self._db.connection() as conn, conn.transaction():
            conn.execute(
                "INSERT INTO library_state (guild_id, key, doc) VALUES (%s, %s, %s) "
                "ON CONFLICT (guild_id, key) DO UPDATE SET doc = EXCLUDED.doc",
                (self.guild_id, _CONFIG_KEY, Jsonb(dict(config))),
            )

    def watched_channels(self) -> list[int]:
        """Return the channels whose posted links are added (watch mode)."""
        return [int(c) for c in self._state("watch").get("ids") or ()]

    def put_watched_channels(self, channel_ids: list[int]) -> None:
        """Write the set of watched channels (uncommitted)."""
        self._put_state("watch", {"ids": sorted(set(channel_ids))})

    def _writing(self) -> psycopg.Connection[Any]:
        if self._conn is None:
            raise RuntimeError("begin_write() must come before a write")
        return self._conn

    def put_article(
        self, article: Article, statements: Iterable[Statement], speakers: Iterable[Speaker]
    ) -> None:
        """Write an article, its statements and new or updated speakers (uncommitted)."""
        conn = self._writing()
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO articles (guild_id, id, doc) VALUES (%s, %s, %s)",
                (self.guild_id, article.id, Jsonb(_article_to(article))),
            )
            cur.executemany(
                "INSERT INTO statements (guild_id, id, article_id, doc) VALUES (%s, %s, %s, %s)",
                [(self.guild_id, s.id, s.article_id, Jsonb(_statement_to(s))) for s in statements],
            )
        self._touched_articles.add(article.id)
        self.put_speakers(speakers)

    def put_speakers(self, speakers: Iterable[Speaker]) -> None:
        """Write new or updated speakers (uncommitted)."""
        rows = [(self.guild_id, s.id, Jsonb(_speaker_to(s))) for s in speakers]
        if not rows:
            return
        with self._writing().cursor() as cur:
            cur.executemany(
                "INSERT INTO speakers (guild_id, id, doc) VALUES (%s, %s, %s) "
                "ON CONFLICT (guild_id, id) DO UPDATE SET doc = EXCLUDED.doc",
                rows,
            )
        self._touched_speakers.update(r[1] for r in rows)

    def delete_articles(self, article_ids: Iterable[str], speaker_ids: Iterable[str]) -> None:
        """Delete articles (their statements go with them) and the given speakers."""
        articles, speakers = list(article_ids), list(speaker_ids)
        conn = self._writing()
        conn.execute(
            "DELETE FROM articles WHERE guild_id = %s AND id = ANY(%s)", (self.guild_id, articles)
        )
        if speakers:
            conn.execute(
                "DELETE FROM speakers WHERE guild_id = %s AND id = ANY(%s)",
                (self.guild_id, speakers),
            )
        self._touched_articles.update(articles)
        self._touched_speakers.update(speakers)

    def bulk_put(
        self,
        articles: Iterable[Article],
        statements: Iterable[Statement],
        speakers: Iterable[Speaker],
    ) -> None:
        """Write many records at once with COPY (imports and benchmarks; uncommitted)."""
        conn = self._writing()
        g = self.guild_id
        ids: list[str] = []
        with conn.cursor() as cur:
            with cur.copy("COPY articles (guild_id, id, doc) FROM STDIN") as copy:
                for a in articles:
                    ids.append(a.id)
                    copy.write_row((g, a.id, orjson.dumps(_article_to(a)).decode()))
            with cur.copy("COPY statements (guild_id, id, article_id, doc) FROM STDIN") as copy:
                for st in statements:
                    doc = orjson.dumps(_statement_to(st)).decode()
                    copy.write_row((g, st.id, st.article_id, doc))
            speaker_ids: list[str] = []
            with cur.copy("COPY speakers (guild_id, id, doc) FROM STDIN") as copy:
                for sp in speakers:
                    speaker_ids.append(sp.id)
                    copy.write_row((g, sp.id, orjson.dumps(_speaker_to(sp)).decode()))
        self._touched_articles.update(ids)
        self._touched_speakers.update(speaker_ids)

    def clear(self) -> None:
        """Delete every record of the guild (uncommitted)."""
        conn = self._writing()
        conn.execute("DELETE FROM feeds WHERE guild_id = %s", (self.guild_id,))
        conn.execute("DELETE FROM library_state WHERE guild_id = %s", (self.guild_id,))
        for table, touched in (
            ("articles", self._touched_articles),
            ("speakers", self._touched_speakers),
        ):
            rows = conn.execute(
                sql.SQL("DELETE FROM {} WHERE guild_id = %s RETURNING id").format(
                    sql.Identifier(table)
                ),
                (self.guild_id,),
            ).fetchall()
            touched.update(str(r[0]) for r in rows)

    def commit(self) -> None:
        """Record the change, announce it and commit; the guild's lock goes with the commit."""
        conn = self._conn
        if conn is None:
            return
        try:
            if self._touched_articles or self._touched_speakers:
                seq = self._latest(conn) + 1
                conn.execute(
                    "INSERT INTO changes (guild_id, seq, article_ids, speaker_ids) "
                    "VALUES (%s, %s, %s, %s)",
                    (
                        self.guild_id,
                        seq,
                        sorted(self._touched_articles),
                        sorted(self._touched_speakers),
                    ),
                )
                conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{self.guild_id}:{seq}"))
            else:
                seq = self.last_seen
            conn.commit()
        except psycopg.Error as exc:
            self._conn = None
            self._drop_stash()
            self._touched_articles.clear()
            self._touched_speakers.clear()
            self._release(conn, failed=True)
            raise ClaimsError(
                f"Could not save to {self.name} ({exc.__class__.__name__}); nothing was stored."
            ) from exc
        self.last_seen = seq
        self._drop_stash()
        self._conn = None
        self._touched_articles.clear()
        self._touched_speakers.clear()
        self._release(conn, failed=False)

    def rollback(self) -> bool:
        """Abort the open write; every staged change is discarded."""
        conn, self._conn = self._conn, None
        self._touched_articles.clear()
        self._touched_speakers.clear()
        self._drop_stash()
        if conn is not None:
            self._release(conn, failed=True)
        return True

    @contextlib.contextmanager
    def reextract_lock(self) -> Iterator[bool]:
        """Hold the guild's re-extraction try-lock; yield False when another process has it."""
        with self._db.connection() as conn:
            conn.autocommit = True
            key = _lock_key("reextract", self.guild_id)
            row = conn.execute(
                "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (key,)
            ).fetchone()
            held = bool(row and row[0])
            try:
                yield held
            finally:
                if held:
                    conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))
                conn.autocommit = False

    def close(self) -> None:
        """Commit a pending write; the pool stays with the database."""
        self._snapshot.clear()
        self.commit()


class CatchesUp(Protocol):
    """A library that can apply other processes' changes (``ClaimsDB``)."""

    def catch_up(self) -> int: ...


class ChangeListener:
    """One dedicated connection that LISTENs for changes and catches libraries up.

    Notifications are hints: on every (re)connect and every ``poll_seconds`` every
    registered library catches up anyway, so a lost connection loses nothing.
    """

    def __init__(self, url: str, *, poll_seconds: float = 60.0) -> None:
        self._url = url
        self._poll_seconds = poll_seconds
        self._libraries: dict[int, CatchesUp] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.connected = threading.Event()
        self.reconnects = 0
        self._thread = threading.Thread(target=self._run, name=LISTENER_NAME, daemon=True)

    def start(self) -> ChangeListener:
        """Start listening in a background thread."""
        self._thread.start()
        return self

    def register(self, guild_id: int, library: CatchesUp) -> None:
        """Keep ``library`` caught up with what other processes write to ``guild_id``."""
        with self._lock:
            self._libraries[int(guild_id)] = library

    def unregister(self, guild_id: int) -> None:
        """Stop catching up a guild's library (before it closes)."""
        with self._lock:
            self._libraries.pop(int(guild_id), None)

    def stop(self) -> None:
        """Stop the thread and close its connection."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _catch_up(self, guild_ids: Iterable[int] | None = None) -> None:
        with self._lock:
            targets = (
                list(self._libraries.items())
                if guild_ids is None
                else [(g, self._libraries[g]) for g in guild_ids if g in self._libraries]
            )
        for guild_id, library in targets:
            try:
                library.catch_up()
            except ClaimsError:
                log.warning("catching up guild %s failed; retrying later", guild_id, exc_info=True)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._listen()
            except psycopg.Error:
                log.warning("change listener lost its connection; reconnecting", exc_info=True)
            except Exception:  # a bug must not silently end catching up: log, then go on
                log.exception("change listener failed; restarting it")
            self.connected.clear()
            if not self._stopping.is_set():
                self.reconnects += 1
                self._stopping.wait(0.2)

    def _listen(self) -> None:
        with psycopg.connect(
            self._url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name=LISTENER_NAME,
        ) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
            self.connected.set()
            self._catch_up()  # whatever happened while we were not listening
            last_poll = time.monotonic()
            while not self._stopping.is_set():
                for note in conn.notifies(timeout=0.5, stop_after=1):
                    guild, _, _ = note.payload.partition(":")
                    with contextlib.suppress(ValueError):
                        self._catch_up([int(guild)])
                if time.monotonic() - last_poll >= self._poll_seconds:
                    self._catch_up()
                    last_poll = time.monotonic()
