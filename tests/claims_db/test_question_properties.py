"""Arbitrary questions: parsing and searching never raise and only return valid, sourced matches."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims_db import ClaimsDB
from claims_db.db import MAX_QUESTION_CHARS
from claims_db.models import Answer
from claims_db.query import SAY_VERBS, Intent, Mention, parse
from claims_db.search import SearchIndex
from claims_db.textnorm import words

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# Question-like noise: seed vocabulary, speaker names, framing words, punctuation and odd unicode.
_QUESTIONY = st.lists(
    st.sampled_from(
        [
            "what ",
            "who ",
            "did ",
            "said ",
            "say ",
            "about ",
            "Noem ",
            "Kristi ",
            "Noem's ",
            "body ",
            "cameras ",
            "Minneapolis ",
            "officers ",
            "wasn't ",
            "not ",
            "?",
            "'",
            "\u2019",
            "#",
            "@everyone ",
            "\u200b",
            "\u202e",
            "\x00",
            "\U0001f600",
            " ",
            "\n",
        ]
    ),
    max_size=40,
).map("".join)
QUESTIONS = st.one_of(st.text(max_size=300), _QUESTIONY)
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClaimsDB]:
    """The seed library, opened once for every example of the module."""
    folder = tmp_path_factory.mktemp("questions")
    library = ClaimsDB.open(folder / "lib.json", seeds=SEEDS)
    yield library
    library.close()


@pytest.fixture(scope="module")
def seed_index(seed_db: ClaimsDB) -> SearchIndex:
    """A search index over every statement and speaker of the seed library."""
    statements = [s for article in seed_db.articles() for s in seed_db.statements(article.id)]
    index = SearchIndex()
    index.add(statements, seed_db.speakers())
    return index


@PROPERTY
@given(text=QUESTIONS)
def test_parse_without_mentions_never_raises_and_keeps_every_word(text: str) -> None:
    question = parse(text, [])
    assert question.text == text
    assert question.words == tuple(words(text))
    assert question.mention is None
    assert isinstance(question.intent, Intent)
    if question.intent is Intent.WHO_SAID:
        assert question.topic == question.words[2:]
    else:
        assert question.topic == question.words


@PROPERTY
@given(text=QUESTIONS, data=st.data())
def test_parse_with_a_mention_never_raises_and_topic_comes_from_the_words(
    text: str, data: st.DataObject
) -> None:
    found = words(text)
    start = data.draw(st.integers(min_value=0, max_value=len(found)))
    end = data.draw(st.integers(min_value=start, max_value=len(found)))
    mention = Mention(start, end, {"speaker-id": 1.0})
    question = parse(text, [mention])
    assert question.words == tuple(found)
    assert question.mention in (None, mention)
    if question.mention is not None:
        assert question.intent in (Intent.SPEAKER, Intent.CLAIM)
        # A verb of saying right after the name is the question's verb ("X wrote?").
        after = end + (end < len(found) and found[end] in SAY_VERBS)
        assert question.topic == tuple(found[:start] + found[after:])
    else:
        assert set(question.topic) <= set(found)


@PROPERTY
@given(question=QUESTIONS, limit=st.integers(min_value=-2, max_value=8))
def test_index_search_returns_known_statements_scored_between_zero_and_one(
    seed_db: ClaimsDB, seed_index: SearchIndex, question: str, limit: int
) -> None:
    known = {s.id for a in seed_db.articles() for s in seed_db.statements(a.id)}
    found = seed_index.search(question, limit=limit)
    assert isinstance(found, list)
    assert len(found) <= max(limit, 0)
    ids = [m.statement_id for m in found]
    assert len(ids) == len(set(ids))
    assert set(ids) <= known
    for match in found:
        assert math.isfinite(match.score)
        assert seed_index.threshold <= match.score <= 1.0


@PROPERTY
@given(question=QUESTIONS)
def test_index_score_without_abstaining_stays_between_zero_and_one(
    seed_index: SearchIndex, question: str
) -> None:
    for match in seed_index.score(question, limit=5):
        assert 0.0 <= match.score <= 1.0


@PROPERTY
@given(question=QUESTIONS, limit=st.integers(min_value=1, max_value=5))
def test_ask_on_any_unicode_returns_exact_sourced_answers(
    seed_db: ClaimsDB, question: str, limit: int
) -> None:
    answers = seed_db.ask(question, limit=limit)
    assert isinstance(answers, list)
    assert len(answers) <= limit
    for answer in answers:
        assert isinstance(answer, Answer)
        assert 0.0 <= answer.score <= 1.0
        statement = answer.statement
        assert statement.article_id == answer.article.id
        assert answer.article.text[statement.start : statement.end] == statement.text


@PROPERTY
@given(name=QUESTIONS, topic=st.one_of(st.none(), QUESTIONS))
def test_speaker_lookups_on_any_unicode_never_raise(
    seed_db: ClaimsDB, name: str, topic: str | None
) -> None:
    speakers = seed_db.find_speakers(name, limit=5)
    assert len(speakers) <= 5
    known = {s.id for s in seed_db.speakers()}
    assert {s.id for s in speakers} <= known
    for answer in seed_db.quotes(name, topic=topic, limit=5):
        assert 0.0 <= answer.score <= 1.0
        assert answer.article.text[answer.statement.start : answer.statement.end] == (
            answer.statement.text
        )


_HOSTILE_QUESTIONS = {
    "one-speaker-name": "noem ",
    "seed-topic-words": "body cameras ",
    "framing-words": "what did say ",
    "apostrophes": "'",
    "contractions": "wasn't ",
    "invisible-and-tags": "\u200b\u202e#@",
    "single-word": "a",
    "compound-looking-word": "bodycams",
}


@pytest.mark.parametrize("unit", _HOSTILE_QUESTIONS.values(), ids=_HOSTILE_QUESTIONS.keys())
def test_hostile_questions_at_the_length_cap_get_exact_answers(
    seed_db: ClaimsDB, unit: str
) -> None:
    question = (unit * (MAX_QUESTION_CHARS // len(unit) + 1))[:MAX_QUESTION_CHARS]
    for answer in seed_db.ask(question):
        assert 0.0 <= answer.score <= 1.0
        assert answer.article.text[answer.statement.start : answer.statement.end] == (
            answer.statement.text
        )


# Past ClaimsDB's cap the index itself must stay linear (bench/ and other callers use it).
# Each question runs in a child process under an address-space cap, so a quadratic path fails
# the test with MemoryError instead of taking the machine down; the timeout (far above what a
# linear path needs) only stops a hang.
_CHILD_MEMORY = 600_000_000
_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
from pathlib import Path
from claims_db import ClaimsDB
from claims_db.search import SearchIndex
question = {question}
with ClaimsDB.open(Path(sys.argv[1]), seeds=Path(sys.argv[2])) as db:
    statements = [s for a in db.articles() for s in db.statements(a.id)]
    index = SearchIndex()
    index.add(statements, db.speakers())
    matches = index.search(question)
assert all(0.0 <= m.score <= 1.0 for m in matches)
print("answered", len(matches))
"""


@pytest.fixture(scope="module")
def seeded_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a library of the seeds, extracted once for the module's child processes."""
    path = tmp_path_factory.mktemp("seeded") / "lib.json"
    with ClaimsDB.open(path, seeds=SEEDS):
        pass
    return path


@pytest.mark.parametrize(
    "question",
    [
        pytest.param('"body cameras " * 10_000', id="130k-seed-topic-words"),
        pytest.param('"what did " * 15_000 + "say?"', id="135k-framing-words"),
        pytest.param('"\'" * 100_000', id="100k-apostrophes"),
        pytest.param('"wasn\'t " * 20_000', id="20k-contractions"),
        pytest.param('"\\u200b\\u202e#@" * 50_000', id="invisible-and-tags"),
        pytest.param('" ".join(f"w{i}" for i in range(30_000))', id="30k-distinct-unknown-words"),
        pytest.param('"noem " * 100_000', id="500k-one-speaker-name"),
        pytest.param('"a" * 200_000', id="200k-single-word"),
        pytest.param('"bodycams" * 25_000', id="200k-compound-looking-word"),
    ],
)
def test_index_search_on_huge_questions_finishes_in_bounded_memory(
    tmp_path: Path, question: str, seeded_library: Path
) -> None:
    code = _CHILD.format(cap=_CHILD_MEMORY, question=question)
    library = tmp_path / "lib.json"
    shutil.copyfile(seeded_library, library)  # the child reads it; it extracts nothing
    done = subprocess.run(
        [sys.executable, "-c", code, str(library), str(SEEDS)],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("answered")
