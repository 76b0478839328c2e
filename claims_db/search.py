"""Search: an in-memory inverted index over statements, question parsing and ranking.

Ranking runs in two phases. Phase one walks the postings of the question's rarer terms
(BM25 weights, length-normalised) to pick a few hundred candidates; very common terms are
skipped there because phase two scores them anyway. Phase two scores each candidate
exactly from its stored term sequence: BM25 credit per question word (best of the word's
spelling alternatives), a context field (the sentence around the statement and, for short
quotes, the statement before it), adjacent-word pairs, and how much of the statement the
question covers. The result is a score in 0..1; below ``threshold`` nothing is returned.
"""

from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from claims_db.extract.speakers import TITLES
from claims_db.models import Match, Ranking, Speaker, Statement
from claims_db.query import Intent, Mention, Question, parse
from claims_db.textnorm import (
    IRREGULAR_FORMS,
    NEGATION_PARTNERS,
    NEGATIONS,
    OPPOSITE_OF,
    QUESTION_WORDS,
    STOP_WORDS,
    WORD,
    clean,
    polar_words,
    stem,
    terms,
    words,
)

# BM25 parameters: the usual defaults. On retrieval-dev, k1 0.9-1.5 and b 0.5-0.9 move
# MAP@5 by less than 0.005.
_K1 = 1.2
_B = 0.75
# Weight of a question word found only in a statement's context, not in its text.
_CONTEXT_WEIGHT = 0.35
# Weight of a word of a question directed at a speaker that is not in the statement or its
# context but in the first statements of its article: asked what the city attorney said
# about the ruling, her "the city would appeal" answers, in an article whose lede is the ruling.
_SUBJECT_WEIGHT = 0.25
_SUBJECT_STATEMENTS = 2
# Statements with at most this many terms take the previous statement as extra context.
_SHORT_STATEMENT = 8
# Candidates kept from phase one, and the postings length above which a term is only
# scored on candidates that rarer terms already found.
_CANDIDATES = 50
# Phase-one candidates handed to the semantic stage: scoring cosine on the top 1,000 BM25
# statements instead of all of them costs MAP@5 about 0.002 (issue 16).
POOL = 1000
_COMMON_POSTINGS = 5000
# Default score below which a question is answered with []: on retrieval-dev the highest
# cut that still answers >= 90% of answerable tweets (bench/retrieval.py --sweep).
DEFAULT_THRESHOLD = 0.105
_NO_SPEAKER = -1


def _allowed_edits(word: str) -> int:
    """Return how many typos (a swap of neighbours counts as one) a word may carry."""
    return 0 if len(word) < 5 else 1 if len(word) <= 8 else 2


def _combine(coverage: float, doc_cover: float, pair_share: float) -> float:
    """Blend the features of a candidate into one score in 0..1."""
    return 0.7 * coverage + 0.12 * doc_cover * math.sqrt(coverage) + 0.18 * pair_share


# Weight of "qualified" for a question that says "unqualified", and the reverse.
_NEGATED_FORM_WEIGHT = 0.7
# Weight of "won" for a question that says "win", and the reverse.
_IRREGULAR_FORM_WEIGHT = 0.9
MAX_COMPOUND_CHARS = 30
NEGATION_REACH = 4  # words after a negation that it governs ("did not fully back the plan")


# Verbs that carry a negation into the clause after them: "I don't believe that she is
# qualified" denies that she is qualified.
_NEGATION_RAISING = frozenset({"think", "believe", "expect", "suppose", "feel", "imagine"})


def _negates_shared(word_list: list[str], shared: set[str]) -> bool:
    """Return whether a word of ``shared`` (stems) stands under an odd number of negations.

    Each occurrence is judged on its own, so "I don't think so. I don't think so."
    negates twice over rather than cancelling out, while "not unlikely" does cancel.
    Linear in the words: each negation adds one over the words it governs, through a
    difference array.
    """
    n = len(word_list)
    change = [0] * (n + 1)
    last: tuple[int, int] | None = None  # (start, end) of the latest negation's reach
    for i, word in enumerate(word_list):
        if word not in NEGATIONS:
            continue
        reach = NEGATION_REACH
        if i + 1 < n and word_list[i + 1] in _NEGATION_RAISING:
            reach += NEGATION_REACH
        end = min(i + reach, n - 1)
        if last is not None and i <= last[1] and end > last[1]:
            # "not unsafe in a storm": a negation inside another's reach shares its end,
            # so the two cancel out on every word they govern.
            change[last[1] + 1] += 1
            change[end + 1] -= 1
        elif last is not None and i <= last[1]:
            end = last[1]
        change[i + 1] += 1
        change[end + 1] -= 1
        last = (i, end)
    if last is None:
        return False
    governing = 0
    for j, word in enumerate(word_list):
        governing += change[j]
        if governing % 2 == 1 and stem(word) in shared:
            return True
    return False


# "spokeswoman for the Lanvik Retail Council": a question about the council is directed
# at her, a little below a question that names her.
_AFFILIATION_WEIGHT = 0.8

# Weight of a statement that shares too little with a question not directed at a speaker
# to answer it. Both tests count only for short questions (or who-said ones): in a pasted
# passage most words are not the point ("— Pope Francis (@Pontifex) April 29, 2018").
# - It holds under a third of the question's content words ("how many people live in
#   Brackwater?" and a statement with "lived"), or under half of a who-said question's: a
#   who-said question quotes a statement, so most of it should be there ("who said
#   electric cars are a fad?" and a quote about cars). On the five held-out sets every
#   right who-said answer held at least half (19 of 19); of the other questions, the
#   answers holding under a third were all wrong (5 of 5), while a paraphrase's right
#   answer may hold 2 of 5 ("wind turbines will ruin fishing areas").
# - It shares only names ("Marlow" for "what is the population of Marlow?") while the
#   question asks about other words: sharing the setting is not answering.
_WEAK_MATCH_WEIGHT = 0.25
_SHORT_QUESTION_WORDS = 8
# The part of a question's words a statement must hold (1/n), by intent. A pasted claim is
# exempt: a post's signature ("— Nature is Scary (@TheScaryNature) April 21, 2018") holds
# as many words as its claim.
_PART_NEEDED = {Intent.WHO_SAID: 2, Intent.TOPIC: 3}
# Statements read to tell whether an index term is a name (written capitalised mid-sentence,
# never in lower case).
_NAME_SAMPLE = 12
_SENTENCE_OPENERS = frozenset(".!?:\"'(\u201c\u2018")
_AFFILIATION_PREPOSITIONS = frozenset({"for", "of", "at", "with"})


# Words of an elliptical answer: "she would not", "he did not think so", "no".
_DENIAL_TEXT = """
i you he she it we they would will did does do is are was were could can should has have had
think so
"""
_DENIAL_WORDS = frozenset(_DENIAL_TEXT.split())


def _is_bare_denial(word_list: list[str]) -> bool:
    """Return True for "she would not": a negation and nothing it could negate but the context."""
    return any(w in NEGATIONS for w in word_list) and all(
        w in NEGATIONS or w in _DENIAL_WORDS for w in word_list
    )


def _affiliations(role_words: list[str]) -> list[str]:
    """Return the body a role belongs to, in full and without its first word when at least
    two words remain ("lanvik retail council", "retail council")."""
    for i, word in enumerate(role_words):
        if word in _AFFILIATION_PREPOSITIONS:
            body = [w for w in role_words[i + 1 :] if w not in STOP_WORDS]
            out = [" ".join(body)] if body else []
            if len(body) >= 3:
                out.append(" ".join(body[1:]))
            return out
    return []


@dataclass(slots=True)
class _Slot:
    """One content word of a question and the index terms that may stand for it."""

    word: str
    alternatives: list[tuple[int, float]]  # (term id, weight 0..1)
    idf: float


# A question directed at a known speaker ranks statements by others that name that speaker
# (text or sentence) at this weight, and statements by others that do not at the second;
# a pasted claim that names someone is less about what they said, so the last two.
_ABOUT_WEIGHT = 0.75
_OTHER_SPEAKER_WEIGHT = 0.15
_ABOUT_CLAIM_WEIGHT = 0.85
_OTHER_CLAIM_WEIGHT = 0.5
# ... and statements by others that name the speaker, for a question that asks what the
# speaker said ("Delacroix on evacuation"): her own words are the answer.
_ABOUT_STATEMENTS_WEIGHT = 0.3
# Weight of a statement in the article's own voice, or of an unnamed speaker, for a
# who-said question: it still answers, below a named speaker's statement that matches as well.
_WHO_SAID_UNSPOKEN_WEIGHT = 0.9
# A question word found in at most _RARE_DF statements also matches terms a typo away
# that are in _NEIGHBOUR_DF_RATIO times as many statements (and at least
# _NEIGHBOUR_MIN_DF), at this weight (times 1 - edits/length) below the exact word.
_RARE_DF = 2
_NEIGHBOUR_DF_RATIO = 5
_NEIGHBOUR_MIN_DF = 3
_NEIGHBOUR_WEIGHT = 0.8
# fuzz.ratio at or above which a known speaker's name is offered for an unknown one.
_DID_YOU_MEAN = 75
# A figure in a statement, for questions that ask for one ("how many ...").
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|dozen|half|third|quarter|percent)",
    re.IGNORECASE,
)
# A statement must hold this share of a pasted claim's words, and this share of its own
# idf mass must be the claim's, before a difference in polarity is called a contradiction:
# otherwise the two are not about the same thing.
_CONTRADICTION_MATCHED = 0.6
_CONTRADICTION_DOC_COVER = 0.3


def _capitalised_words(text: str) -> set[str]:
    """Return the lower-cased words written capitalised in ``text``."""
    return {w.lower() for w in WORD.findall(clean(text)) if w[:1].isupper()}


def _original_words(text: str, span: list[str]) -> str:
    """Return ``span`` (lower-cased words of ``text``) as ``text`` writes them."""
    pattern = r"\W+".join(re.escape(w) for w in span)
    found = re.search(pattern, clean(text), re.IGNORECASE)
    return found.group() if found else " ".join(span)


@dataclass(slots=True)
class _Scored:
    doc: int
    score: float
    matched: tuple[str, ...]
    features: dict[str, float]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A statement the lexical stage found for a question."""

    statement_id: str
    doc: int
    bm25: float  # phase one's BM25 (0 when phase one was skipped)
    score: float | None  # phase two's exact score; None beyond the first candidates
    matched: tuple[str, ...]
    by_speaker: float | None = None  # directed questions: how much it is by that speaker


@dataclass(slots=True)
class Lexical:
    """The lexical stage's view of a question: its parse and its candidates."""

    question: Question
    slots: int  # content words of the question
    candidates: list[Candidate]  # phase-two scored (best first), then the pool by BM25
    ranked: list[_Scored]
    direct: list[Match] | None  # the answer already (a bare speaker question, or nothing)
    speakers: dict[str, float] | None = None  # speaker id -> weight, when the question names some
    unknown_speaker: str | None = None
    did_you_mean: tuple[str, ...] = ()


def _distinct(docs: NDArray[np.int32]) -> NDArray[np.int32]:
    """Return the distinct doc numbers of a postings view (ascending, repeats adjacent)."""
    if len(docs) < 2:
        return docs
    keep = np.empty(len(docs), dtype=bool)
    keep[0] = True
    np.not_equal(docs[1:], docs[:-1], out=keep[1:])
    return docs[keep]


class SearchIndex:
    """Rank stored statements for a question; updated on every add and remove."""

    def __init__(self, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        # Vocabulary.
        self._term_ids: dict[str, int] = {}
        self._terms: list[str] = []
        self._df: array[int] = array("i")
        self._postings: list[array[int]] = []  # term id -> doc ids (a doc repeats per occurrence)
        self._ctx_postings: list[array[int] | None] = []
        self._sorted_vocab: list[str] | None = None
        self._vocab_buckets: dict[tuple[str, int], list[str]] | None = None
        # The same buckets holding only terms in at least _NEIGHBOUR_MIN_DF statements
        # when they were built (rebuilt with the vocabulary), for typo neighbours.
        self._common_buckets: dict[tuple[str, int], list[str]] | None = None
        # Term id -> idf, kept across questions until the next add or remove.
        self._idf_memo: dict[int, float] = {}
        # Documents (one per statement), addressed by a dense int.
        self._doc_of: dict[str, int] = {}
        self._ids: list[str | None] = []
        self._texts: list[str] = []
        self._doc_terms: list[array[int]] = []
        self._doc_len: array[int] = array("i")  # terms a doc had when indexed
        self._doc_ctx: list[array[int] | None] = []
        self._doc_speaker: array[int] = array("i")
        self._doc_article: list[str] = []
        self._article_lede: dict[str, list[int]] = {}  # article -> its first statements
        self._alive = bytearray()
        self._live = 0
        self._dead = 0
        self._total_len = 0
        # Speakers.
        self._speakers: dict[str, Speaker] = {}
        self._speaker_num: dict[str, int] = {}
        self._speaker_ids: list[str] = []
        self._speaker_docs: list[list[int]] = []
        self._names: dict[str, dict[int, float]] = {}
        self._name_tokens: dict[str, set[int]] = {}
        # Speaker number -> its keys in _names and _name_tokens, to drop them without a scan.
        self._keys_of: list[tuple[set[str], set[str]]] = []
        self._name_token_list: list[str] | None = None
        self._role_word_set: set[str] | None = None
        self._name_terms: dict[int, bool] = {}  # term id -> is a name (filled on demand)

    # ----------------------------------------------------------------------------- updates

    def __len__(self) -> int:
        """Return the number of indexed statements."""
        return self._live

    def add(self, statements: Iterable[Statement], speakers: Iterable[Speaker]) -> None:
        """Index statements; speakers (new or updated with more aliases) replace earlier ones."""
        self._idf_memo = {}
        for speaker in speakers:
            self._add_speaker(speaker)
        self._name_terms.clear()
        batch = list(statements)
        known = [s.id for s in batch if s.id in self._doc_of]
        if known:
            self.remove(known)
        by_article: dict[str, list[Statement]] = {}
        for statement in batch:
            by_article.setdefault(statement.article_id, []).append(statement)
        for article_statements in by_article.values():
            article_statements.sort(key=lambda s: s.start)
            previous: list[str] = []
            first = len(self._ids)
            for statement in article_statements:
                previous = self._add_statement(statement, previous)
            lede = range(first, first + min(_SUBJECT_STATEMENTS, len(article_statements)))
            self._article_lede[article_statements[0].article_id] = list(lede)

    def _term_id(self, term: str) -> int:
        tid = self._term_ids.get(term)
        if tid is None:
            tid = len(self._terms)
            self._term_ids[term] = tid
            self._terms.append(term)
            self._df.append(0)
            self._postings.append(array("i"))
            self._ctx_postings.append(None)
        return tid

    def _add_statement(self, statement: Statement, previous: list[str]) -> list[str]:
        doc = len(self._ids)
        text_terms = terms(statement.text)
        term_id = self._term_ids.get
        term_ids = array("i", (term_id(t) or self._term_id(t) for t in text_terms))
        context: set[str] = set()
        if statement.sentence != statement.text:
            context.update(terms(statement.sentence))
        if statement.addressee:
            context.update(terms(statement.addressee))
        if len(text_terms) <= _SHORT_STATEMENT:
            context.update(previous)
        context.difference_update(text_terms)
        ctx_ids = array("i", sorted(self._term_id(t) for t in context)) if context else None
        for tid in term_ids:
            self._postings[tid].append(doc)
        for tid in set(term_ids):
            self._df[tid] += 1
            if self._df[tid] == 1:  # a word the vocabulary did not have
                self._sorted_vocab = self._vocab_buckets = self._common_buckets = None
        if ctx_ids is not None:
            for tid in ctx_ids:
                postings = self._ctx_postings[tid]
                if postings is None:
                    postings = self._ctx_postings[tid] = array("i")
                postings.append(doc)
        speaker = _NO_SPEAKER
        if statement.speaker_id is not None:
            speaker = self._speaker_number(statement.speaker_id)
            self._speaker_docs[speaker].append(doc)
            if statement.speaker_id not in self._speakers and statement.speaker:
                self._add_speaker(Speaker(id=statement.speaker_id, name=statement.speaker))
        self._doc_of[statement.id] = doc
        self._ids.append(statement.id)
        self._texts.append(statement.text)
        self._doc_terms.append(term_ids)
        self._doc_len.append(len(term_ids))
        self._doc_ctx.append(ctx_ids)
        self._doc_speaker.append(speaker)
        self._doc_article.append(statement.article_id)
        self._alive.append(1)
        self._live += 1
        self._total_len += len(term_ids)
        return text_terms

    def _speaker_number(self, speaker_id: str) -> int:
        num = self._speaker_num.get(speaker_id)
        if num is None:
            num = len(self._speaker_ids)
            self._speaker_num[speaker_id] = num
            self._speaker_ids.append(speaker_id)
            self._speaker_docs.append([])
            self._keys_of.append((set(), set()))
        return num

    def _add_speaker(self, speaker: Speaker) -> None:
        num = self._speaker_number(speaker.id)
        if speaker.id in self._speakers:
            self._drop_speaker_names(num)
        self._speakers[speaker.id] = speaker
        for name in (speaker.name, *speaker.aliases):
            name_words = words(name)
            self._add_name(" ".join(name_words), num, 1.0)
            content = [w for w in name_words if w not in STOP_WORDS]
            if len(content) > 1:
                self._add_name(content[-1], num, 0.95)  # last name
                surname = words(name.split()[-1])
                if len(surname) > 1:  # "Tallis-Oduya" as well as "Oduya"
                    self._add_name(" ".join(surname), num, 0.95)
            for word in content:
                if len(word) >= 3 and not word.isdigit():
                    self._name_tokens.setdefault(word, set()).add(num)
                    self._keys_of[num][1].add(word)
        for role in speaker.roles:
            for part in (role, *role.split(",")):
                role_words = [w for w in words(part) if w != "the"]
                if role_words:
                    self._add_name(" ".join(role_words), num, 0.9)
                for body in _affiliations(role_words):
                    self._add_name(body, num, _AFFILIATION_WEIGHT)
        self._name_token_list = self._role_word_set = None

    def _add_name(self, phrase: str, num: int, weight: float) -> None:
        if phrase:
            entry = self._names.setdefault(phrase, {})
            entry[num] = max(weight, entry.get(num, 0.0))
            self._keys_of[num][0].add(phrase)

    def _drop_speaker_names(self, num: int) -> None:
        phrases, tokens = self._keys_of[num]
        for phrase in phrases:
            holders = self._names.get(phrase)
            if holders is not None:
                holders.pop(num, None)
                if not holders:
                    del self._names[phrase]
        for token in tokens:
            token_holders = self._name_tokens.get(token)
            if token_holders is not None:
                token_holders.discard(num)
                if not token_holders:
                    del self._name_tokens[token]
        phrases.clear()
        tokens.clear()
        self._name_token_list = self._role_word_set = None

    def remove(self, statement_ids: Iterable[str], speaker_ids: Iterable[str] = ()) -> None:
        """Drop statements (and speakers left without statements) from the index."""
        self._idf_memo = {}
        touched: set[int] = set()
        self._name_terms.clear()
        for statement_id in statement_ids:
            doc = self._doc_of.pop(statement_id, None)
            if doc is None:
                continue
            self._alive[doc] = 0
            self._ids[doc] = None
            self._texts[doc] = ""
            self._live -= 1
            self._dead += 1
            self._total_len -= len(self._doc_terms[doc])
            for tid in set(self._doc_terms[doc]):
                self._df[tid] -= 1
                if self._df[tid] == 0:  # the last statement with this word is gone
                    self._sorted_vocab = self._vocab_buckets = self._common_buckets = None
            if self._doc_speaker[doc] != _NO_SPEAKER:
                touched.add(self._doc_speaker[doc])
        for num in touched:
            docs = [d for d in self._speaker_docs[num] if self._alive[d]]
            self._speaker_docs[num] = docs
            if not docs:
                self._forget_speaker(num)
        for speaker_id in speaker_ids:
            num_or_none = self._speaker_num.get(speaker_id)
            if num_or_none is not None:
                self._forget_speaker(num_or_none)
        if self._dead > 1000 and self._dead > self._live // 4:
            self._compact()

    def _forget_speaker(self, num: int) -> None:
        speaker_id = self._speaker_ids[num]
        if self._speakers.pop(speaker_id, None) is not None:
            self._drop_speaker_names(num)

    def _compact(self) -> None:
        """Drop removed documents from the postings (doc numbers stay stable)."""
        alive = self._alive
        for tid, postings in enumerate(self._postings):
            if postings:
                self._postings[tid] = array("i", (d for d in postings if alive[d]))
        for tid, ctx in enumerate(self._ctx_postings):
            if ctx:
                self._ctx_postings[tid] = array("i", (d for d in ctx if alive[d]))
        self._article_lede = {
            article: docs
            for article, docs in self._article_lede.items()
            if any(alive[d] for d in docs)
        }
        for doc in range(len(self._ids)):
            if not alive[doc]:
                self._doc_terms[doc] = array("i")
                self._doc_ctx[doc] = None
        self._dead = 0

    # ----------------------------------------------------------------------------- speakers

    def find_speakers(self, name: str, *, limit: int = 5) -> list[tuple[str, float]]:
        """Return (speaker id, score 0..1) of speakers whose names or roles match ``name``."""
        found: dict[int, float] = {}
        mention = self._mentions(words(name), whole=True)
        for m in mention:
            for speaker_id, weight in m.speakers.items():
                num = self._speaker_num[speaker_id]
                found[num] = max(found.get(num, 0.0), weight)
        if not found:
            phrase = " ".join(words(name))
            hits = process.extract(
                phrase, list(self._names), scorer=fuzz.WRatio, score_cutoff=80, limit=limit * 2
            )
            for key, score, _ in hits:
                for num, weight in self._names[key].items():
                    found[num] = max(found.get(num, 0.0), weight * score / 100)
        ranked = sorted(found.items(), key=lambda item: -item[1])[:limit]
        return [(self._speaker_ids[num], round(score, 4)) for num, score in ranked]

    def _role_words(self) -> set[str]:
        """Return the words of known speakers' roles ("city", "attorney")."""
        if self._role_word_set is None:
            self._role_word_set = {
                w
                for speaker in self._speakers.values()
                for role in speaker.roles
                for w in words(role)
                if w not in STOP_WORDS
            }
        return self._role_word_set

    def _name_tokens_sorted(self) -> list[str]:
        if self._name_token_list is None:
            self._name_token_list = sorted(self._name_tokens)
        return self._name_token_list

    def _mentions(self, word_list: list[str], *, whole: bool = False) -> list[Mention]:
        """Find the spans of ``word_list`` that name speakers (longest first, typos allowed)."""
        found: list[Mention] = []
        used = [False] * len(word_list)
        n_words = len(word_list)
        for size in range(min(6, n_words), 0, -1):
            for start in range(0, n_words - size + 1):
                if any(used[start : start + size]):
                    continue
                span = word_list[start : start + size]
                if span[0] == "the" and size > 1:
                    span = span[1:]
                holders = self._names.get(" ".join(span))
                if holders is None or (size == 1 and span[0] in STOP_WORDS):
                    continue
                found.append(Mention(start, start + size, self._speaker_weights(holders)))
                used[start : start + size] = [True] * size
        tokens = self._name_tokens_sorted()
        if tokens:
            for pos, word in enumerate(word_list):
                if used[pos] or len(word) < 4 or word in STOP_WORDS or word in QUESTION_WORDS:
                    continue
                if not whole and self._df_of(stem(word)) > 0:
                    continue  # a known topic word, not a misspelt name
                # Like vocabulary typos, the first letter must agree ("dana" is not "ana").
                edits = max(_allowed_edits(word), 1)
                hits = process.extract(
                    word, tokens, scorer=OSA.distance, score_cutoff=edits, limit=5
                )
                hit = next(
                    (
                        h
                        for h in hits
                        if h[0][0] == word[0]
                        and len(h[0]) >= 4
                        # under five letters only a swap ("neom"): "ruin" is not "ruiz"
                        and (len(word) >= 5 or sorted(h[0]) == sorted(word))
                    ),
                    None,
                )
                if hit is None:
                    continue
                score = 1 - hit[1] / max(len(word), 1)
                holders_set = self._name_tokens[hit[0]]
                weights = {n: score * 0.95 for n in holders_set}
                found.append(Mention(pos, pos + 1, self._speaker_weights(weights)))
                used[pos] = True
        found.sort(key=lambda m: m.start)
        return [self._with_title(m, word_list, used) for m in found]

    @staticmethod
    def _with_title(mention: Mention, word_list: list[str], used: list[bool]) -> Mention:
        """Widen a mention over the titles before it ("did Judge Achterberg rule ...")."""
        start = mention.start
        while start > 0 and not used[start - 1] and word_list[start - 1] in TITLES:
            start -= 1
            used[start] = True
        if start == mention.start:
            return mention
        return Mention(start, mention.end, mention.speakers)

    def _speaker_weights(self, holders: dict[int, float] | set[int]) -> dict[str, float]:
        if isinstance(holders, set):
            holders = dict.fromkeys(holders, 1.0)
        return {
            self._speaker_ids[num]: weight
            for num, weight in holders.items()
            if self._speaker_ids[num] in self._speakers
        }

    # ----------------------------------------------------------------------------- queries

    def _df_of(self, term: str) -> int:
        tid = self._term_ids.get(term)
        return 0 if tid is None else self._df[tid]

    def _known(self, tid: int) -> bool:
        """Return whether a term is in some statement, or only in some statement's context
        ("Ambrose, who sponsored a bill to end religious exemptions, said ...")."""
        return self._df[tid] > 0 or bool(self._ctx_postings[tid])

    def _slot_df(self, tid: int) -> int:
        """Return the document frequency that weighs a question word matched to ``tid``."""
        ctx = self._ctx_postings[tid]
        return self._df[tid] or (len(ctx) if ctx else 0)

    def _idf(self, df: int) -> float:
        n = max(self._live, 1)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _vocab(self) -> list[str]:
        if self._sorted_vocab is None:
            self._sorted_vocab = sorted(t for t, tid in self._term_ids.items() if self._df[tid])
        return self._sorted_vocab

    def _alternatives(self, word: str) -> list[tuple[int, float]]:
        """Map a question word onto index terms: exact stem, compound split, prefix, typo.

        A prefix-negated adjective also matches its base and the reverse ("unqualified",
        "not qualified"), a little below an exact match; whether the two then agree is
        for ``_contradicts`` to say.
        """
        out = self._word_alternatives(word)
        irregular = IRREGULAR_FORMS.get(word)
        if irregular is not None:
            tid = self._term_ids.get(stem(irregular))
            if tid is not None and self._known(tid) and all(tid != t for t, _ in out):
                out.append((tid, _IRREGULAR_FORM_WEIGHT))
        for other in NEGATION_PARTNERS.get(word, ()):
            tid = self._term_ids.get(stem(other))
            if tid is not None and self._known(tid) and all(tid != t for t, _ in out):
                out.append((tid, _NEGATED_FORM_WEIGHT))
        return out

    def _word_alternatives(self, word: str) -> list[tuple[int, float]]:
        term = stem(word)
        tid = self._term_ids.get(term)
        if tid is not None and self._known(tid):
            return [(tid, 1.0)]
        vocab = self._vocab()
        out: list[tuple[int, float]] = []
        if len(term) >= 3:
            # "cams" -> "camera": a clipped word is the start of an indexed term.
            pos = bisect_left(vocab, term)
            while pos < len(vocab) and vocab[pos].startswith(term) and len(out) < 3:
                out.append((self._term_ids[vocab[pos]], 0.8))
                pos += 1
        if out:
            return out
        if _allowed_edits(word):
            # Typos rarely touch the first letter; comparing only same-initial terms of a
            # similar length keeps this to a few hundred strings even at a million statements.
            buckets = self._buckets()
            near = [t for size in (-1, 0, 1) for t in buckets.get((term[0], len(term) + size), ())]
            hits = process.extract(
                term,
                near,
                scorer=OSA.distance,
                score_cutoff=min(_allowed_edits(word), _allowed_edits(term) or 1),
                limit=3,
            )
            for hit, distance, _ in hits:
                if distance == hits[0][1]:
                    out.append((self._term_ids[hit], 0.9 * (1 - distance / len(term))))
        return out

    def _buckets(self) -> dict[tuple[str, int], list[str]]:
        if self._vocab_buckets is None:
            buckets: dict[tuple[str, int], list[str]] = {}
            for term in self._vocab():
                buckets.setdefault((term[0], len(term)), []).append(term)
            self._vocab_buckets = buckets
        return self._vocab_buckets

    def _frequent_buckets(self) -> dict[tuple[str, int], list[str]]:
        if self._common_buckets is None:
            df, ids = self._df, self._term_ids
            self._common_buckets = {
                key: [t for t in bucket if df[ids[t]] >= _NEIGHBOUR_MIN_DF]
                for key, bucket in self._buckets().items()
            }
        return self._common_buckets

    def _split_compound(self, word: str) -> list[str] | None:
        """Split an unknown word into two indexed words ("bodycams" -> "body", "cams")."""
        for cut in range(3, len(word) - 2):
            left, right = word[:cut], word[cut:]
            if self._df_of(stem(left)) and (
                self._df_of(stem(right)) or self._has_prefix(stem(right))
            ):
                return [left, right]
        return None

    def _has_prefix(self, term: str) -> bool:
        vocab = self._vocab()
        pos = bisect_left(vocab, term)
        return len(term) >= 3 and pos < len(vocab) and vocab[pos].startswith(term)

    def _common_neighbours(self, word: str, tid: int) -> list[tuple[int, float]]:
        """Return far more common terms a typo away from a rare one, weighted down.

        "goverment" is in the library when one article misspelt it; the question that
        types it means "government" all the same.
        """
        term = self._terms[tid]
        edits = min(_allowed_edits(word), _allowed_edits(term))
        if not edits:
            return []
        floor = max(_NEIGHBOUR_MIN_DF, _NEIGHBOUR_DF_RATIO * self._df[tid])
        buckets = self._frequent_buckets()
        near = [
            t
            for size in (-1, 0, 1)
            for t in buckets.get((term[0], len(term) + size), ())
            if self._df[self._term_ids[t]] >= floor
        ]
        hits = process.extract(term, near, scorer=OSA.distance, score_cutoff=edits, limit=2)
        return [
            (self._term_ids[hit], _NEIGHBOUR_WEIGHT * (1 - distance / len(term)))
            for hit, distance, _ in hits
            if distance > 0
        ]

    def _slots(self, topic: Iterable[str]) -> list[_Slot]:
        slots: list[_Slot] = []
        seen: set[str] = set()
        unknown_idf = self._idf(0)
        topic = list(topic)
        is_short = len(topic) <= 2 * _SHORT_QUESTION_WORDS
        for word in topic:
            if word in STOP_WORDS or word in QUESTION_WORDS or word in seen:
                continue
            seen.add(word)
            parts = [word]
            # Compounds are short ("bodycams"); trying every cut of a long word is quadratic.
            if not self._df_of(stem(word)) and 6 <= len(word) <= MAX_COMPOUND_CHARS:
                parts = self._split_compound(word) or parts
            for part in parts:
                alts = self._alternatives(part)
                if is_short and len(alts) == 1 and self._df[alts[0][0]] <= _RARE_DF:
                    alts += self._common_neighbours(part, alts[0][0])
                # The slot weighs what its most likely spelling weighs, not its rarest guess.
                idf = (
                    self._idf(self._slot_df(max(alts, key=lambda a: (a[1], -self._df[a[0]]))[0]))
                    if alts
                    else unknown_idf
                )
                slots.append(_Slot(part, alts, idf))
        return slots

    def search(self, question: str, *, limit: int = 3) -> list[Match]:
        """Return the best statements for a question, [] when nothing matches well."""
        scored = self.score(question, limit=limit)
        return [m for m in scored if m.score >= self.threshold]

    def score(self, question: str, *, limit: int = 3) -> list[Match]:
        """Return the best statements for a question with their scores, without abstaining."""
        return list(self.explain(question, limit=limit).matches)

    def explain(self, question: str, *, limit: int = 3) -> Ranking:
        """Rank statements for a question, without abstaining, and say why there are none.

        Each match carries ``features`` (all 0..1 unless noted): ``lexical`` (the score
        before the weights below), ``coverage`` (idf-weighted share of the question's words
        found), ``matched_share`` (share of its words found), ``doc_cover``, ``pairs``,
        ``by_speaker`` (how well the statement's speaker matches the speaker the question is
        directed at; 0 when it is someone else), ``about_speaker`` (1 when that speaker's
        name is in the statement or its sentence), ``directed`` (1 for a question directed
        at a speaker), ``weak`` (1 when a weak-match rule lowered it), ``needs_number`` /
        ``has_number``, ``unnamed`` (quoted or reported, speaker not named), ``intent_*``.
        """
        if not self._live or limit <= 0:
            return Ranking(())
        word_list = words(question)
        mentions = self._mentions(word_list)
        parsed = parse(question, mentions)
        unknown = self._unknown_speaker(question, word_list, parsed, mentions)
        if unknown is not None:
            return Ranking((), parsed.intent, unknown, self._spelt_like(word_list, parsed))
        slots = self._slots(parsed.topic)
        speakers = self._directed_speakers(parsed)
        if not slots:
            if speakers is None:
                return Ranking((), parsed.intent)
            return Ranking(tuple(self._speaker_statements(speakers, limit)), parsed.intent)
        idf = self._idf_memo
        if speakers is None:
            ranked = [self._score_doc(d, slots, idf) for d in self._candidates(slots, None)]
            ranked.sort(key=lambda s: (-s.score, s.doc))
            if len(slots) <= _SHORT_QUESTION_WORDS or parsed.intent is Intent.WHO_SAID:
                self._weigh_weak_matches(
                    ranked, slots, _PART_NEEDED.get(parsed.intent, 0), parsed.asks_number
                )
            if parsed.intent is Intent.WHO_SAID:
                for item in ranked:
                    # Someone named said it, or someone unnamed ("a commuter said"): both
                    # answer a who-said question; the article's own voice a little less.
                    if self._doc_speaker[item.doc] == _NO_SPEAKER:
                        item.score *= _WHO_SAID_UNSPOKEN_WEIGHT
                        item.features["no_speaker"] = 1.0
        else:
            ranked = self._rank_directed(parsed, slots, speakers, idf)
        ranked.sort(key=lambda s: (-s.score, s.doc))
        return Ranking(tuple(self._group(ranked, parsed, limit)), parsed.intent)

    def lexical(self, question: str, *, limit: int = 3, depth: int = POOL) -> Lexical:
        """Return the lexical stage's candidates for a question, for another stage to fuse.

        The first candidates are scored exactly (phase two, as ``explain`` ranks them); for
        a question not directed at a speaker, the rest of the phase-one pool, up to
        ``depth`` statements, follows with only its BM25.
        """
        word_list = words(question)
        mentions = self._mentions(word_list)
        parsed = parse(question, mentions)
        if not self._live or limit <= 0:
            return Lexical(parsed, 0, [], [], [])
        unknown = self._unknown_speaker(question, word_list, parsed, mentions)
        if unknown is not None:
            close = self._spelt_like(word_list, parsed)
            return Lexical(parsed, 0, [], [], [], None, unknown, close)
        slots = self._slots(parsed.topic)
        speakers = self._directed_speakers(parsed)
        if not slots:
            direct = [] if speakers is None else self._speaker_statements(speakers, limit)
            return Lexical(parsed, 0, [], [], direct)
        idf = self._idf_memo
        bm25: dict[int, float] = {}
        pool: list[int] = []
        if speakers is None:
            pool = self._candidates(slots, None, depth=max(depth, _CANDIDATES), scores=bm25)
            ranked = [self._score_doc(d, slots, idf) for d in pool[:_CANDIDATES]]
            ranked.sort(key=lambda s: (-s.score, s.doc))
            if len(slots) <= _SHORT_QUESTION_WORDS or parsed.intent is Intent.WHO_SAID:
                self._weigh_weak_matches(
                    ranked, slots, _PART_NEEDED.get(parsed.intent, 0), parsed.asks_number
                )
            if parsed.intent is Intent.WHO_SAID:
                for item in ranked:
                    if self._doc_speaker[item.doc] == _NO_SPEAKER:
                        item.score *= _WHO_SAID_UNSPOKEN_WEIGHT
                        item.features["no_speaker"] = 1.0
        else:
            ranked = self._rank_directed(parsed, slots, speakers, idf)
        ranked.sort(key=lambda s: (-s.score, s.doc))
        out: list[Candidate] = []
        seen: set[int] = set()
        for item in ranked:
            seen.add(item.doc)
            cand = self._candidate(item.doc, bm25, item.score, item.matched)
            if speakers is not None:
                cand = replace(cand, by_speaker=item.features.get("by_speaker", 0.0))
            out.append(cand)
        for doc in pool if depth else ():
            if doc not in seen:
                seen.add(doc)
                out.append(self._candidate(doc, bm25, None, ()))
        speaker_ids = (
            {self._speaker_ids[num]: w for num, w in speakers.items()} if speakers else None
        )
        return Lexical(parsed, len(slots), out, ranked, None, speaker_ids)

    def _candidate(
        self, doc: int, bm25: dict[int, float], score: float | None, matched: tuple[str, ...]
    ) -> Candidate:
        return Candidate(self._ids[doc] or "", doc, bm25.get(doc, 0.0), score, matched)

    def add_candidates(self, found: Lexical, statement_ids: Iterable[str]) -> None:
        """Append statements another stage found to a question's candidates (no lexical score).

        For a question directed at speakers they carry whether they are by one of them, as
        the lexical stage's own candidates do, so a statement by someone else found only by
        its meaning is weighed down like one found by its words.
        """
        have = {c.statement_id for c in found.candidates}
        directed = found.speakers
        for sid in statement_ids:
            doc = self._doc_of.get(sid)
            if sid in have or doc is None or not self._alive[doc]:
                continue
            have.add(sid)
            by = None
            if directed is not None:
                num = self._doc_speaker[doc]
                by = 0.0 if num == _NO_SPEAKER else directed.get(self._speaker_ids[num], 0.0)
            found.candidates.append(Candidate(sid, doc, 0.0, None, (), by_speaker=by))

    def answers(
        self, found: Lexical, ranked: list[tuple[Candidate, float]], limit: int
    ) -> list[Match]:
        """Turn candidates re-ranked by another stage (with their scores) into answers."""
        # Candidates the lexical stage scored keep its features (the contradiction gate
        # reads them); the others have none.
        features = {item.doc: item.features for item in found.ranked}
        items = [
            _Scored(c.doc, score, c.matched, dict(features.get(c.doc, {})))
            for c, score in ranked
            if c.doc < len(self._ids) and self._ids[c.doc] == c.statement_id
        ]
        return self._group(items, found.question, limit)

    def _rank_directed(
        self,
        parsed: Question,
        slots: list[_Slot],
        speakers: dict[int, float],
        idf: dict[int, float],
    ) -> list[_Scored]:
        """Rank for a question directed at known speakers: their name is a field, not a filter.

        Statements by them are scored on the topic (their article's opening may supply
        it); statements by others compete when they match the name as well ("did Brandvold
        win the runoff?" and the article's "Brandvold won the runoff"), below a statement
        by the speaker that matches as much.
        """
        assert parsed.mention is not None  # noqa: S101 - the caller found the speakers
        name_words = [
            w
            for w in parsed.words[parsed.mention.start : parsed.mention.end]
            if w not in STOP_WORDS
        ]
        name_slots = self._slots(name_words[-1:]) if name_words else []
        # Her article's opening may say what "what did she say about the ruling" means;
        # "did she win the runoff?" asks about her, which that opening does not answer.
        subjects: dict[str, set[int]] | None = {} if parsed.asks_statements else None
        by = set(self._candidates(slots, speakers))
        others = [d for d in self._candidates(slots + name_slots, None) if d not in by]
        other_weight = (
            _ABOUT_CLAIM_WEIGHT
            if parsed.intent is Intent.CLAIM
            else _ABOUT_STATEMENTS_WEIGHT
            if parsed.asks_statements
            else _ABOUT_WEIGHT
        )
        unnamed_weight = (
            _OTHER_CLAIM_WEIGHT if parsed.intent is Intent.CLAIM else _OTHER_SPEAKER_WEIGHT
        )
        ranked: list[_Scored] = []
        speaker_of = self._doc_speaker
        for doc in by:
            item = self._score_doc(doc, slots, idf, subjects)
            weight = speakers.get(speaker_of[doc], 0.0)
            item.score *= weight
            item.features["by_speaker"] = weight
            ranked.append(item)
        name_set = {slot.word for slot in name_slots}
        for doc in others:
            item = self._score_doc(doc, slots + name_slots, idf)
            about = bool(name_set) and not name_set.isdisjoint(item.matched)
            item.score *= other_weight if about else unnamed_weight
            item.features["about_speaker"] = float(about)
            if name_set.issuperset(item.matched):
                # Naming the speaker is not answering what was asked about them.
                item.score *= _WEAK_MATCH_WEIGHT
                item.features["weak"] = 1.0
            ranked.append(item)
        for item in ranked:
            item.features["directed"] = 1.0
        return ranked

    def _unknown_speaker(
        self, question: str, word_list: list[str], parsed: Question, mentions: list[Mention]
    ) -> str | None:
        """Return the name a question asks the statements of, when the library lacks it.

        The phrasing marks the span ("what did <X> say", "<X> on climate"); it names
        someone unknown when no speaker mention overlaps it and one of its words is in no
        statement, not even misspelt (a person only written about still has statements
        about them, which compete), and is capitalised (unless the question has no
        capitals at all).
        """
        span = parsed.subject
        if span is None:
            return None
        start, end = span
        roles = self._role_words()
        # "Mayor Gunnar Thorsby": a role the library knows, then a name none of its
        # speakers has. The role alone matched (another mayor); the name decides.
        by_role = [
            m for m in mentions if start <= m.start and m.end <= end and self._is_role(m, word_list)
        ]
        if parsed.mention is not None and parsed.mention not in by_role:
            return None
        if any(m.start < end and start < m.end for m in mentions if m not in by_role):
            return None
        span_words = [w for w in word_list[start:end] if w not in STOP_WORDS]
        if not by_role and any(w in roles for w in span_words):
            return None  # "the DEQ director": someone described by a role the library has
        content = [w for w in span_words if w not in TITLES and not (by_role and w in roles)]
        if not content or len(content) > 3 or any(w.isdigit() for w in content):
            return None
        capitalised = _capitalised_words(question)
        for word in content:
            if (not capitalised or word in capitalised) and not self._alternatives(word):
                return _original_words(question, word_list[start:end])
        return None

    def _is_role(self, mention: Mention, word_list: list[str]) -> bool:
        """Return whether a mention matched by role words alone ("mayor", "the governor")."""
        return all(
            w in STOP_WORDS or w in TITLES or w in self._role_words()
            for w in word_list[mention.start : mention.end]
        )

    def _spelt_like(self, word_list: list[str], parsed: Question) -> tuple[str, ...]:
        """Return ids of known speakers whose names are spelt close to a question's subject."""
        if parsed.subject is None:
            return ()
        phrase = " ".join(
            w for w in word_list[slice(*parsed.subject)] if w not in STOP_WORDS and w not in TITLES
        )
        found: dict[int, float] = {}
        for key in (phrase, phrase.split()[-1] if phrase else ""):
            if len(key) < 3:
                continue
            for name, score, _ in process.extract(
                key, list(self._names), scorer=fuzz.ratio, score_cutoff=_DID_YOU_MEAN, limit=5
            ):
                for num in self._names[name]:
                    if self._speaker_ids[num] in self._speakers:
                        found[num] = max(found.get(num, 0.0), score)
        ranked = sorted(found, key=lambda num: -found[num])[:3]
        return tuple(self._speaker_ids[num] for num in ranked)

    def _directed_speakers(self, parsed: Question) -> dict[int, float] | None:
        """Return speaker number -> weight of the speakers a question is directed at."""
        if parsed.mention is None:
            return None
        return {self._speaker_num[sid]: weight for sid, weight in parsed.mention.speakers.items()}

    def _weigh_weak_matches(
        self, ranked: list[_Scored], slots: list[_Slot], part: float, needs_number: bool
    ) -> None:
        """Lower statements that hold under 1/``part`` of a question (``part`` 0: no such
        test), only its names, no number when it asks for one, or (for questions) not a
        name asked about that their article never names."""
        names: dict[str, int] = {}
        if len(slots) <= _SHORT_QUESTION_WORDS:
            for slot in slots:
                if slot.alternatives:
                    tid = max(slot.alternatives, key=lambda a: a[1])[0]
                    if self._is_name(tid):
                        names[slot.word] = tid
            if len(names) == len(slots):
                names = {}  # a question of names only: they are what it asks about
        subjects: dict[str, set[int]] = {}
        for item in ranked:
            if needs_number:
                has_number = bool(_NUMBER.search(self._texts[item.doc]))
                item.features["needs_number"] = 1.0
                item.features["has_number"] = float(has_number)
                if not has_number:
                    item.score *= _WEAK_MATCH_WEIGHT
                    item.features["weak"] = 1.0
                    continue
            if (part and part * len(item.matched) < len(slots)) or (
                names and item.matched and set(names).issuperset(item.matched)
            ):
                item.score *= _WEAK_MATCH_WEIGHT
                item.features["weak"] = 1.0
            elif names and part:
                # "what is the capital of France?" and a statement on Trump's ability to
                # capitalise: France is nowhere in it or in its article's opening.
                missing = [tid for word, tid in names.items() if word not in item.matched]
                subject = self._subject_terms(item.doc, subjects) if missing else set()
                if any(tid not in subject for tid in missing):
                    item.score *= _WEAK_MATCH_WEIGHT
                    item.features["weak"] = 1.0

    def _is_name(self, tid: int) -> bool:
        """Return whether statements write a term capitalised mid-sentence and never lower case."""
        found = self._name_terms.get(tid)
        if found is not None:
            return found
        term = self._terms[tid]
        # Stemming only changes endings, so every written form starts with the stem's start.
        forms = re.compile(r"(?<![^\W_])" + re.escape(term[:3]) + r"[^\W_]*", re.I)
        capitalised = False
        seen: set[int] = set()
        for doc in self._postings[tid]:
            if len(seen) >= _NAME_SAMPLE:
                break
            if doc in seen or not self._alive[doc]:
                continue
            seen.add(doc)
            text = self._texts[doc]
            for match in forms.finditer(text):
                word = match.group()
                if stem(word.lower()) != term:
                    continue
                if word[0].islower():
                    self._name_terms[tid] = False
                    return False
                pos = match.start() - 1
                while pos >= 0 and text[pos].isspace():
                    pos -= 1
                if pos >= 0 and text[pos] not in _SENTENCE_OPENERS:
                    capitalised = True
        self._name_terms[tid] = capitalised
        return capitalised

    def _speaker_statements(self, speakers: dict[int, float], limit: int) -> list[Match]:
        out: list[Match] = []
        for num, weight in sorted(speakers.items(), key=lambda item: -item[1]):
            for doc in self._speaker_docs[num]:
                statement_id = self._ids[doc]
                if statement_id is not None:
                    out.append(Match(statement_id, round(weight, 4)))
        return out[:limit]

    def _candidates(
        self,
        slots: list[_Slot],
        speakers: dict[int, float] | None,
        *,
        depth: int = _CANDIDATES,
        scores: dict[int, float] | None = None,
    ) -> list[int]:
        """Phase one: docs that share rare terms with the question, best BM25 first.

        Postings are walked as numpy views of the stored arrays, so a question pays for
        its terms' postings in C rather than per posting in Python. Ties at the cut keep
        the order in which a doc was first reached (rarer terms first, then doc number).
        """
        if (
            speakers is not None
            and sum(len(self._speaker_docs[num]) for num in speakers) <= 4 * _CANDIDATES
        ):
            return [d for num in speakers for d in self._speaker_docs[num] if self._alive[d]]
        n_docs = len(self._ids)
        acc = np.zeros(n_docs)
        seen = np.zeros(n_docs, dtype=bool)
        first = np.full(n_docs, np.iinfo(np.int32).max, dtype=np.int32)
        touched = 0
        avg = self._total_len / max(self._live, 1)
        k_short = _K1 * (1 - _B)
        k_long = _K1 * _B / max(avg, 1e-9)
        lengths = np.frombuffer(self._doc_len, dtype=np.int32)
        alts = sorted(
            (
                (tid, weight * self._idf(self._df[tid]))
                for slot in slots
                for tid, weight in slot.alternatives
            ),
            key=lambda item: -item[1],
        )
        for step, (tid, weight) in enumerate(alts):
            postings = self._postings[tid]
            docs = np.frombuffer(postings, dtype=np.int32)
            gain = weight * (_K1 + 1)
            if len(postings) > _COMMON_POSTINGS and touched and touched < len(postings):
                # A common term only re-ranks what rarer terms found: it adds once to each
                # candidate that holds it, however often.
                docs = _distinct(docs)
                docs = docs[seen[docs]]
                np.add.at(acc, docs, gain / (1 + k_short + k_long * lengths[docs]))
                continue
            np.add.at(acc, docs, gain / (1 + k_short + k_long * lengths[docs]))
            touched += self._reach(_distinct(docs), seen, first, 2 * step)
            ctx = self._ctx_postings[tid]
            if ctx is not None and 0 < len(ctx) <= _COMMON_POSTINGS:
                ctx_docs = np.frombuffer(ctx, dtype=np.int32)
                np.add.at(acc, ctx_docs, weight * _CONTEXT_WEIGHT)
                touched += self._reach(ctx_docs, seen, first, 2 * step + 1)
        keep = seen & np.frombuffer(self._alive, dtype=np.uint8).astype(bool)
        found = np.flatnonzero(keep)
        if speakers is not None:
            speaker_of = np.frombuffer(self._doc_speaker, dtype=np.int32)
            found = found[np.isin(speaker_of[found], np.fromiter(speakers, dtype=np.int32))]
        if len(found) > depth:
            cut = np.partition(acc[found], len(found) - depth)[len(found) - depth]
            found = found[acc[found] >= cut]
        order = np.lexsort((found, first[found], -acc[found]))[:depth]
        chosen = found[order]
        if scores is not None:
            scores.update(zip(chosen.tolist(), acc[chosen].tolist(), strict=True))
        return [int(d) for d in chosen]

    @staticmethod
    def _reach(
        docs: NDArray[np.int32], seen: NDArray[np.bool_], first: NDArray[np.int32], step: int
    ) -> int:
        """Mark distinct ``docs`` as reached at ``step`` unless reached before; count new ones."""
        new = docs[~seen[docs]]
        seen[new] = True
        first[new] = step
        return len(new)

    def _score_doc(
        self,
        doc: int,
        slots: list[_Slot],
        idf: dict[int, float],
        subjects: dict[str, set[int]] | None = None,
    ) -> _Scored:
        """Phase two: score one candidate exactly (0..1) from its stored terms.

        ``subjects`` (article -> terms of its first statements, filled as needed) is given
        for questions directed at a speaker, whose words may then match the article's subject.
        """
        doc_terms = self._doc_terms[doc]
        ctx = self._doc_ctx[doc]
        ctx_set = set(ctx) if ctx is not None else ()
        subject = self._subject_terms(doc, subjects) if subjects is not None else ()
        avg = self._total_len / max(self._live, 1)
        norm = _K1 * (1 - _B + _B * len(doc_terms) / max(avg, 1e-9))
        total = 0.0
        gained = 0.0
        matched: list[str] = []
        hit_terms: set[int] = set()
        hit_slots: list[int] = []
        for slot in slots:
            total += slot.idf
            best = 0.0
            best_tid = -1
            for tid, weight in slot.alternatives:
                tf = doc_terms.count(tid)
                if tf:
                    credit = weight * tf * (_K1 + 1) / (tf + norm)
                elif tid in ctx_set:
                    credit = weight * _CONTEXT_WEIGHT
                elif tid in subject:
                    credit = weight * _SUBJECT_WEIGHT
                else:
                    continue
                if credit > best:
                    best, best_tid = credit, tid
            if best > 0:
                gained += best * slot.idf
                matched.append(slot.word)
                hit_terms.add(best_tid)
                hit_slots.append(len(hit_terms))
            else:
                hit_slots.append(0)
        # Not capped: short statements may exceed 1 here, which keeps BM25's order among
        # candidates that all match every word; Match.score is capped instead.
        coverage = gained / total if total else 0.0
        pair_share = self._pair_share(doc_terms, slots, hit_slots)
        doc_mass = 0.0
        for tid in set(doc_terms):
            term_idf = idf.get(tid)
            if term_idf is None:
                term_idf = idf[tid] = self._idf(self._df[tid])
            doc_mass += term_idf
        hit_mass = sum(idf.get(t, 0.0) or self._idf(self._df[t]) for t in hit_terms)
        doc_cover = min(1.0, hit_mass / doc_mass) if doc_mass else 0.0
        score = _combine(coverage, doc_cover, pair_share)
        features = {
            "lexical": min(1.0, score),
            "coverage": min(1.0, coverage),
            "matched_share": len(matched) / len(slots) if slots else 0.0,
            "doc_cover": doc_cover,
            "pairs": pair_share,
        }
        return _Scored(doc, score, tuple(matched), features)

    def _subject_terms(self, doc: int, subjects: dict[str, set[int]]) -> set[int]:
        """Return the terms of the first statements of its article, cached in ``subjects``."""
        article = self._doc_article[doc]
        found = subjects.get(article)
        if found is None:
            found = subjects[article] = {
                tid
                for lede in self._article_lede.get(article, ())
                if self._alive[lede]
                for tid in self._doc_terms[lede]
            }
        return found

    @staticmethod
    def _pair_share(doc_terms: array[int], slots: list[_Slot], hit_slots: list[int]) -> float:
        """Return the share of adjacent question word pairs that are (nearly) adjacent here."""
        if len(slots) < 2:
            return 0.0
        pairs = 0
        for i in range(len(slots) - 1):
            if not (hit_slots[i] and hit_slots[i + 1]):
                continue
            left = {t for t, _ in slots[i].alternatives}
            right = {t for t, _ in slots[i + 1].alternatives}
            starts = [p for p, t in enumerate(doc_terms) if t in left]
            if any(
                doc_terms[p + k] in right for p in starts for k in (1, 2) if p + k < len(doc_terms)
            ):
                pairs += 1
        return pairs / (len(slots) - 1)

    def _group(self, ranked: list[_Scored], parsed: Question, limit: int) -> list[Match]:
        """Fold near-identical statements from other articles into the best one."""
        out: list[Match] = []
        kept: list[tuple[_Scored, str, list[str]]] = []
        for item in ranked:
            if len(kept) >= limit:
                break
            key = " ".join(words(self._texts[item.doc]))
            for first, first_key, also in kept:
                if (
                    self._doc_article[first.doc] != self._doc_article[item.doc]
                    and fuzz.ratio(key, first_key) >= 92
                ):
                    also.append(self._ids[item.doc] or "")
                    break
            else:
                kept.append((item, key, []))
        for item, _, also in kept[:limit]:
            statement_id = self._ids[item.doc]
            if statement_id is None:
                continue
            contradicts = parsed.intent is Intent.CLAIM and self._contradicts(
                parsed, item.doc, item.matched, item.features
            )
            features = item.features
            features[f"intent_{parsed.intent}"] = 1.0
            if (
                self._doc_speaker[item.doc] == _NO_SPEAKER
                and "no_speaker" not in features
                and self._texts[item.doc] != ""
            ):
                features["no_speaker"] = 1.0
            out.append(
                Match(
                    statement_id,
                    round(min(1.0, item.score), 4),
                    item.matched,
                    contradicts,
                    tuple(also),
                    features,
                )
            )
        return out

    def _contradicts(
        self,
        parsed: Question,
        doc: int,
        matched: tuple[str, ...],
        features: dict[str, float],
    ) -> bool:
        """Return whether a statement seems to say the opposite of a pasted claim.

        Only a statement about the same thing counts: it holds most of the claim's words
        and much of what it says is in the claim (an elliptical "she would not" takes the
        claim's words from its sentence). Only negations that govern a word both sides
        share count: "will not be expanded nationwide" says nothing against "officers will
        be issued cameras".
        """
        text_words = polar_words(words(self._texts[doc]))
        topic = polar_words(parsed.topic)
        bare = _is_bare_denial(text_words)
        if features.get("matched_share", 0.0) < _CONTRADICTION_MATCHED or (
            not bare and features.get("doc_cover", 0.0) < _CONTRADICTION_DOC_COVER
        ):
            return False
        if bare:
            # "Asked whether she would raise taxes, Ortiz said she would not": the words
            # deny what the sentence around them asks, so they deny a claim that says it.
            return not any(w in NEGATIONS for w in topic)
        doc_stems = {stem(w) for w in text_words}
        query_stems = {stem(w) for w in topic}
        shared = {stem(w) for w in polar_words(matched) if w not in NEGATIONS}
        flipped = any(
            OPPOSITE_OF.get(s, frozenset()) & doc_stems and s not in doc_stems for s in query_stems
        )
        negated = _negates_shared(topic, shared) != _negates_shared(text_words, shared)
        return negated != flipped

    # ----------------------------------------------------------------------------- quotes

    def quotes(self, speaker_id: str, *, topic: str | None = None, limit: int = 50) -> list[Match]:
        """Return a speaker's statements, ranked by ``topic`` when given (else reading order)."""
        num = self._speaker_num.get(speaker_id)
        if num is None:
            return []
        docs = [d for d in self._speaker_docs[num] if self._alive[d]]
        if topic is None or not topic.strip():
            return [Match(self._ids[d] or "", 1.0) for d in docs[:limit]]
        slots = self._slots(words(topic))
        ranked = sorted(
            (self._score_doc(d, slots, {}, {}) for d in docs), key=lambda s: (-s.score, s.doc)
        )
        return [
            Match(self._ids[s.doc] or "", round(min(1.0, s.score), 4), s.matched)
            for s in ranked[:limit]
            if s.matched
        ]
