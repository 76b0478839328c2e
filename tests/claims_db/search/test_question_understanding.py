"""Names as fields, speakers the library lacks, who-said, typos, the contradiction gate.

Invented texts and people throughout.
"""

from __future__ import annotations

import pytest

from claims_db.models import Kind, Speaker, Statement
from claims_db.search import SearchIndex
from tests.claims_db.search.records import statement

BRANDVOLD = Speaker(
    id="brandvold",
    name="Ilse Brandvold",
    aliases=("Brandvold", "Mayor Ilse Brandvold"),
    roles=("Mayor of Vessoy",),
)
ARVESEN = Speaker(id="hege", name="Hege Arvesen", aliases=("Arvesen",), roles=("harbour chief",))
KVAM = Speaker(id="kvam", name="Petter Kvam", aliases=("Kvam",))


def _filler(article: str, count: int) -> list[Statement]:
    return [
        statement(f"{article}-{i}", f"Agenda item {i} covers topic{i} and nothing else", article=a)
        for i, a in enumerate([article] * count)
    ]


LIBRARY = [
    statement("won", "Brandvold won the runoff by 400 votes.", article="vote"),
    statement(
        "school",
        "We will rebuild the harbour school before winter",
        speaker=BRANDVOLD,
        article="vote",
        start=100,
    ),
    statement(
        "tolls",
        "the ferry tolls would stay where they are until 2027",
        speaker=BRANDVOLD,
        kind=Kind.INDIRECT,
        sentence="Brandvold said the ferry tolls would stay where they are until 2027.",
        article="vote",
        start=200,
    ),
    statement(
        "asked",
        "The reporter Jon Arvesen asked Brandvold whether the ferry tolls would rise.",
        article="press",
    ),
    statement("quay", "The new quay has room for two ferries at once", speaker=ARVESEN),
    statement("cranes", "Our cranes are older than most of the crews", speaker=ARVESEN),
    statement(
        "lifeline",
        "the ferry is a lifeline for the island",
        kind=Kind.INDIRECT,
        sentence="A commuter said the ferry is a lifeline for the island.",
        article="ferry",
    ),
    statement(
        "dateline",
        "VESSOY, Norway - The island council met on Tuesday to discuss the quay.",
        article="council",
    ),
    *[
        statement(
            f"budget{i}", f"The government budget for roads grows by {i} percent", article=f"b{i}"
        )
        for i in range(6)
    ],
    statement("strike", "Goverment workers went on strike over pay", article="strike"),
    statement("k1", "Kvam called the road budget far too small", speaker=KVAM, article="roads"),
    *_filler("agenda", 30),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    built = SearchIndex()
    built.add(LIBRARY, [BRANDVOLD, ARVESEN, KVAM])
    return built


def top(index: SearchIndex, question: str) -> str | None:
    matches = index.search(question)
    return matches[0].statement_id if matches else None


# ---- names are fields, not filters -----------------------------------------------------


def test_a_claim_about_a_speaker_answers_a_question_about_her(index: SearchIndex) -> None:
    assert top(index, "did Brandvold win the runoff?") == "won"


def test_a_name_that_is_no_speaker_is_still_searched_as_words(index: SearchIndex) -> None:
    assert top(index, "what did the reporter Jon Arvesen ask Brandvold?") == "asked"


def test_a_shared_surname_does_not_hide_the_statement_about_the_other_person(
    index: SearchIndex,
) -> None:
    # Hege Arvesen is a speaker; Jon Arvesen, the reporter, is only written about.
    assert top(index, "what did Arvesen ask Brandvold?") == "asked"


def test_a_speaker_directed_question_ranks_her_words_first(index: SearchIndex) -> None:
    assert top(index, "what did Brandvold say about the ferry tolls?") == "tolls"


def test_a_speaker_directed_question_does_not_zero_the_others(index: SearchIndex) -> None:
    ranked = index.score("what did Brandvold say about the ferry tolls?", limit=5)
    others = {m.statement_id: m for m in ranked if m.statement_id != "tolls"}
    assert "asked" in others
    assert others["asked"].score > 0
    assert others["asked"].features["about_speaker"] == 1.0


def test_a_speaker_with_nothing_on_the_topic_still_gets_nothing(index: SearchIndex) -> None:
    assert index.search("Did Brandvold say anything about salmon farming?") == []


# ---- speakers the library does not have ------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "What did Obama say about the ferry tolls?",
        "what did obama say about the ferry tolls",
        "Obama on the ferry tolls",
        "What has Barack Obama said about the harbour school?",
    ],
)
def test_a_question_to_an_unknown_speaker_gets_nothing(index: SearchIndex, question: str) -> None:
    ranking = index.explain(question)
    assert ranking.matches == ()
    assert ranking.unknown_speaker is not None
    assert "obama" in ranking.unknown_speaker.lower()


def test_the_unknown_speaker_is_named_as_the_question_wrote_it(index: SearchIndex) -> None:
    assert index.explain("What has Barack Obama said about tolls?").unknown_speaker == (
        "Barack Obama"
    )


@pytest.mark.parametrize(
    "question",
    [
        "What did Mayor Halvard Sunde say about the ferry tolls?",
        "Mayor Halvard Sunde on the harbour school",
        "what did harbour chief Rasmus Tveit say about the quay",
    ],
)
def test_a_known_role_with_an_unknown_name_gets_nothing(index: SearchIndex, question: str) -> None:
    # The library's mayor is Brandvold; "Mayor <someone else>" is not a question to her.
    ranking = index.explain(question)
    assert ranking.matches == ()
    assert ranking.unknown_speaker is not None
    assert ranking.unknown_speaker.split()[-1] in {"Sunde", "Tveit"}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did the mayor say about the ferry tolls?", "tolls"),
        ("What did Mayor Brandvold say about the ferry tolls?", "tolls"),
        ("what did the harbour chief say about the quay", "quay"),
    ],
)
def test_a_known_role_alone_or_with_its_name_still_answers(
    index: SearchIndex, question: str, expected: str
) -> None:
    assert top(index, question) == expected


def test_a_close_spelling_of_a_known_speaker_is_offered(index: SearchIndex) -> None:
    ranking = index.explain("What did Bransvolden say about the ferry tolls?")
    assert ranking.matches == ()
    assert ranking.did_you_mean[:1] == ("brandvold",)


def test_a_far_spelling_offers_no_speaker(index: SearchIndex) -> None:
    assert index.explain("What did Obama say about the ferry tolls?").did_you_mean == ()


def test_a_typo_in_a_topic_word_is_no_unknown_speaker(index: SearchIndex) -> None:
    ranking = index.explain("what did the goverment say about the budget?")
    assert ranking.unknown_speaker is None
    assert ranking.matches


# ---- who said --------------------------------------------------------------------------


def test_who_said_finds_a_statement_whose_speaker_is_unnamed(index: SearchIndex) -> None:
    assert top(index, "who said the ferry is a lifeline") == "lifeline"


# ---- unanswerable questions ------------------------------------------------------------


def test_a_number_question_is_not_answered_by_a_statement_without_one(
    index: SearchIndex,
) -> None:
    assert index.search("how many people live in Vessoy?") == []


def test_a_number_question_is_answered_by_a_statement_with_one(index: SearchIndex) -> None:
    assert top(index, "by how many votes did Brandvold win the runoff?") == "won"


# ---- typos in ordinary words -----------------------------------------------------------


def test_a_typo_that_one_article_shares_still_finds_the_common_word(index: SearchIndex) -> None:
    found = index.search("goverment budjet")
    assert found[0].statement_id.startswith("budget")


def test_the_rare_spelling_itself_is_still_found(index: SearchIndex) -> None:
    assert top(index, "goverment workers strike") == "strike"


# ---- contradictions --------------------------------------------------------------------


def test_a_negation_in_a_statement_about_something_else_is_no_contradiction() -> None:
    built = SearchIndex()
    built.add(
        [
            statement("library", "We will not close the library", speaker=KVAM),
            *_filler("f", 10),
        ],
        [KVAM],
    )
    claim = "The council will close the harbour school, the ferry office and the pool in March"
    matches = built.score(claim)
    assert matches and matches[0].statement_id == "library"
    assert not matches[0].contradicts


def test_a_negation_of_the_same_claim_is_a_contradiction() -> None:
    built = SearchIndex()
    built.add(
        [statement("pool", "The council will not close the pool in March"), *_filler("f", 10)],
        [],
    )
    assert built.search("the council will close the pool in March")[0].contradicts


def test_a_pasted_claim_naming_a_speaker_still_finds_the_claim_by_others(
    index: SearchIndex,
) -> None:
    ranked = index.search("Brandvold says the harbour cranes are older than most of the crews")
    assert ranked and ranked[0].statement_id == "cranes"


# ---- candidates another stage adds ----------------------------------------------------


def test_added_candidates_of_a_directed_question_say_whose_they_are(index: SearchIndex) -> None:
    # A statement the semantic stage finds for "what did Brandvold say" is weighed by
    # whose it is, like the lexical stage's own candidates (rank.fuse reads by_speaker).
    found = index.lexical("What did Brandvold say about the ferry tolls?")
    assert found.speakers is not None
    found.candidates[:] = [c for c in found.candidates if c.statement_id not in {"school", "quay"}]
    index.add_candidates(found, ["school", "quay", "lifeline"])
    by = {c.statement_id: c.by_speaker for c in found.candidates}
    assert by["school"] is not None and by["school"] > 0.5  # hers
    assert by["quay"] == 0.0  # Arvesen's
    assert by["lifeline"] == 0.0  # an unnamed commuter's


def test_added_candidates_of_an_undirected_question_carry_no_speaker_weight(
    index: SearchIndex,
) -> None:
    found = index.lexical("is the ferry a lifeline?")
    found.candidates[:] = [c for c in found.candidates if c.statement_id != "quay"]
    index.add_candidates(found, ["quay"])
    assert [c.by_speaker for c in found.candidates if c.statement_id == "quay"] == [None]
