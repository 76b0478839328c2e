"""Source requests: questions nothing answered yet, kept until an article answers them.

A question that finds no sourced statement leaves a *draft* (who asked, where, what). When a
member presses "Request sources" the draft becomes an *open* request; other members add a vote
each. After every ingest the open requests are asked again; one that now gets an answer is
handed to the caller, which delivers it and marks it *answered*. Requests expire after a
configurable age and are purged. Requests live in the library's own store, so one server never
sees another's.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final, Protocol

from claims_db.errors import ClaimsError, NotFound
from claims_db.models import Answer

log = logging.getLogger(__name__)

DRAFT_TTL: Final = timedelta(days=1)  # how long a "Request sources" button stays usable
MAX_DRAFTS: Final = 500  # oldest drafts go first beyond this
DEFAULT_EXPIRY: Final = timedelta(days=30)
DEFAULT_LIMIT_PER_DAY: Final = 5
MAX_QUESTION: Final = 500
_DAY: Final = timedelta(days=1)


class RequestStatus(StrEnum):
    """Where a request is in its life."""

    DRAFT = "draft"  # a question that found nothing; nobody asked for sources yet
    OPEN = "open"  # someone asked for sources; waiting for an article
    ANSWERED = "answered"  # a later article answered it


class RequestNotFound(NotFound):
    """A request that does not exist (any more) in this library."""


class RequestLimit(ClaimsError):
    """A member opened too many requests too quickly."""


@dataclass(frozen=True, slots=True)
class SourceRequest:
    """A question waiting for a source, with where to deliver the answer."""

    id: str
    question: str
    asker: str  # who asked the question (an opaque member id)
    created_at: str  # ISO 8601, UTC
    status: RequestStatus = RequestStatus.DRAFT
    channel_id: str | None = None
    message_id: str | None = None  # the message to reply to with the answer, when known
    link: str | None = None  # a link to that message
    requested_by: str | None = None  # who pressed "Request sources"
    opened_at: str | None = None
    votes: tuple[str, ...] = ()  # members who want it, the requester first; one each
    answered_at: str | None = None
    answer_ids: tuple[str, ...] = ()  # statements that answered it

    @property
    def vote_count(self) -> int:
        """Return how many members want this request answered."""
        return len(self.votes)

    def has_vote(self, member: str) -> bool:
        """Return whether ``member`` already voted for this request."""
        return member in self.votes

    def expires_at(self, expiry: timedelta) -> datetime:
        """Return when this request expires."""
        if self.status is RequestStatus.DRAFT:
            return _parse(self.created_at) + min(expiry, DRAFT_TTL)
        if self.status is RequestStatus.ANSWERED and self.answered_at:
            return _parse(self.answered_at) + expiry
        return _parse(self.opened_at or self.created_at) + expiry

    def is_expired(self, now: datetime, expiry: timedelta) -> bool:
        """Return whether this request has expired at ``now``."""
        return now >= self.expires_at(expiry)


@dataclass(frozen=True, slots=True)
class Delivery:
    """An open request that now has an answer, ready to be delivered."""

    request: SourceRequest
    answers: list[Answer]


class RequestStore(Protocol):
    """The storage a request book needs (the library store provides it).

    These writes are independent of the article write cycle: ``save_*`` and ``delete_*``
    are durable when they return; ``stage_*`` may wait for the next write of the library.
    """

    def source_requests(self) -> list[SourceRequest]: ...

    def stage_source_requests(self, requests: Iterable[SourceRequest]) -> None: ...

    def save_source_requests(self, requests: Iterable[SourceRequest]) -> None: ...

    def delete_source_requests(self, request_ids: Iterable[str]) -> None: ...


AskFn = Callable[[str], Sequence[Answer]]


def request_id_for(question: str, asker: str, created_at: str) -> str:
    """Return a short, stable id for a request."""
    blob = "\x1f".join((" ".join(question.split()).casefold(), asker, created_at))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


def by_votes(requests: Iterable[SourceRequest]) -> list[SourceRequest]:
    """Order requests most-wanted first, older first among equals."""
    return sorted(requests, key=lambda r: (-r.vote_count, r.opened_at or r.created_at, r.id))


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _parse(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class RequestBook:
    """The source requests of one library: draft, open, vote, recheck, answer, purge."""

    def __init__(
        self,
        store: RequestStore,
        ask: AskFn,
        lock: threading.RLock,
        *,
        clock: Callable[[], datetime] = _now,
        expiry: timedelta = DEFAULT_EXPIRY,
    ) -> None:
        self.expiry = expiry  # the default age at which requests expire
        self._store = store
        self._ask = ask
        self._lock = lock
        self._clock = clock
        self._requests: dict[str, SourceRequest] = {r.id: r for r in store.source_requests()}

    def get(self, request_id: str) -> SourceRequest:
        """Return one request, or raise `RequestNotFound` when it is unknown or expired."""
        with self._lock:
            found = self._requests.get(request_id)
        if found is None:
            raise RequestNotFound(
                "This request has expired or was already answered and cleared; "
                "ask the question again."
            )
        return found

    def draft(
        self,
        question: str,
        *,
        asker: str,
        channel_id: str | None = None,
        message_id: str | None = None,
        link: str | None = None,
    ) -> SourceRequest:
        """Remember a question that found nothing, so a "Request sources" press can open it.

        Drafts are staged, not written at once: a question that finds nothing costs no write
        of the library; the next write (or closing the library) keeps them.
        """
        question = " ".join(question.split())[:MAX_QUESTION]
        created = _iso(self._clock())
        request = SourceRequest(
            id=request_id_for(question, asker, created),
            question=question,
            asker=asker,
            created_at=created,
            channel_id=channel_id,
            message_id=message_id,
            link=link,
        )
        with self._lock:
            self._requests[request.id] = request
            drafts = [r for r in self._requests.values() if r.status is RequestStatus.DRAFT]
            dropped = sorted(drafts, key=lambda r: r.created_at)[: max(0, len(drafts) - MAX_DRAFTS)]
            for old in dropped:
                del self._requests[old.id]
            if dropped:
                self._store.delete_source_requests([r.id for r in dropped])
            self._store.stage_source_requests([request])
        return request

    def open(
        self,
        request_id: str,
        *,
        member: str,
        message_id: str | None = None,
        link: str | None = None,
        limit_per_day: int = DEFAULT_LIMIT_PER_DAY,
    ) -> tuple[SourceRequest, bool]:
        """Open a drafted request for ``member`` (or vote for it when already open).

        Return the request and whether this press added a vote. ``message_id`` and ``link``
        fill in where to reply when the draft did not know yet. A member who opened
        ``limit_per_day`` requests in the last day gets `RequestLimit`.
        """
        with self._lock:
            request = self.get(request_id)
            if request.status is not RequestStatus.DRAFT:
                return self._vote(request, member)
            now = self._clock()
            recent = [
                r
                for r in self._requests.values()
                if r.requested_by == member
                and r.opened_at is not None
                and now - _parse(r.opened_at) < _DAY
            ]
            if len(recent) >= limit_per_day:
                raise RequestLimit(
                    f"You asked for sources {len(recent)} times today; that is the limit. "
                    "Vote for an open request or try again tomorrow."
                )
            opened = replace(
                request,
                status=RequestStatus.OPEN,
                requested_by=member,
                opened_at=_iso(now),
                votes=(member,),
                message_id=request.message_id or message_id,
                link=request.link or link,
            )
            self._save(opened)
        log.info("request %s opened", opened.id)
        return opened, True

    def vote(self, request_id: str, *, member: str) -> tuple[SourceRequest, bool]:
        """Add ``member``'s vote to an open request; return it and whether the vote was new."""
        with self._lock:
            return self._vote(self.get(request_id), member)

    def _vote(self, request: SourceRequest, member: str) -> tuple[SourceRequest, bool]:
        if request.status is RequestStatus.DRAFT:
            raise RequestNotFound("Nobody has asked for sources for this question yet.")
        if request.status is RequestStatus.ANSWERED or request.has_vote(member):
            return request, False
        voted = replace(request, votes=(*request.votes, member))
        self._save(voted)
        return voted, True

    def open_requests(self, *, expiry: timedelta | None = None) -> list[SourceRequest]:
        """Return the open requests that have not expired, most votes first."""
        expiry = expiry if expiry is not None else self.expiry
        now = self._clock()
        with self._lock:
            candidates = [r for r in self._requests.values() if r.status is RequestStatus.OPEN]
        return by_votes(r for r in candidates if not r.is_expired(now, expiry))

    def answered(self) -> list[SourceRequest]:
        """Return the requests a later article answered (until they expire)."""
        with self._lock:
            return [r for r in self._requests.values() if r.status is RequestStatus.ANSWERED]

    def recheck(self, *, expiry: timedelta | None = None) -> list[Delivery]:
        """Ask every open request again; return those that now get an answer (unchanged)."""
        found: list[Delivery] = []
        for request in self.open_requests(expiry=expiry):
            answers = list(self._ask(request.question))
            if answers:
                found.append(Delivery(request, answers))
        return found

    def mark_answered(self, request_id: str, answers: Sequence[Answer]) -> SourceRequest:
        """Record that a request was answered (it is no longer listed as open)."""
        with self._lock:
            request = self.get(request_id)
            done = replace(
                request,
                status=RequestStatus.ANSWERED,
                answered_at=_iso(self._clock()),
                answer_ids=tuple(a.statement.id for a in answers),
            )
            self._save(done)
        log.info("request %s answered", request_id)
        return done

    def purge(self, *, expiry: timedelta | None = None) -> int:
        """Delete expired requests (drafts, open and answered); return how many went."""
        expiry = expiry if expiry is not None else self.expiry
        now = self._clock()
        with self._lock:
            gone = [r.id for r in self._requests.values() if r.is_expired(now, expiry)]
            if not gone:
                return 0
            for request_id in gone:
                del self._requests[request_id]
            self._store.delete_source_requests(gone)
        log.info("purged %d expired request(s)", len(gone))
        return len(gone)

    def _save(self, request: SourceRequest) -> None:
        self._requests[request.id] = request
        self._store.save_source_requests([request])
