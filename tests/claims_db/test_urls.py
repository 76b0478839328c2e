"""Links in messages: found where people paste them, and normalised for lookup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sample_articles import HARBOUR, LIBRARY

from claims_db import ClaimsDB
from claims_db.urls import find_links, url_key

BASE = "https://www.ledger.example/news/bridge-reopens"


@pytest.mark.parametrize(
    "variant",
    [
        "http://ledger.example/news/bridge-reopens",
        "https://LEDGER.example/news/bridge-reopens/",
        "https://www.ledger.example/news/bridge-reopens?utm_source=tw&utm_medium=social",
        "https://ledger.example/news/bridge-reopens?fbclid=IwAR0abc#comments",
        "https://ledger.example:443/news//bridge-reopens",
        "https://ledger.example/news/bridge-reopens?gclid=1&ref=homepage",
    ],
)
def test_variants_of_a_link_share_one_key(variant: str) -> None:
    assert url_key(variant) == url_key(BASE) == "ledger.example/news/bridge-reopens"


def test_query_parameters_that_name_a_page_are_kept_in_any_order() -> None:
    assert url_key("https://ledger.example/story?id=7&page=2") == url_key(
        "https://ledger.example/story?page=2&id=7&utm_campaign=x"
    )
    assert url_key("https://ledger.example/story?id=7") != url_key(
        "https://ledger.example/story?id=8"
    )


@pytest.mark.parametrize(
    "bad", ["ftp://ledger.example/x", "not a url", "https://", "javascript:alert(1)"]
)
def test_non_http_links_have_no_key(bad: str) -> None:
    assert url_key(bad) is None


def test_links_are_found_in_a_message_without_their_punctuation() -> None:
    text = (
        "Read this (https://ledger.example/a_(b)) and <https://ledger.example/c>, then "
        "https://ledger.example/d. Also http://ledger.example/a_(b)!"
    )
    assert find_links(text) == [
        "https://ledger.example/a_(b)",
        "https://ledger.example/c",
        "https://ledger.example/d",
    ]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ClaimsDB]:
    library = ClaimsDB.open(tmp_path / "lib.json", seeds=None)
    yield library
    library.close()


def test_an_article_is_found_by_any_variant_of_its_link(db: ClaimsDB) -> None:
    article = db.add_text(HARBOUR, url=BASE)
    assert db.article_for_url("http://ledger.example/news/bridge-reopens/?utm_source=x") == article
    assert db.article_for_url("https://ledger.example/news/other") is None


def test_a_removed_article_is_no_longer_found_by_its_link(db: ClaimsDB) -> None:
    article = db.add_text(HARBOUR, url=BASE)
    db.remove_article(article.id)
    assert db.article_for_url(BASE) is None


def test_lookup_link_answers_with_the_article_and_where_else_it_is_reported(db: ClaimsDB) -> None:
    article = db.add_text(HARBOUR, url=BASE)
    copy = HARBOUR.replace(
        "Harbour bridge repairs will finish by spring, mayor says", "Bridge to reopen"
    )
    other = db.add_text(copy + "\nThe city will hold a ceremony.\n", url="https://other.example/b")
    db.add_text(LIBRARY, url="https://ledger.example/news/library")
    linked = db.lookup_link(f"did you see this? {BASE}?utm_source=share")
    assert linked is not None
    assert linked.article == article
    assert linked.total == len(db.statements(article.id))
    assert linked.speakers[0][0] == "Ana Ruiz"
    assert linked.statements
    assert all(s.statement.article_id == article.id for s in linked.statements)
    assert any(other in s.also_in for s in linked.statements)


def test_lookup_link_is_none_for_unknown_links_and_plain_text(db: ClaimsDB) -> None:
    db.add_text(HARBOUR, url=BASE)
    assert db.lookup_link("https://unknown.example/x") is None
    assert db.lookup_link("when will the harbour bridge reopen?") is None


async def test_add_url_of_a_known_link_does_not_fetch(db: ClaimsDB) -> None:
    article = db.add_text(HARBOUR, url=BASE)
    # No server answers at this address: a fetch would fail.
    assert await db.add_url(BASE + "?utm_medium=email") == article
