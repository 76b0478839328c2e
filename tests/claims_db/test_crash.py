"""A process killed in the middle of a folder ingest loses nothing it had written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sample_articles import numbered_article

from claims_db import ClaimsDB

TOTAL = 400


def _stored_count(path: Path) -> int:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return 0
    return len(data.get("articles", {}))


def test_sigkill_mid_ingest_leaves_a_library_that_resumes(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(TOTAL):
        (folder / f"{n:04}.txt").write_text(numbered_article(n) * 3, encoding="utf-8")
    lib = tmp_path / "lib.json"
    env = {**os.environ, "CLAIMBOT_SEEDS": ""}
    command = [sys.executable, "-m", "claims_db", "--db", str(lib), "ingest", "-q", str(folder)]

    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _stored_count(lib) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    with ClaimsDB.open(lib) as db:
        survived = len(db.articles())
    assert 0 < survived < TOTAL, "the kill should land between the first and the last batch"

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"Added {TOTAL - survived} article(s); {survived} already" in done.stdout

    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert f"Added 0 article(s); {TOTAL} already" in again.stdout
