"""Source requests: draft, open, vote, recheck after an ingest, answer, expire, isolation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from claims_db import ClaimsDB
from claims_db.requests import RequestLimit, RequestNotFound, RequestStatus
from tests.claims_db.sample_articles import HARBOUR, LIBRARY

QUESTION = "What did Priya Nair say about the library budget cut?"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def db(open_library: Any) -> ClaimsDB:
    """A library on each backend (TinyDB and PostgreSQL) holding the harbour article."""
    library: ClaimsDB = open_library(seeds=None)
    library.add_text(HARBOUR)
    return library


@pytest.fixture
def clock(db: ClaimsDB) -> Clock:
    tick = Clock()
    db.requests._clock = tick
    return tick


def test_unanswered_question_can_be_requested_and_is_listed(db: ClaimsDB) -> None:
    assert db.ask(QUESTION) == []
    draft = db.requests.draft(QUESTION, asker="u1", channel_id="c1", message_id="m1")
    assert db.requests.open_requests() == []  # a draft is not a request yet
    opened, added = db.requests.open(draft.id, member="u1")
    assert added and opened.status is RequestStatus.OPEN
    assert [r.question for r in db.requests.open_requests()] == [QUESTION]
    assert opened.channel_id == "c1" and opened.message_id == "m1"


def test_each_member_votes_once(db: ClaimsDB) -> None:
    request, _ = db.requests.open(db.requests.draft(QUESTION, asker="u1").id, member="u1")
    _, first = db.requests.vote(request.id, member="u2")
    again, second = db.requests.vote(request.id, member="u2")
    _, own = db.requests.vote(request.id, member="u1")
    assert (first, second, own) == (True, False, False)
    assert again.votes == ("u1", "u2")


def test_requests_are_listed_by_votes(db: ClaimsDB) -> None:
    quiet, _ = db.requests.open(
        db.requests.draft("Who paid for the tram?", asker="a").id, member="a"
    )
    wanted, _ = db.requests.open(db.requests.draft(QUESTION, asker="b").id, member="b")
    db.requests.vote(wanted.id, member="c")
    assert [r.id for r in db.requests.open_requests()] == [wanted.id, quiet.id]


def test_recheck_after_an_ingest_finds_the_answer(db: ClaimsDB) -> None:
    request, _ = db.requests.open(db.requests.draft(QUESTION, asker="u1").id, member="u1")
    assert db.requests.recheck() == []
    db.add_text(LIBRARY)
    [delivery] = db.requests.recheck()
    assert delivery.request.id == request.id
    assert any(a.statement.speaker == "Priya Nair" for a in delivery.answers)
    db.requests.mark_answered(request.id, delivery.answers)
    assert db.requests.open_requests() == []
    assert db.requests.recheck() == []
    [answered] = db.requests.answered()
    assert answered.answer_ids == tuple(a.statement.id for a in delivery.answers)


def test_requests_survive_reopening_the_library(open_library: Any) -> None:
    with open_library(seeds=None) as first:
        request, _ = first.requests.open(first.requests.draft(QUESTION, asker="u1").id, member="u1")
        first.requests.vote(request.id, member="u2")
        draft = first.requests.draft("Who built the pier?", asker="u3")  # staged, not written
    with open_library(seeds=None) as second:
        assert second.requests.get(request.id).votes == ("u1", "u2")
        assert second.requests.get(draft.id).status is RequestStatus.DRAFT


def test_unknown_request_is_refused_clearly(db: ClaimsDB) -> None:
    with pytest.raises(RequestNotFound, match="expired"):
        db.requests.open("0123456789ab", member="u1")


def test_a_draft_cannot_be_voted_for(db: ClaimsDB) -> None:
    draft = db.requests.draft(QUESTION, asker="u1")
    with pytest.raises(RequestNotFound):
        db.requests.vote(draft.id, member="u2")


def test_request_flood_from_one_member_is_limited(db: ClaimsDB, clock: Clock) -> None:
    for n in range(3):
        db.requests.open(
            db.requests.draft(f"question {n}", asker="u1").id, member="u1", limit_per_day=3
        )
    flood = db.requests.draft("question 4", asker="u1")
    with pytest.raises(RequestLimit, match="limit"):
        db.requests.open(flood.id, member="u1", limit_per_day=3)
    # another member is not held to u1's limit, and u1 may again a day later
    db.requests.open(db.requests.draft("question 5", asker="u2").id, member="u2", limit_per_day=3)
    clock.now += timedelta(days=1, seconds=1)
    again = db.requests.draft("question 6", asker="u1")
    assert db.requests.open(again.id, member="u1", limit_per_day=3)[0].status is RequestStatus.OPEN


def test_expired_requests_are_not_listed_and_are_purged(
    db: ClaimsDB, clock: Clock, open_library: Any
) -> None:
    old, _ = db.requests.open(db.requests.draft(QUESTION, asker="u1").id, member="u1")
    clock.now += timedelta(days=6)
    young, _ = db.requests.open(
        db.requests.draft("Who fixed the pier?", asker="u2").id, member="u2"
    )
    clock.now += timedelta(days=2)
    expiry = timedelta(days=7)
    assert [r.id for r in db.requests.open_requests(expiry=expiry)] == [young.id]
    assert db.requests.purge(expiry=expiry) == 1
    with pytest.raises(RequestNotFound):
        db.requests.get(old.id)
    db.close()
    with open_library(seeds=None) as reopened:
        assert reopened.requests.get(young.id).status is RequestStatus.OPEN
        with pytest.raises(RequestNotFound):
            reopened.requests.get(old.id)


def test_drafts_expire_after_a_day(db: ClaimsDB, clock: Clock) -> None:
    draft = db.requests.draft(QUESTION, asker="u1")
    clock.now += timedelta(days=1, seconds=1)
    assert db.requests.purge() == 1
    with pytest.raises(RequestNotFound):
        db.requests.open(draft.id, member="u1")


def test_libraries_do_not_share_requests(tmp_path: Path) -> None:
    with (
        ClaimsDB.open(tmp_path / "a.json", seeds=None) as a,
        ClaimsDB.open(tmp_path / "b.json", seeds=None) as b,
    ):
        request, _ = a.requests.open(a.requests.draft(QUESTION, asker="u1").id, member="u1")
        with pytest.raises(RequestNotFound):
            b.requests.vote(request.id, member="u2")
        assert b.requests.open_requests() == []
