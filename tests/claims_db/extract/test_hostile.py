"""Hostile and random inputs: extraction never raises, stays exact and stays linear."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims_db.extract import extract
from claims_db.models import Extraction

_NEWSY = st.lists(
    st.sampled_from(
        list("abcdeHJKOST .,;:!?-\n\"'\u201c\u201d\u2018\u2019\u00ab\u00bb()\u2014")
        + ["said ", "told ", "Jane Ortiz ", "according to ", "''", "he ", "that ", "Mr. "]
    ),
    max_size=200,
).map("".join)


def check_exact(text: str, result: Extraction) -> None:
    assert result.text == text
    for s in result.statements:
        assert 0 <= s.sentence_start <= s.start <= s.end <= s.sentence_end <= len(text)
        assert text[s.start : s.end] == s.text
        assert s.text
    names = {sp.name for sp in result.speakers}
    assert {s.speaker for s in result.statements if s.speaker is not None} <= names


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_unicode_text_never_raises_and_spans_are_exact(text: str) -> None:
    check_exact(text, extract(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_NEWSY)
def test_news_like_noise_never_raises_and_spans_are_exact(text: str) -> None:
    check_exact(text, extract(text))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("word " * 200_000, id="1MB-line-no-punctuation"),
        pytest.param("a" * 1_000_000, id="1MB-single-word"),
        pytest.param('"' * 50_000, id="50k-straight-quote-marks"),
        pytest.param("\u201c a " * 50_000, id="50k-unbalanced-curly-quotes"),
        pytest.param("said " * 100_000, id="said-100k-times"),
        pytest.param("\u201c said " * 30_000, id="quote-and-said-30k-times"),
        pytest.param("\u200b\u200e\u202e\x00\x07" * 100_000, id="zero-width-and-control"),
        pytest.param("\u0642\u0627\u0644 \u0627\u0644\u0631\u0626\u064a\u0633 " * 80_000, id="rtl"),
        pytest.param("Ortiz, " * 60_000 + "said", id="60k-appositive-commas"),
        pytest.param("''" * 100_000, id="100k-two-apostrophe-marks"),
        pytest.param("\n" * 300_000, id="only-newlines"),
    ],
)
def test_pathological_input_finishes_and_stays_exact(text: str) -> None:
    # Timing is measured in bench/, not asserted here; a quadratic path would hang CI.
    check_exact(text, extract(text))


def test_many_attributed_quotes_are_all_found() -> None:
    text = "Headline\n\n" + "\u201cYes,\u201d Jane Ortiz said. " * 2_000
    result = extract(text)
    check_exact(text, result)
    assert len(result.statements) == 2_000
    assert {s.speaker for s in result.statements} == {"Jane Ortiz"}


def test_markdown_and_mentions_inside_quotes_are_kept_verbatim() -> None:
    text = "Headline\n\n\u201c@everyone **read** this now,\u201d Jane Ortiz said."
    (st_,) = extract(text).statements
    assert st_.text == "@everyone **read** this now"
