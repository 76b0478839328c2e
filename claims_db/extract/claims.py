"""Claims: factual sentences in the article's own voice."""

from __future__ import annotations

import re

from claims_db.extract.sentences import Sentence

_WORD_RE = re.compile(r"\w+")
_MIN_WORDS = 6


def is_claim(text: str, sentence: Sentence) -> bool:
    """Return True when a sentence with no attribution reads as a statement of fact.

    Headline lines, questions, exclamations, sub-headings and fragments are not claims.
    """
    if sentence.paragraph == 0:
        return False
    body = text[sentence.start : sentence.end]
    last = body.rstrip("\"\u201d\u2019')]")[-1:]
    if last != ".":
        return False
    if body.endswith((":", "?")) or body.startswith(("\u2013", "-", "\u2014", "(")):
        return False
    return any(i + 1 >= _MIN_WORDS for i, _ in enumerate(_WORD_RE.finditer(body)))
