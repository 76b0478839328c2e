"""Reported speech from a dependency parse: a speech verb, its clause and its subject.

A speech verb's clausal complement is the statement and its subject the source ("The port
authority said ferries will stop"); the clause may come first ("Ferries will stop, the
authority said"), be interrupted by the attribution ("The vote was fair, Varga said, but
the count was slow": two statements), hang on a relative clause ("Ines Okafor, who told
the radio show that ..."), a participle (", saying ...") or a second verb of the same
subject ("and added that ..."), or be attributed with "according to". Only sentences
that hold a speech-verb form outside quotation marks are parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claims_db.extract.model import nlp
from claims_db.extract.quotes import Quote
from claims_db.extract.sentences import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


def _wordset(words: str) -> frozenset[str]:
    """Return the whitespace-separated words of ``words`` as a set."""
    return frozenset(words.split())


# Verbs whose clausal complement is reported speech. Cognition (believe, hope), questions
# and requests (ask, urge), denials and findings (show, find) are not: the dev set's
# conventions leave them out, and so does a reader asking "who said that".
SPEECH_LEMMAS = _wordset(
    """
    say tell write add announce argue insist warn note claim explain declare acknowledge
    admit suggest tweet post report complain respond reply lament predict maintain contend
    assert recall observe remark testify confirm emphasize emphasise stress counter concede
    caution boast allege clarify state reiterate repeat assure forecast charge indicate
    answer comment disclose reveal mention point pledge promise vow agree concur retort
    complain blog email e-mail text inform notify advise brief
    """
)
# Forms that appear in text, for choosing which sentences to parse at all.
_IRREGULAR = _wordset("said told wrote written forecast stated stating")


def _forms(lemma: str) -> set[str]:
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", stem + "ing"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    return forms


_CUE_FORMS = frozenset(f for lemma in SPEECH_LEMMAS for f in _forms(lemma)) | frozenset(
    [*_IRREGULAR, "according"]
)
_WORD_RE = re.compile(r"[A-Za-z][a-z\-]+")
_PRONOUNS = _wordset("he she they it we i")
_RELATIVES = _wordset("who which that whom")
_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_ADDRESSING_LEMMAS = _wordset("tell assure reassure warn remind inform notify advise brief")
_NOT_VERB_TAGS = frozenset({"NOUN", "PROPN", "ADJ"})
_MIN_CLAUSE_WORDS = 3


@dataclass(frozen=True, slots=True)
class Speech:
    """One parsed attribution, in article offsets."""

    verb: str  # the cue as written, lower case ("said", "according to")
    verb_start: int
    clauses: tuple[tuple[int, int], ...]  # reported spans, in text order
    subject: tuple[int, int] | None  # the speaker phrase
    head: tuple[int, int] | None  # the speaker phrase's head word
    head_word: str  # that word, lower case
    head_lemma: str
    entity: str  # NER label over the head word ("PERSON", "ORG", ...), or ""
    addressee: tuple[int, int] | None  # "told the committee": the one told


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity the parser's NER found, in article offsets."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class ParsedSentence:
    """The attributions and named entities of one sentence."""

    speech: tuple[Speech, ...]
    entities: tuple[Entity, ...]
    # Cue-verb forms used in another sense here ("Ostland adds 40,000 jobs": an object, no
    # clause), and those used as speech; lower case.
    other_senses: frozenset[str] = frozenset()
    speech_forms: frozenset[str] = frozenset()
    # Where a cue-verb form is a noun or an adjective here ("the AP report is"), by offset.
    not_verbs: frozenset[int] = frozenset()


def is_candidate(text: str, sentence: Sentence, quotes: Sequence[Quote]) -> bool:
    """Return True when the sentence has a speech-verb form outside quotation marks."""
    for m in _WORD_RE.finditer(text, sentence.start, sentence.end):
        if m.group().lower() in _CUE_FORMS and not any(
            q.start <= m.start() < q.end for q in quotes
        ):
            return True
    return False


def parse(
    text: str, sentences: Sequence[Sentence], quotes: Sequence[Quote], wanted: Iterable[int]
) -> dict[int, ParsedSentence]:
    """Parse the sentences numbered ``wanted`` and return their attributions by number."""
    numbers = list(wanted)
    docs = nlp().pipe(text[sentences[i].start : sentences[i].end] for i in numbers)
    out: dict[int, ParsedSentence] = {}
    for i, doc in zip(numbers, docs, strict=True):
        base = sentences[i].start
        speech = tuple(_speech(doc, base, quotes))
        out[i] = ParsedSentence(
            speech,
            tuple(Entity(base + e.start_char, base + e.end_char, e.label_) for e in doc.ents),
            frozenset(t.lower_ for t in doc if _other_sense(t)),
            frozenset(s.verb for s in speech),
            frozenset(
                base + t.idx
                for t in doc
                if t.pos_ in _NOT_VERB_TAGS and t.lower_ in _CUE_FORMS and t.lower_ != "according"
            ),
        )
    return out


def _other_sense(tok: Token) -> bool:
    """Return True for a speech verb with an object and no clause: "adds 40,000 jobs"."""
    lemma = tok.lemma_.lower()
    if tok.pos_ != "VERB" or lemma not in SPEECH_LEMMAS or lemma in _ADDRESSING_LEMMAS:
        return False  # "assured commuters that ...": the object is the one addressed
    deps = {c.dep_ for c in tok.children}
    return (
        "dobj" in deps
        and not deps & {"ccomp", "parataxis", "xcomp"}
        and tok.dep_
        not in (
            "parataxis",
            "ccomp",
        )
    )


def _in_quote(pos: int, quotes: Sequence[Quote]) -> bool:
    return any(q.start <= pos < q.end for q in quotes)


def _speech(doc: Doc, base: int, quotes: Sequence[Quote]) -> list[Speech]:
    found: list[Speech] = []
    for tok in doc:
        if tok.lower_ == "according":
            speech = _according(doc, tok, base, quotes)
        elif tok.pos_ == "VERB" and tok.lemma_.lower() in SPEECH_LEMMAS:
            speech = _verb(doc, tok, base, quotes)
        else:
            continue
        if speech is not None and not _in_quote(speech.verb_start, quotes):
            found.append(speech)
    return found


def _span(doc: Doc, lo: int, hi: int, base: int, quotes: Sequence[Quote]) -> tuple[int, int] | None:
    """Return the trimmed character span of tokens ``lo..hi`` (inclusive), or None."""
    while lo <= hi and (doc[lo].is_punct or doc[lo].lower_ in ("that", "but", "and")):
        if doc[lo].is_quote or doc[lo].text in '\u201c\u201d"':
            break
        lo += 1
    while hi >= lo and doc[hi].is_punct and not (doc[hi].text in '\u201d"' and hi > lo):
        hi -= 1
    if hi < lo:
        return None
    words = sum(1 for t in doc[lo : hi + 1] if not t.is_punct)
    if words < _MIN_CLAUSE_WORDS:
        return None
    start, end = base + doc[lo].idx, base + doc[hi].idx + len(doc[hi].text)
    if any(q.start <= start and end <= q.end for q in quotes):
        return None
    return start, end


def _clause_parts(
    doc: Doc, comp: Token, base: int, quotes: Sequence[Quote]
) -> list[tuple[int, int]]:
    """Return the reported clause headed by ``comp``; "that X and that Y" gives two."""
    split = [
        c for c in comp.children if c.dep_ == "conj" and any(g.dep_ == "mark" for g in c.children)
    ]
    parts: list[tuple[int, int]] = []
    lo = comp.left_edge.i
    for conj in split:
        cut = conj.left_edge.i - 1
        while cut > lo and doc[cut].dep_ in ("cc", "punct"):
            cut -= 1
        span = _span(doc, lo, cut, base, quotes)
        if span is not None:
            parts.append(span)
        lo = conj.left_edge.i
    span = _span(doc, lo, comp.right_edge.i, base, quotes)
    if span is not None:
        parts.append(span)
    return parts


def _verb(doc: Doc, verb: Token, base: int, quotes: Sequence[Quote]) -> Speech | None:
    comps = [c for c in verb.children if c.dep_ == "ccomp"]
    clauses: list[tuple[int, int]] = []
    for comp in comps:
        clauses.extend(_clause_parts(doc, comp, base, quotes))
    if not comps and verb.dep_ == "parataxis" and verb.head.i < verb.i:
        clauses.extend(_interrupted(doc, verb, base, quotes))
    if not clauses:
        return None
    subject = _subject(verb)
    addressee = next((c for c in verb.children if c.dep_ in ("dobj", "dative")), None)
    return _make(doc, verb.lower_, verb.idx + base, clauses, subject, addressee, base)


def _interrupted(
    doc: Doc, verb: Token, base: int, quotes: Sequence[Quote]
) -> list[tuple[int, int]]:
    """Return both halves of "The vote was fair, Varga said, but the count was slow"."""
    head = verb.head
    parts: list[tuple[int, int]] = []
    before = _span(doc, head.left_edge.i, verb.left_edge.i - 1, base, quotes)
    if before is not None:
        parts.append(before)
    if head.right_edge.i > verb.right_edge.i:
        after = _span(doc, verb.right_edge.i + 1, head.right_edge.i, base, quotes)
        if after is not None:
            parts.append(after)
    return parts


def _subject(verb: Token) -> Token | None:
    """Return the speaker's head word: the verb's subject, or the one it inherits."""
    for c in verb.children:
        if c.dep_ in _SUBJECT_DEPS:
            if c.lower_ in _RELATIVES and verb.dep_ == "relcl":
                return verb.head  # "Ines Okafor, who told ...": the antecedent speaks
            return c
        if c.dep_ == "agent":  # "it was announced by the ministry"
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    if verb.dep_ == "relcl":
        return verb.head
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head is not verb:
        # "... and added that", ", saying ...": the subject of the verb it hangs on.
        if verb.dep_ != "conj" and verb.tag_ != "VBG":
            return None
        return next((c for c in verb.head.children if c.dep_ in _SUBJECT_DEPS), None)
    return None


def _according(doc: Doc, tok: Token, base: int, quotes: Sequence[Quote]) -> Speech | None:
    """Return "X, according to Y" / "According to Y, X"."""
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    if to is None and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
        to = doc[tok.i + 1]
    if to is None:
        return None
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    head = tok.head
    while head.dep_ not in ("ROOT", "ccomp", "conj") and head.head is not head:
        head = head.head
    phrase_lo, phrase_hi = tok.left_edge.i, max(tok.right_edge.i, source.right_edge.i)
    if phrase_hi < head.i:
        span = _span(doc, phrase_hi + 1, head.right_edge.i, base, quotes)
    else:
        span = _span(doc, head.left_edge.i, phrase_lo - 1, base, quotes)
    if span is None:
        return None
    return _make(doc, "according to", tok.idx + base, [span], source, None, base)


def _make(
    doc: Doc,
    verb: str,
    verb_start: int,
    clauses: list[tuple[int, int]],
    subject: Token | None,
    addressee: Token | None,
    base: int,
) -> Speech:
    subject_span = head_span = None
    head_word = head_lemma = entity = ""
    if subject is not None:
        lo, hi = subject.left_edge, subject.right_edge
        # The phrase ends before a relative clause or an appositive after the head.
        for c in subject.rights:
            if c.dep_ in ("relcl", "appos", "acl", "punct"):
                hi = doc[max(subject.i, c.left_edge.i - 1)]
                break
        subject_span = (base + lo.idx, base + hi.idx + len(hi.text))
        head_span = (base + subject.idx, base + subject.idx + len(subject.text))
        head_word, head_lemma = subject.lower_, subject.lemma_.lower()
        entity = subject.ent_type_
        if not entity and subject.lower_ not in _PRONOUNS:
            # "the port authority's review": the entity inside the phrase, if any.
            entity = next((t.ent_type_ for t in subject.subtree if t.ent_type_), "")
    addressed = None
    if addressee is not None:
        addressed = (base + addressee.left_edge.idx, base + addressee.idx + len(addressee.text))
    ordered = tuple(sorted(set(clauses)))
    return Speech(
        verb, verb_start, ordered, subject_span, head_span, head_word, head_lemma, entity, addressed
    )
