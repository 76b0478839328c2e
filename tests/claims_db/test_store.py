"""Storage: round trips, crash safety, corruption and locking."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from claims_db import ClaimsDB
from claims_db import store as store_mod
from claims_db.errors import CorruptLibrary, LibraryInUse
from claims_db.models import Article, Kind, Speaker, Statement
from claims_db.store import SaveFailed
from claims_db.store import TinyDBStore as Store


def _article(aid: str = "a1") -> Article:
    return Article(id=aid, title=f"Title {aid}", text=f"Body of {aid} with “a quote”.")


def _statement(aid: str, n: int, speaker_id: str | None = "s1") -> Statement:
    return Statement(
        id=f"{aid}-{n}",
        article_id=aid,
        kind=Kind.DIRECT,
        text="a quote",
        start=10,
        end=17,
        sentence="Body …",
        speaker_id=speaker_id,
        speaker="Ana Ruiz" if speaker_id else None,
        cue="said",
    )


def _speaker(sid: str = "s1", aliases: tuple[str, ...] = ("Ruiz",)) -> Speaker:
    return Speaker(id=sid, name="Ana Ruiz", aliases=aliases, roles=("mayor",))


def test_file_is_utf8_without_ascii_escapes(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    store = Store.open(path)
    store.put_article(_article(), [], [])
    store.close()
    assert "“a quote”" in path.read_text(encoding="utf-8")


def test_nothing_reaches_disk_before_commit(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    store = Store.open(path)
    before = path.read_bytes()
    store.put_article(_article(), [_statement("a1", 1)], [_speaker()])
    assert path.read_bytes() == before
    store.commit()
    assert path.read_bytes() != before
    store.close()


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"", b'{"articles": {"1": {"id": "a1"', b"\xff\xfe\x00garbage", b"[1, 2]"],
    ids=["garbage", "empty", "truncated", "binary", "not-a-library"],
)
def test_corrupt_file_is_reported_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "lib.json"
    path.write_bytes(content)
    with pytest.raises(CorruptLibrary, match=str(path)):
        Store.open(path)
    assert path.read_bytes() == content
    Store.open(tmp_path / "other.json").close()  # the lock was released: other libraries open


def test_unknown_schema_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    content = json.dumps({"_meta": {"1": {"schema_version": 99}}, "articles": {}})
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorruptLibrary, match="schema version 99"):
        Store.open(path)
    assert path.read_text(encoding="utf-8") == content


def test_failed_replace_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lib.json"
    store = Store.open(path)
    store.put_article(_article("a1"), [_statement("a1", 1)], [_speaker()])
    store.commit()
    good = path.read_bytes()

    def disk_full(src: Path, dst: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_mod, "_replace", disk_full)
    store.put_article(_article("a2"), [], [])
    with pytest.raises(SaveFailed, match="previous version is intact"):
        store.commit()
    assert path.read_bytes() == good
    assert not list(tmp_path.glob(".lib.json.*.tmp")), "the temporary file was left behind"
    monkeypatch.undo()
    store.close()


def test_second_open_in_the_same_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    store = Store.open(path)
    with pytest.raises(LibraryInUse, match="already open"):
        Store.open(path)
    store.close()
    Store.open(path).close()


def test_second_process_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    store = Store.open(path)
    code = (
        "import sys\n"
        "from claims_db.store import TinyDBStore as Store\n"
        "from claims_db.errors import LibraryInUse\n"
        "try:\n"
        f"    Store.open({str(path)!r})\n"
        "except LibraryInUse as exc:\n"
        "    print(exc); sys.exit(3)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    store.close()
    assert result.returncode == 3, result.stderr
    assert "in use by another claimbot process" in result.stdout


@pytest.mark.parametrize("table", ["articles", "statements", "speakers"])
def test_damaged_record_is_a_clear_error_and_the_file_stays_openable(
    tmp_path: Path, table: str
) -> None:
    path = tmp_path / "lib.json"
    store = Store.open(path)
    store.put_article(_article(), [_statement("a1", 1)], [_speaker()])
    store.close()
    data = json.loads(path.read_text(encoding="utf-8"))
    del next(iter(data[table].values()))["id"]
    damaged = json.dumps(data)
    path.write_text(damaged, encoding="utf-8")

    with pytest.raises(CorruptLibrary, match=f"damaged {table} record"):
        db = ClaimsDB.open(path)
        db.close()
    assert path.read_text(encoding="utf-8") == damaged
    path.unlink()
    ClaimsDB.open(path, seeds=None).close()  # neither the lock nor the process registry leaked


def test_failed_first_write_releases_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(src: Path, dst: Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(store_mod, "_replace", read_only)
    with pytest.raises(SaveFailed):
        Store.open(tmp_path / "lib.json")
    monkeypatch.undo()
    Store.open(tmp_path / "lib.json").close()


def test_a_library_closed_in_another_thread_can_be_opened_again(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    opened: list[Store] = []
    opener = threading.Thread(target=lambda: opened.append(Store.open(path)))
    opener.start()
    opener.join()
    closer = threading.Thread(target=opened[0].close)
    closer.start()
    closer.join()
    Store.open(path).close()  # the file lock was released, not kept by the opening thread
