"""PostgreSQL mode: migrations, the CLI, import/export, several writers on one guild."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sample_articles import HARBOUR, LIBRARY, numbered_article

from claims_db import ClaimsDB
from claims_db.errors import SchemaMismatch
from claims_db.extract import extract
from claims_db.models import Feed
from claims_db.pgstore import LISTENER_NAME, ChangeListener, Database, code_schema_version
from claims_db.store import TinyDBStore

pytestmark = pytest.mark.postgres

SCHEMA_FILE = Path(__file__).with_name("pg_schema.txt")


def describe_schema(url: str) -> str:
    """Return the database's tables, columns, constraints and indexes as stable text."""
    lines: list[str] = []
    with psycopg.connect(url) as conn:
        for row in conn.execute(
            "SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '')"
            " FROM information_schema.columns WHERE table_schema = 'public'"
            " ORDER BY table_name, ordinal_position"
        ):
            lines.append("column " + " | ".join(map(str, row)))
        for row in conn.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
            " ORDER BY 1, 2"
        ):
            lines.append("constraint " + " | ".join(map(str, row)))
        for row in conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
        ):
            lines.append("index " + " | ".join(map(str, row)))
    return "\n".join(lines) + "\n"


def cli(url: str, *args: str, check: bool = True, **kw: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLAIMBOT_DATABASE_URL": url, "CLAIMBOT_SEEDS": ""}
    result = subprocess.run(
        [sys.executable, "-m", "claims_db", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        **kw,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def wait_for(condition: Callable[[], bool], *, seconds: float = 30.0) -> bool:
    """Poll ``condition`` until true or the deadline passes (correctness, not timing)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


# -- migrations -----------------------------------------------------------------------------


def test_migrations_on_an_empty_database_give_the_checked_in_schema(pg_empty_url: str) -> None:
    with Database(pg_empty_url) as database:
        applied = database.upgrade()
        assert [m.version for m in applied] == list(range(1, code_schema_version() + 1))
        assert database.upgrade() == []  # applying again does nothing
    assert describe_schema(pg_empty_url) == SCHEMA_FILE.read_text(encoding="utf-8")


def test_an_unmigrated_database_says_what_to_run(pg_empty_url: str) -> None:
    with pytest.raises(SchemaMismatch, match="claimbot db upgrade"):
        Database.connect(pg_empty_url)


def test_a_newer_database_is_refused(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    with pytest.raises(SchemaMismatch, match="newer than this claimbot"):
        Database.connect(pg_url)
    result = cli(pg_url, "ask", "anything", check=False)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "upgrade claimbot" in result.stderr


def test_the_upgrade_command_migrates_an_empty_database(pg_empty_url: str) -> None:
    result = cli(pg_empty_url, "db", "upgrade")
    assert f"at schema {code_schema_version()}" in result.stdout
    assert "applied 0001_libraries.sql" in result.stdout
    version = code_schema_version()
    assert f"schema {version}; code {version}" in cli(pg_empty_url, "db", "status").stdout


def test_an_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    result = cli("postgresql://claimbot@127.0.0.1:9/nowhere", "ask", "x", check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("claimbot: error: Cannot reach the database nowhere")
    assert "Traceback" not in result.stderr


# -- guilds ----------------------------------------------------------------------------------


def test_a_question_in_one_guild_never_returns_another_guilds_statements(
    pg_url: str, tmp_path: Path
) -> None:
    (tmp_path / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    cli(pg_url, "--guild", "1", "ingest", str(tmp_path / "harbour.txt"))
    asked = "When will the harbour bridge reopen?"
    assert "Harbour bridge" in cli(pg_url, "--guild", "1", "ask", asked).stdout
    for other in ("2", "0"):
        result = cli(pg_url, "--guild", other, "ask", asked, "--json")
        assert result.stdout.strip() == "[]"
    assert "The library is empty" in cli(pg_url, "articles").stdout


def test_guild_without_a_database_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "claims_db", "--db", str(tmp_path / "l.json"), "--guild", "3",
         "articles"],
        capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if k != "CLAIMBOT_DATABASE_URL"},
    )  # fmt: skip
    assert result.returncode == 1
    assert "CLAIMBOT_DATABASE_URL" in result.stderr
    assert not (tmp_path / "l.json").exists()


# -- import and export -----------------------------------------------------------------------


def _records(path: Path) -> tuple[Any, ...]:
    store = TinyDBStore.open(path)
    try:
        return (
            sorted(store.articles(), key=lambda a: a.id),
            sorted(store.statements(), key=lambda s: s.id),
            sorted(store.speakers(), key=lambda s: s.id),
            sorted(store.feeds(), key=lambda f: f.id),
            store.feed_quota(),
            store.watched_channels(),
        )
    finally:
        store.close()


def test_import_then_export_gives_back_the_same_libraries(pg_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    with ClaimsDB.open(data / "111.json", seeds=None) as db:
        db.add_text(HARBOUR, added_by="member#1")
    with ClaimsDB.open(data / "222.json", seeds=None) as db:
        db.add_text(LIBRARY, published="2026-03-04", publisher="Gazette")
        db.add_text(numbered_article(3))
        db.save_feed(Feed(id="f1", url="https://gazette.example/rss", seen=("x",), failures=2))
        db.set_watched(4242, watched=True)
        db.count_feed_articles("2026-03-04", 3)
        db.commit()
    with ClaimsDB.open(data / "library.json") as db:  # the CLI's library, with the seed
        pass
    result = cli(pg_url, "db", "import", str(data))
    assert "imported 111.json as guild 111" in result.stdout
    again = cli(pg_url, "db", "import", str(data), check=False)
    assert again.returncode == 1 and "already holds" in again.stderr

    out = tmp_path / "out"
    cli(pg_url, "db", "export", str(out))
    assert sorted(p.name for p in out.glob("*.json")) == ["111.json", "222.json", "library.json"]
    for name in ("111.json", "222.json", "library.json"):
        assert _records(out / name) == _records(data / name), name
    feeds, quota, watched = _records(out / "222.json")[3:]
    assert ([f.id for f in feeds], quota, watched) == (["f1"], ("2026-03-04", 3), [4242])
    assert "harbour bridge" in cli(pg_url, "--guild", "111", "ask", "harbour bridge").stdout


# -- several writers -------------------------------------------------------------------------


@pytest.fixture
def listened(pg_url: str) -> Iterator[tuple[ClaimsDB, ChangeListener]]:
    """A bot-side library of guild 5 kept caught up by a change listener."""
    database = Database.connect(pg_url)
    db = ClaimsDB.open_guild(database, 5, seeds=None)
    listener = ChangeListener(pg_url, poll_seconds=60).start()
    listener.register(5, db)
    assert listener.connected.wait(10)
    yield db, listener
    listener.stop()
    db.close()
    database.close()


def _answers_harbour(db: ClaimsDB) -> bool:
    return any("Harbour" in a.article.title for a in db.ask("When will the harbour bridge reopen?"))


def test_an_article_ingested_by_the_cli_becomes_answerable_in_an_open_library(
    pg_url: str, tmp_path: Path, listened: tuple[ClaimsDB, ChangeListener]
) -> None:
    db, _ = listened
    assert not _answers_harbour(db)
    (tmp_path / "h.txt").write_text(HARBOUR, encoding="utf-8")
    cli(pg_url, "--guild", "5", "ingest", str(tmp_path / "h.txt"))
    assert wait_for(lambda: _answers_harbour(db))
    harbour = next(a for a in db.articles() if "Harbour" in a.title)
    cli(pg_url, "--guild", "5", "remove", harbour.id)
    assert wait_for(lambda: not _answers_harbour(db))
    assert db.articles() == []


def test_a_killed_listener_reconnects_and_catches_up(
    pg_url: str, tmp_path: Path, listened: tuple[ClaimsDB, ChangeListener]
) -> None:
    db, listener = listened
    with psycopg.connect(pg_url, autocommit=True) as conn:
        killed = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (LISTENER_NAME,),
        ).fetchall()
    assert killed == [(True,)]
    (tmp_path / "h.txt").write_text(HARBOUR, encoding="utf-8")
    cli(pg_url, "--guild", "5", "ingest", str(tmp_path / "h.txt"))
    assert wait_for(lambda: _answers_harbour(db))
    assert listener.reconnects >= 1


def test_a_library_catches_up_without_any_listener(pg_url: str) -> None:
    with Database.connect(pg_url) as database:
        reader = ClaimsDB.open_guild(database, 9, seeds=None)
        writer = ClaimsDB.open_guild(database, 9, seeds=None)
        article = writer.add_text(HARBOUR)
        assert not _answers_harbour(reader)
        assert reader.catch_up() == 1
        assert _answers_harbour(reader)
        assert reader.statements(article.id) == writer.statements(article.id)
        assert sorted(reader.speakers(), key=lambda s: s.id) == sorted(
            writer.speakers(), key=lambda s: s.id
        )
        reader.add_text(LIBRARY)  # a write applies the other's changes first
        writer.catch_up()
        assert {a.id for a in writer.articles()} == {a.id for a in reader.articles()}
        ruiz = [sp for sp in writer.speakers() if sp.name == "Ana Ruiz"]
        assert len(ruiz) == 1  # merged across the two writers' articles
        reader.close()
        writer.close()


def test_the_same_article_ingested_by_two_processes_at_once_is_one_article(
    pg_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(20):
        (folder / f"{n:02}.txt").write_text(numbered_article(n), encoding="utf-8")
    env = {**os.environ, "CLAIMBOT_DATABASE_URL": pg_url, "CLAIMBOT_SEEDS": ""}
    command = [sys.executable, "-m", "claims_db", "--guild", "4", "ingest", "-q", str(folder)]
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]  # fmt: skip
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    with psycopg.connect(pg_url) as conn:
        (articles,) = conn.execute("SELECT count(*) FROM articles WHERE guild_id = 4").fetchone()
        (dupes,) = conn.execute(
            "SELECT count(*) FROM (SELECT doc->>'text' FROM articles WHERE guild_id = 4 "
            "GROUP BY 1 HAVING count(*) > 1) d"
        ).fetchone()
    assert (articles, dupes) == (20, 0)


def _counts(url: str, guild: int) -> tuple[int, int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM articles WHERE guild_id = %(g)s),"
            " (SELECT count(*) FROM statements WHERE guild_id = %(g)s),"
            " (SELECT count(*) FROM statements s WHERE guild_id = %(g)s AND NOT EXISTS"
            "   (SELECT 1 FROM articles a WHERE a.guild_id = s.guild_id AND a.id = s.article_id))",
            {"g": guild},
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


def test_sigkill_of_a_writer_mid_batch_leaves_nothing_half_written(
    pg_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    total = 300
    for n in range(total):
        (folder / f"{n:04}.txt").write_text(numbered_article(n) * 3, encoding="utf-8")
    env = {**os.environ, "CLAIMBOT_DATABASE_URL": pg_url, "CLAIMBOT_SEEDS": ""}
    command = [sys.executable, "-m", "claims_db", "--guild", "6", "ingest", "-q", str(folder)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert wait_for(lambda: _counts(pg_url, 6)[0] > 0 or proc.poll() is not None, seconds=120)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    articles, statements, orphans = _counts(pg_url, 6)
    assert 0 < articles < total, "the kill should land between the first and the last batch"
    assert orphans == 0
    with Database.connect(pg_url) as database, ClaimsDB.open_guild(database, 6) as db:
        for article in db.articles()[:10]:  # a stored article has all of its statements
            expected = extract(article.text, title=article.title).statements
            assert len(db.statements(article.id)) == len(expected) > 0
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert f"Added {total - articles} article(s); {articles} already" in done.stdout


def test_a_reextract_running_elsewhere_is_left_alone(pg_url: str) -> None:
    with Database.connect(pg_url) as database:
        db = ClaimsDB.open_guild(database, 8, seeds=None)
        db.add_text(HARBOUR)
        other = database.store(8)
        with other.reextract_lock() as held:
            assert held
            assert db.reextract(everything=True).added == []
        assert len(db.reextract(everything=True).added) == 1
        db.close()


def _advisory_locks(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").fetchone()
    return int(row[0]) if row else 0


def test_no_write_lock_outlives_an_ingest_or_reextract(pg_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(numbered_article(n), encoding="utf-8")
    (folder / "empty.txt").write_text("  ", encoding="utf-8")
    with Database.connect(pg_url) as database, ClaimsDB.open_guild(database, 3) as db:
        other = ClaimsDB.open_guild(database, 3)
        assert len(db.add_paths([folder]).added) == 3
        assert _advisory_locks(pg_url) == 0
        # The other library learns under the lock that all is stored: nothing to commit.
        assert other.add_paths([folder]).added == []
        assert _advisory_locks(pg_url) == 0
        other.close()
        db.add_text(HARBOUR)
        db.add_text(HARBOUR)
        assert _advisory_locks(pg_url) == 0
        assert db.reextract().added == []
        assert _advisory_locks(pg_url) == 0


def test_processes_opening_a_new_guild_at_once_all_open_it(pg_url: str) -> None:
    import threading

    with Database.connect(pg_url, max_connections=12) as database:
        created: list[bool] = []
        errors: list[str] = []

        def open_it(guild: int) -> None:
            try:
                created.append(database.store(guild).created)
            except Exception as exc:
                errors.append(repr(exc))

        for guild in range(500, 510):
            threads = [threading.Thread(target=open_it, args=(guild,)) for _ in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    assert errors == []
    assert (len(created), sum(created)) == (60, 10)  # exactly one opener created each
