"""The claimbot command line, as a user types it."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sample_articles import HARBOUR, LIBRARY

from claims_db.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_2b7fe4ef701bf384.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lib(tmp_path: Path) -> str:
    return str(tmp_path / "lib.json")


def test_extract_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "extract", str(SEED), "--json")
    data = json.loads(out)
    assert code == 0
    assert data["title"].startswith("Homeland Security officers")
    first = data["statements"][0]
    assert {"kind", "text", "speaker", "cue", "start", "end"} <= set(first)
    text = SEED.read_text(encoding="utf-8")
    assert all(text[s["start"] : s["end"]] == s["text"] for s in data["statements"])


def test_extract_stores_nothing(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    run(capsys, "--db", lib, "extract", str(SEED))
    assert not Path(lib).exists()


def test_ask_answers_from_the_bundled_seeds(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(
        capsys, "--db", lib, "ask", "What did Noem say about body cameras?", "--json"
    )
    answers = json.loads(out)
    assert code == 0
    assert answers[0]["speaker"] == "Kristi Noem"
    assert "body camera" in answers[0]["text"]
    assert set(answers[0]["article"]) >= {"id", "title", "url", "published"}
    assert 0 < answers[0]["score"] <= 1


def test_ask_shows_the_speakers_role_and_the_other_articles(
    capsys: pytest.CaptureFixture[str], lib: str, tmp_path: Path
) -> None:
    quote = "\u201cThe ferry pier will reopen in May,\u201d press secretary Lena Voss said."
    for name, extra in (("first", "Crews worked overnight."), ("second", "Fog delayed them.")):
        (tmp_path / f"{name}.txt").write_text(
            f"Pier news, {name} edition\n\n{quote} {extra}\n", encoding="utf-8"
        )
    run(capsys, "--db", lib, "ingest", str(tmp_path / "first.txt"), str(tmp_path / "second.txt"))
    code, out, _ = run(capsys, "--db", lib, "ask", "when will the ferry pier reopen?", "--json")
    top = json.loads(out)[0]
    assert code == 0
    assert (top["speaker"], top["role"]) == ("Lena Voss", "press secretary")
    assert top["reported_in"] == 2
    assert [a["title"] for a in top["also_in"]] == ["Pier news, second edition"]
    code, out, _ = run(capsys, "--db", lib, "ask", "when will the ferry pier reopen?")
    assert "1. Lena Voss, press secretary (direct" in out
    assert "reported in 2 articles" in out


def test_ask_says_so_when_nothing_matches(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(capsys, "--db", lib, "ask", "What is the capital of France?")
    assert code == 0
    assert "No sourced statement found" in out


def test_ask_names_a_speaker_the_library_lacks(
    capsys: pytest.CaptureFixture[str], lib: str
) -> None:
    code, out, _ = run(capsys, "--db", lib, "ask", "What did Noam say about body cameras?")
    assert code == 0
    assert "No statement by Noam in this library. Did you mean Kristi Noem?" in out


def test_ingest_folder_then_list_articles_as_json(
    capsys: pytest.CaptureFixture[str], lib: str, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (folder / "library.md").write_text(LIBRARY, encoding="utf-8")
    code, out, err = run(capsys, "--db", lib, "ingest", str(folder))
    assert code == 0
    assert "Added 2 article(s)" in out
    assert "2/2" in err  # the progress line counts files
    code, out, _ = run(capsys, "--db", lib, "articles", "--json")
    titles = {a["title"]: a for a in json.loads(out)}
    harbour = titles["Harbour bridge repairs will finish by spring, mayor says"]
    assert harbour["id"] and harbour["statements"]["direct"] >= 3
    assert harbour["statements"]["total"] >= harbour["statements"]["direct"]


def test_ingesting_again_adds_nothing(
    capsys: pytest.CaptureFixture[str], lib: str, tmp_path: Path
) -> None:
    path = tmp_path / "harbour.txt"
    path.write_text(HARBOUR, encoding="utf-8")
    run(capsys, "--db", lib, "ingest", str(path))
    code, out, _ = run(capsys, "--db", lib, "ingest", str(path))
    assert code == 0
    assert "Added 0 article(s); 1 already in the library" in out


def test_quotes_and_speakers(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    code, out, _ = run(capsys, "--db", lib, "quotes", "noem", "--json")
    assert code == 0
    assert {q["speaker"] for q in json.loads(out)} == {"Kristi Noem"}
    code, out, _ = run(capsys, "--db", lib, "speakers", "--json")
    names = [s["name"] for s in json.loads(out)]
    assert {"Kristi Noem", "Donald Trump", "Ron Johnson", "Karoline Leavitt"} <= set(names)
    assert "Dana Bash" not in names


def test_remove_then_the_article_is_gone(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    _, out, _ = run(capsys, "--db", lib, "articles", "--json")
    article_id = json.loads(out)[0]["id"]
    code, out, _ = run(capsys, "--db", lib, "remove", article_id)
    assert code == 0 and article_id in out
    _, out, _ = run(capsys, "--db", lib, "articles", "--json")
    assert json.loads(out) == []


def test_export_jsonl_writes_a_statement_a_line_with_its_article(
    capsys: pytest.CaptureFixture[str], lib: str
) -> None:
    code, out, _ = run(capsys, "--db", lib, "export", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) >= 20
    assert all(r["title"].startswith("Homeland Security") and r["article_id"] for r in rows)
    assert {r["kind"] for r in rows} == {"direct", "indirect", "claim"}


def test_export_csv_has_a_header_and_quoted_text(
    capsys: pytest.CaptureFixture[str], lib: str
) -> None:
    code, out, _ = run(capsys, "--db", lib, "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert any("body camera" in r["text"] for r in rows)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "No such file"),
        ("blob.txt", b"\x00\x01\x02\x03" * 100, "binary"),
        ("empty.txt", b"  \n ", "empty"),
        ("paper.pdf", b"%PDF-1.4 ...", ".txt"),
    ],
    ids=["missing", "binary", "empty", "unsupported"],
)
def test_bad_input_is_one_line_on_stderr_and_a_nonzero_exit(
    capsys: pytest.CaptureFixture[str],
    lib: str,
    tmp_path: Path,
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, _, err = run(capsys, "--db", lib, "ingest", str(path))
    assert code != 0
    assert message.lower() in err.lower()
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1


def test_private_url_is_refused_with_the_reason(
    capsys: pytest.CaptureFixture[str], lib: str
) -> None:
    code, _, err = run(capsys, "--db", lib, "ingest", "http://10.0.0.1/story")
    assert code != 0
    assert "private address" in err
    assert "Traceback" not in err


def test_corrupt_library_is_one_clear_line(capsys: pytest.CaptureFixture[str], lib: str) -> None:
    Path(lib).write_text("{broken", encoding="utf-8")
    code, _, err = run(capsys, "--db", lib, "articles")
    assert code == 1
    assert lib in err and "corrupt" in err
    assert Path(lib).read_text(encoding="utf-8") == "{broken"


def test_console_script_runs_as_installed(tmp_path: Path) -> None:
    beside_python = str(Path(sys.executable).parent)
    exe = shutil.which("claimbot") or shutil.which("claimbot", path=beside_python)
    command = [exe] if exe else [sys.executable, "-m", "claims_db"]
    env = {**os.environ, "CLAIMBOT_DB": str(tmp_path / "lib.json")}
    result = subprocess.run(
        [*command, "ask", "Who said body cameras are good for law enforcement?", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["speaker"] == "Donald Trump"


def test_export_to_an_unwritable_place_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], lib: str, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "out.csv"
    code, _, err = run(capsys, "--db", lib, "export", "--format", "csv", "-o", str(target))
    assert code == 1
    assert f"Cannot write {target}" in err
    assert "Traceback" not in err


def test_ingest_url_reports_added_then_already_present(
    capsys: pytest.CaptureFixture[str], lib: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import http.server
    import threading

    page = HARBOUR.encode("utf-8")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("CLAIMBOT_ALLOW_PRIVATE_URLS", "1")
    url = f"http://127.0.0.1:{server.server_address[1]}/harbour.txt"
    try:
        first = run(capsys, "--db", lib, "ingest", url)
        second = run(capsys, "--db", lib, "ingest", url)
    finally:
        server.shutdown()
    assert first[0] == 0 and "Added 1 article(s); 0 already" in first[1]
    assert second[0] == 0 and "Added 0 article(s); 1 already" in second[1]


def test_ask_shows_a_short_statement_in_its_sentence(
    capsys: pytest.CaptureFixture[str], lib: str, tmp_path: Path
) -> None:
    (tmp_path / "tax.txt").write_text(
        "Budget news\n\nMayor Lena Voss presented the budget on Monday.\n\n"
        "Asked whether she would raise property taxes, Voss said she would not.\n",
        encoding="utf-8",
    )
    run(capsys, "--db", lib, "ingest", str(tmp_path / "tax.txt"))
    code, out, _ = run(capsys, "--db", lib, "ask", "Voss will raise property taxes", "--json")
    top = json.loads(out)[0]
    assert code == 0
    assert (top["text"], top["contradicts"]) == ("she would not", True)
    assert top["context"].startswith("Asked whether she would raise property taxes")
    code, out, _ = run(capsys, "--db", lib, "ask", "what did Voss say about property taxes?")
    assert "   in: Asked whether she would raise property taxes, Voss said she would not." in out


def test_ingest_embeds_what_it_added_unless_told_not_to(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from claims_db import ClaimsDB
    from claims_db.vectors import sidecar_path

    (tmp_path / "pier.txt").write_text(
        "Pier news\n\n\u201cThe pier reopens in May,\u201d said harbour master Lena Voss.\n",
        encoding="utf-8",
    )
    (tmp_path / "toll.txt").write_text(
        "Toll news\n\nThe bridge toll will rise by a third next spring, the county said.\n",
        encoding="utf-8",
    )
    lib = str(tmp_path / "lib.json")
    code, _, _ = run(capsys, "--db", lib, "ingest", "--no-embed", str(tmp_path / "pier.txt"))
    assert code == 0
    with ClaimsDB.open(lib) as db:
        assert db.missing_vector_count() >= 1  # the new article waits for `embed`
    code, _, _ = run(capsys, "--db", lib, "ingest", str(tmp_path / "toll.txt"))
    assert code == 0
    with ClaimsDB.open(lib) as db:
        assert db.missing_vector_count() == 0
    assert sidecar_path(Path(lib)).is_file()


def test_embed_fills_in_missing_vectors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from claims_db import ClaimsDB

    (tmp_path / "pier.txt").write_text(
        "Pier news\n\n\u201cThe pier reopens in May,\u201d said harbour master Lena Voss.\n",
        encoding="utf-8",
    )
    lib = str(tmp_path / "lib.json")
    run(capsys, "--db", lib, "ingest", "--no-embed", str(tmp_path / "pier.txt"))
    with ClaimsDB.open(lib) as db:
        missing = db.missing_vector_count()
        total = db.statement_count
    assert missing >= 1
    code, out, _ = run(capsys, "--db", lib, "embed", "-q")
    assert code == 0
    assert f"Embedded {missing} statement(s); {total} in the library" in out
    with ClaimsDB.open(lib) as db:
        assert db.missing_vector_count() == 0


def test_ask_puts_only_direct_quotes_in_quotation_marks(
    capsys: pytest.CaptureFixture[str], lib: str
) -> None:
    code, out, _ = run(capsys, "--db", lib, "ask", "What did Noem say about body cameras?")
    assert code == 0
    blocks = out.split("\n")
    kinds = [line for line in blocks if line[:1].isdigit() and ". " in line]
    assert any("(direct," in k for k in kinds) and any("(indirect," in k for k in kinds)
    for header, words in zip(blocks, blocks[1:], strict=False):
        if header[:1].isdigit() and "(indirect," in header:
            assert not words.strip().startswith("\u201c"), words
        if header[:1].isdigit() and "(direct," in header:
            assert words.strip().startswith("\u201c"), words
