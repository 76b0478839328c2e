"""Speaker identity across articles: when two names in two articles are one speaker.

Each article's extraction resolves its own references ("Reyes", "the president") to
the speakers it introduces. Across articles only names count:

- the same full name ("Daniel Reyes"; "Donald J. Trump" is "Donald Trump" with a
  middle initial) is the same speaker;
- a surname alone ("Reyes", "Mr. Reyes", "D. Reyes") is the one person of the library
  with that surname, if exactly one holds it with no conflicting first initial or
  honorific; two Reyeses make it ambiguous and it stays a speaker of its own;
- a different first name ("Ana Reyes" and "Daniel Reyes") is a different person;
- a role or description ("President", "the president of the club", "officials") never
  identifies anyone: roles are remembered per article, and a speaker named only by a
  description belongs to the article that described it.

People and organisations never merge with each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from claims_db.extract.speakers import HONORIFICS, ORG_WORDS, ROLE_NOUNS, TITLES
from claims_db.models import SpeakerKind


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that lead a title phrase and are not part of a name ("Vice President", "Prime
# Minister", "Chief Justice", "Press Secretary").
_TITLE_WORDS: Final = (
    TITLES
    | HONORIFICS
    | ROLE_NOUNS
    | _wordset(
        """
        prime press first lieutenant colonel sergeant captain superintendent spokesman
        spokeswoman councillor coach assistant head executive managing state house senate
        """
    )
)
# Lower-case words that may stand inside a name ("Ludwig van Beethoven", "Bank of Spain").
_CONNECTORS: Final = _wordset(
    "of and for the & de del della da di dos van von der den la le du bin ibn al el"
)
_DETERMINERS: Final = frozenset({"the", "a", "an"})
_KNOWN_ORGS: Final = _wordset("reuters politico bloomberg afp ap nato unesco unicef fifa uefa")
_FEMININE: Final = frozenset({"mrs", "ms", "miss", "dame", "madam", "mme"})
_MASCULINE: Final = frozenset({"mr", "sir", "mister"})
_INITIAL: Final = re.compile(r"[^\W\d_]\.?")
_INITIALLED: Final = "\x00"  # marks the key of a name with its middle initials left out
_EDGE_PUNCT: Final = ",;:()[]\"'\u201c\u201d\u2018\u2019"


def name_key(name: str) -> str:
    """Return the case- and space-insensitive key of a name."""
    return " ".join(name.casefold().split())


def name_words(alias: str, *, strip_titles: bool = True) -> tuple[str, ...] | None:
    """Return the casefolded name words of ``alias`` without its leading titles.

    None when ``alias`` is a description rather than a name: "the president of the
    club", "President" alone, "officials". "The Harbour Trust" keeps its words
    (``("harbour", "trust")``): a determiner before capitalised words is part of the
    organisation's name as written.
    """
    words = [w.strip(_EDGE_PUNCT) for w in alias.split()]
    words = [w for w in words if w]
    if words and words[0].casefold() in _DETERMINERS:
        words = words[1:]
        if not words or not words[0][:1].isupper():
            return None
    while strip_titles and len(words) > 1 and words[0].rstrip(".").casefold() in _TITLE_WORDS:
        words = words[1:]
    if strip_titles and len(words) == 1 and words[0].rstrip(".").casefold() in _TITLE_WORDS:
        return None
    if not words or not words[0][:1].isupper() or not words[-1][:1].isupper():
        return None
    for word in words:
        if not word[:1].isupper() and word.casefold() not in _CONNECTORS:
            return None  # "Reyes and officials": not a name
    return tuple(w.casefold() for w in words)


def looks_like_organisation(name: str) -> bool:
    """Return True when a name reads as an organisation ("Harbour Trust", "NATO")."""
    words = name_words(name)
    if words is None:
        words = tuple(name.casefold().split())
    if not words:
        return False
    bare = [w.rstrip(".") for w in words]
    if any(w in ORG_WORDS for w in bare) or (len(bare) == 1 and bare[0] in _KNOWN_ORGS):
        return True
    letters = name.replace(".", "").replace("&", "").split()
    return len(letters) == 1 and len(letters[0]) >= 2 and letters[0].isupper()


def kind_of(name: str, kind: SpeakerKind | None) -> SpeakerKind:
    """Return ``kind``, or when extraction did not say, a person unless ``name`` reads as an
    organisation."""
    if kind is not None:
        return kind
    return SpeakerKind.ORGANISATION if looks_like_organisation(name) else SpeakerKind.PERSON


def _gender(aliases: Iterable[str]) -> str | None:
    """Return "f" or "m" when an honorific says so ("Ms. Ortiz"), else None."""
    found: set[str] = set()
    for alias in aliases:
        first = alias.split()[0].rstrip(".").casefold() if alias.split() else ""
        if first in _FEMININE:
            found.add("f")
        elif first in _MASCULINE:
            found.add("m")
    return found.pop() if len(found) == 1 else None


def _is_initial(word: str) -> bool:
    return bool(_INITIAL.fullmatch(word))


def _lookup_keys(words: Sequence[str]) -> list[str]:
    """Return the keys under which a stored speaker may already hold a full name.

    "Donald J. Trump" is "Donald Trump" written with a middle initial, so each finds the
    other. Two names that both carry initials must agree on them: "George W. Bush" is not
    "George H. W. Bush".
    """
    key = " ".join(words)
    bare = _without_initials(words)
    return [key, bare] if bare is not None else [key, _INITIALLED + key]


def _stored_keys(words: Sequence[str]) -> list[str]:
    """Return the keys to remember a stored full name by (see ``_lookup_keys``)."""
    key = " ".join(words)
    bare = _without_initials(words)
    return [key] if bare is None else [key, _INITIALLED + bare]


def _without_initials(words: Sequence[str]) -> str | None:
    """Return a name key without its middle initials, or None when it has none."""
    kept = [words[0], *(w for w in words[1:-1] if not _is_initial(w)), words[-1]]
    return " ".join(kept) if len(words) > 2 and len(kept) < len(words) else None


@dataclass(frozen=True, slots=True)
class Identity:
    """How a speaker is named, reduced to what identity depends on."""

    kind: SpeakerKind
    full: tuple[tuple[str, ...], ...]  # name words of full names (2+ words; orgs: any)
    single: tuple[str, ...]  # one-word names of a person ("reyes")
    gender: str | None

    @property
    def is_named(self) -> bool:
        """Return True when the speaker has a name, not only a description."""
        return bool(self.full or self.single)


def identity_of(names: Iterable[str], kind: SpeakerKind) -> Identity:
    """Return the identity of a speaker known by ``names`` (canonical name first)."""
    names = list(names)
    if kind is SpeakerKind.ORGANISATION:  # "General Mills" keeps its first word
        orgs = (name_words(n, strip_titles=False) for n in names)
        return Identity(kind, tuple(dict.fromkeys(w for w in orgs if w is not None)), (), None)
    forms = [w for w in (name_words(n) for n in names) if w is not None]
    full = tuple(dict.fromkeys(f for f in forms if len(f) >= 2))
    single = tuple(dict.fromkeys(f[0] for f in forms if len(f) == 1))
    return Identity(kind, full, single, _gender(names))


@dataclass(slots=True)
class _Known:
    identity: Identity
    surnames: frozenset[str]
    firsts: frozenset[str]  # first letters of first names


@dataclass(slots=True)
class Directory:
    """The library's speakers by name, to find the stored speaker a new name belongs to."""

    _known: dict[str, _Known] = field(default_factory=dict)
    _full: dict[tuple[SpeakerKind, str], str] = field(default_factory=dict)
    _surnames: dict[str, set[str]] = field(default_factory=dict)
    _singles: dict[str, set[str]] = field(default_factory=dict)

    def add(self, speaker_id: str, identity: Identity) -> None:
        """Remember a stored speaker's names; a speaker added again gains the new ones.

        Names only accumulate here (merging adds aliases); forgetting goes through
        :meth:`rebuild`, so a bulk ingest never rescans the directory.
        """
        surnames = frozenset(f[-1] for f in identity.full)
        firsts = frozenset(f[0][0] for f in identity.full if f[0])
        self._known[speaker_id] = _Known(identity, surnames, firsts)
        for words in identity.full:
            for key in _stored_keys(words):
                self._full.setdefault((identity.kind, key), speaker_id)
        if identity.kind is SpeakerKind.PERSON:
            for surname in surnames:
                self._surnames.setdefault(surname, set()).add(speaker_id)
            for single in identity.single:
                if identity.full:
                    self._singles.get(single, set()).discard(speaker_id)
                else:
                    self._singles.setdefault(single, set()).add(speaker_id)

    def rebuild(self, speakers: Iterable[tuple[str, Identity]]) -> None:
        """Replace the directory's content by ``speakers`` (in library order)."""
        self._known.clear()
        self._full.clear()
        self._surnames.clear()
        self._singles.clear()
        for speaker_id, identity in speakers:
            self.add(speaker_id, identity)

    def find(self, identity: Identity) -> tuple[str | None, bool]:
        """Return (the stored speaker ``identity`` names, whether the name was ambiguous)."""
        for words in identity.full:
            for key in _lookup_keys(words):
                found = self._full.get((identity.kind, key))
                if found is not None:
                    return found, False
        if identity.kind is not SpeakerKind.PERSON:
            return None, False
        # A full name with a first name of its own is a different person from every
        # stored full name it did not match; only initials ("D. Reyes") go on by surname.
        if any(not _is_initial(f[0]) for f in identity.full):
            return None, False
        surnames = {f[-1] for f in identity.full} | set(identity.single)
        if len(surnames) != 1:
            return None, len(surnames) > 1
        (surname,) = surnames
        initials = {f[0][0] for f in identity.full}
        holders = [
            sid
            for sid in sorted(self._surnames.get(surname, ()))
            if self._compatible(self._known[sid], initials, identity.gender)
        ]
        if len(holders) == 1:
            return holders[0], False
        if holders:
            return None, True
        alone = [
            sid
            for sid in sorted(self._singles.get(surname, ()))
            if self._compatible(self._known[sid], initials, identity.gender)
        ]
        if len(alone) == 1:
            return alone[0], False
        return None, bool(alone)

    @staticmethod
    def _compatible(known: _Known, initials: set[str], gender: str | None) -> bool:
        if initials and known.firsts and not initials & known.firsts:
            return False
        other = known.identity.gender
        return gender is None or other is None or gender == other
