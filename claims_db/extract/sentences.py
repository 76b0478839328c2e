"""Paragraphs and sentences of an article text, as exact character spans."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from claims_db.extract.attribution import CUES
from claims_db.extract.quotes import Quote

# Words that end with a period without ending the sentence.
_ABBREVIATION_WORDS = """
    mr mrs ms dr sen sens rep reps gov gen lt col sgt capt cmdr adm maj st jr sr rev prof hon
    mt ft no vs etc inc corp co ltd jan feb mar apr jun jul aug sep sept oct nov dec pres supt
    dept univ est approx"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_END_RE = re.compile(r"[.!?\u2026]+[\"\u201d\u2019'\u00bb)\]]*")
_WORD_BEFORE_RE = re.compile(r"[\w.]+$")
_PARAGRAPH_RE = re.compile(r"[^\n]+")
_OPENERS = "\"\u201c\u2018'(\u00ab["
_CLOSERS = "\"\u201d\u00bb'"
# `"...?" Jane Ortiz asked.`: a name and a cue right after a quote continue its sentence.
_ATTRIBUTION_AHEAD_RE = re.compile(
    r"\s+[A-Z][\w.'\u2019\-]*(?:\s+[\w.'\u2019\-]+){0,5}?\s+(?:"
    + "|".join(sorted(CUES, key=len, reverse=True))
    + r")\b"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence span and the index of its paragraph (0 is the headline line)."""

    start: int
    end: int
    paragraph: int


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Return the non-blank lines of ``text`` as (start, end) spans without outer spaces."""
    spans: list[tuple[int, int]] = []
    for match in _PARAGRAPH_RE.finditer(text):
        start, end = _trim(text, match.start(), match.end())
        if start < end:
            spans.append((start, end))
    return spans


def split_sentences(
    text: str, paragraphs: Sequence[tuple[int, int]], quotes: Sequence[Quote]
) -> list[Sentence]:
    """Split each paragraph into sentences, never inside a quotation."""
    quote_starts = [q.start for q in quotes]
    sentences: list[Sentence] = []
    for index, (p_start, p_end) in enumerate(paragraphs):
        cursor = p_start
        for match in _END_RE.finditer(text, p_start, p_end):
            boundary = match.end()
            if boundary >= p_end or not _is_boundary(text, match.start(), boundary, p_end):
                continue
            if _inside_quote(boundary, quotes, quote_starts):
                continue
            if (
                text[boundary - 1] in _CLOSERS
                and text[match.start()] in "?!"
                and (_ATTRIBUTION_AHEAD_RE.match(text, boundary, min(p_end, boundary + 120)))
            ):
                continue
            start, end = _trim(text, cursor, boundary)
            if start < end:
                sentences.append(Sentence(start, end, index))
            cursor = boundary
        start, end = _trim(text, cursor, p_end)
        if start < end:
            sentences.append(Sentence(start, end, index))
    return sentences


def _is_boundary(text: str, punct_start: int, boundary: int, limit: int) -> bool:
    if not text[boundary].isspace():
        return False
    nxt = boundary
    while nxt < limit and text[nxt].isspace():
        nxt += 1
    if nxt >= limit:
        return True
    follower = text[nxt]
    if not (follower.isupper() or follower.isdigit() or follower in _OPENERS):
        return False
    if text[punct_start] != "." or boundary - punct_start > 1 and text[punct_start + 1] == ".":
        return True
    before = _WORD_BEFORE_RE.search(text, max(0, punct_start - 12), punct_start)
    if before is None:
        return True
    word = before.group().lower()
    if word in _ABBREVIATIONS:
        return False
    # An initial ("J.") or a dotted abbreviation ("U.S.", "D.C.") rarely ends a sentence;
    # a web address ("Example.com.") does.
    if len(word) == 1 and word.isalpha():
        return False
    return not ("." in word and all(len(part) <= 2 for part in word.split(".")))


def _inside_quote(pos: int, quotes: Sequence[Quote], starts: Sequence[int]) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and quotes[i].start < pos < quotes[i].end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or not text[start].isprintable()):
        start += 1
    while end > start and (text[end - 1].isspace() or not text[end - 1].isprintable()):
        end -= 1
    return start, end
