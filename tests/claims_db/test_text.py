"""Tests for claims_db.text: decoding, binary refusal, size caps, HTML extraction, files."""

from __future__ import annotations

import codecs
import os
import threading
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from claims_db.errors import ClaimsError, EmptyInput, InputTooLarge, UnsupportedFile
from claims_db.text import (
    MAX_TEXT_BYTES,
    SUPPORTED_SUFFIXES,
    decode_bytes,
    document_from_bytes,
    document_from_html,
    document_from_text,
    html_charset,
    normalise_for_hash,
    read_file,
)

SAMPLE = "“We will build it,” Mayor Ana López said — café déjà vu."

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Council approves new bridge | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta name="author" content="Jane Roe; John Doe">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/subscribe">Subscribe to our newsletter today</a></li></ul></nav>
<article>
<h1>Council approves new bridge</h1>
<p>The city council voted 7-2 on Tuesday to approve a new pedestrian bridge across the
river, ending a debate that lasted three years.</p>
<p>“This bridge will connect neighbourhoods that have been cut off for decades,” Mayor
Ana López said after the vote. She added that construction would begin in the spring.</p>
<p>Opponents argued the project was too expensive. According to the city budget office,
the bridge will cost 14 million dollars over four years.</p>
</article>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>Reader123: What a waste of money, totally unacceptable nonsense.</p></div>
</section>
<footer><p>Copyright 2024 The Daily Example. All rights reserved. Privacy policy.</p></footer>
</body></html>
"""


# --- decode_bytes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8 with BOM"),
        (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16 LE with BOM"),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16 BE with BOM"),
        (SAMPLE.encode("cp1252"), "windows-1252"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_decode_bytes_reads_common_encodings(data: bytes, label: str) -> None:
    assert decode_bytes(data) == SAMPLE, label


def test_decode_bytes_strips_the_byte_order_mark() -> None:
    assert not decode_bytes(codecs.BOM_UTF8 + b"Hello").startswith("\ufeff")


def test_decode_bytes_uses_the_declared_charset() -> None:
    data = "Übersicht".encode("iso-8859-15")
    assert decode_bytes(data, charset="iso-8859-15") == "Übersicht"


def test_decode_bytes_treats_latin1_label_as_windows_1252() -> None:
    # Browsers decode "iso-8859-1" pages as windows-1252, where 0x93/0x94 are curly quotes.
    assert decode_bytes(b"\x93Yes\x94", charset="iso-8859-1") == "“Yes”"


def test_decode_bytes_falls_back_when_the_declared_charset_is_wrong() -> None:
    data = "café".encode("cp1252")
    assert decode_bytes(data, charset="utf-8") == "café"


def test_decode_bytes_ignores_an_unknown_charset() -> None:
    assert decode_bytes("naïve".encode(), charset="x-no-such-charset") == "naïve"


def test_decode_bytes_normalises_line_ends() -> None:
    assert decode_bytes(b"one\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_decode_bytes_keeps_zero_width_characters() -> None:
    text = "a\u200bb\u200dc"
    assert decode_bytes(text.encode()) == text


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"PK\x03\x04\x14\x00\x06\x00docx",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"GIF89a\x01\x00\x01\x00",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
        b"SQLite format 3\x00\x10\x00",
    ],
    ids=["pdf", "zip", "png", "jpeg", "gif", "gzip", "sqlite"],
)
def test_decode_bytes_refuses_known_binary_formats(data: bytes) -> None:
    with pytest.raises(UnsupportedFile):
        decode_bytes(data)


def test_decode_bytes_refuses_nul_bytes() -> None:
    with pytest.raises(UnsupportedFile):
        decode_bytes(b"looks like text\x00\x00\x00but is not")


def test_decode_bytes_refuses_many_control_bytes() -> None:
    data = bytes(range(1, 9)) * 50 + b"some words"
    with pytest.raises(UnsupportedFile):
        decode_bytes(data)


def test_decode_bytes_tolerates_a_few_stray_control_bytes() -> None:
    # 40 control bytes in ~6 kB: more than a handful, but well under 1% of the text.
    data = (b"A sentence of an ordinary article, long enough to matter. " * 5 + b"\x07\x1b") * 20
    assert decode_bytes(data) == data.decode("ascii")


def test_decode_bytes_accepts_text_that_starts_like_a_signature() -> None:
    assert decode_bytes(b"MZ Wallace said bags sold out.") == "MZ Wallace said bags sold out."


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=2048),
    st.one_of(
        st.none(),
        st.sampled_from(["utf-8", "utf-16", "latin-1", "x-bogus", "idna", "rot13", "utf-32"]),
    ),
)
def test_decode_bytes_only_raises_claims_errors(data: bytes, charset: str | None) -> None:
    try:
        result = decode_bytes(data, charset=charset)
    except ClaimsError:
        return
    assert isinstance(result, str)
    assert "\r" not in result


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=500))
def test_decode_bytes_round_trips_utf8_text(text: str) -> None:
    assume(not text.startswith("\ufeff"))  # that is a byte order mark, stripped by design
    assert decode_bytes(text.encode("utf-8")) == text


# --- document_from_text -------------------------------------------------------------------


def test_document_from_text_takes_the_first_non_empty_line_as_title() -> None:
    text = "\n\n  Noem says cameras are coming  \n\nBody sentence one. Body two."
    document = document_from_text(text)
    assert document.title == "Noem says cameras are coming"


def test_document_from_text_keeps_the_title_line_in_the_text() -> None:
    text = "Headline here\n\nBody."
    assert document_from_text(text).text == text


def test_document_from_text_prefers_the_given_title_and_metadata() -> None:
    document = document_from_text(
        "Line one\nLine two",
        title="Given",
        url="https://example.com/a",
        published="2024-01-02",
        publisher="Example News",
    )
    assert (document.title, document.url, document.published, document.publisher) == (
        "Given",
        "https://example.com/a",
        "2024-01-02",
        "Example News",
    )


def test_document_from_text_shortens_a_paragraph_long_title() -> None:
    text = "word " * 1000
    document = document_from_text(text)
    assert len(document.title) <= 301
    assert document.text == text


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t \r\n"])
def test_document_from_text_refuses_empty_text(text: str) -> None:
    with pytest.raises(EmptyInput):
        document_from_text(text)


def test_document_from_text_refuses_text_over_the_cap() -> None:
    with pytest.raises(InputTooLarge, match="larger than 5 MB"):
        document_from_text("a" * (MAX_TEXT_BYTES + 1))


def test_document_from_text_counts_bytes_not_characters() -> None:
    # 1.3 million 4-byte emoji is 5.2 MB of UTF-8 but only 1.3 million characters.
    with pytest.raises(InputTooLarge):
        document_from_text("\U0001f600" * 1_300_000)


# --- document_from_html -------------------------------------------------------------------


def test_document_from_html_keeps_the_article_body() -> None:
    document = document_from_html(ARTICLE_HTML, url="https://example.com/bridge")
    assert "cut off for decades,” Mayor" in document.text
    assert "14 million dollars over four years." in document.text


@pytest.mark.parametrize(
    "junk", ["Subscribe to our newsletter", "Reader123", "All rights reserved"]
)
def test_document_from_html_drops_navigation_comments_and_footer(junk: str) -> None:
    assert junk not in document_from_html(ARTICLE_HTML).text


def test_document_from_html_starts_with_the_headline_once() -> None:
    document = document_from_html(ARTICLE_HTML)
    assert document.title == "Council approves new bridge"
    assert document.text.startswith("Council approves new bridge\n\nThe city council voted")
    assert document.text.count("Council approves new bridge") == 1


def test_document_from_html_puts_one_paragraph_per_line() -> None:
    lines = document_from_html(ARTICLE_HTML).text.split("\n")
    assert lines[1] == ""
    assert len([line for line in lines[2:] if line]) == 3


def test_document_from_html_reads_metadata() -> None:
    document = document_from_html(ARTICLE_HTML, url="https://example.com/bridge")
    assert document.published == "2024-03-05"
    assert document.authors == ("Jane Roe", "John Doe")
    assert document.publisher == "The Daily Example"
    assert document.url == "https://example.com/bridge"


@pytest.mark.parametrize(
    "html",
    ["", "<html><body><nav><a href='/'>Home</a></nav></body></html>"],
    ids=["empty", "navigation-only"],
)
def test_document_from_html_refuses_pages_without_article_text(html: str) -> None:
    with pytest.raises(EmptyInput):
        document_from_html(html)


def test_html_charset_reads_meta_charset() -> None:
    assert html_charset(b'<html><head><meta charset="windows-1252">') == "windows-1252"
    assert (
        html_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">')
        == "ISO-8859-1"
    )
    assert html_charset(b"<html><body>no declaration</body></html>") is None


# --- document_from_bytes / read_file ------------------------------------------------------


def test_document_from_bytes_decodes_html_by_its_meta_charset() -> None:
    html = ARTICLE_HTML.replace('charset="utf-8"', 'charset="windows-1252"')
    document = document_from_bytes(html.encode("cp1252"), filename="bridge.HTML")
    assert "Ana López said" in document.text


def test_document_from_bytes_keeps_markdown_as_is() -> None:
    markdown = "# Bridge approved\n\n**Council** voted 7-2, the *mayor* said.\n\n- item\n"
    document = document_from_bytes(markdown.encode(), filename="notes.md")
    assert document.text == markdown
    assert document.title == "Bridge approved"


def test_document_from_bytes_reads_plain_text() -> None:
    document = document_from_bytes(b"Title\r\n\r\nBody.", filename="a.txt")
    assert (document.title, document.text) == ("Title", "Title\n\nBody.")


@pytest.mark.parametrize("filename", ["report.pdf", "photo.png", "archive", "notes.txt.exe"])
def test_document_from_bytes_refuses_other_file_types_naming_the_allowed_ones(
    filename: str,
) -> None:
    with pytest.raises(UnsupportedFile) as caught:
        document_from_bytes(b"hello", filename=filename)
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in str(caught.value)


def test_document_from_bytes_refuses_files_over_the_cap() -> None:
    with pytest.raises(InputTooLarge, match="larger than 5 MB"):
        document_from_bytes(b"a" * (MAX_TEXT_BYTES + 1), filename="big.txt")


def test_document_from_bytes_refuses_binary_under_a_text_name() -> None:
    with pytest.raises(UnsupportedFile):
        document_from_bytes(b"%PDF-1.4 fake", filename="article.txt")


def test_read_file_reads_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes("Headline\n\nBody with “quotes”.".encode())
    assert read_file(path).text == "Headline\n\nBody with “quotes”."


def test_read_file_reports_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(UnsupportedFile, match="There is no file at"):
        read_file(path)


def test_read_file_reports_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(UnsupportedFile, match="is a folder"):
        read_file(folder)


def test_read_file_checks_size_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sparse.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_TEXT_BYTES + 1)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("read_file opened a file that is over the cap")

    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(InputTooLarge, match="larger than 5 MB"):
        read_file(path)


def test_read_file_never_reads_past_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_bytes(b"a" * 200)
    with pytest.raises(InputTooLarge, match="larger than 100 bytes"):
        read_file(path, max_bytes=100)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_read_file_refuses_a_named_pipe_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            read_file(path)
        except BaseException as exc:  # handed to the main thread below
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=5)
    if worker.is_alive():
        # Opening the write end releases a reader stuck in open(); then fail the test.
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=5)
        pytest.fail("read_file blocked on a named pipe")
    assert isinstance(outcome[0], UnsupportedFile)
    assert "not a regular file" in str(outcome[0])


# --- normalise_for_hash -------------------------------------------------------------------


def test_normalise_for_hash_ignores_quotes_space_case_and_invisible_characters() -> None:
    first = "“Hello,”  she SAID.\n\nNext   paragraph\u200b."
    second = '"hello," she said. next paragraph.'
    assert normalise_for_hash(first) == normalise_for_hash(second)


def test_normalise_for_hash_applies_nfkc() -> None:
    assert normalise_for_hash("ﬁnal café") == normalise_for_hash("final cafe\u0301")


def test_normalise_for_hash_keeps_different_words_different() -> None:
    assert normalise_for_hash("She said yes.") != normalise_for_hash("She said no.")


_PROSE = "".join(
    f"<p>The Exampleton town council voted on Tuesday to approve budget item {n} for the "
    f"coming year, and the mayor said vote {n} ended a long and difficult debate.</p>"
    for n in range(3)
)


def _page(head: str = "", body_start: str = "", footer: str = "") -> str:
    return (
        f"<html><head><title>Budget passes</title>{head}</head><body><article>"
        f"<h1>Budget passes</h1>{body_start}{_PROSE}</article>{footer}</body></html>"
    )


@pytest.mark.parametrize(
    ("html", "published"),
    [
        (_page(footer="<footer>© 2019 Example Media</footer>"), None),
        (_page(footer="<footer>Updated March 3, 2021</footer>"), None),
        (_page(head="<link rel='canonical' href='https://n.example/2018/02/03/budget'>"), None),
        (
            _page(head="<meta property='article:published_time' content='2025-03-04T09:00Z'>"),
            "2025-03-04",
        ),
        (
            _page(
                head='<script type="application/ld+json">{"@type": "NewsArticle", '
                '"datePublished": "2024-05-06"}</script>'
            ),
            "2024-05-06",
        ),
        (_page(body_start="<time datetime='2023-07-08'>July 8</time>"), "2023-07-08"),
        (
            _page(body_start="<p>EXAMPLETON, Jan. 26, 2026 — The council met again.</p>"),
            "2026-01-26",
        ),
    ],
    ids=["copyright", "updated-in-footer", "date-in-link", "meta", "json-ld", "time", "dateline"],
)
def test_only_a_date_the_page_states_is_its_publication_date(
    html: str, published: str | None
) -> None:
    assert document_from_html(html).published == published


def test_an_uploaded_page_keeps_its_canonical_link() -> None:
    html = _page(head="<link rel='canonical' href='https://n.example/budget'>")
    assert document_from_html(html).url == "https://n.example/budget"
    og = _page(head="<meta property='og:url' content='https://n.example/og'>")
    assert document_from_html(og).url == "https://n.example/og"
    assert document_from_html(html, url="https://fetched.example/x").url == (
        "https://fetched.example/x"
    )


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        (
            "<html><body><main>"
            + "".join(f"<p><a href='/{i}'>Headline number {i} about town</a></p>" for i in range(9))
            + "</main></body></html>",
            "front page",
        ),
        (
            "<html><body><article><h1>Vote</h1><p>The board met on Monday.</p>"
            "<p>Subscribe to keep reading. Already a subscriber? Sign in.</p></article></body></html>",
            "paywall",
        ),
    ],
    ids=["front-page", "paywall-stub"],
)
def test_a_page_without_an_article_is_refused_with_the_reason(html: str, reason: str) -> None:
    with pytest.raises(EmptyInput, match=reason):
        document_from_html(html)
