"""Fact-check pages: ClaimReview in every published shape becomes a `fact-check` statement."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import fact_check_pages as pages
import pytest
from sample_articles import HARBOUR

from claims_db import ClaimsDB
from claims_db.claimreview import read_fact_checks, scan_fact_checks
from claims_db.models import FactCheck, Kind

URL = "https://factdesk.example/checks/marlow-reservoir"
EXPECTED = FactCheck(
    claim=pages.CLAIM,
    verdict="Mostly False",
    reviewer="The Fact Desk",
    claimant="Councillor Brenna Lusk",
    published="2026-03-14",
    claim_date="2026-03-02",
    url=URL,
)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ClaimsDB]:
    library = ClaimsDB.open(tmp_path / "lib.json", seeds=None)
    yield library
    library.close()


@pytest.mark.parametrize(
    "html",
    [pages.OBJECT_PAGE, pages.LIST_PAGE, pages.GRAPH_PAGE, pages.MICRODATA_PAGE],
    ids=["object", "list", "graph", "microdata"],
)
def test_each_shape_yields_the_review(html: str) -> None:
    assert read_fact_checks(html, page_url="https://elsewhere.example/x") == (EXPECTED,)


def test_the_verdict_is_kept_exactly_as_published() -> None:
    html = pages.page(pages.ld(pages.review(verdict="Half-true: needs context")))
    (check,) = read_fact_checks(html)
    assert check.verdict == "Half-true: needs context"


def test_two_reviews_on_one_page_are_both_read() -> None:
    checks = read_fact_checks(pages.TWO_REVIEWS_PAGE, page_url=URL + "-two")
    assert [(c.claim, c.verdict, c.claimant) for c in checks] == [
        (pages.CLAIM, "Mostly False", "Councillor Brenna Lusk"),
        (pages.CLAIM_TWO, "True", "Mayor Odile Fenn"),
    ]
    assert checks[1].url == URL + "-two"  # no url in the block: the page's own


def test_malformed_blocks_are_skipped_and_the_good_one_read() -> None:
    assert read_fact_checks(pages.MALFORMED_PAGE) == (EXPECTED,)


def test_a_page_without_claimreview_yields_nothing() -> None:
    assert read_fact_checks("<html><body><p>ClaimReview is a word here.</p></body></html>") == ()


def test_a_fact_check_page_is_stored_with_its_verdict(db: ClaimsDB) -> None:
    article = db.add_html(pages.OBJECT_PAGE, url=URL)
    checks = [s for s in db.statements(article.id) if s.kind is Kind.FACT_CHECK]
    assert len(checks) == 1
    statement = checks[0]
    assert statement.text == pages.CLAIM
    assert article.text[statement.start : statement.end] == statement.text
    assert statement.fact_check == EXPECTED
    assert statement.speaker == "Councillor Brenna Lusk"
    assert article.fact_checks == (EXPECTED,)


def test_two_reviews_make_two_fact_check_statements(db: ClaimsDB) -> None:
    article = db.add_html(pages.TWO_REVIEWS_PAGE, url=URL)
    verdicts = [s.fact_check.verdict for s in db.statements(article.id) if s.fact_check]
    assert sorted(verdicts) == ["Mostly False", "True"]


def test_a_malformed_only_page_is_still_ingested_as_an_article(db: ClaimsDB) -> None:
    article = db.add_html(pages.ONLY_MALFORMED_PAGE, url=URL)
    kinds = {s.kind for s in db.statements(article.id)}
    assert Kind.FACT_CHECK not in kinds
    assert "three years of supply" in article.text


def test_verdicts_survive_reopening_and_reextraction(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    with ClaimsDB.open(path, seeds=None) as db:
        article = db.add_html(pages.MICRODATA_PAGE, url=URL)
    with ClaimsDB.open(path, seeds=None) as db:
        db.reextract(everything=True)
        found = [s.fact_check for s in db.statements(article.id) if s.fact_check]
    assert found == [EXPECTED]


def test_ask_shows_the_verdict_first_and_where_the_claim_appears(db: ClaimsDB) -> None:
    news = db.add_text(
        "Lusk defends drought plan\n\n"
        "Councillor Brenna Lusk said the Marlow reservoir holds enough water for ten years "
        "without rain.\nThe council will vote on the drought plan in April.\n",
        url="https://marlowherald.example/lusk",
    )
    db.add_text(HARBOUR)
    checked = db.add_html(pages.OBJECT_PAGE, url=URL)
    answers = db.ask("the Marlow reservoir holds enough water for ten years without rain")
    first = answers[0]
    assert first.statement.kind is Kind.FACT_CHECK
    assert first.article.id == checked.id
    assert first.statement.fact_check is not None
    assert first.statement.fact_check.verdict == "Mostly False"
    assert [a.article.id for a in first.appears_in] == [news.id]
    assert all(a.statement.kind is not Kind.FACT_CHECK for a in first.appears_in)


def test_ask_without_a_matching_fact_check_answers_as_before(db: ClaimsDB) -> None:
    db.add_html(pages.OBJECT_PAGE, url=URL)
    db.add_text(HARBOUR)
    answers = db.ask("When will the harbour bridge reopen?")
    assert answers
    assert answers[0].statement.kind is not Kind.FACT_CHECK


def test_malformed_blocks_are_counted() -> None:
    assert scan_fact_checks(pages.MALFORMED_PAGE) == ((EXPECTED,), 3)
    assert scan_fact_checks(pages.OBJECT_PAGE)[1] == 0


def test_an_ingest_reports_the_malformed_blocks_it_left_out(db: ClaimsDB) -> None:
    added = db.ingest_bytes(pages.ONLY_MALFORMED_PAGE.encode(), filename="check.html")
    assert added.is_new and added.ignored_fact_checks == 1
    assert not [s for s in db.statements(added.article.id) if s.fact_check]
