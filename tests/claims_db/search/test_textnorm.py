"""Tokenising and normalisation for search."""

from __future__ import annotations

import pytest

from claims_db.textnorm import clean, terms, words


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Look https://t.co/zwLPPXniQh here", "t.co"),
        ("Drone strike pic.twitter.com/TvRkHvlgby", "twitter"),
    ],
)
def test_clean_removes_tweet_noise(text: str, absent: str) -> None:
    assert absent not in clean(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#BodyCams now", ["body", "cams", "now"]),
        ("@realDonaldTrump said", ["real", "donald", "trump", "said"]),
        ("#IranUSA", ["iran", "usa"]),
    ],
)
def test_tags_split_into_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("it wasn’t my decision", ["it", "was", "not", "my", "decision"]),
        ("I won't go", ["i", "will", "not", "go"]),
        ("Noem’s announcement", ["noem", "announcement"]),
    ],
)
def test_contractions_expand(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_emojis_are_dropped() -> None:
    assert words("great 🎉🔥 news") == ["great", "news"]


def test_terms_are_stemmed_without_stop_words() -> None:
    assert terms("The cameras were reviewed") == ["camera", "review"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("it wasn't my decision", ["it", "was", "not", "my", "decision"]),
        ("they won\u2019t", ["they", "will", "not"]),
    ],
)
def test_contractions_expand_to_a_negation(text: str, expected: list[str]) -> None:
    assert words(text) == expected
