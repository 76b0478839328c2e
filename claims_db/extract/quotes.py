"""Quotation-mark spans: straight, curly, guillemets and NYT-style two apostrophes.

Single quotes are left alone: inside a double quote they are nested quotes, elsewhere
they are mostly apostrophes. A quote left open at the end of a paragraph ends there;
when the next paragraph opens with a quote mark, that quote continues it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_MARK_RE = re.compile("''|[\"\u201c\u201d\u00ab\u00bb\u201e]")
_OPENING = "\u201c\u00ab\u201e"
_CLOSING = "\u201d\u00bb"


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: marks at ``start``/``end``, the quoted words at ``inner_start:inner_end``."""

    start: int
    end: int  # after the closing mark, or the paragraph end when never closed
    inner_start: int
    inner_end: int  # without surrounding spaces and without a final comma
    closed: bool
    continued: bool  # opens a paragraph that continues a quote left open before it
    paragraph: int


def find_quotes(text: str, paragraphs: Sequence[tuple[int, int]]) -> list[Quote]:
    """Return the double-quote spans of every paragraph, in text order."""
    quotes: list[Quote] = []
    left_open = False
    for index, (p_start, p_end) in enumerate(paragraphs):
        open_at = -1
        open_len = 0
        first = True
        continued = False
        for match in _MARK_RE.finditer(text, p_start, p_end):
            mark = match.group()
            if open_at < 0:
                if mark in _CLOSING:
                    first = False
                    continue  # a stray closing mark
                open_at, open_len = match.start(), len(mark)
                continued = left_open and first and _only_space(text, p_start, open_at)
                first = False
                continue
            if mark in _OPENING:
                # Opening again before closing: the first one was never closed.
                _add(
                    quotes,
                    text,
                    open_at,
                    open_len,
                    match.start(),
                    match.start(),
                    False,
                    continued,
                    index,
                )
                open_at, open_len = match.start(), len(mark)
                continued = False
                continue
            _add(
                quotes, text, open_at, open_len, match.start(), match.end(), True, continued, index
            )
            open_at = -1
        left_open = open_at >= 0
        if left_open:
            _add(quotes, text, open_at, open_len, p_end, p_end, False, continued, index)
    return quotes


def _only_space(text: str, start: int, end: int) -> bool:
    return not text[start:end].strip()


def _add(
    quotes: list[Quote],
    text: str,
    open_at: int,
    open_len: int,
    inner_end: int,
    end: int,
    closed: bool,
    continued: bool,
    paragraph: int,
) -> None:
    inner_start = open_at + open_len
    while inner_start < inner_end and text[inner_start].isspace():
        inner_start += 1
    while inner_end > inner_start and text[inner_end - 1].isspace():
        inner_end -= 1
    if inner_end > inner_start and text[inner_end - 1] == ",":
        inner_end -= 1
        while inner_end > inner_start and text[inner_end - 1].isspace():
            inner_end -= 1
    if inner_end > inner_start and any(ch.isalnum() for ch in text[inner_start:inner_end]):
        quotes.append(Quote(open_at, end, inner_start, inner_end, closed, continued, paragraph))
