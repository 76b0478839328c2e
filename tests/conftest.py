"""Fixtures shared by every test package."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_FILE = REPO / "seeds" / "000_2b7fe4ef701bf384.txt"


def load_shared_json(*parts: str) -> Any:
    """Read a file of ../shared; fail (never skip) when it is missing."""
    path = SHARED.joinpath(*parts)
    assert path.is_file(), f"{path} is missing: the acceptance data must sit beside the repo"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep tests away from the user's real library and settings."""
    monkeypatch.setenv("CLAIMBOT_DB", str(tmp_path / "default-library.json"))
    monkeypatch.delenv("CLAIMBOT_SEEDS", raising=False)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    for name in ("DATABASE_URL", "SHARD_COUNT", "SHARD_IDS", "MAX_RESIDENT_STATEMENTS"):
        monkeypatch.delenv(f"CLAIMBOT_{name}", raising=False)  # tests pick their own store


# -- PostgreSQL -------------------------------------------------------------------------------
# Tests marked `postgres` need a real server. Without PostgreSQL on the machine they skip;
# under CI (the `CI` variable set) they fail instead, so a broken setup cannot pass by skipping.

_cluster_state: dict[str, Any] = {}
_database_numbers = iter(range(1, 1_000_000))


def _missing_postgres(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required under CI: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """A private PostgreSQL cluster on 127.0.0.1 for the session, migrated template included."""
    from pg_cluster import TEMPLATE, Cluster, find_bindir

    try:
        import psycopg  # noqa: F401 - the `postgres` extra, part of `test`
    except ImportError:
        _missing_postgres("psycopg is not installed (pip install -e '.[postgres]')")
    bindir = find_bindir()
    if bindir is None:
        _missing_postgres("no initdb found (apt-get install -y postgresql)")
    cluster = Cluster(bindir)
    try:
        try:
            cluster.start()
        except (subprocess.SubprocessError, OSError) as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            _missing_postgres(f"the test cluster did not start: {detail}")
        import psycopg

        from claims_db.pgstore import Database

        with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        with Database(cluster.url(TEMPLATE)) as database:
            database.upgrade()
        yield cluster
    finally:
        cluster.stop()


def _new_database(cluster: Any, *, template: str | None) -> str:
    import psycopg

    name = f"t{os.getpid()}_{next(_database_numbers)}"
    source = f" TEMPLATE {template}" if template else ""
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}{source}")
    return str(cluster.url(name))


@pytest.fixture
def pg_url(pg_cluster: Any) -> str:
    """The URL of a fresh database at the current schema."""
    from pg_cluster import TEMPLATE

    return _new_database(pg_cluster, template=TEMPLATE)


@pytest.fixture
def pg_empty_url(pg_cluster: Any) -> str:
    """The URL of a fresh database with no schema at all."""
    return _new_database(pg_cluster, template="template0")


@pytest.fixture
def pg_database(pg_url: str) -> Iterator[Any]:
    """A connected `Database` on a fresh migrated database."""
    from claims_db.pgstore import Database

    database = Database.connect(pg_url)
    yield database
    database.close()


BACKENDS = ["tinydb", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each storage backend in turn (tests using it run against TinyDB and PostgreSQL)."""
    return str(request.param)


@pytest.fixture
def open_library(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Return ``open(seeds=...)`` opening the same library of the current backend each call."""
    from claims_db import ClaimsDB

    database = request.getfixturevalue("pg_database") if backend == "postgres" else None

    def _open(**kwargs: Any) -> ClaimsDB:
        if database is None:
            return ClaimsDB.open(tmp_path / "lib.json", **kwargs)
        return ClaimsDB.open_guild(database, 0, **kwargs)

    yield _open
