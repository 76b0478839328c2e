"""Ingestion: bytes, files and HTML -> Document (decoded, normalised text plus metadata)."""

from __future__ import annotations

import codecs
import logging
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any

import htmldate
import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from claims_db import furniture
from claims_db.claimreview import scan_fact_checks
from claims_db.errors import EmptyInput, InputTooLarge, UnsupportedFile
from claims_db.models import Document, FactCheck

log = logging.getLogger(__name__)

MAX_TEXT_BYTES: int = 5_000_000

_TEXT_SUFFIXES = frozenset({".txt"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_HTML_SUFFIXES = frozenset({".html", ".htm"})
SUPPORTED_SUFFIXES: frozenset[str] = _TEXT_SUFFIXES | _MARKDOWN_SUFFIXES | _HTML_SUFFIXES

_TITLE_MAX_CHARS = 300

# File signatures of formats people attach by mistake; several of them start with ASCII
# (PDF, RTF, SQLite), so a control-character count alone would let them through as "text".
_MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Microsoft Office"),
    (b"\x7fELF", "executable"),
    (b"\x00asm", "WebAssembly"),
    (b"SQLite format 3\x00", "SQLite"),
    (b"{\\rtf", "RTF"),
    (b"OggS", "Ogg"),
    (b"fLaC", "FLAC"),
    (b"ID3\x03", "MP3"),
    (b"ID3\x04", "MP3"),
    (b"\x1aE\xdf\xa3", "Matroska/WebM"),
)
_ISO_MEDIA_BRAND = b"ftyp"  # MP4/MOV/HEIC carry it at offset 4, after a binary box size
_RIFF_KINDS = (b"WEBP", b"WAVE", b"AVI ")

# C0 controls other than tab, newline, vertical tab, form feed and carriage return, plus DEL.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_RATIO = 0.01  # more than 1% control characters is binary, not text
_CONTROL_ALLOWANCE = 8  # a few stray controls in a real article are tolerated

# Labels that browsers decode as windows-1252 (WHATWG Encoding Standard).
_WINDOWS_1252_ALIASES = frozenset(
    {"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp819"}
)

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_HTML_SNIFF_BYTES = 4096

_QUOTE_TABLE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        # Invisible characters that copy-paste adds or drops; they must not change the hash.
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,
    }
)
# Removed before extraction: when a page has no article, trafilatura's fallback would
# otherwise return the menu ("Home\nPolitics") as if it were the text.
_PRUNE_XPATH = ["//nav", "//footer", "//*[@role='navigation']", "//*[@role='contentinfo']"]
_WHITESPACE = re.compile(r"\s+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")


def describe_size(max_bytes: int) -> str:
    """Return a byte count as people say it: "5 MB", "64 kB", "100 bytes"."""
    if max_bytes >= 1_000_000:
        return f"{max_bytes / 1_000_000:g} MB"
    if max_bytes >= 1_000:
        return f"{max_bytes / 1_000:g} kB"
    return f"{max_bytes} bytes"


def _refuse_known_binary(data: bytes) -> None:
    """Raise UnsupportedFile when ``data`` starts with the signature of a binary format."""
    for magic, name in _MAGIC_NUMBERS:
        if data.startswith(magic):
            raise UnsupportedFile(f"That is a {name} file, not text.")
    if data.startswith(b"RIFF") and data[8:12] in _RIFF_KINDS:
        raise UnsupportedFile("That is a media file, not text.")
    if data[:1] == b"\x00" and data[4:8] == _ISO_MEDIA_BRAND:
        raise UnsupportedFile("That is a video or image file, not text.")


def _refuse_control_heavy(text: str) -> None:
    """Raise UnsupportedFile when decoded text holds NULs or many control characters."""
    if "\x00" in text:
        raise UnsupportedFile("That looks like a binary file, not text.")
    controls = len(_CONTROL_CHARS.findall(text))
    if controls > _CONTROL_ALLOWANCE and controls > len(text) * _CONTROL_RATIO:
        raise UnsupportedFile("That looks like a binary file, not text.")


def _codec_for(charset: str) -> str | None:
    """Return a Python codec name for a declared charset, or None when it is unknown."""
    label = charset.strip().strip("\"'").lower()
    if label in _WINDOWS_1252_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        log.debug("unknown charset %r, sniffing instead", charset)
        return None


def _decode_with_bom(data: bytes) -> str | None:
    """Return ``data`` decoded by its byte order mark, or None when it has none."""
    # UTF-32 LE's BOM starts with UTF-16 LE's, so it is tested first.
    boms = (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    )
    for bom, codec in boms:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    return None


def _normalise_newlines(text: str) -> str:
    """Turn Windows and old-Mac line ends into ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes, *, charset: str | None = None) -> str:
    """Decode text bytes: BOM, then ``charset``, then UTF-8, then Windows-1252.

    Binary content (known file signatures, NULs, many control characters) raises
    UnsupportedFile. The text is kept as is apart from line ends, which become ``\\n``.
    """
    text = _decode_with_bom(data)
    if text is None:
        _refuse_known_binary(data)
        codec = _codec_for(charset) if charset else None
        if codec is not None:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                log.debug("content does not match declared charset %r, sniffing", charset)
            except (LookupError, ValueError):
                # codecs such as "idna" or "rot13" are not text encodings for documents
                log.debug("charset %r cannot decode documents, sniffing", charset)
        if text is None:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                # Bytes cp1252 leaves undefined (0x81, 0x8D, ...) become U+FFFD.
                text = data.decode("cp1252", errors="replace")
    _refuse_control_heavy(text)
    return _normalise_newlines(text)


def html_charset(data: bytes) -> str | None:
    """Return the charset an HTML document declares in its first bytes (``<meta charset>``)."""
    match = _META_CHARSET.search(data[:_HTML_SNIFF_BYTES])
    if match is None:
        return None
    return match.group(1).decode("ascii", errors="replace")


def _check_text_size(text: str, *, max_bytes: int, what: str) -> None:
    """Raise InputTooLarge when ``text`` encodes to more than ``max_bytes`` UTF-8 bytes."""
    # A character is at most 4 UTF-8 bytes: only encode when the length is ambiguous.
    too_large = len(text) > max_bytes or (
        len(text) * 4 > max_bytes and len(text.encode("utf-8", errors="replace")) > max_bytes
    )
    if too_large:
        raise InputTooLarge(f"The {what} is larger than {describe_size(max_bytes)}.")


def _first_line_title(text: str) -> str:
    """Return the first non-empty line of ``text``, shortened for display."""
    for line in text.split("\n", 50):
        stripped = line.strip()
        if stripped:
            return _shorten(stripped)
    return ""


def _shorten(title: str) -> str:
    """Cut a title that is really a paragraph down to a displayable length."""
    if len(title) <= _TITLE_MAX_CHARS:
        return title
    cut = title[:_TITLE_MAX_CHARS].rsplit(" ", 1)[0] or title[:_TITLE_MAX_CHARS]
    return cut.rstrip() + "\u2026"


def document_from_text(
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    published: str | None = None,
    publisher: str | None = None,
) -> Document:
    """Make a Document from plain text; the first non-empty line is the title when none is given.

    The text is kept whole, title line included, because headlines carry statements too.
    """
    _check_text_size(text, max_bytes=MAX_TEXT_BYTES, what="text")
    text = _normalise_newlines(text)
    if not text.strip():
        raise EmptyInput("There is no text to read.")
    chosen = title.strip() if title is not None else ""
    return Document(
        text=text,
        title=chosen or _first_line_title(text),
        url=url,
        publisher=publisher,
        published=published,
    )


def _split_authors(author: str | None) -> tuple[str, ...]:
    """Split trafilatura's "A; B" author string into names."""
    if not author:
        return ()
    return tuple(name.strip() for name in author.split(";") if name.strip())


def document_from_html(html: str, *, url: str | None = None) -> Document:
    """Extract an article's main text and metadata from HTML (no navigation, comments, footers).

    ``Document.text`` is the title, a blank line, then the body paragraphs one per line.
    """
    _check_text_size(html, max_bytes=MAX_TEXT_BYTES, what="page")
    if not html.strip():
        raise EmptyInput("The page is empty.")
    extracted = trafilatura.bare_extraction(
        _without_furniture(html),
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        prune_xpath=_PRUNE_XPATH,
    )
    body = _normalise_newlines(str(getattr(extracted, "text", None) or "")).strip()
    fact_checks, ignored = scan_fact_checks(html, page_url=url)
    body = _with_claims(body, fact_checks)
    if not body:
        raise EmptyInput("claimbot found no article text on that page.")
    title = " ".join(str(getattr(extracted, "title", None) or "").split())
    lines = furniture.clean_lines(line.strip() for line in body.split("\n") if line.strip())
    if title and lines and lines[0] == title:
        lines = lines[1:]  # trafilatura keeps the <h1> headline; do not repeat it
    if not title:
        title, lines = lines[0], lines[1:]
    text = title + "\n\n" + "\n".join(lines) if lines else title
    if not fact_checks:  # a fact-check's verdict is its content, however short the page
        _refuse_non_article(lines)
    tree = trafilatura.load_html(html)
    url = url or _canonical_in(tree)  # read before _stated_date_in prunes the tree
    published = _stated_date_in(tree, lines)
    sitename = str(getattr(extracted, "sitename", None) or "").strip()
    return Document(
        text=text,
        title=_shorten(title),
        url=url,
        publisher=sitename or None,
        published=published,
        authors=_split_authors(getattr(extracted, "author", None)),
        fact_checks=fact_checks,
        ignored_fact_checks=ignored,
    )


def _with_claims(body: str, fact_checks: tuple[FactCheck, ...]) -> str:
    """Add each fact-checked claim the page text lacks, so its statement quotes the article.

    The claim is the reviewer's own wording of it (``claimReviewed``); pages often show it in
    a styled box that trafilatura leaves out, and the statement must be a substring.
    """
    missing = [check.claim for check in fact_checks if check.claim not in body]
    missing = list(dict.fromkeys(missing))
    if not missing:
        return body
    lines = "\n".join(f"Claim reviewed: {claim}" for claim in missing)
    return f"{body}\n{lines}" if body else lines


# A page whose text has fewer words of prose than this holds no article (a paywall stub).
_MIN_ARTICLE_WORDS = 40
_PROSE_LINE_WORDS = 8  # a paragraph of prose has at least this many words and ends a sentence
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*$")


def _refuse_non_article(lines: list[str]) -> None:
    """Raise EmptyInput when the extracted text is a front page, a menu or a paywall stub."""
    prose = [
        line
        for line in lines
        if len(line.split()) >= _PROSE_LINE_WORDS and _SENTENCE_END.search(line)
    ]
    words = sum(len(line.split()) for line in prose)
    if words >= _MIN_ARTICLE_WORDS:
        return
    if len(lines) >= 5 and len(prose) * 3 < len(lines):
        raise EmptyInput(
            "That page has no article text: it looks like a front page or a list of links. "
            "Link to one article instead. Nothing was added."
        )
    amount = f"only {words} words of" if words >= 10 else "no"
    raise EmptyInput(
        f"That page has {amount} article text: it looks like a teaser, a paywall or a menu, "
        "not an article. Nothing was added."
    )


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# "SPRINGFIELD, Jan. 26, 2026 —" or "Jan. 26, 2026 (Reuters) -" at the start of the body.
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z .'-]{1,40},\s*)?(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),?\s+"
    r"(?P<year>(?:19|20)\d{2})\b\s*(?:\([^)]{1,40}\)\s*)?[\u2014\u2013:-]"
)
_URL_LINKS = "//link[@rel='canonical']|//meta[@property='og:url' or @name='og:url']"
# Left out when looking for a stated date: links carry dates of their own, and page chrome
# ("© 2019", "Updated March 3") is not the article's publication date.
_NOT_DATES = _URL_LINKS + "|//footer|//nav|//aside|//*[@role='contentinfo']"


def stated_date(html: str, lines: list[str]) -> str | None:
    """Return the publication date a page states (meta tags, JSON-LD, <time>, a dateline).

    A date only guessed from the page chrome (a copyright year, a date in the link, text
    somewhere on the page) is no publication date: it is left out rather than invented.
    """
    return _stated_date_in(trafilatura.load_html(html), lines)


def _stated_date_in(tree: Any, lines: list[str]) -> str | None:
    """Return the date ``tree`` states (see :func:`stated_date`); prunes the tree."""
    if tree is not None:
        for element in tree.xpath(_NOT_DATES):
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
        found = htmldate.find_date(tree, extensive_search=False, original_date=True)
        if isinstance(found, str) and _ISO_DATE.fullmatch(found):
            return found
    for line in lines[:2]:
        match = _DATELINE.match(line)
        month = _MONTHS.get(match.group("month").lower()) if match else None
        if match and month:
            day, year = int(match.group("day")), int(match.group("year"))
            if 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def canonical_url(html: str) -> str | None:
    """Return the http(s) link a page gives for itself (``<link rel=canonical>``, og:url)."""
    return _canonical_in(trafilatura.load_html(html))


def _canonical_in(tree: Any) -> str | None:
    if tree is None:
        return None
    for element in tree.xpath(_URL_LINKS):
        value = (element.get("href") or element.get("content") or "").strip()
        if value.lower().startswith(("http://", "https://")) and " " not in value:
            return str(value)
    return None


def _without_furniture(html: str) -> HtmlElement | str:
    """Return the page parsed, without its furniture (``claims_db.furniture``)."""
    tree = load_html(html)
    if tree is None:
        return html  # trafilatura gets the page as it is and decides
    furniture.clean_tree(tree)
    return tree


def _markdown_title(text: str) -> str | None:
    """Return the first non-empty line without its ``#`` heading marks."""
    first = _first_line_title(text)
    return _MARKDOWN_HEADING.sub("", first).strip() or None


def document_from_bytes(data: bytes, *, filename: str, max_bytes: int = MAX_TEXT_BYTES) -> Document:
    """Make a Document from an uploaded file's bytes, by the file name's suffix."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        shown = suffix or "a file without an extension"
        raise UnsupportedFile(f"claimbot reads {allowed} files, not {shown}.")
    if len(data) > max_bytes:
        raise InputTooLarge(f"The file is larger than {describe_size(max_bytes)}.")
    if suffix in _HTML_SUFFIXES:
        return document_from_html(decode_bytes(data, charset=html_charset(data)))
    text = decode_bytes(data)
    if suffix in _MARKDOWN_SUFFIXES:
        if not text.strip():
            raise EmptyInput("There is no text to read.")
        return document_from_text(text, title=_markdown_title(text))
    return document_from_text(text)


def read_file(path: Path, *, max_bytes: int = MAX_TEXT_BYTES) -> Document:
    """Read a .txt, .md or .html file into a Document, checking type and size before reading."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UnsupportedFile(f"There is no file at {path}.") from None
    except OSError as exc:
        raise UnsupportedFile(f"claimbot cannot open {path}: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(info.st_mode):
        raise UnsupportedFile(f"{path} is a folder, not a file.")
    if not stat.S_ISREG(info.st_mode):
        raise UnsupportedFile(f"{path} is not a regular file.")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFile(f"claimbot reads {allowed} files, not {suffix or path.name}.")
    if info.st_size > max_bytes:
        raise InputTooLarge(f"The file is larger than {describe_size(max_bytes)}.")
    try:
        with path.open("rb") as handle:
            # The file can grow between stat and read; never read past the cap.
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise UnsupportedFile(f"claimbot cannot read {path}: {exc.strerror or exc}.") from None
    return document_from_bytes(data, filename=path.name, max_bytes=max_bytes)


def normalise_for_hash(text: str) -> str:
    """Normalise text so the same article pasted twice hashes the same.

    NFKC, straight quotes, invisible characters dropped, whitespace collapsed, casefolded.
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_TABLE)
    return _WHITESPACE.sub(" ", text).strip().casefold()
