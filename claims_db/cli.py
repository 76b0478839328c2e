"""The ``claimbot`` command line."""

from __future__ import annotations

import argparse
import asyncio
import csv
import importlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import platformdirs

from claims_db import text as text_mod
from claims_db.db import ClaimsDB, IngestReport
from claims_db.errors import ClaimsError
from claims_db.identity import kind_of
from claims_db.models import (
    Answer,
    Article,
    ExtractedStatement,
    Feed,
    Kind,
    Outcome,
    PollResult,
    Statement,
)

if TYPE_CHECKING:
    from claims_db.feeds import FetchOptions

log = logging.getLogger(__name__)

EXIT_ERROR = 1


def default_db_path() -> Path:
    """Return ``CLAIMBOT_DB`` or the default library under the user's data folder."""
    configured = os.environ.get("CLAIMBOT_DB")
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_data_path("claimbot") / "library.json"


def database_url() -> str | None:
    """Return ``CLAIMBOT_DATABASE_URL`` (PostgreSQL mode), or None when unset or blank."""
    return os.environ.get("CLAIMBOT_DATABASE_URL", "").strip() or None


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://")) or "://" in value


def _allow_private() -> bool:
    return os.environ.get("CLAIMBOT_ALLOW_PRIVATE_URLS", "").strip().lower() in {"1", "true", "yes"}


class _Progress:
    """A one-line progress bar on stderr with counts and rate (plain lines when not a TTY)."""

    def __init__(self, stream: TextIO, label: str, *, done_word: str = "added") -> None:
        self._stream = stream
        self._label = label
        self._done_word = done_word
        self._started = time.monotonic()
        self._is_tty = stream.isatty()
        self._last_line = 0.0

    def __call__(self, done: int, total: int, report: IngestReport) -> None:
        counts = f"{self._done_word} {len(report.added)}  "
        if report.skipped or report.failed or self._done_word == "added":
            counts += f"known {len(report.skipped)}  failed {len(report.failed)}  "
        self.show(done, total, counts)

    def show(self, done: int, total: int, counts: str = "") -> None:
        """Draw the bar at ``done`` of ``total``, with ``counts`` before the rate."""
        now = time.monotonic()
        if not self._is_tty and now - self._last_line < 2.0 and done != total:
            return
        self._last_line = now
        rate = done / max(now - self._started, 1e-9)
        width = 24
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        line = f"{self._label} [{bar}] {done}/{total}  {counts}{rate:.1f}/s"
        if self._is_tty:
            end = "\n" if done == total else ""
            self._stream.write("\r" + line + end)
        else:
            self._stream.write(line + "\n")
        self._stream.flush()


def _embed(db: ClaimsDB, *, quiet: bool) -> int:
    """Embed the statements that lack a vector, with a progress bar unless quiet."""
    if not db.missing_vector_count():
        return 0
    bar = None if quiet else _Progress(sys.stderr, "embed ")

    def progress(done: int, total: int) -> None:
        if bar is not None and total:
            bar.show(done, total, "statements  ")

    return db.embed_missing(progress=progress)


def _statement_json(st: Statement | ExtractedStatement) -> dict[str, Any]:
    return {
        "kind": st.kind.value,
        "text": st.text,
        "speaker": st.speaker,
        "cue": st.cue,
        "start": st.start,
        "end": st.end,
    }


def _source_json(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "url": a.url,
        "publisher": a.publisher,
        "published": a.published,
    }


def _article_json(a: Article, counts: dict[Kind, int] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        **_source_json(a),
        "authors": list(a.authors),
        "added_at": a.added_at,
        "added_by": a.added_by,
        "source": a.source.value,
    }
    if counts is not None:
        data["statements"] = {k.value: v for k, v in counts.items()}
        data["statements"]["total"] = sum(counts.values())
    return data


def _answer_json(ans: Answer) -> dict[str, Any]:
    return {
        "kind": ans.statement.kind.value,
        "text": ans.statement.text,
        "context": ans.statement.context,
        "speaker": ans.statement.speaker,
        "role": ans.role,
        "score": round(ans.score, 4),
        "contradicts": ans.contradicts,
        "matched": list(ans.matched),
        "reported_in": ans.reported_in,
        "article": _source_json(ans.article),
        "also_in": [_source_json(a) for a in ans.also_in],
        **({"fact_check": _fact_check_json(ans)} if ans.statement.fact_check else {}),
    }


def _fact_check_json(ans: Answer) -> dict[str, Any]:
    check = ans.statement.fact_check
    assert check is not None
    return {
        "claim": check.claim,
        "verdict": check.verdict,
        "reviewer": check.reviewer,
        "claimant": check.claimant,
        "published": check.published,
        "claim_date": check.claim_date,
        "url": check.url,
        "appears_in": [_answer_json(a) for a in ans.appears_in],
    }


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _print_answers(answers: Sequence[Answer], *, empty: str) -> None:
    if not answers:
        print(empty)
        return
    for i, ans in enumerate(answers, start=1):
        st = ans.statement
        who = st.speaker or "the article"
        role = ans.role if st.speaker else None
        who = f"{who}, {role}" if role else who
        flag = "  [the source appears to contradict this]" if ans.contradicts else ""
        print(f"{i}. {who} ({st.kind.value}, score {ans.score:.2f}){flag}")
        check = st.fact_check
        if check is not None:
            reviewer = check.reviewer or ans.article.publisher or "A fact-checker"
            when = f" ({check.published})" if check.published else ""
            print(f"   {reviewer} rated this: {check.verdict}{when}")
        # Only a direct quote is someone's exact words; reported speech and claims are not.
        print(f"   “{st.text}”" if st.kind is Kind.DIRECT else f"   {st.text}")
        if st.context:
            print(f"   in: {st.context}")
        source = ", ".join(x for x in (ans.article.publisher, ans.article.published) if x)
        print(f"   — {ans.article.title}" + (f" ({source})" if source else ""))
        if ans.article.url:
            print(f"   {ans.article.url}")
        if ans.reported_in > 1:
            print(f"   reported in {ans.reported_in} articles")
        if ans.appears_in:
            where = "; ".join(f"“{a.article.title}”" for a in ans.appears_in)
            print(f"   the claim appears in: {where}")


# -- commands ----------------------------------------------------------------------


def _cmd_ingest(args: argparse.Namespace) -> int:
    urls = [s for s in args.sources if _is_url(s)]
    paths = [Path(s) for s in args.sources if not _is_url(s)]
    for path in paths:
        if not path.exists():
            raise ClaimsError(f"No such file or folder: {path}")
    # A bar is noise for a single file; it is for folders and lists of sources.
    quiet = args.quiet or (len(args.sources) == 1 and not any(p.is_dir() for p in paths))
    with _open_db(args) as db:
        progress = None if quiet else _Progress(sys.stderr, "ingest")
        report = db.add_paths(paths, added_by=args.added_by, progress=progress)
        if urls:
            report = _ingest_urls(db, urls, args.added_by, report, quiet=quiet)
        # Embedding here means the library answers with its semantic stage as soon as
        # the command returns; skipped, its new statements rank lexically until embedded.
        if not args.no_embed:
            _embed(db, quiet=quiet)
    everything_failed = bool(report.failed) and not (report.added or report.skipped)
    prefix = "error" if everything_failed else "skipped"
    for source, reason in report.failed:
        print(f"claimbot: {prefix}: {source}: {reason}", file=sys.stderr)
    if args.json:
        _print_json(
            {
                "added": [_article_json(a) for a in report.added],
                "already_present": [_article_json(a) for a in report.skipped],
                "failed": [{"source": s, "reason": r} for s, r in report.failed],
            }
        )
    else:
        print(
            f"Added {len(report.added)} article(s); {len(report.skipped)} already in the "
            f"library; {len(report.failed)} failed."
        )
    return EXIT_ERROR if everything_failed else 0


def _cmd_embed(args: argparse.Namespace) -> int:
    with _open_db(args) as db:
        count = _embed(db, quiet=args.quiet)
        total = db.statement_count
    print(f"Embedded {count} statement(s); {total} in the library have search vectors.")
    return 0


def _ingest_urls(
    db: ClaimsDB, urls: list[str], added_by: str | None, report: IngestReport, *, quiet: bool
) -> IngestReport:
    progress = None if quiet else _Progress(sys.stderr, "fetch ")
    url_report = IngestReport()

    async def run() -> None:
        for done, url in enumerate(urls, start=1):
            before = db.article_count
            try:
                article = await db.add_url(url, added_by=added_by, allow_private=_allow_private())
            except ClaimsError as exc:
                url_report.failed.append((url, str(exc)))
            else:
                target = url_report.added if db.article_count > before else url_report.skipped
                target.append(article)
            if progress is not None:
                progress(done, len(urls), url_report)

    asyncio.run(run())
    report.added.extend(url_report.added)
    report.skipped.extend(url_report.skipped)
    report.failed.extend(url_report.failed)
    return report


def _cmd_extract(args: argparse.Namespace) -> int:
    from claims_db.extract import extract

    doc = text_mod.read_file(Path(args.path))
    extraction = extract(doc.text, title=doc.title)
    if args.json:
        _print_json(
            {
                "title": extraction.title,
                "statements": [
                    {**_statement_json(st), "addressee": st.addressee}
                    for st in extraction.statements
                ],
                "speakers": [
                    {
                        "name": sp.name,
                        "aliases": list(sp.aliases),
                        "roles": list(sp.roles),
                        "kind": kind_of(sp.name, sp.kind).value,
                    }
                    for sp in extraction.speakers
                ],
            }
        )
        return 0
    print(extraction.title)
    for st in extraction.statements:
        who = st.speaker or "-"
        print(f"[{st.kind.value:8}] {who}: {st.text}")
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    with _open_db(args) as db:
        found = db.ask_explained(args.question, limit=args.limit)
    answers = list(found.answers)
    if args.json:
        _print_json([_answer_json(a) for a in answers])
        return 0
    empty = "No sourced statement found for that. Add articles with `claimbot ingest`."
    if found.unknown_speaker is not None:
        empty = f"No statement by {found.unknown_speaker} in this library."
        if found.did_you_mean:
            empty += " Did you mean " + " or ".join(s.name for s in found.did_you_mean) + "?"
    _print_answers(answers, empty=empty)
    return 0


def _cmd_quotes(args: argparse.Namespace) -> int:
    with _open_db(args) as db:
        answers = db.quotes(args.speaker, topic=args.topic, limit=args.limit)
    if args.json:
        _print_json([_answer_json(a) for a in answers])
    else:
        _print_answers(answers, empty=f"No statements by {args.speaker!r} in this library.")
    return 0


def _cmd_reextract(args: argparse.Namespace) -> int:
    with _open_db(args) as db:
        progress = None if args.quiet else _Progress(sys.stderr, "reextract", done_word="done")
        report = db.reextract(everything=args.all, progress=progress)
        total = db.article_count
    print(f"Re-extracted {len(report.added)} of {total} article(s).")
    return 0


def _cmd_speakers(args: argparse.Namespace) -> int:
    with _open_db(args) as db:
        rows = [(sp, db.speaker_statement_count(sp.id)) for sp in db.speakers()]
    if args.json:
        _print_json(
            [
                {
                    "id": sp.id,
                    "name": sp.name,
                    "aliases": list(sp.aliases),
                    "roles": list(sp.roles),
                    "kind": sp.kind.value,
                    "statements": n,
                }
                for sp, n in rows
            ]
        )
        return 0
    if not rows:
        print("No speakers yet. Add articles with `claimbot ingest`.")
    for sp, n in rows:
        roles = f" ({', '.join(sp.roles)})" if sp.roles else ""
        print(f"{sp.name}{roles}: {n} statement(s)")
    return 0


def _cmd_articles(args: argparse.Namespace) -> int:
    with _open_db(args) as db:
        rows = [(a, db.statement_counts(a.id)) for a in db.articles()]
    if args.json:
        _print_json([_article_json(a, counts) for a, counts in rows])
        return 0
    if not rows:
        print("The library is empty. Add articles with `claimbot ingest`.")
    for a, counts in rows:
        summary = ", ".join(f"{n} {k.value}" for k, n in counts.items())
        print(f"{a.id}  {a.title}  [{summary}]" + (f"  {a.url}" if a.url else ""))
    return 0


def _cmd_remove(args: argparse.Namespace) -> int:
    with _open_db(args) as db:
        article = db.remove_article(args.article_id)
    print(f"Removed {article.id}: {article.title}")
    return 0


_EXPORT_FIELDS = (
    "statement_id",
    "kind",
    "text",
    "speaker",
    "cue",
    "start",
    "end",
    "article_id",
    "title",
    "url",
    "publisher",
    "published",
)


def _cmd_export(args: argparse.Namespace) -> int:
    out: TextIO = sys.stdout
    close: Callable[[], None] = lambda: None  # noqa: E731
    if args.output:
        try:
            handle = open(args.output, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise ClaimsError(f"Cannot write {args.output}: {exc.strerror or exc}.") from exc
        out, close = handle, handle.close
    try:
        with _open_db(args) as db:
            writer = (
                csv.DictWriter(out, fieldnames=_EXPORT_FIELDS) if args.format == "csv" else None
            )
            if writer is not None:
                writer.writeheader()
            for article in db.articles():
                for st in db.statements(article.id):
                    row = {
                        "statement_id": st.id,
                        **_statement_json(st),
                        "article_id": article.id,
                        "title": article.title,
                        "url": article.url,
                        "publisher": article.publisher,
                        "published": article.published,
                    }
                    if writer is not None:
                        writer.writerow(row)
                    else:
                        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        close()
    return 0


def _feed_options() -> FetchOptions:
    from claims_db.feeds import FetchOptions

    return FetchOptions(allow_private=_allow_private(), allow_loopback=_allow_loopback())


def _allow_loopback() -> bool:
    value = os.environ.get("CLAIMBOT_ALLOW_LOOPBACK_URLS", "").strip().lower()
    return value in {"1", "true", "yes"}


def _feed_line(feed: Feed) -> str:
    state = f"paused: {feed.paused}" if feed.paused else f"{feed.added} added"
    if not feed.paused and feed.last_error:
        state += f", last poll failed: {feed.last_error}"
    polled = feed.last_polled or "never polled"
    return f"{feed.id}  {feed.url}  ({feed.title or 'untitled'}; {state}; {polled})"


def _cmd_feed_add(args: argparse.Namespace) -> int:
    from claims_db.feeds import follow

    with _open_db(args) as db:
        feed, is_new = asyncio.run(
            follow(db, args.url, options=_feed_options(), added_by=args.added_by, now=time.time())
        )
    if is_new:
        print(f"Following {feed.url} ({feed.title or 'untitled'}) as {feed.id}.")
    else:
        print(f"Already following {feed.url} ({feed.id}); resumed if it was paused.")
    return 0


def _cmd_feed_list(args: argparse.Namespace) -> int:
    with _open_db(args) as db:
        feeds = db.feeds()
    if args.json:
        _print_json(
            [
                {
                    "id": f.id,
                    "url": f.url,
                    "title": f.title,
                    "added": f.added,
                    "last_polled": f.last_polled,
                    "failures": f.failures,
                    "paused": f.paused,
                    "last_error": f.last_error,
                }
                for f in feeds
            ]
        )
    elif not feeds:
        print("This library follows no feed. Add one with `claimbot feed add URL`.")
    for feed in feeds if not args.json else ():
        print(_feed_line(feed))
    return 0


def _cmd_feed_remove(args: argparse.Namespace) -> int:
    with _open_db(args) as db:
        feed = db.remove_feed(args.feed)
    print(f"No longer following {feed.url}; its articles stay in the library.")
    return 0


def _cmd_feed_poll(args: argparse.Namespace) -> int:
    from claims_db.feeds import due_feeds, poll

    now = time.time()
    with _open_db(args) as db:
        chosen = db.feeds() if args.all else due_feeds(db, now=now)
        chosen = [f for f in chosen if f.paused is None]

        async def run() -> list[PollResult]:
            from claims_db.fetch import make_session

            options = _feed_options()
            session = make_session(
                allow_private=options.allow_private, allow_loopback=options.allow_loopback
            )
            try:
                with_session = replace(options, session=session)
                return [await poll(db, f, options=with_session, now=now) for f in chosen]
            finally:
                await session.close()

        results = asyncio.run(run()) if chosen else []
    if not results:
        print("No feed is due for a poll (use --all to poll every feed now).")
    for result in results:
        feed = result.feed
        if result.error:
            paused = " The feed is now paused." if result.paused_now else ""
            print(f"{feed.url}: failed: {result.error}.{paused}")
            continue
        added = [r for r in result.results if r.outcome is Outcome.ADDED]
        print(f"{feed.url}: {len(added)} added, {len(result.results) - len(added)} skipped")
        for item in result.results:
            if item.outcome is Outcome.REFUSED:
                print(f"  Refused: {item.url} — {item.reason}")
        for item in added:
            assert item.article is not None
            speakers = ", ".join(name for name, _ in item.speakers)
            print(
                f"  Added: {item.article.title} — {item.statements} statements"
                + (f", {speakers}" if speakers else "")
            )
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    # The Discord layer sits on top of the engine; it is loaded only for these two commands.
    bot = importlib.import_module("bot")
    return int(bot.run_bot())


def _cmd_sync(args: argparse.Namespace) -> int:
    bot = importlib.import_module("bot")
    return int(bot.sync_commands(args.guild))


def _open_db(args: argparse.Namespace) -> ClaimsDB:
    url = database_url()
    if url is not None:
        db = ClaimsDB.open_url(url, args.guild if args.guild is not None else 0)
    elif args.guild is not None:
        raise ClaimsError("--guild picks a library in PostgreSQL; set CLAIMBOT_DATABASE_URL.")
    else:
        created = not Path(args.db).exists()
        db = ClaimsDB.open(args.db)
        if created and db.statement_count:
            # A new library's seed articles get their vectors at once (a second or so).
            db.embed_missing()
    outdated = db.outdated_count
    if outdated and args.remind_outdated:
        print(
            f"claimbot: note: {outdated} article(s) were read by an older claimbot; "
            "`claimbot reextract` updates their statements.",
            file=sys.stderr,
        )
    return db


def _require_url() -> str:
    url = database_url()
    if url is None:
        raise ClaimsError("`claimbot db` needs CLAIMBOT_DATABASE_URL (a PostgreSQL URL).")
    return url


def _cmd_db_upgrade(args: argparse.Namespace) -> int:
    from claims_db.pgstore import Database, code_schema_version

    with Database(_require_url(), max_connections=1) as database:
        applied = database.upgrade()
        version = database.schema_version()
    for migration in applied:
        print(f"applied {migration.name}")
    print(f"The database is at schema {version} (this claimbot: {code_schema_version()}).")
    return 0


def _cmd_db_status(args: argparse.Namespace) -> int:
    from claims_db.pgstore import Database, code_schema_version

    with Database(_require_url(), max_connections=1) as database:
        version = database.schema_version()
        guilds = database.guild_ids() if version == code_schema_version() else []
    print(f"schema {version if version is not None else 'none'}; code {code_schema_version()}")
    print(f"{len(guilds)} librar{'y' if len(guilds) == 1 else 'ies'}")
    return 0


CLI_LIBRARY_FILE = "library.json"  # the CLI's TinyDB library; guild 0 in PostgreSQL


def _guild_of_file(path: Path) -> int | None:
    if path.name == CLI_LIBRARY_FILE:
        return 0
    return int(path.stem) if path.stem.isdigit() else None


def _file_of_guild(guild_id: int) -> str:
    return CLI_LIBRARY_FILE if guild_id == 0 else f"{guild_id}.json"


def _cmd_db_import(args: argparse.Namespace) -> int:
    from claims_db.pgstore import Database
    from claims_db.store import TinyDBStore

    folder = Path(args.data_dir)
    if not folder.is_dir():
        raise ClaimsError(f"No such folder: {folder}")
    files = sorted((g, p) for p in folder.glob("*.json") if (g := _guild_of_file(p)) is not None)
    if not files:
        raise ClaimsError(f"{folder} holds no libraries (<guild id>.json or {CLI_LIBRARY_FILE}).")
    failed = 0
    with Database.connect(_require_url(), max_connections=1) as database:
        for guild_id, path in files:
            store = TinyDBStore.open(path)
            try:
                articles, statements = store.articles(), store.statements()
                speakers, feeds = store.speakers(), store.feeds()
                quota, watched = store.feed_quota(), store.watched_channels()
            finally:
                store.close()
            try:
                database.import_library(
                    guild_id,
                    articles,
                    statements,
                    speakers,
                    feeds=feeds,
                    feed_quota=quota,
                    watched_channels=watched,
                    replace=args.replace,
                )
            except ClaimsError as exc:
                failed += 1
                print(f"claimbot: skipped {path.name}: {exc}", file=sys.stderr)
                continue
            print(
                f"imported {path.name} as guild {guild_id}: {len(articles)} article(s), "
                f"{len(statements)} statement(s), {len(speakers)} speaker(s)"
            )
    return EXIT_ERROR if failed == len(files) else 0


def _cmd_db_export(args: argparse.Namespace) -> int:
    from claims_db.pgstore import Database
    from claims_db.store import TinyDBStore

    folder = Path(args.out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with Database.connect(_require_url(), max_connections=1) as database:
        guilds = args.guild_ids or database.guild_ids()
        targets = [(g, folder / _file_of_guild(g)) for g in guilds]
        existing = [p.name for _, p in targets if p.exists()]
        if existing:
            raise ClaimsError(
                f"{folder} already holds {', '.join(existing)}; export into an empty folder."
            )
        for guild_id, path in targets:
            source = database.store(guild_id)
            articles = source.articles()
            statements = source.statements()
            speakers = source.speakers()
            by_article: dict[str, list[Statement]] = {}
            for st in statements:
                by_article.setdefault(st.article_id, []).append(st)
            target = TinyDBStore.open(path)
            try:
                for article in articles:
                    target.put_article(article, by_article.get(article.id, []), [])
                target.put_speakers(speakers)
                for feed in source.feeds():
                    target.put_feed(feed)
                day, count = source.feed_quota()
                if day:
                    target.put_feed_quota(day, count)
                watched = source.watched_channels()
                if watched:
                    target.put_watched_channels(watched)
                target.commit()
            finally:
                target.close()
            print(f"exported guild {guild_id} to {path} ({len(articles)} article(s))")
    return 0


# -- parser ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Build the ``claimbot`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="claimbot",
        description="Find who said what in news articles: ingest articles, ask questions.",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="library file (default: $CLAIMBOT_DB or the user data folder)",
    )
    parser.add_argument(
        "--guild",
        type=_guild_id,
        default=None,
        help="with CLAIMBOT_DATABASE_URL: the server whose library to use (default 0, the CLI's)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.set_defaults(remind_outdated=True)  # every command but reextract
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="add files, folders (.txt .md .html) or URLs")
    p.add_argument("sources", nargs="+", metavar="PATH|URL")
    p.add_argument("--added-by", default=None, help="who added them (free text)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--no-embed",
        action="store_true",
        help="skip computing search vectors (run `claimbot embed` later)",
    )
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("embed", help="compute the search vectors the library lacks")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_embed)

    p = sub.add_parser("extract", help="show the statements of one file; stores nothing")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("ask", help="find sourced statements for a question or claim")
    p.add_argument("question")
    p.add_argument("--limit", type=_positive_int, default=3, help="answers at most (default 3)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_ask)

    p = sub.add_parser("quotes", help="a speaker's statements")
    p.add_argument("speaker")
    p.add_argument("--topic", default=None, help="rank by this topic")
    p.add_argument("--limit", type=_positive_int, default=20, help="statements at most")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_quotes)

    p = sub.add_parser("speakers", help="list speakers")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_speakers)

    p = sub.add_parser("articles", help="list articles with statement counts")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_articles)

    p = sub.add_parser("remove", help="remove an article and its statements")
    p.add_argument("article_id", metavar="ARTICLE_ID")
    p.set_defaults(func=_cmd_remove)

    p = sub.add_parser(
        "reextract", help="extract again the articles an older claimbot read (after an upgrade)"
    )
    p.add_argument("--all", action="store_true", help="every article, not only outdated ones")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_reextract, remind_outdated=False)

    p = sub.add_parser("export", help="export every statement with its article")
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    p.add_argument("-o", "--output", default=None, help="file to write (default stdout)")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("db", help="the PostgreSQL store (CLAIMBOT_DATABASE_URL)")
    db_sub = p.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    q = db_sub.add_parser("upgrade", help="apply the schema migrations the database lacks")
    q.set_defaults(func=_cmd_db_upgrade, remind_outdated=False)
    q = db_sub.add_parser("status", help="show the schema version and the libraries")
    q.set_defaults(func=_cmd_db_status, remind_outdated=False)
    q = db_sub.add_parser("import", help="copy TinyDB libraries (<guild id>.json) into PostgreSQL")
    q.add_argument("data_dir", metavar="DATA_DIR")
    q.add_argument("--replace", action="store_true", help="replace guilds that hold articles")
    q.set_defaults(func=_cmd_db_import, remind_outdated=False)
    q = db_sub.add_parser("export", help="write libraries back to TinyDB files in OUT_DIR")
    q.add_argument("out_dir", metavar="OUT_DIR")
    q.add_argument("--guild", dest="guild_ids", type=_guild_id, action="append", default=[])
    q.set_defaults(func=_cmd_db_export, remind_outdated=False)

    p = sub.add_parser("feed", help="follow RSS/Atom feeds: feed add|list|remove|poll")
    feed_sub = p.add_subparsers(dest="feed_command", required=True, metavar="ACTION")
    f = feed_sub.add_parser("add", help="follow a feed (checked first; nothing stored if bad)")
    f.add_argument("url", metavar="URL")
    f.add_argument("--added-by", default=None, help="who added it (free text)")
    f.set_defaults(func=_cmd_feed_add)
    f = feed_sub.add_parser("list", help="the feeds this library follows and their state")
    f.add_argument("--json", action="store_true", help="print JSON")
    f.set_defaults(func=_cmd_feed_list)
    f = feed_sub.add_parser("remove", help="stop following a feed (its articles stay)")
    f.add_argument("feed", metavar="ID|URL")
    f.set_defaults(func=_cmd_feed_remove)
    f = feed_sub.add_parser("poll", help="poll the feeds that are due and add their new items")
    f.add_argument("--all", action="store_true", help="poll every active feed now")
    f.set_defaults(func=_cmd_feed_poll)

    p = sub.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("sync", help="sync the bot's slash commands with Discord")
    p.add_argument("--guild", type=int, default=None, help="sync to one server only")
    p.set_defaults(func=_cmd_sync)
    return parser


def _guild_id(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a server id (digits only)")
    return int(value)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= number <= 100:
        raise argparse.ArgumentTypeError("must be between 1 and 100")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.db is None:
        args.db = default_db_path()
    try:
        code: int = args.func(args)
    except ClaimsError as exc:
        print(f"claimbot: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("claimbot: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":
    raise SystemExit(main())
