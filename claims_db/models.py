"""Engine records: frozen dataclasses shared by every stage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What a statement is."""

    DIRECT = "direct"  # words inside quotation marks
    INDIRECT = "indirect"  # reported speech
    CLAIM = "claim"  # a factual sentence in the article's own voice
    FACT_CHECK = "fact-check"  # a claim a fact-checker rated (schema.org ClaimReview)


class SourceKind(StrEnum):
    """Where an article came from."""

    URL = "url"
    FILE = "file"
    TEXT = "text"
    SEED = "seed"


class SpeakerKind(StrEnum):
    """Whether a speaker is a person or an organisation."""

    PERSON = "person"
    ORGANISATION = "organisation"


@dataclass(frozen=True, slots=True)
class FactCheck:
    """A fact-checker's verdict on a claim, as the page's ClaimReview publishes it."""

    claim: str  # claimReviewed
    verdict: str  # reviewRating.alternateName, exactly as published ("False", "Mostly true")
    reviewer: str | None = None  # the review's author or publisher ("The Fact Desk")
    claimant: str | None = None  # itemReviewed.author: who made the claim
    published: str | None = None  # ISO date of the review
    claim_date: str | None = None  # ISO date the claim was made, when given
    url: str | None = None  # the review's URL


@dataclass(frozen=True, slots=True)
class ExtractedSpeaker:
    """A speaker as one article introduces it."""

    name: str  # canonical: first full mention, without titles
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    # None when extraction cannot tell (no NER): the library then guesses from the name
    # ("Harbour Trust" is an organisation) and otherwise takes a person.
    kind: SpeakerKind | None = None


@dataclass(frozen=True, slots=True)
class ExtractedStatement:
    """A statement found in one article text; ``text == article_text[start:end]``."""

    kind: Kind
    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    speaker: str | None = None  # canonical name of an ExtractedSpeaker, or None
    cue: str | None = None  # said / wrote / told / according to ...
    addressee: str | None = None  # "told CNN's Dana Bash" -> "Dana Bash"


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extraction found in one article text."""

    text: str
    title: str
    statements: tuple[ExtractedStatement, ...]
    speakers: tuple[ExtractedSpeaker, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """An article's text and metadata before extraction (output of ingestion)."""

    text: str
    title: str
    url: str | None = None
    publisher: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when known
    authors: tuple[str, ...] = ()
    fact_checks: tuple[FactCheck, ...] = ()  # ClaimReviews on the page
    ignored_fact_checks: int = 0  # malformed ClaimReview blocks left out


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article."""

    id: str
    title: str
    text: str
    url: str | None = None
    publisher: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    added_at: str = ""  # ISO timestamp, UTC
    added_by: str | None = None
    source: SourceKind = SourceKind.TEXT
    extractor_version: int = 0
    fact_checks: tuple[FactCheck, ...] = ()  # kept so that re-extraction finds them again


@dataclass(frozen=True, slots=True)
class Appearance:
    """How one article names and describes a speaker."""

    article_id: str | None  # None: noted by a library older than per-article records
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Speaker:
    """A stored speaker, merged across articles by name (never by role).

    ``aliases`` and ``roles`` are everything the library's articles call the speaker;
    ``appearances`` says which article said what, so that a role stays with its article.
    """

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    kind: SpeakerKind = SpeakerKind.PERSON
    appearances: tuple[Appearance, ...] = ()

    def roles_in(self, article_id: str) -> tuple[str, ...]:
        """Return the roles one article gives the speaker."""
        return tuple(
            role for app in self.appearances if app.article_id == article_id for role in app.roles
        )


@dataclass(frozen=True, slots=True)
class Statement:
    """A stored statement; ``text`` is ``article.text[start:end]``."""

    id: str
    article_id: str
    kind: Kind
    text: str
    start: int
    end: int
    sentence: str
    speaker_id: str | None = None
    speaker: str | None = None  # canonical name, denormalised for display and search
    cue: str | None = None
    addressee: str | None = None
    fact_check: FactCheck | None = None  # the verdict, on a ``fact-check`` statement

    @property
    def context(self) -> str | None:
        """Return the sentence around a short statement when it says more than the words do
        ("Asked whether she would raise taxes, Ortiz said she would not."), else None."""
        sentence = " ".join(self.sentence.split())
        text = " ".join(self.text.split())
        if len(text.split()) >= _CONTEXT_MAX_WORDS or len(text) >= 0.6 * len(sentence):
            return None
        return sentence


# Statements with at most this many words may need their sentence to be understood.
_CONTEXT_MAX_WORDS = 12


@dataclass(frozen=True, slots=True)
class Match:
    """A ranked search hit (output of the search index, before it is joined to records)."""

    statement_id: str
    score: float  # 0..1
    matched: tuple[str, ...] = ()  # query words that matched the statement
    contradicts: bool = False  # the statement appears to say the opposite of the query
    also_in: tuple[str, ...] = ()  # ids of near-identical statements in other articles
    # What the lexical stage saw, for a ranking or abstention model on top of it (see
    # SearchIndex.explain for the names): coverage, name agreement, intent, weak-match rules.
    features: Mapping[str, float] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Ranking:
    """A question's ranked matches, with why there are none when the index can tell."""

    matches: tuple[Match, ...]
    intent: str = ""
    # The name a question asks the statements of when no speaker in the library has it
    # ("what did Obama say ..."): its matches are then empty.
    unknown_speaker: str | None = None
    did_you_mean: tuple[str, ...] = ()  # ids of known speakers spelt close to it


@dataclass(frozen=True, slots=True)
class Answer:
    """A sourced statement that answers a question."""

    statement: Statement
    article: Article
    speaker: Speaker | None
    score: float
    matched: tuple[str, ...] = ()
    contradicts: bool = False
    also_in: tuple[Article, ...] = field(default=())
    # For a fact-check: statements of the library's news articles that make the claim.
    appears_in: tuple[Answer, ...] = field(default=())

    @property
    def is_speaker_unnamed(self) -> bool:
        """Return whether someone is quoted or reported whom the article does not name."""
        return self.statement.kind is not Kind.CLAIM and not self.statement.speaker_id

    @property
    def reported_in(self) -> int:
        """Return how many articles carry this statement."""
        return 1 + len(self.also_in)

    @property
    def role(self) -> str | None:
        """Return the speaker's role ("White House press secretary") as this answer's article
        gives it, else the first role another article gave, or None."""
        if self.speaker is None:
            return None
        here = self.speaker.roles_in(self.article.id)
        if here:
            return here[0]
        return self.speaker.roles[0] if self.speaker.roles else None


@dataclass(frozen=True, slots=True)
class LinkedArticle:
    """What the library holds for a link a member posted: the article and its main statements."""

    url: str  # the link as posted
    article: Article
    statements: tuple[Answer, ...]  # main statements, each with ``also_in`` elsewhere
    speakers: tuple[tuple[str, int], ...]  # (name, statement count), most quoted first
    total: int  # statements in the article


class Outcome(StrEnum):
    """What adding one link did."""

    ADDED = "added"
    KNOWN = "known"  # already in the library (same link, or the same text under another)
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class LinkResult:
    """The result of adding one link: never an exception, so a batch reports every link."""

    url: str
    outcome: Outcome
    article: Article | None = None
    statements: int = 0
    speakers: tuple[tuple[str, int], ...] = ()  # main speakers, most quoted first
    reason: str | None = None  # why it was refused, for the person who added it
    ignored_fact_checks: int = 0  # malformed ClaimReview blocks on the page, left out


@dataclass(frozen=True, slots=True)
class Feed:
    """An RSS or Atom feed a library follows, with the state that makes polling polite."""

    id: str  # hash of the feed's URL key
    url: str
    title: str | None = None
    channel_id: int | None = None  # where the bot announces new articles
    added_by: str | None = None
    added_at: str = ""  # ISO timestamp, UTC
    etag: str | None = None  # validators of the last answer, sent back on the next poll
    last_modified: str | None = None
    last_polled: str | None = None  # ISO timestamp of the last poll
    next_poll: float = 0.0  # Unix time of the next poll (interval plus jitter)
    failures: int = 0  # failed polls in a row
    paused: str | None = None  # why polling stopped (after repeated failures)
    last_error: str | None = None
    seen: tuple[str, ...] = ()  # URL keys of items already handled, newest last (bounded)
    added: int = 0  # articles this feed added, all time


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll of a feed did."""

    feed: Feed  # the state after the poll
    results: tuple[LinkResult, ...] = ()  # one per new item tried
    not_modified: bool = False  # the server answered 304 (or the same items again)
    error: str | None = None  # why the poll failed, for the admins
    paused_now: bool = False  # this failure paused the feed
    capped: int = 0  # new items left for later by the daily cap


@dataclass(frozen=True, slots=True)
class Explained:
    """The answers to a question, with why there are none when the engine can tell."""

    answers: tuple[Answer, ...]
    # The name the question asks the statements of, when no statement in the library is
    # by or about anyone of that name ("No statement by Obama in this library").
    unknown_speaker: str | None = None
    did_you_mean: tuple[Speaker, ...] = ()  # known speakers spelt close to it


@dataclass(frozen=True, slots=True)
class Added:
    """The result of adding an article: the stored article, and whether it was new."""

    article: Article
    is_new: bool
    ignored_fact_checks: int = 0  # malformed ClaimReview blocks on the page, left out


@dataclass(frozen=True, slots=True)
class SpeakerLookup:
    """What a typed name resolves to: one speaker, or the candidates when it is ambiguous."""

    speaker: Speaker | None  # None when nobody matches, or when several match about equally
    candidates: tuple[Speaker, ...] = ()  # best first; holds ``speaker`` when resolved
