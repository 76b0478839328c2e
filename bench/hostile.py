"""Time ingestion, extraction and question handling on pathological inputs.

python bench/hostile.py [--only NAME,...] [--limit SECONDS] [--question-chars N]

Each input runs in a child process with a time limit, so a pathological case that
hangs (catastrophic regex backtracking, quadratic loops) is reported as a timeout
instead of stalling the benchmark. Stages that are not implemented yet
(NotImplementedError) are reported as "n/a".
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from queue import Empty
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from claims_db.errors import ClaimsError  # noqa: E402
from claims_db.text import decode_bytes, document_from_text  # noqa: E402

MB = 1_000_000
WORDS = [
    "council",
    "bridge",
    "river",
    "mayor",
    "budget",
    "vote",
    "spring",
    "officers",
    "cameras",
    "funding",
    "program",
    "country",
    "agents",
    "city",
    "residents",
    "protest",
    "court",
    "ruling",
    "statement",
    "minister",
    "policy",
]


def _fill(unit: str, size: int) -> str:
    """Repeat ``unit`` until the text is about ``size`` UTF-8 bytes."""
    per = max(1, len(unit.encode()))
    return unit * max(1, size // per)


def _no_punctuation(size: int) -> str:
    words: list[str] = []
    total = 0
    state = 12345
    while total < size:
        state = (state * 1103515245 + 12345) % 2**31  # deterministic LCG, no random module
        word = WORDS[state % len(WORDS)]
        words.append(word)
        total += len(word) + 1
    return " ".join(words)


INPUTS: dict[str, Callable[[], str]] = {
    "1 MB single line": lambda: _fill("The council said the bridge would open in May. ", MB),
    "50k straight quotes": lambda: '"' * 50_000,
    "50k unbalanced quotes": lambda: "Lopez said “we will " * 50_000,
    '"said " x 200k': lambda: "said " * 200_000,
    "1 MB no punctuation": lambda: _no_punctuation(MB),
    "zero-width + controls": lambda: _fill(
        "No\u200bem\u200d said \u201cye\u2060s\ufeff\u201d \x07\x1b\u00ad and left. ", 500_000
    ),
    "zero-width only": lambda: _fill(
        "No\u200bem\u200d said \u201cye\u2060s\ufeff\u201d. ", 500_000
    ),
    "emoji": lambda: _fill(
        "\U0001f600 Noem \U0001f1fa\U0001f1f8 said \u201c\U0001f525 fire \U0001f469\u200d"
        "\U0001f469\u200d\U0001f467\u201d today. ",
        500_000,
    ),
    "right-to-left": lambda: _fill(
        "\u0642\u0627\u0644 \u0627\u0644\u0631\u0626\u064a\u0633 \u00ab\u0646\u0639\u0645\u00bb "
        "\u05d0\u05de\u05e8 \u05e8\u05d0\u05e9 \u05d4\u05de\u05de\u05e9\u05dc\u05d4 "
        "\u201c\u05db\u05df\u201d \u202eevil\u202c \u200f. ",
        500_000,
    ),
}

SEED = Path(__file__).resolve().parents[1] / "seeds"


def _timed(action: Callable[[], object]) -> str:
    """Run ``action`` and describe its time or why it did not run."""
    start = time.perf_counter()
    try:
        action()
    except NotImplementedError:
        return "n/a"
    except ClaimsError as exc:
        return f"{time.perf_counter() - start:.3f} ({type(exc).__name__})"
    except Exception as exc:  # a crash on hostile input is a finding, not a bench failure
        return f"{time.perf_counter() - start:.3f} CRASH {type(exc).__name__}"
    return f"{time.perf_counter() - start:.3f}"


def _search_target(folder: Path) -> Any:
    """Return a ClaimsDB in ``folder`` holding the seeds, a bare SearchIndex, or None."""
    try:
        from claims_db.search import SearchIndex

        index = SearchIndex()
    except (ImportError, NotImplementedError):
        return None
    try:
        from claims_db import ClaimsDB
    except ImportError:
        return index
    try:
        db = ClaimsDB.open(folder / "bench.json")
        for path in sorted(SEED.glob("*.txt")):
            db.add_text(path.read_text(encoding="utf-8"))
        return db
    except (NotImplementedError, ClaimsError, AttributeError, TypeError):
        return index


def _run_case(name: str, question_chars: int, out: mp.Queue[tuple[str, ...]]) -> None:
    """Time every stage on one input; put a table row on ``out``."""
    text = INPUTS[name]()
    data = text.encode("utf-8", errors="surrogatepass")
    size = f"{len(data) / 1000:.0f} kB"
    decode = _timed(lambda: document_from_text(decode_bytes(data)))

    from claims_db.extract import extract

    extraction = _timed(lambda: extract(text))
    question = text[:question_chars]
    with tempfile.TemporaryDirectory() as tmp:
        target = _search_target(Path(tmp))
        if target is None:
            search = whole = "n/a"
        elif hasattr(target, "ask"):
            search = _timed(lambda: target.ask(question))
            # The whole input as a question, past ClaimsDB's cap: parsing must stay linear.
            from claims_db.search import SearchIndex

            index = SearchIndex()
            index.add(
                [st for a in target.articles() for st in target.statements(a.id)],
                target.speakers(),
            )
            whole = _timed(lambda: index.search(text))
            target.close()
        else:
            search = _timed(lambda: target.search(question))
            whole = _timed(lambda: target.search(text))
    out.put((name, size, decode, extraction, search, whole))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated input names")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per input")
    parser.add_argument(
        "--question-chars", type=int, default=4000, help="question length (ClaimsDB caps at 4000)"
    )
    args = parser.parse_args()
    names = [n for n in INPUTS if not args.only or n in args.only.split(",")]

    from claims_db.extract import extract

    try:
        extract("Probe.")
    except NotImplementedError:
        print("extractor not available")

    header = (
        "input",
        "size",
        "decode+doc s",
        "extract s",
        f"ask({args.question_chars}) s",
        "search(all) s",
    )
    widths = (24, 8, 24, 22, 16, 14)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    context: Any = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    for name in names:
        queue: mp.Queue[tuple[str, ...]] = context.Queue()
        child = context.Process(target=_run_case, args=(name, args.question_chars, queue))
        child.start()
        try:
            row = queue.get(timeout=args.limit)
        except Empty:
            row = (name, "", f"timeout > {args.limit:g} s", "", "", "")
            child.kill()
        child.join()
        if child.exitcode not in (0, None) and row[2] != f"timeout > {args.limit:g} s":
            row = (name, "", f"crashed (exit {child.exitcode})", "", "", "")
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
