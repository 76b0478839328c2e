"""Extraction: article text -> sentences -> statements with speakers (rules and a parser)."""

from __future__ import annotations

from claims_db.extract.statements import run
from claims_db.models import Extraction

# Raised whenever extraction changes what it finds, so that `claimbot reextract` knows
# which stored articles an older extractor read. 2: the rules of November 2026.
# 3: reported speech from spaCy's dependency parse, bodies and documents as speakers,
# NER for speaker kinds, datelines left out of the first sentence.
# 4: a role word ("the mayor") no longer resolves to a person known by another role.
EXTRACTOR_VERSION = 4


def extract(text: str, *, title: str | None = None) -> Extraction:
    """Find every direct quote, reported statement and claim in ``text``.

    ``text`` is the whole article text (its first line is the headline when
    ``title`` is None). Every statement's text is ``text[start:end]``.
    """
    return run(text, title=title)
