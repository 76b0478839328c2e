"""Statements of one article: quotes and reported speech with their speakers, and claims.

Sentences are processed in text order with a little memory: the last speaker (for
pronouns and continuation quotes) and the subject of the previous sentence (for a
quote that follows a sentence naming its speaker).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from claims_db.extract.attribution import _PERSON_NOUNS, UNNAMED, Cue, Ref, RefKind, find_cues
from claims_db.extract.claims import is_claim
from claims_db.extract.quotes import Quote, find_quotes
from claims_db.extract.reported import ParsedSentence, Speech, is_candidate, parse
from claims_db.extract.sentences import Sentence, split_paragraphs, split_sentences
from claims_db.extract.speakers import Mention, SpeakerIndex, find_mentions
from claims_db.models import ExtractedStatement, Extraction, Kind, SpeakerKind

_WORD_RE = re.compile(r"\w+(?:['\u2019]\w+)*")


def _wordset(words: str) -> frozenset[str]:
    """Return the whitespace-separated words of ``words`` as a set."""
    return frozenset(words.split())


_MIN_EMBEDDED_WORDS = 8  # shorter quoted fragments inside the author's sentence are not quotes
_MAX_GAP_WORDS = 16  # words allowed between a quote and the cue that attributes it
_MAX_GAP_CHARS = 240
_MIN_UNQUOTED_WORDS = 2  # a reported clause needs this many words outside quotation marks
_MAX_QUOTES_PER_SENTENCE = 60  # more quote marks than this in one sentence is not prose


@dataclass(slots=True)
class _Speaker:
    name: str | None
    kind: SpeakerKind
    alias: str


@dataclass(slots=True)
class _State:
    last: _Speaker | None = None  # most recent named speaker
    last_at: int = -1  # sentence index of the last statement with a speaker
    last_cue: str | None = None  # the cue of that statement
    open_quote: _Speaker | None = None  # speaker of a quote left open at a paragraph end
    speaker_at: dict[int, _Speaker] = field(default_factory=dict)  # last speaker per sentence
    last_org: _Speaker | None = None  # most recent organisation or document that spoke
    last_org_at: int = -1
    bodies: dict[str, _Speaker] = field(default_factory=dict)  # "campaign" -> "Ortiz campaign"
    subject_at: dict[int, _Speaker] = field(default_factory=dict)  # named subject per sentence


def run(text: str, *, title: str | None = None) -> Extraction:
    """Extract every statement and speaker of ``text`` (see ``claims_db.extract.extract``)."""
    paragraphs = split_paragraphs(text)
    quotes = find_quotes(text, paragraphs)
    sentences = [_past_dateline(text, s) for s in split_sentences(text, paragraphs, quotes)]
    index = SpeakerIndex(text, find_mentions(text))
    if title is None:
        title = text[paragraphs[0][0] : paragraphs[0][1]] if paragraphs else ""
    state = _State()
    statements: list[ExtractedStatement] = []
    speakers: dict[str, None] = {}
    by_sentence = _quotes_by_sentence(sentences, quotes)
    wanted = [
        i
        for i, s in enumerate(sentences)
        if _parseable(s) and is_candidate(text, s, by_sentence[i])
    ]
    parsed = parse(text, sentences, quotes, wanted)
    for p in parsed.values():
        for ent in p.entities:
            if ent.label in _ORG_LABELS:
                kind = SpeakerKind.ORGANISATION
            elif ent.label == "PERSON":
                kind = SpeakerKind.PERSON
            else:
                continue
            # Every word of it: "the Ferris Ledger" is an entity, "Ferris Ledger" a mention.
            for word in _WORD_RE.finditer(text, ent.start, ent.end):
                index.entity_kinds[word.start()] = kind
    for s_i, sentence in enumerate(sentences):
        mine = by_sentence[s_i]
        _note_subject(text, sentence, s_i, mine, index, state)
        here = parsed.get(s_i)
        found = _sentence_statements(text, sentence, s_i, sentences, mine, index, state, here)
        if here is not None:
            found = _with_parsed(text, sentence, s_i, mine, index, state, here, found)
        if not found and is_claim(text, sentence):
            found = [
                _statement(
                    text, Kind.CLAIM, sentence.start, sentence.end, sentence, None, None, None
                )
            ]
        for st in found:
            if st.speaker is not None:
                speakers.setdefault(st.speaker, None)
        statements.extend(found)
    return Extraction(text, title, tuple(statements), index.speakers(speakers))


_ORG_LABELS = frozenset({"ORG", "NORP", "GPE"})
_MAX_PARSED_CHARS = 2_000  # longer "sentences" are not prose; the rules alone read them


# "WASHINGTON (AP) — ", "Halifax (CP) – ": where and by whom, not part of the first sentence.
_DATELINE_RE = re.compile(
    r"[A-Z][\w.,' -]{1,40}?\s*\((?:AP|AFP|CP|UPI|Reuters|Bloomberg|dpa|PA|[A-Z]{2,5})\)"
    r"\s*(?:[-\u2013\u2014]+|:)\s*"
)


def _past_dateline(text: str, sentence: Sentence) -> Sentence:
    """Return the sentence without a leading dateline."""
    m = _DATELINE_RE.match(text, sentence.start, sentence.end)
    if m is None or m.end() >= sentence.end:
        return sentence
    return replace(sentence, start=m.end())


def _parseable(sentence: Sentence) -> bool:
    return sentence.end - sentence.start <= _MAX_PARSED_CHARS


def _quotes_by_sentence(
    sentences: Sequence[Sentence], quotes: Sequence[Quote]
) -> list[list[Quote]]:
    """Return the quotes that overlap each sentence (at most a bounded number)."""
    out: list[list[Quote]] = []
    q_i = 0
    for sentence in sentences:
        while q_i < len(quotes) and quotes[q_i].end <= sentence.start:
            q_i += 1
        mine: list[Quote] = []
        j = q_i
        while j < len(quotes) and quotes[j].start < sentence.end:
            if len(mine) < _MAX_QUOTES_PER_SENTENCE:
                mine.append(quotes[j])
            j += 1
        out.append(mine)
    return out


def _statement(
    text: str,
    kind: Kind,
    start: int,
    end: int,
    sentence: Sentence,
    speaker: _Speaker | None,
    cue: str | None,
    addressee: str | None,
) -> ExtractedStatement:
    return ExtractedStatement(
        kind=kind,
        text=text[start:end],
        start=start,
        end=end,
        sentence_start=min(sentence.start, start),
        sentence_end=max(sentence.end, end),
        speaker=speaker.name if speaker else None,
        cue=cue,
        addressee=addressee,
    )


def _note_subject(
    text: str,
    sentence: Sentence,
    s_i: int,
    quotes: Sequence[Quote],
    index: SpeakerIndex,
    state: _State,
) -> None:
    """Remember who a sentence is about: its named subject, or what its "He"/"She" refers to."""
    first = _WORD_RE.match(text, sentence.start, sentence.end)
    if first is not None and first.group().lower() in ("he", "she"):
        ref = Ref(RefKind.PRONOUN, first.start(), first.end(), first.group().lower())
        found = _antecedent(ref, text, sentence, s_i, quotes, index, state)
        if found is not None:
            state.subject_at[s_i] = found
        return
    subject = _subject_mention(text, sentence.start, sentence.end, quotes, index)
    if subject is not None:
        state.subject_at[s_i] = _speaker_of_mention(text, subject, index)


def _speaker_of_mention(text: str, m: Mention, index: SpeakerIndex) -> _Speaker:
    kind = SpeakerKind.ORGANISATION if m.is_org else SpeakerKind.PERSON
    return _Speaker(index.resolve(m), kind, text[m.full_start : m.end])


def _resolve(
    ref: Ref | None,
    text: str,
    sentence: Sentence,
    s_i: int,
    quotes: Sequence[Quote],
    index: SpeakerIndex,
    state: _State,
    avoid: str | None = None,
) -> _Speaker | None:
    """Return the speaker a reference names; None when it names nobody identifiable."""
    if ref is None:
        return None
    if ref.kind is RefKind.NAME and ref.mention is not None:
        return _speaker_of_mention(text, ref.mention, index)
    if ref.kind is RefKind.PRONOUN:
        return _antecedent(ref, text, sentence, s_i, quotes, index, state, avoid)
    if ref.kind is RefKind.ROLE:
        role_name = index.resolve_role(ref.word, ref.start)
        alias = text[ref.start : ref.end]
        if role_name is not None:
            return _Speaker(role_name, SpeakerKind.PERSON, alias)
        # "the lawmaker": the person the text last named (not recorded as an alias),
        # unless that person is known by another role.
        before = index.person_before(ref.start)
        if before is not None:
            name = index.resolve(before)
            if not index.holds_other_office(name, ref.word):
                return _Speaker(name, SpeakerKind.PERSON, "")
        return None
    if ref.word in _SPEAKING_BODIES:
        # "the ministry said", "the statement said": the body or issuer named before.
        return _body(text, index, state, ref.word, ref.start, ref.end, s_i)
    return _Speaker(None, SpeakerKind.PERSON, text[ref.start : ref.end])


def _antecedent(
    ref: Ref,
    text: str,
    sentence: Sentence,
    s_i: int,
    quotes: Sequence[Quote],
    index: SpeakerIndex,
    state: _State,
    avoid: str | None = None,
) -> _Speaker | None:
    """Resolve a pronoun: the subject of its sentence, else the last speaker or subject.

    ``avoid`` is the person addressed ("he told Jane Ortiz"), who is not the speaker.
    """
    found = _antecedent_of(ref, text, sentence, s_i, quotes, index, state, avoid)
    if found is not None and ref.word in ("he", "she") and found.name is not None:
        # A pronoun resolved to the subject of its own sentence fixes the gender for later.
        here = _subject_mention(text, sentence.start, ref.start, quotes, index)
        if here is not None and index.resolve(here) == found.name:
            index.gender.setdefault(found.name, ref.word)
    return found


def _antecedent_of(
    ref: Ref,
    text: str,
    sentence: Sentence,
    s_i: int,
    quotes: Sequence[Quote],
    index: SpeakerIndex,
    state: _State,
    avoid: str | None = None,
) -> _Speaker | None:
    person = ref.word in ("he", "she")
    if person:
        here = _subject_mention(text, sentence.start, ref.start, quotes, index)
        if (
            here is not None
            and index.resolve(here) != avoid
            and index.agrees(index.resolve(here), ref.word)
        ):
            return _with_alias(_speaker_of_mention(text, here, index), ref.word)
    for back in range(1, 4):
        for found in (state.speaker_at.get(s_i - back), state.subject_at.get(s_i - back)):
            if found is None or found.name is None or found.name == avoid:
                continue
            if not index.agrees(found.name, ref.word):
                continue
            if person == (found.kind is SpeakerKind.PERSON):
                return _with_alias(found, ref.word)
    last = state.last
    if (
        person
        and last is not None
        and last.kind is SpeakerKind.PERSON
        and last.name != avoid
        and index.agrees(last.name, ref.word)
    ):
        return _with_alias(last, ref.word)
    if person:
        # "Ms. Halloran interviewed Mr. Ostrowski. Pressed, he said": the one who agrees.
        for m in reversed(index.mentions_in(max(0, sentence.start - _GENDER_WINDOW), ref.start)):
            name = index.resolve(m)
            if not m.is_org and name != avoid and index.gender.get(name) == ref.word:
                return _with_alias(_speaker_of_mention(text, m, index), ref.word)
    recent_org = state.last_org is not None and s_i - state.last_org_at <= _MAX_ORG_DISTANCE
    if not person and ref.word == "it" and recent_org and state.last_org is not None:
        return _with_alias(state.last_org, ref.word)  # "it said": the body that spoke
    if not person and ref.word == "it":
        # "The Port Board released a memo. It says ...": the body named just before.
        for m in reversed(index.mentions_in(max(0, sentence.start - _ISSUER_WINDOW), ref.start)):
            if m.is_org and not any(q.start <= m.start < q.end for q in quotes):
                return _Speaker(index.resolve(m), SpeakerKind.ORGANISATION, ref.word)
    return None


_GENDER_WINDOW = 400  # characters before a sentence searched for a pronoun that agrees
_MAX_ORG_DISTANCE = 6  # sentences after which "it" no longer means the last body that spoke


def _with_alias(speaker: _Speaker, alias: str) -> _Speaker:
    return _Speaker(speaker.name, speaker.kind, alias)


_OBJECT_MARKER_WORDS = """
    with by to of for from against at on about like including than told asked and or that
    if whether in into as who whom whose which when where while because
"""
_OBJECT_MARKERS = frozenset(_OBJECT_MARKER_WORDS.split())
_MAX_WORDS_BEFORE_SUBJECT = 3


def _subject_mention(
    text: str, start: int, end: int, quotes: Sequence[Quote], index: SpeakerIndex
) -> Mention | None:
    """Return the person named as the subject of ``text[start:end]``, outside quotes.

    The subject opens the sentence or a clause after an introductory phrase
    ("At a rally in Ohio, Jane Ortiz said"); names after prepositions, "that" and
    possessives are objects, and single words that name nobody known are skipped.
    """
    mentions = index.mentions_in(start, end)
    for i, m in enumerate(mentions):
        if m.end > end:
            break
        if m.is_org or m.name.isupper() or not index.is_full_person(m):
            continue
        if _named_again_as_subject(text, m, mentions[i + 1 : i + 2], end):
            continue
        if any(q.start <= m.full_start < q.end for q in quotes):
            continue
        if text[m.end : m.end + 2] in ("'s", "\u2019s"):
            continue
        clause_start = max(start, text.rfind(",", start, m.full_start) + 1)
        prev = _WORD_RE.findall(text, clause_start, m.full_start)
        if len(prev) > _MAX_WORDS_BEFORE_SUBJECT:
            continue
        if prev and prev[-1].lower() in _OBJECT_MARKERS:
            continue
        return m
    return None


def _role_subject(text: str, start: int, end: int, index: SpeakerIndex) -> _Speaker | None:
    """Return the person "The mayor" names when it is the whole subject of ``text[start:end]``
    ("The mayor described the budget as “a disaster”") and someone named earlier holds it."""
    subject = _ROLE_SUBJECT_RE.fullmatch(text, start, end)
    if subject is None:
        return None
    name = index.resolve_role(subject.group(1).lower(), subject.start())
    if name is None:
        return None
    return _Speaker(name, SpeakerKind.PERSON, text[subject.start() : subject.end(1)])


# "The mayor" or "The city's fire chief" opening a sentence, before its verb.
_ROLE_SUBJECT_RE = re.compile(r"\s*[\"\u201c]?the\s+(?:[\w\u2019'-]+\s+){0,2}?([a-z-]+)\s+", re.I)


def _named_again_as_subject(text: str, m: Mention, following: Sequence[Mention], end: int) -> bool:
    """Return True for "another tough guy, Mr. Putin, Mr. Trump was pressed": the name
    closes an introductory phrase and the next name, right after its comma, opens the
    clause. A list ("Jane Ortiz, Tom Hale and Ana Pell said") is not this.
    """
    if not following:
        return False
    after = following[0]
    between = text[m.end : after.full_start]
    if between.strip() != "," or after.end > end:
        return False
    rest = text[after.end : after.end + 5].lstrip()
    return not rest.startswith((",", "and ", "&", "or "))


def _words(text: str, start: int, end: int, *, limit: int | None = None) -> int:
    """Count the words of ``text[start:end]``, stopping early past ``limit``."""
    count = 0
    for _ in _WORD_RE.finditer(text, start, end):
        count += 1
        if limit is not None and count > limit:
            break
    return count


def _sentence_statements(
    text: str,
    sentence: Sentence,
    s_i: int,
    sentences: Sequence[Sentence],
    quotes: Sequence[Quote],
    index: SpeakerIndex,
    state: _State,
    parsed: ParsedSentence | None = None,
) -> list[ExtractedStatement]:
    cues = find_cues(text, sentence.start, sentence.end, quotes, index)
    if parsed is not None and parsed.not_verbs:
        # "the AP report is misleading": "report" is a noun, not "AP report(s)".
        cues = [c for c in cues if c.start not in parsed.not_verbs]
    out: list[tuple[int, ExtractedStatement]] = []
    resolved: dict[int, _Speaker | None] = {}
    participle_subject: _Speaker | None = None

    def speaker_of(k: int) -> _Speaker | None:
        if k not in resolved:
            cue = cues[k]
            if cue.participle:
                here = _subject_mention(text, sentence.start, cue.start, quotes, index)
                resolved[k] = participle_subject or (
                    _speaker_of_mention(text, here, index)
                    if here is not None
                    else state.subject_at.get(s_i)
                )
            else:
                told = index.resolve(cue.addressee) if cue.addressee is not None else None
                resolved[k] = _resolve(cue.ref, text, sentence, s_i, quotes, index, state, told)
            if parsed is not None:
                resolved[k] = _checked_by_parse(
                    text, sentence, s_i, quotes, index, state, parsed, cue, resolved[k]
                )
        return resolved[k]

    for c_i, cue in enumerate(cues):
        if not cue.participle and participle_subject is None:
            participle_subject = speaker_of(c_i)

    # Quotes first: attributed by an adjacent cue, carried over, or embedded in a clause.
    claimed_quote_cues: set[int] = set()
    for q in quotes:
        k = _cue_after_quote(text, q, cues, quotes)
        if k is None:
            k = _cue_before_quote(q, cues)
        standalone = _is_standalone(text, sentence, q, quotes)
        speaker: _Speaker | None
        cue_word: str | None = None
        addressee: str | None = None
        if k is not None:
            speaker = speaker_of(k)
            cue_word = cues[k].verb
            person_told = cues[k].addressee
            addressee = person_told.name if person_told is not None else None
            claimed_quote_cues.add(k)
        elif q.continued and state.open_quote is not None:
            speaker = state.open_quote
            cue_word = state.last_cue
        elif standalone:
            speaker = _carried(text, sentence, s_i, sentences, index, state)
            if speaker is not None and speaker is state.last:
                cue_word = state.last_cue  # a continuation of the same speaker's words
        else:
            named = _NAMING_VERB_RE.search(
                text, max(sentence.start, q.start - _NAMING_WINDOW), q.start
            )
            if named is not None and _words(text, q.inner_start, q.inner_end, limit=2) >= 2:
                # "Piers Langley called the plan “a giveaway to a billionaire.”": his words,
                # however short, when the subject of the sentence is a person.
                here = _subject_mention(text, sentence.start, named.start(), quotes, index)
                if here is not None:
                    speaker = _speaker_of_mention(text, here, index)
                else:
                    speaker = _role_subject(text, sentence.start, named.start(), index)
                    if speaker is None:
                        continue
                cue_word = named.group(1).lower()
            elif _words(text, q.inner_start, q.inner_end, limit=_MIN_EMBEDDED_WORDS) < (
                _MIN_EMBEDDED_WORDS
            ):
                continue
            else:
                host = _cue_containing(q, cues)
                speaker = speaker_of(host) if host is not None else None
                cue_word = cues[host].verb if host is not None else None
                if host is None:
                    # The author quotes the subject of their own sentence.
                    here = _subject_mention(text, sentence.start, q.start, quotes, index)
                    speaker = _speaker_of_mention(text, here, index) if here is not None else None
        st = _statement(
            text, Kind.DIRECT, q.inner_start, q.inner_end, sentence, speaker, cue_word, addressee
        )
        out.append((q.inner_start, st))
        _remember(state, speaker, s_i, cue_word)
        if not q.closed and q.end >= sentence.end:
            state.open_quote = speaker
    # Reported clauses.
    for k, cue in enumerate(cues):
        span = cue.clause
        if span is None and k not in claimed_quote_cues:
            span = _clause_before(text, sentence, cue, quotes)
        if span is not None:
            span = _cut_at_other_cue(text, span, k, cues)
        if span is None or cue.quote_only or _mostly_quoted(text, span, quotes):
            continue
        speaker = speaker_of(k)
        told = cue.addressee.name if cue.addressee else None
        st = _statement(text, Kind.INDIRECT, span[0], span[1], sentence, speaker, cue.verb, told)
        out.append((span[0], st))
        _remember(state, speaker, s_i, cue.verb)
    for k, cue in enumerate(cues):
        if k in resolved and cue.ref is not None:
            sp = resolved[k]
            if sp is not None and sp.name is not None and cue.ref.kind is not RefKind.PRONOUN:
                index.record(sp.name, kind=sp.kind, alias=sp.alias, role=cue.ref.role)
    # Two cues giving the same clause ("While Ortiz has pledged ..., Hale suggested that X"):
    # the later cue, nearest the clause, attributes it.
    last_of: dict[tuple[Kind, int, int], int] = {}
    for n, (_, st) in enumerate(out):
        last_of[(st.kind, st.start, st.end)] = n
    kept = [
        pair
        for n, pair in enumerate(out)
        if last_of[(pair[1].kind, pair[1].start, pair[1].end)] == n
    ]
    kept.sort(key=lambda pair: pair[0])
    return [st for _, st in kept]


# "called it", "described the plan as", "dubbed him" right before a quote: the subject's
# own words for something.
_NAMING_WINDOW = 100  # characters before a quote that may hold "described the plan as"
_NAMING_VERB_RE = re.compile(
    r"\b(called|dubbed|labell?ed|branded|described)\s+(?:[\w\u2019'-]+\s+){0,4}?(?:as\s+)?\Z",
    re.IGNORECASE,
)


def _remember(state: _State, speaker: _Speaker | None, s_i: int, cue: str | None) -> None:
    if speaker is not None and speaker.name is not None:
        if speaker.kind is SpeakerKind.ORGANISATION:
            state.last_org = speaker
            state.last_org_at = s_i
        state.last = speaker
        state.last_cue = cue
        state.last_at = s_i
        state.speaker_at[s_i] = speaker


def _cue_after_quote(
    text: str, q: Quote, cues: Sequence[Cue], quotes: Sequence[Quote]
) -> int | None:
    """Return the cue of a `"...," NAME said` attribution that follows quote ``q``."""
    for k, cue in enumerate(cues):
        if cue.start < q.end:
            continue
        if any(q.end <= other.start < cue.start for other in quotes):
            return None
        gap_start = cue.subject_start if not cue.inverted else cue.start
        if cue.start - q.end > _MAX_GAP_CHARS:
            return None
        if _words(text, q.end, min(gap_start, cue.start), limit=_MAX_GAP_WORDS) > _MAX_GAP_WORDS:
            return None
        between = text[q.end : cue.start]
        if "." in between.replace("Mr.", "").replace("Mrs.", "").replace("Ms.", "").replace(
            "Dr.", ""
        ).replace("Sen.", "").replace("Rep.", "").replace("Gov.", ""):
            return None
        if not _ends_with_attribution_mark(text, q):
            return None
        return k
    return None


def _ends_with_attribution_mark(text: str, q: Quote) -> bool:
    inner_tail = text[q.inner_end : q.end]
    if "," in inner_tail:
        return True
    last = text[q.inner_end - 1 : q.inner_end]
    if last in "?!\u2014-\u2026.":
        return True
    after = text[q.end : q.end + 2].lstrip()
    return after.startswith((",", "\u2014"))


def _cue_before_quote(q: Quote, cues: Sequence[Cue]) -> int | None:
    """Return the cue that introduces quote ``q`` (`NAME said: "..."`)."""
    for k, cue in enumerate(cues):
        if cue.quote_at == q.start:
            return k
    return None


def _cue_containing(q: Quote, cues: Sequence[Cue]) -> int | None:
    for k, cue in enumerate(cues):
        if cue.clause is not None and cue.clause[0] <= q.start < cue.clause[1]:
            return k
    for k, cue in enumerate(cues):
        if cue.start > q.end:
            return k
    return None


def _is_standalone(text: str, sentence: Sentence, q: Quote, quotes: Sequence[Quote]) -> bool:
    """Return True when the quote is (almost) the whole sentence."""
    before = _words(text, sentence.start, q.start, limit=2)
    return before + _words(text, q.end, sentence.end, limit=2) <= 2


def _carried(
    text: str,
    sentence: Sentence,
    s_i: int,
    sentences: Sequence[Sentence],
    index: SpeakerIndex,
    state: _State,
) -> _Speaker | None:
    """Return the speaker of a stand-alone quote: the previous sentence's speaker or subject."""
    if s_i == 0:
        return None
    if state.last is not None and state.last_at == s_i - 1:
        return state.last
    return state.subject_at.get(s_i - 1)


def _sentence_subject(
    text: str, sentence: Sentence, index: SpeakerIndex, state: _State
) -> _Speaker | None:
    """Return the named subject at the start of a sentence, if any."""
    head = _WORD_RE.match(text, sentence.start, sentence.end)
    if head is None:
        return None
    for m in index.mentions_in(sentence.start, min(sentence.end, sentence.start + 60))[:1]:
        if _words(text, sentence.start, m.full_start) <= 1:
            kind = SpeakerKind.ORGANISATION if m.is_org else SpeakerKind.PERSON
            return _Speaker(index.resolve(m), kind, text[m.full_start : m.end])
    low = head.group().lower()
    if low in ("he", "she") and state.last is not None and state.last.kind is SpeakerKind.PERSON:
        return state.last
    return None


def _clause_before(
    text: str, sentence: Sentence, cue: Cue, quotes: Sequence[Quote]
) -> tuple[int, int] | None:
    """Return the clause before an attribution: "CLAUSE, NAME said." """
    end = cue.subject_start if not cue.inverted else cue.start
    if cue.verb == "according to":
        end = cue.start
    while end > sentence.start and text[end - 1].isspace():
        end -= 1
    article = _ARTICLE_BEFORE_RE.search(text, max(sentence.start, end - 8), end)
    if article is not None:
        end = article.start()  # "CLAUSE, the Washington Post reported."
    if end <= sentence.start or text[end - 1] != ",":
        return None
    end -= 1
    start = sentence.start
    for q in quotes:
        if q.end <= end and q.end > start and q.start <= start:
            start = q.end
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    if _words(text, start, end) < 3:
        return None
    if any(q.start <= start and q.end >= end for q in quotes):
        return None
    first = _WORD_RE.match(text, start, end)
    if first is not None and first.group().lower() in _NOT_CLAUSE_OPENERS:
        return None  # "During a rally in Ohio, Jane Ortiz said": a setting, not speech
    return start, end


_ARTICLE_BEFORE_RE = re.compile(r"(?<=,)\s*(?:the|a|an)$", re.IGNORECASE)
_NOT_CLAUSE_OPENER_WORDS = """
    during at in on after before while when speaking asked despite since following amid
    addressing answering responding instead
"""
_NOT_CLAUSE_OPENERS = frozenset(_NOT_CLAUSE_OPENER_WORDS.split())


def _cut_at_other_cue(
    text: str, span: tuple[int, int], k: int, cues: Sequence[Cue]
) -> tuple[int, int] | None:
    """End a clause where another attribution starts ("A, Jane Ortiz said B")."""
    start, end = span
    for j, other in enumerate(cues):
        if j == k or other.ref is None:
            continue
        if other.ref.kind is RefKind.PRONOUN and not other.participle:
            continue  # "Ortiz said she pledged ...": reported speech nested in the clause
        head = other.start if other.inverted or other.participle else other.subject_start
        if head == start:
            return None  # the clause is itself an attribution: "X said Y, according to Z"
        if start < head < end:
            end = head
    if end == span[1]:
        return span
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    for conjunction in (" and", " but"):
        if text.endswith(conjunction, start, end):
            end -= len(conjunction)
    if _words(text, start, end) < 3:
        return None
    return start, end


def _mostly_quoted(text: str, span: tuple[int, int], quotes: Sequence[Quote]) -> bool:
    """Return True when a clause is nearly all quotation (only the quote is a statement)."""
    total = _words(text, span[0], span[1])
    if total == 0:
        return True
    quoted = 0
    for q in quotes:
        lo, hi = max(q.inner_start, span[0]), min(q.inner_end, span[1])
        if lo < hi:
            quoted += _words(text, lo, hi)
    return total - quoted < _MIN_UNQUOTED_WORDS


# Nouns for bodies and documents that speak: "the ministry said", "the report said".
_BODY_NOUNS = _wordset(
    """
    ministry department agency committee commission council board panel campaign group
    government administration office authority court company firm union party police
    newspaper paper magazine network channel outlet website organization organisation
    association institute university college school bank foundation coalition team league
    """
)
_DOCUMENT_NOUNS = _wordset(
    """
    statement report memo memorandum review letter release study survey poll analysis audit
    filing document lawsuit complaint petition summary editorial column post tweet message
    """
)

_MEDIA_NOUNS = _wordset("newspaper paper magazine network channel outlet website daily tabloid")
_SPEAKING_NOUNS = _BODY_NOUNS | _DOCUMENT_NOUNS | UNNAMED
_SPEAKING_BODIES = _BODY_NOUNS | _DOCUMENT_NOUNS


def _with_parsed(
    text: str,
    sentence: Sentence,
    s_i: int,
    quotes: Sequence[Quote],
    index: SpeakerIndex,
    state: _State,
    parsed: ParsedSentence,
    found: list[ExtractedStatement],
) -> list[ExtractedStatement]:
    """Add the parser's reported clauses that the rules did not find."""
    out = [
        part
        for st in found
        if not _other_sense(st, parsed)
        for part in _split_by_parse(text, sentence, st, parsed)
    ]
    taken = [(st.start, st.end) for st in out if st.kind is not Kind.CLAIM]
    added = len(out) != len(found)
    for speech in parsed.speech:
        speaker: _Speaker | None = None
        resolved = False
        for span in speech.clauses:
            if any(lo < span[1] and span[0] < hi for lo, hi in taken):
                continue
            if _mostly_quoted(text, span, quotes):
                continue
            if not resolved:
                speaker = _parsed_speaker(text, sentence, s_i, quotes, index, state, speech)
                resolved = True
            out.append(
                _statement(
                    text, Kind.INDIRECT, span[0], span[1], sentence, speaker, speech.verb, None
                )
            )
            taken.append(span)
            added = True
            _remember(state, speaker, s_i, speech.verb)
    if added:
        out.sort(key=lambda st: st.start)
    return out


def _checked_by_parse(
    text: str,
    sentence: Sentence,
    s_i: int,
    quotes: Sequence[Quote],
    index: SpeakerIndex,
    state: _State,
    parsed: ParsedSentence,
    cue: Cue,
    found: _Speaker | None,
) -> _Speaker | None:
    """Return the parse's speaker for a cue the rules gave nobody, or only a body, where
    the parse names a person ("said Acme researcher Jane Ortiz")."""
    if found is not None and (found.name is None or found.kind is SpeakerKind.PERSON):
        return found  # a person, or an unnamed source ("a spokesman")
    speech = next((sp for sp in parsed.speech if sp.verb_start == cue.start), None)
    if speech is None:
        return found
    if found is not None and speech.entity != "PERSON":
        return found
    better = _parsed_speaker(text, sentence, s_i, quotes, index, state, speech)
    return better if better is not None and better.name is not None else found


def _other_sense(st: ExtractedStatement, parsed: ParsedSentence) -> bool:
    """Return True for a rules' reported clause whose cue verb is not speech in the parse."""
    cue = st.cue or ""
    return (
        st.kind is Kind.INDIRECT and cue in parsed.other_senses and cue not in parsed.speech_forms
    )


def _split_by_parse(
    text: str, sentence: Sentence, st: ExtractedStatement, parsed: ParsedSentence
) -> list[ExtractedStatement]:
    """Split a rules' "that X and that Y" clause where the parse has two clauses in it."""
    if st.kind is not Kind.INDIRECT:
        return [st]
    for speech in parsed.speech:
        parts = [c for c in speech.clauses if st.start <= c[0] and c[1] <= st.end]
        if len(parts) >= 2 and speech.verb == st.cue:
            return [replace(st, text=text[lo:hi], start=lo, end=hi) for lo, hi in parts]
    return [st]


def _parsed_speaker(
    text: str,
    sentence: Sentence,
    s_i: int,
    quotes: Sequence[Quote],
    index: SpeakerIndex,
    state: _State,
    speech: Speech,
) -> _Speaker | None:
    """Return who a parsed attribution names: a name, a pronoun's antecedent, a body."""
    if speech.head is None or speech.subject is None:
        return None
    start, end = speech.head
    word = speech.head_word
    if word in ("he", "she", "it", "they"):
        ref = Ref(RefKind.PRONOUN, start, end, word)
        found = _antecedent(ref, text, sentence, s_i, quotes, index, state)
        return found
    if word in ("i", "we", "you"):
        return None
    lo, hi = speech.subject
    for m in index.mentions_in(lo, hi):
        if m.words == 1 and m.name.lower() in _SPEAKING_NOUNS:
            continue  # "Report says ...": a capital for the headline, not a name
        if m.full_start <= start and end <= m.end + 1:
            found = _speaker_of_mention(text, m, index)
            if speech.entity in _ORG_LABELS and found.kind is SpeakerKind.PERSON and m.words == 1:
                found = _Speaker(found.name, SpeakerKind.ORGANISATION, found.alias)
            return found
    lemma = speech.head_lemma
    if lemma in _BODY_NOUNS or lemma in _DOCUMENT_NOUNS:
        return _body(text, index, state, lemma, lo, hi, s_i)
    if lemma in _PERSON_NOUNS and text[lo:hi].lower().startswith(("the ", "this ")):
        ref = Ref(RefKind.ROLE, lo, hi, lemma)
        return _resolve(ref, text, sentence, s_i, quotes, index, state)
    return None


def _body(
    text: str, index: SpeakerIndex, state: _State, noun: str, lo: int, hi: int, s_i: int
) -> _Speaker | None:
    """Return the organisation "the ministry" or "its report" stands for, if named."""
    alias = text[lo:hi]
    inside = [m for m in index.mentions_in(lo, hi) if m.end <= hi]
    for m in reversed(inside):
        owner = text[m.end : m.end + 2] in _POSSESSIVES
        kind = index.entity_kinds.get(m.start)
        person = not m.is_org and (kind is not SpeakerKind.ORGANISATION or index.is_full_person(m))
        right_before = text[m.end : hi].strip().lower() == noun
        if person and (owner or right_before) and noun == "campaign":
            # "Jane Ortiz's campaign said", "the Ortiz campaign said": the campaign speaks,
            # not the candidate.
            name = f"{index.resolve(m).split()[-1]} campaign"
            found = _Speaker(name, SpeakerKind.ORGANISATION, alias)
            state.bodies[noun] = found
            return found
        if person:
            return None  # "the mayor's office said": an unnamed source
        if m.is_org or owner or kind is not None:
            # "the port authority's review", "Acme's annual report": the owner speaks.
            return _Speaker(index.resolve(m), SpeakerKind.ORGANISATION, alias)
    phrase = alias.lower()
    if not phrase.startswith(("the ", "its ", "this ", "that ")):
        return None  # "a report", "an agency": nobody the article names
    if noun in state.bodies:
        return _with_alias(state.bodies[noun], alias)
    recent_org = state.last_org is not None and s_i - state.last_org_at <= _MAX_ORG_DISTANCE
    if noun in _MEDIA_NOUNS:
        # "the newspaper reported": the publication cited just before.
        if recent_org and state.last_org is not None:
            return _with_alias(state.last_org, alias)
        last = state.last
        if (
            last is not None
            and last.name is not None
            and s_i - state.last_at <= _MAX_ORG_DISTANCE
            and index.kind_of(last.name) is SpeakerKind.ORGANISATION
        ):
            return _Speaker(last.name, SpeakerKind.ORGANISATION, alias)
    if noun in _BODY_NOUNS:
        for m in reversed(index.mentions_in(max(0, lo - 5_000), lo)):
            if m.is_org and noun in m.name.lower().split():
                return _Speaker(index.resolve(m), SpeakerKind.ORGANISATION, alias)
    if noun in _DOCUMENT_NOUNS:
        # "the statement said": its issuer, the body or person who spoke just before,
        # else a body named just before ("Acme published its review. The review said").
        if state.last_org is not None and s_i - state.last_org_at <= _MAX_ORG_DISTANCE:
            return _with_alias(state.last_org, alias)
        if state.last is not None and s_i - state.last_at <= 2:
            return _with_alias(state.last, alias)
        for m in reversed(index.mentions_in(max(0, lo - _ISSUER_WINDOW), lo)):
            if m.is_org:
                return _Speaker(index.resolve(m), SpeakerKind.ORGANISATION, alias)
    return None


_ISSUER_WINDOW = 400  # characters before "the report said" that may name its issuer


_POSSESSIVES = ("'s", "\u2019s")


def extract_text(text: str, *, title: str | None = None) -> Extraction:
    """Alias of ``run`` kept for readability at call sites."""
    return run(text, title=title)


__all__ = ["extract_text", "find_quotes", "run"]
