"""Attribution cues: who says it ("NAME said", "said NAME", "according to NAME") and what.

Each cue verb found outside quotation marks is parsed into its subject (a name, a
pronoun, a title such as "the president", an unnamed source, or an organisation's
report), its addressee ("told CNN's Dana Bash"), and the reported clause, either after
the verb ("said that ...") or before it ("..., Noem says"). Every look-around is bounded,
so the work per cue is constant and a sentence of a million characters stays linear.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from claims_db.extract.quotes import Quote
from claims_db.extract.speakers import (
    RELATIVE_PRONOUNS,
    ROLE_HEADS,
    ROLE_NOUNS,
    Mention,
    SpeakerIndex,
)


def _wordset(words: str) -> frozenset[str]:
    """Return the whitespace-separated words of ``words`` as a set."""
    return frozenset(words.split())


_WINDOW = 240  # characters examined on each side of a cue
_MAX_CUES = 12  # cues kept per sentence
_MAX_CANDIDATES = 60  # cue words examined per sentence ("said said said ..." is not prose)

_SAY_VERBS = _wordset(
    """
    say says said tell tells told write writes wrote add adds added announce announces
    announced argue argues argued insist insists insisted warn warns warned note notes noted
    claim claims claimed explain explains explained declare declares declared acknowledge
    acknowledges acknowledged admit admits admitted suggest suggests suggested tweet tweets
    tweeted report reports reported conclude concludes concluded complain complains
    complained respond responds responded reply replies replied lament laments lamented
    predict predicts predicted maintain maintains maintained contend contends contended
    assert asserts asserted recall recalls recalled observe observes observed remark remarks
    remarked testify testifies testified confirm confirms confirmed emphasize emphasizes
    emphasized stress stresses stressed counter counters countered concede concedes conceded
    caution cautions cautioned boast boasts boasted allege alleges alleged clarify clarifies
    clarified writing saying adding telling noting arguing warning claiming insisting
    explaining alleging declaring assure assures assured assuring reassure reassures
    reassured reassuring reiterate reiterates reiterated state states stated forecast
    forecasts charge charges charged
    """
)
_QUOTE_ONLY = _wordset(
    """
    asked asks continued continues barked yelled screamed shouted joked jokes quipped quips
    interjected exclaimed wondered chanted cried sang
    """
)
_NEED_THAT = _wordset(
    """
    found finds pledged pledges promised promises vowed vows concluded
    """
)
_PARTICIPLES = _wordset(
    """
    saying adding telling noting arguing warning claiming insisting explaining alleging
    declaring writing
    """
)
_ADDRESSING = _wordset(
    """
    tell tells told telling warn warns warned remind reminded assure assures assured
    assuring reassure reassures reassured reassuring
    """
)
CUES = _SAY_VERBS | _QUOTE_ONLY | _NEED_THAT
_QUOTE_ONLY_SET = _QUOTE_ONLY
_NEED_THAT_SET = _NEED_THAT

PRONOUNS = _wordset("he she they it we")
_OBJECT_PRONOUNS = {"him": "he", "her": "she", "them": "they", "it": "it", "us": "we"}
# Subjects that speak without a name: "a spokesman said" has speaker None.
UNNAMED = _wordset(
    """
    spokesman spokeswoman spokesperson spokespeople official officials aide aides source
    sources people experts analysts critics supporters crowd audience residents witnesses
    investigators prosecutors authorities observers voters members staff staffers advisers
    advisors allies opponents democrats republicans statement report reports
    """
)
# Lower-case nouns that refer back to a named person ("the president", "the lawmaker").
_PERSON_NOUNS = ROLE_NOUNS | _wordset(
    """
    lawmaker billionaire businessman businesswoman mogul tycoon frontrunner front-runner
    nominee boy girl man woman veteran star politician incumbent challenger congressman
    republican democrat pastor neurosurgeon doctor surgeon
    """
)
# Bodies that speak as "the ministry said"; statements.py resolves them to a named body.
BODY_NOUNS = _wordset(
    """
    ministry department agency committee commission council board panel campaign group
    government administration authority court company firm union party police
    newspaper paper magazine network channel outlet website organization organisation
    association institute university college bank foundation coalition league
    """
)
_REPORT_NOUNS = _wordset(
    """
    investigation report statement study review analysis audit probe inquiry website memo
    filing complaint lawsuit letter release survey poll findings account data
    """
)
_SKIP_BEFORE = _wordset(
    """
    also has had have later then previously repeatedly publicly privately recently once
    again first initially quickly finally simply often never further even still on last this
    earlier late early monday tuesday wednesday thursday friday saturday sunday today
    yesterday tonight week weekend month year night morning afternoon evening has had would
    will
    """
)
_ADVERBIAL_RE = re.compile(
    r"(?:(?:on|last|this|next|earlier|late|early|later|since)\s+)?"
    r"(?:(?:this|last|next)\s+)?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight|"
    r"week|weekend|month|year|night|morning|afternoon|evening|also|later|again|previously|"
    r"repeatedly|publicly|privately|recently|once|then|too|flatly|bluntly|simply|"
    r"in\s+(?:a|an|his|her|their|its)\s+(?:[\w\-]+\s+){0,2}(?:statement|interview|speech|"
    r"tweet|post|email|e-mail|letter|op-ed|column|release|video|call|message|appearance|"
    r"address|filing|memo|essay|book|note))\b\s*",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[\w\-]+(?:['\u2019][\w\-]+)*|[^\w\s]")
_THAT_RE = re.compile(r"\bthat\s+", re.IGNORECASE)
_OPENERS = "\"\u201c\u00ab\u201e'"


class RefKind(StrEnum):
    """What a subject phrase is."""

    NAME = "name"
    PRONOUN = "pronoun"
    ROLE = "role"  # "the president"
    UNNAMED = "unnamed"  # "a spokesman"


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to a speaker in the text."""

    kind: RefKind
    start: int
    end: int
    word: str  # the pronoun or role noun, lower case; the name for NAME
    mention: Mention | None = None
    role: str = ""  # an appositive role ("a Republican senator")


@dataclass(frozen=True, slots=True)
class Cue:
    """One attribution: cue verb, speaker reference, addressee and reported clause."""

    start: int
    end: int
    verb: str
    ref: Ref | None
    subject_start: int  # where the subject phrase begins (for clauses before it)
    inverted: bool  # "..., said NAME"
    addressee: Mention | None
    clause: tuple[int, int] | None  # the reported clause after the cue
    quote_at: int  # start of a quote that the cue introduces, or -1
    participle: bool
    quote_only: bool


def find_cues(
    text: str, start: int, end: int, quotes: Sequence[Quote], index: SpeakerIndex
) -> list[Cue]:
    """Return the attribution cues of the sentence ``text[start:end]``."""
    cues: list[Cue] = []
    examined = 0
    for match in _WORD_RE.finditer(text, start, end):
        low = match.group().lower()
        if low not in CUES and low != "according":
            continue
        examined += 1
        if examined > _MAX_CANDIDATES:
            break
        if low == "according":
            nxt = _WORD_RE.match(text, _skip_space(text, match.end(), end), end)
            if nxt is None or nxt.group().lower() != "to":
                continue
            cue_end, verb = nxt.end(), "according to"
        elif low in CUES:
            cue_end, verb = match.end(), low
        else:
            continue
        if _in_quote(match.start(), quotes):
            continue
        cue = _parse(text, start, end, match.start(), cue_end, verb, quotes, index)
        if cue is not None:
            cues.append(cue)
            if len(cues) >= _MAX_CUES:
                break
    return cues


def _in_quote(pos: int, quotes: Sequence[Quote]) -> bool:
    return any(q.start <= pos < q.end for q in quotes)


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def _segment_start(start: int, pos: int, quotes: Sequence[Quote]) -> int:
    seg = max(start, pos - _WINDOW)
    for q in quotes:
        if q.end <= pos:
            seg = max(seg, q.end)
    return seg


def _parse(
    text: str,
    start: int,
    end: int,
    cue_start: int,
    cue_end: int,
    verb: str,
    quotes: Sequence[Quote],
    index: SpeakerIndex,
) -> Cue | None:
    seg = _segment_start(start, cue_start, quotes)
    participle = verb in _PARTICIPLES or _is_coordinated(text, seg, cue_start)
    inverted = False
    addressee: Mention | None = None
    ref: Ref | None = None
    if verb == "according to":
        ref = _ref_after(text, cue_end, end, index, allow_object=True)
        if ref is None:
            return None
        return _according(text, start, end, cue_start, ref, quotes)
    subject_start = cue_start
    if not participle:
        ref, subject_start = _subject_before(
            text, seg, cue_start, index, progressive=verb.endswith("ing")
        )
    after = cue_end
    if ref is None and not participle:
        if _ends_clause(text, seg, cue_start):
            ref = _ref_after(text, cue_end, end, index, allow_object=False)
            if ref is not None:
                inverted = True
                after = ref.end
        if ref is None:
            return None
    clause: tuple[int, int] | None = None
    quote_at = -1
    if not inverted:
        pos = cue_end
        if verb in _ADDRESSING:
            addressee, pos = _addressee(text, pos, end, index)
        opening = len(_WORD_RE.findall(text, start, min(subject_start, start + 40))) <= 3
        clause, quote_at = _clause_after(
            text, pos, end, verb, quotes, opening_attribution=opening and subject_start > start
        )
    else:
        clause = None
    if verb in _QUOTE_ONLY_SET:
        clause = None
    del after
    return Cue(
        cue_start,
        cue_end,
        verb,
        ref,
        subject_start,
        inverted,
        addressee,
        clause,
        quote_at,
        participle,
        verb in _QUOTE_ONLY_SET,
    )


def _is_coordinated(text: str, seg: int, cue_start: int) -> bool:
    """Return True for a second verb of the same subject: "... and said", "but added"."""
    toks = _tokens(text, max(seg, cue_start - 40), cue_start)
    i = len(toks) - 1
    while i >= 0 and toks[i][2].lower() in _SKIP_BEFORE:
        i -= 1
    return i >= 0 and toks[i][2].lower() in ("and", "but")


def _according(
    text: str, start: int, end: int, cue_start: int, ref: Ref, quotes: Sequence[Quote]
) -> Cue:
    clause: tuple[int, int] | None = None
    comma = text.find(",", ref.end, min(end, ref.end + 80))
    opening = len(_WORD_RE.findall(text, start, cue_start)) <= 2
    if comma >= 0 and not opening:
        # "..., according to Jane Ortiz, a city official": an appositive, not a clause.
        nxt = _WORD_RE.match(text, _skip_space(text, comma + 1, end), end)
        if nxt is not None and nxt.group().lower() in _APPOSITIVE_OPENERS:
            comma = -1
    if comma >= 0:
        clause = _clause_span(text, comma + 1, end, quotes)
        if clause is not None and len(_WORD_RE.findall(text, clause[0], clause[1])) < 3:
            clause = None
    return Cue(
        cue_start, ref.end, "according to", ref, cue_start, False, None, clause, -1, False, False
    )


_APPOSITIVE_OPENERS = _wordset("a an the which who whose one")


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text, start, end)]


def _subject_before(
    text: str, seg: int, cue_start: int, index: SpeakerIndex, *, progressive: bool = False
) -> tuple[Ref | None, int]:
    toks = _tokens(text, seg, cue_start)
    i = len(toks) - 1
    while i >= 0 and toks[i][2].lower() in _SKIP_BEFORE:
        i -= 1
    if progressive and i >= 0 and toks[i][2].lower() in _BE_FORMS:
        i -= 1  # "The ministry is assuring commuters that ..."
        while i >= 0 and toks[i][2].lower() in _SKIP_BEFORE:
            i -= 1
    if i < 0:
        return None, cue_start
    if toks[i][2] == ")":
        # "Bob Goodlatte (R-Va.) told": skip the parenthesis.
        j = i - 1
        while j >= 0 and i - j <= 10 and toks[j][2] != "(":
            j -= 1
        if j > 0 and toks[j][2] == "(":
            i = j - 1
    s, e, word = toks[i]
    low = word.lower()
    if low in PRONOUNS:
        return Ref(RefKind.PRONOUN, s, e, low), s
    if word == ",":
        return _appositive(text, toks, i, index)
    mention = index.by_end.get(e)
    if mention is not None and mention.name.lower() in UNNAMED:
        mention = None  # "Residents said": a capital for the sentence start, not a name
    if mention is not None:
        head = _head_before_complement(toks, i, mention)
        if head is not None:
            # "Jane Ortiz of Ferrisburg said", "Business owners on Dunmore Avenue said":
            # the place is where the subject is from, not who speaks.
            owner = index.by_end.get(toks[head][1])
            if owner is not None and (owner.is_org or index.is_full_person(owner)):
                return Ref(RefKind.NAME, owner.full_start, owner.end, owner.name, owner), (
                    owner.full_start
                )
            ref, start = _noun_subject(text, toks, head, index)
            if ref is None:  # "Business owners on Dunmore Avenue": people nobody names
                s_head, e_head, word = toks[head]
                ref, start = Ref(RefKind.UNNAMED, s_head, e_head, word.lower()), s_head
            return ref, start
        return Ref(RefKind.NAME, mention.full_start, mention.end, mention.name, mention), (
            mention.full_start
        )
    return _noun_subject(text, toks, i, index)


_BE_FORMS = _wordset("is are was were")
_DETERMINERS_AFTER = _wordset("the a an one two several some many its his her their our")


def _named_after_role(toks: list[tuple[int, int, str]], index: SpeakerIndex) -> Mention | None:
    """Return the person named after "the general manager," at the start of ``toks``."""
    for k in range(2, min(len(toks) - 1, 6)):
        if toks[k][2] == ",":
            if not all(t[2].isalpha() and t[2].islower() for t in toks[1:k]):
                return None
            named = index.by_start.get(toks[k + 1][0])
            return named if named is not None and not named.is_org else None
    return None


# Prepositions that attach a place or a body to the subject before them.
_COMPLEMENT_PREPOSITIONS = _wordset("of on in at from near outside across around")
# Words that end a noun phrase: a clause or another phrase goes on.
_PHRASE_ENDS = _wordset("and or but who whose which that while as than")
# Who speaks for the body named after them ("a spokesman for Acme Corp said").
_SPEAKS_FOR = _wordset("spokesman spokeswoman spokesperson spokespeople representative")


def _head_before_complement(
    toks: list[tuple[int, int, str]], i: int, mention: Mention
) -> int | None:
    """Return the token heading "X of PLACE" when the name ending at token ``i`` is the
    PLACE after such a preposition; None when the name is the subject itself."""
    j = i
    while j >= 0 and toks[j][0] >= mention.full_start:
        j -= 1
    relative = next(
        (r for r in range(j, max(j - 5, 0), -1) if toks[r][2].lower() in RELATIVE_PRONOUNS),
        None,
    )
    if relative is not None and all(t[2].isalpha() for t in toks[relative : j + 1]):
        j = relative  # "Anglers who fish the Velder said": the anglers speak
    elif j < 1 or toks[j][2].lower() not in _COMPLEMENT_PREPOSITIONS:
        return None
    head = j - 1
    word = toks[head][2]
    if word.lower() in _SPEAKS_FOR or not (word.isalpha() or word[-1:].isalpha()):
        return None
    return head


def _appositive(
    text: str, toks: list[tuple[int, int, str]], comma: int, index: SpeakerIndex
) -> tuple[Ref | None, int]:
    """Parse "NAME, APPOSITIVE, said" (the appositive may hold commas of its own)."""
    # The appositive itself may be the name: "his wife, Jane Ortiz, wrote".
    inner = index.by_end.get(toks[comma - 1][1]) if comma > 0 else None
    if inner is not None and not inner.is_org and comma >= 2:
        k = comma - 1
        while k >= 0 and toks[k][0] >= inner.full_start:  # "Dr. Yusuf Lindqvist": past the title
            k -= 1
        before = toks[k] if k >= 0 else None
        if before is not None and before[2] == ",":
            # "CLAUSE, its general manager, NAME, said": the clause ends before the role.
            j = k - 1
            while j >= 0 and k - j <= 6 and toks[j][2].isalpha():
                j -= 1
            start = (
                toks[j + 1][0] if j >= 0 and toks[j][2] == "," and j + 1 < k else inner.full_start
            )
            return Ref(RefKind.NAME, inner.full_start, inner.end, inner.name, inner), start
    candidates: list[tuple[int, Mention | None, int]] = []
    j = comma - 1
    while j >= 1 and comma - j <= 35 and len(candidates) < 4:
        if toks[j][2] == ",":
            mention = index.by_end.get(toks[j - 1][1])
            k = j - 1
            if mention is None and toks[k][2].lower() in UNNAMED:
                return Ref(RefKind.UNNAMED, toks[max(0, k - 3)][0], toks[k][1], "unnamed"), toks[
                    max(0, k - 3)
                ][0]
            if mention is None and toks[k][2].lower() in _PERSON_NOUNS:
                candidates.append((j, None, k))
            else:
                candidates.append((j, mention, k))
        j -= 1
    chosen: tuple[int, Mention | None, int] | None = None
    for cand in reversed(candidates):  # leftmost first: the subject opens the chain
        if cand[1] is not None and not cand[1].is_org and index.is_full_person(cand[1]):
            chosen = cand
            break
    if chosen is None:
        for cand in candidates:
            if cand[1] is not None or _role_ref(toks, cand[2]) is not None:
                chosen = cand
                break
    if chosen is None:
        return None, toks[comma][0]
    j, mention, k = chosen
    if mention is None:
        ref = _role_ref(toks, k)
        return ref, (ref.start if ref is not None else toks[comma][0])
    role = text[toks[j + 1][0] : toks[comma - 1][1]] if comma - j >= 2 else ""
    first = role.split(" ", 1)
    if "," in role:
        role = ""
    if first[0].lower() in ("a", "an", "the") and len(first) > 1:
        role = first[1]
    if first[0].lower() in ("who", "whose", "which", "where") or role[:1].isdigit():
        role = ""
    elif _participle_clause(role):
        role = ""  # "Mr. Trump, asked about the deaths ..., said": a clause, not a role
    return (
        Ref(RefKind.NAME, mention.full_start, mention.end, mention.name, mention, role),
        mention.full_start,
    )


def _participle_clause(phrase: str) -> bool:
    """Return True for "citing data from ..." or "asked about ...": a clause, not a role.

    A lower-case -ing word opens a clause; an -ed word does when a preposition or an
    article follows it ("asked about", "reached by"), unlike "retired teacher".
    """
    words = phrase.split(None, 2)
    if not words or not words[0].islower():
        return False
    if words[0].endswith("ing"):
        return True
    return (
        words[0].endswith("ed") and len(words) > 1 and words[1].lower() in _CLAUSE_AFTER_PARTICIPLE
    )


_CLAUSE_AFTER_PARTICIPLE = _wordset(
    "about by for on in at to with from of as after during over the a an his her their"
)


def _noun_subject(
    text: str, toks: list[tuple[int, int, str]], i: int, index: SpeakerIndex
) -> tuple[Ref | None, int]:
    s, e, word = toks[i]
    low = word.lower()
    if low in _REPORT_NOUNS or low in ("campaign", "office", "spokesman", "spokeswoman"):
        # "Customs and Border Protection's internal investigation found ..."
        j = i - 1
        while j >= 0 and i - j <= 4:
            w = toks[j][2]
            if w.endswith(("'s", "\u2019s")):
                mention = index.by_end.get(toks[j][1] - 2)
                if mention is not None and (mention.is_org or low in _REPORT_NOUNS):
                    return Ref(
                        RefKind.NAME, mention.full_start, mention.end, mention.name, mention
                    ), mention.full_start
                break
            if not w.islower():
                break
            j -= 1
    if low in _MEDIA_NOUNS and i > 0:
        # "The Daily Planet newspaper reported": the publication speaks.
        mention = index.by_end.get(toks[i - 1][1])
        if mention is not None:
            return Ref(RefKind.NAME, mention.full_start, mention.end, mention.name, mention), (
                mention.full_start
            )
    if low in UNNAMED or low in _REPORT_NOUNS or low in BODY_NOUNS:
        j = i
        while j > 0 and i - j < 5:
            prev = toks[j - 1][2]
            if not (prev.isalpha() or prev.endswith(("'s", "\u2019s")) or "-" in prev):
                break
            j -= 1
            if prev.lower() in _DETERMINERS:
                break
        return Ref(RefKind.UNNAMED, toks[j][0], e, low), toks[j][0]
    if low in _PERSON_NOUNS:
        j = i - 1
        while j >= 0 and i - j <= 4:
            w = toks[j][2].lower()
            if w in ("the", "a", "an", "this"):
                kind = RefKind.ROLE if w in ("the", "this") else RefKind.UNNAMED
                return Ref(kind, toks[j][0], e, low), toks[j][0]
            if not toks[j][2].isalpha() and "-" not in toks[j][2]:
                break
            j -= 1
    return None, s


def _role_ref(toks: list[tuple[int, int, str]], i: int) -> Ref | None:
    """Return "the lawmaker" as a role reference when token ``i`` ends such a phrase."""
    low = toks[i][2].lower()
    if low not in _PERSON_NOUNS:
        return None
    j = i - 1
    while j >= 0 and i - j <= 4:
        w = toks[j][2].lower()
        if w in ("the", "this"):
            return Ref(RefKind.ROLE, toks[j][0], toks[i][1], low)
        if not toks[j][2].isalpha() and "-" not in toks[j][2]:
            break
        j -= 1
    return None


_MEDIA_NOUNS = _wordset("newspaper paper magazine network channel agency outlet daily website")
_DETERMINERS = _wordset("the a an one some two three several many most other another")


def _ends_clause(text: str, seg: int, cue_start: int) -> bool:
    """Return True when the text before a cue ends a clause or a quote ("..., said X")."""
    i = cue_start - 1
    while i >= seg and text[i].isspace():
        i -= 1
    return i >= seg and text[i] in ",\u201d\"'\u00bb" or i < seg


def _ref_after(
    text: str, pos: int, end: int, index: SpeakerIndex, *, allow_object: bool
) -> Ref | None:
    pos = _skip_space(text, pos, end)
    mention = _name_after_role(text, pos, end, index)
    if mention is not None:
        return Ref(RefKind.NAME, mention.full_start, mention.end, mention.name, mention)
    toks = _tokens(text, pos, min(end, pos + 80))
    if not toks:
        return None
    s, e, word = toks[0]
    low = word.lower()
    if low in PRONOUNS or (allow_object and low in _OBJECT_PRONOUNS):
        return Ref(RefKind.PRONOUN, s, e, _OBJECT_PRONOUNS.get(low, low))
    if low in _DETERMINERS_AFTER or low in UNNAMED:
        named = _named_after_role(toks, index)
        if named is not None:  # "according to its general manager, Colette Amsberg-Ruiz"
            # The role counts after "the"; "its president" is some body's, not a title.
            comma = next(k for k, t in enumerate(toks) if t[2] == ",")
            role = text[toks[1][0] : toks[comma - 1][1]] if low == "the" else ""
            return Ref(RefKind.NAME, named.full_start, named.end, named.name, named, role)
        for k in range(0 if low in UNNAMED else 1, min(len(toks), 5)):
            w = toks[k][2]
            wl = w.lower()
            m = index.by_start.get(toks[k][0])
            if m is not None and wl not in UNNAMED and (m.is_org or (k == 1 and low == "the")):
                # "according to the Daily Planet": a named publication or body.
                org = m if m.is_org else replace(m, is_org=True)
                return Ref(RefKind.NAME, org.full_start, org.end, org.name, org)
            if wl in UNNAMED:
                return Ref(RefKind.UNNAMED, s, toks[k][1], wl)
            if wl in _PERSON_NOUNS and low == "the" and w.islower():
                return Ref(RefKind.ROLE, s, toks[k][1], wl)
            if not w.isalpha():
                break
        # "said a shop owner on Dunmore Avenue": someone the text does not name. The quote
        # is still theirs, not the author's.
        k = 1
        while k < min(len(toks), 5) and toks[k][2].isalpha() and toks[k][2].islower():
            if toks[k][2] in _COMPLEMENT_PREPOSITIONS or toks[k][2] in _PHRASE_ENDS:
                break
            k += 1
        after = toks[k][2] if k < len(toks) else "."
        if low in UNNAMED or k == 1 or after.isalpha() and after not in _COMPLEMENT_PREPOSITIONS:
            return None  # "writes a weekly column and ...": no person, a clause goes on
        return Ref(RefKind.UNNAMED, s, toks[k - 1][1], toks[k - 1][2])
    return None


def _name_after_role(text: str, pos: int, end: int, index: SpeakerIndex) -> Mention | None:
    """Return the name at ``pos``, past a role phrase ("Republican strategist Jane Ortiz")."""
    first = index.by_start.get(pos)
    found = first
    for m in index.mentions_in(pos, min(end, pos + 80)):
        if m is first:
            continue
        gap = text[pos : m.full_start].replace("\u2019s", " ").replace("'s", " ")
        if any(not (ch.isalnum() or ch.isspace() or ch in "-.") for ch in gap):
            break
        words = gap.split()
        if not words or any(
            not (w[:1].isupper() or w.lower() in ROLE_HEADS or w.lower() in _ROLE_WORDS)
            for w in words
        ):
            break
        found = m
    if found is first or found is None:
        return first
    return found if not found.is_org else first


_ROLE_WORDS = _wordset(
    """
    former senior chief deputy assistant executive press campaign communications political
    national state local party top longtime veteran republican democratic presidential
    ranking interim acting associate managing
    """
)


# A short quoted name right before "that": the programme or paper someone was told in.
_QUOTED_TITLE_RE = re.compile(r"[\"\u201c][^\"\u201c\u201d\n]{1,60}?[\"\u201d](\s*)(?=that\b)")


def _addressee(text: str, pos: int, end: int, index: SpeakerIndex) -> tuple[Mention | None, int]:
    """Skip the person told ("told CNN's Dana Bash") and return it with the position after."""
    toks = _tokens(text, pos, min(end, pos + 120))
    found: Mention | None = None
    after = pos
    for k, (s, e, word) in enumerate(toks[:10]):
        low = word.lower()
        title = _QUOTED_TITLE_RE.match(text, s) if word[0] in _OPENERS else None
        if title is not None and k > 0:
            # "told ABC's “Good Morning America” that ...": a show's name, then the clause.
            after = title.end(1)
            break
        if low == "that" or low in PRONOUNS or word in (",", ":") or word[0] in _OPENERS:
            break
        if k > 0 and _ADVERBIAL_RE.match(text, s) and low not in ("the",):
            break
        mention = index.by_start.get(s)
        if mention is not None:
            found = mention
        after = e
        if word.endswith(("'s", "\u2019s")):
            continue
    if found is not None and found.end > after:
        after = found.end
    return found, after


def _clause_after(
    text: str,
    pos: int,
    end: int,
    verb: str,
    quotes: Sequence[Quote],
    *,
    opening_attribution: bool = False,
) -> tuple[tuple[int, int] | None, int]:
    """Return the reported clause after a cue and the start of a quote it introduces."""
    for _ in range(4):
        pos = _skip_space(text, pos, end)
        m = _ADVERBIAL_RE.match(text, pos, end)
        if m is None or m.end() == pos:
            break
        pos = m.end()
    pos = _skip_space(text, pos, end)
    if pos < end and text[pos] in ":,":
        after_mark = _skip_space(text, pos + 1, end)
        if (
            text[pos] == ","
            and not any(q.start == after_mark for q in quotes)
            and not opening_attribution
        ):
            return None, -1  # "..., the Post reported, citing a source": no clause after
        pos = after_mark
    that = _THAT_RE.match(text, pos, end)
    saw_that = that is not None
    if that is not None:
        pos = that.end()
    for q in quotes:
        if q.start == pos:
            return _clause_span(text, pos, end, quotes), pos
    if pos >= end or not saw_that and verb in _NEED_THAT_SET:
        if verb in _NEED_THAT_SET:
            return _that_later(text, pos, end, quotes), -1
        return None, -1
    first = _WORD_RE.match(text, pos, end)
    if first is None:
        return None, -1
    low = first.group().lower()
    if not saw_that and (
        low in _PREPOSITIONS or not first.group()[0].isalnum() or low in ("to", "so")
    ):
        return _that_later(text, pos, end, quotes), -1
    return _clause_span(text, pos, end, quotes), -1


_SUBORDINATORS = _wordset("although though while if when because unless since whereas once")
_PRONOUN_HEADS = frozenset(["he", "sh", "th", "it", "we", "i "])
_GERUND_EXCEPTIONS = (
    "including|according|during|regarding|concerning|following|excluding|involving|"
    "notwithstanding|nothing|something|anything|everything|morning|evening|thing|bring|king"
)
_CUE_ALTERNATION = "|".join(sorted(CUES, key=len, reverse=True))
# Where a reported clause ends: a new clause, an aside, or another attribution.
_CLAUSE_STOP_RE = re.compile(
    r";\s|\s[\u2014\u2013]\s|\s--\s"
    r"|,\s+(?:although|though|while|whereas|but|and\s+(?:he|she|they|it|we|i)\b)"
    r"|,\s+(?:he|she|they|it|we|i)\s"
    r"|,\s+as\s+(?!well\b)"
    rf"|,\s+(?!(?:{_GERUND_EXCEPTIONS})\b)[a-z]+ing\b"
    rf"|,?\s(?:and|but)\s+(?:also\s+|then\s+|later\s+)?(?:{_CUE_ALTERNATION})\b",
    re.IGNORECASE,
)
_PREPOSITIONS = _wordset(
    """
    in on at during to from after before while about of with by for as into over under since
    until upon via through amid among against when without within across behind beyond near
    toward towards outside inside per like unlike despite
    """
)


def _that_later(text: str, pos: int, end: int, quotes: Sequence[Quote]) -> tuple[int, int] | None:
    limit = min(end, pos + _WINDOW)
    for m in _THAT_RE.finditer(text, pos, limit):
        if not _in_quote(m.start(), quotes):
            return _clause_span(text, m.end(), end, quotes)
    return None


def _clause_span(
    text: str, start: int, end: int, quotes: Sequence[Quote] = ()
) -> tuple[int, int] | None:
    """Return the reported clause from ``start``: up to the sentence end or a new clause."""
    first = _WORD_RE.match(text, start, end)
    subordinate = first is not None and first.group().lower() in _SUBORDINATORS
    for stop in _CLAUSE_STOP_RE.finditer(text, start, end):
        if stop.start() > start and not _in_quote(stop.start(), quotes):
            if subordinate and stop.group().lstrip(", ").lower()[:2] in _PRONOUN_HEADS:
                subordinate = False  # "although A, he B": the main clause is still reported
                continue
            end = stop.start()
            break
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    if end > start and text[end - 1] == "." and not (end - start > 2 and text[end - 3] == "."):
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    if end - start < 3 or len(_WORD_RE.findall(text, start, min(end, start + 60))) < 2:
        return None
    return start, end
