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


@dataclass(frozen=True, slots=True)
class SpeakerLookup:
    """What a typed name resolves to: one speaker, or the candidates when it is ambiguous."""

    speaker: Speaker | None  # None when nobody matches, or when several match about equally
    candidates: tuple[Speaker, ...] = ()  # best first; holds ``speaker`` when resolved
