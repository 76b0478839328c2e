"""SearchIndex behaviour on small hand-built libraries."""

from __future__ import annotations

import pytest

from claims_db.models import Kind, Speaker
from claims_db.search import SearchIndex, _negates_shared
from tests.claims_db.search.records import statement

RUIZ = Speaker(id="ruiz", name="Ana Ruiz", aliases=("Ruiz", "Mayor Ana Ruiz"), roles=("Mayor",))
BERG = Speaker(id="berg", name="Tomas Berg", aliases=("Berg",), roles=("City engineer",))


LIBRARY = [
    statement(
        "bridge", "The harbour bridge will reopen to traffic by the end of March", speaker=RUIZ
    ),
    statement("budget", "We are ahead of schedule and under budget", speaker=RUIZ),
    statement("pillar", "The new pillar passed its load tests", speaker=BERG),
    statement("barge", "A barge struck one of the bridge pillars in October."),
    statement("family", "I would not let my own family drive on it otherwise", speaker=BERG),
]


@pytest.fixture
def index() -> SearchIndex:
    built = SearchIndex()
    built.add(LIBRARY, [RUIZ, BERG])
    return built


def top(index: SearchIndex, question: str) -> str | None:
    matches = index.search(question)
    return matches[0].statement_id if matches else None


def test_search_finds_statement_by_topic(index: SearchIndex) -> None:
    assert top(index, "when does the harbour bridge reopen") == "bridge"


def test_scores_are_between_zero_and_one(index: SearchIndex) -> None:
    matches = index.search("bridge pillar barge October struck", limit=5)
    assert matches and all(0.0 <= m.score <= 1.0 for m in matches)


def test_matched_lists_the_query_words_found(index: SearchIndex) -> None:
    assert index.search("load tests of the pillar")[0].matched == ("load", "tests", "pillar")


def test_unknown_topic_returns_nothing(index: SearchIndex) -> None:
    assert index.search("what is the capital of France?") == []


def test_known_speaker_on_unknown_topic_returns_nothing(index: SearchIndex) -> None:
    assert index.search("Did Ruiz say anything about tariffs on steel?") == []


def test_speaker_directed_question_keeps_to_that_speaker(index: SearchIndex) -> None:
    assert top(index, "what did Berg say about the bridge") in {"pillar", "family"}


def test_speaker_question_without_topic_lists_that_speaker(index: SearchIndex) -> None:
    ids = {m.statement_id for m in index.search("What did Berg say?", limit=5)}
    assert ids == {"pillar", "family"}


@pytest.mark.parametrize("name", ["Ana Ruiz", "Ruiz", "ana ruis", "the mayor"])
def test_find_speakers_matches_names_typos_and_roles(index: SearchIndex, name: str) -> None:
    assert index.find_speakers(name)[0][0] == "ruiz"


def test_find_speakers_unknown_name_is_empty(index: SearchIndex) -> None:
    assert index.find_speakers("Zbigniew Quist") == []


def test_typo_in_topic_word_still_matches(index: SearchIndex) -> None:
    assert top(index, "harbuor bridge reopen") == "bridge"


def test_who_said_prefers_a_statement_with_a_speaker(index: SearchIndex) -> None:
    assert top(index, "who said the bridge pillar passed its tests") == "pillar"


def test_negated_claim_is_flagged_as_contradiction(index: SearchIndex) -> None:
    matches = index.search("Berg said he would let his own family drive on it")
    assert matches[0].statement_id == "family"
    assert matches[0].contradicts


def test_agreeing_claim_is_not_flagged(index: SearchIndex) -> None:
    assert not index.search("Berg said he would not let his own family drive on it")[0].contradicts


def test_opposite_verb_is_flagged_as_contradiction() -> None:
    built = SearchIndex()
    built.add([statement("up", "The council will increase funding for rural clinics")], [])
    assert built.search("the council will decrease funding for rural clinics")[0].contradicts


def test_negation_of_an_unshared_word_is_not_a_contradiction() -> None:
    built = SearchIndex()
    built.add([statement("cams", "Harbour officers will be issued body cameras this spring")], [])
    matches = built.search("Harbour officers will be issued body cameras, not new radios")
    assert matches[0].statement_id == "cams"
    assert not matches[0].contradicts


def test_opposite_judgement_is_flagged_as_contradiction() -> None:
    built = SearchIndex()
    built.add([statement("good", "Body cameras tend to be good for the police")], [])
    assert built.search("body cameras are bad for the police")[0].contradicts


QUALIFIED = [
    statement("denies", "I don't believe that, frankly, she is qualified for the bridge job"),
    statement("ferry", "The ferry timetable changes in the spring"),
]


@pytest.mark.parametrize(
    ("claim", "contradicts"),
    [
        ("she is unqualified for the bridge job", False),
        ("she is not qualified for the bridge job", False),
        ("she is qualified for the bridge job", True),
    ],
)
def test_a_negative_prefix_matches_and_agrees_with_a_negation(
    claim: str, contradicts: bool
) -> None:
    built = SearchIndex()
    built.add(QUALIFIED, [])
    matches = built.search(claim)
    assert matches[0].statement_id == "denies"
    assert matches[0].contradicts is contradicts


def test_a_prefix_negated_statement_is_found_by_a_spelt_out_negation() -> None:
    built = SearchIndex()
    built.add([statement("unfit", "The engineer called the old pillar unsafe"), *QUALIFIED], [])
    matches = built.search("the engineer called the old pillar safe")
    assert matches[0].statement_id == "unfit"
    assert matches[0].contradicts


def test_repeated_negations_do_not_cancel_but_a_double_negative_does() -> None:
    built = SearchIndex()
    built.add(
        [
            statement("twice", "The pillar is not safe. I said it before: the pillar is not safe"),
            statement("double", "The ferry is not unsafe in a storm"),
        ],
        [],
    )
    assert built.search("the pillar is safe")[0].contradicts
    ferry = built.search("the ferry is safe in a storm")
    assert ferry[0].statement_id == "double"
    assert not ferry[0].contradicts


def test_a_word_only_in_the_attribution_sentence_finds_the_statement() -> None:
    text = "the current rules were not working"
    sentence = (
        "Ana Ruiz, who sponsored a bill to end ferry exemptions, said the current rules "
        "were not working."
    )
    built = SearchIndex()
    built.add(
        [
            statement("rules", text, speaker=RUIZ, sentence=sentence),
            statement("fares", "Ferry fares will rise in spring", speaker=BERG),
        ],
        [RUIZ, BERG],
    )
    matches = built.search("Ruiz on exemptions")
    assert [m.statement_id for m in matches] == ["rules"]
    assert matches[0].matched == ("exemptions",)


@pytest.mark.parametrize(
    ("sentence", "negated"),
    [
        ("the pier is not safe", True),
        ("the pier is safe", False),
        ("not the old wooden pier, it is safe", False),  # beyond the negation's reach
        ("not not a b c safe", False),  # the second negation carries the first to "safe"
        ("i do not believe that frankly it is safe", True),
        ("it is not safe . i said it again : it is not safe", True),
    ],
)
def test_negates_shared(sentence: str, negated: bool) -> None:
    assert _negates_shared(sentence.split(), {"safe"}) is negated


def test_a_question_about_a_body_is_directed_at_its_spokesperson() -> None:
    pell = Speaker(
        id="pell", name="Ana Pell", roles=("spokeswoman for the Harbour Retail Council",)
    )
    built = SearchIndex()
    built.add(
        [
            statement("shelves", "Retailers had warned of empty shelves in the harbour"),
            statement("stocked", "Stores will be fully stocked before the autumn", speaker=pell),
        ],
        [pell],
    )
    for question in ("what did the retail council say about shelves", "Harbour Retail Council"):
        assert top(built, question) == "stocked", question


def test_remove_drops_statement_from_results(index: SearchIndex) -> None:
    index.remove(["bridge"])
    assert top(index, "harbour bridge reopen traffic March") != "bridge"


def test_remove_drops_speaker_left_without_statements(index: SearchIndex) -> None:
    index.remove(["pillar", "family"])
    assert index.find_speakers("Tomas Berg") == []


def test_add_after_build_is_searchable(index: SearchIndex) -> None:
    index.add([statement("ferry", "A new ferry line starts in June", article="a2")], [])
    assert top(index, "ferry line June") == "ferry"


def test_re_adding_a_statement_replaces_it(index: SearchIndex) -> None:
    index.add([statement("budget", "Tram tickets will cost two euros", speaker=RUIZ)], [])
    assert top(index, "tram tickets cost") == "budget"
    assert len(index) == len(LIBRARY)


def test_near_identical_statements_in_other_articles_are_grouped(index: SearchIndex) -> None:
    copy = statement(
        "bridge-wire",
        "the harbour bridge will reopen to traffic by the end of March.",
        speaker=RUIZ,
        article="a2",
    )
    index.add([copy], [])
    first = index.search("harbour bridge reopen to traffic", limit=3)[0]
    assert {first.statement_id, *first.also_in} == {"bridge", "bridge-wire"}


def test_quotes_without_topic_are_in_reading_order(index: SearchIndex) -> None:
    assert [m.statement_id for m in index.quotes("berg")] == ["pillar", "family"]


def test_quotes_with_topic_rank_and_filter(index: SearchIndex) -> None:
    assert [m.statement_id for m in index.quotes("berg", topic="load tests")] == ["pillar"]


def test_many_removals_compact_without_losing_live_statements() -> None:
    built = SearchIndex()
    built.add(
        [statement(f"s{i}", f"Statement number {i} about topic{i % 7}") for i in range(3000)], []
    )
    built.remove(f"s{i}" for i in range(2000))
    assert len(built) == 1000
    assert top(built, "statement number 2500 topic1") == "s2500"


def test_short_quote_takes_context_from_previous_statement() -> None:
    built = SearchIndex()
    built.add(
        [
            statement("before", "Some senators backed mandatory body cameras for officers."),
            statement(
                "quote",
                "I have no problem with that",
                speaker=BERG,
                sentence="“I have no problem with that,” Berg said.",
                start=60,
            ),
        ],
        [BERG],
    )
    assert top(built, "did Berg support body cameras?") == "quote"


HALDEN = [
    statement("pier", "The Halden council voted to close the ferry pier in March."),
    statement("repair", "Halden will repair the pier next spring", speaker=RUIZ),
    statement("school", "The school in Halden opened a new library wing."),
    statement("works", "Scaffolding goes up on the station roof in May.", speaker=BERG),
]


@pytest.fixture
def halden() -> SearchIndex:
    built = SearchIndex()
    others = [
        statement(f"other{i}", f"Item {i} of the agenda concerns topic{i}") for i in range(40)
    ]
    built.add([*HALDEN, *LIBRARY, *others], [RUIZ, BERG])
    return built


@pytest.mark.parametrize(
    "question",
    [
        "what is the population of Halden?",
        "what is the population of halden",  # a name is known from the statements, not the case
        "Halden has ten thousand residents",
    ],
)
def test_sharing_only_a_place_name_is_no_answer(halden: SearchIndex, question: str) -> None:
    assert halden.search(question) == []


def test_a_name_with_the_asked_about_words_still_answers(halden: SearchIndex) -> None:
    assert top(halden, "what happens to the Halden pier?") in {"pier", "repair"}


def test_a_word_capitalised_only_at_a_sentence_start_is_no_name(halden: SearchIndex) -> None:
    assert top(halden, "what will the scaffolding cost?") == "works"


JUDGE = Speaker(
    id="judge",
    name="Rosalind Ten-Broek",
    aliases=(),
    roles=("U.S. District Judge",),
)


@pytest.fixture
def court() -> SearchIndex:
    built = SearchIndex()
    built.add(
        [
            statement(
                "record",
                "A record of every car kept for years is a record of everyone",
                speaker=JUDGE,
                sentence="“A record of every car kept for years is a record of everyone,”"
                " Judge Rosalind Ten-Broek wrote.",
            ),
            statement("lede", "A federal judge ruled that the city must delete its plate scans."),
            *LIBRARY,
        ],
        [RUIZ, BERG, JUDGE],
    )
    return built


@pytest.mark.parametrize(
    "question",
    [
        "did Judge Ten-Broek rule on speeding tickets?",  # the title is part of the name
        "what did Ten-Broek say about the weather?",  # "broek" is no topic word of hers
        "what did Rosalind Ten-Broek say about parking",
    ],
)
def test_a_speaker_on_a_topic_she_never_spoke_of_is_no_answer(
    court: SearchIndex, question: str
) -> None:
    assert court.search(question) == []


@pytest.mark.parametrize(
    "question",
    ["what did judge ten-broek write?", "what did Ten-Broek write?", "Ten-Broek said what?"],
)
def test_the_verb_after_a_speaker_is_not_her_topic(court: SearchIndex, question: str) -> None:
    assert top(court, question) == "record"


def test_who_said_needs_most_of_the_quoted_words(index: SearchIndex) -> None:
    assert top(index, "who said the bridge will reopen by March?") == "bridge"
    assert index.search("who said traffic jams are caused by aliens?") == []


def test_a_question_to_a_speaker_may_name_the_subject_of_her_article() -> None:
    attorney = Speaker(id="law", name="Nia Farrow", roles=("city attorney",))
    built = SearchIndex()
    built.add(
        [
            statement("lede", "A federal judge ruled that the city must delete its plate scans."),
            statement("suit", "Three residents had sued over the cameras.", start=100),
            statement(
                "appeal",
                "the city would appeal",
                speaker=attorney,
                kind=Kind.INDIRECT,
                sentence="The city attorney, Nia Farrow, said the city would appeal.",
                start=200,
            ),
            *[
                statement(f"x{i}", f"Agenda item {i} is about topic{i}", article="a2")
                for i in range(20)
            ],
        ],
        [attorney],
    )
    assert top(built, "what did the city attorney say about the ruling?") == "appeal"
    assert built.search("what did the city attorney say about parking?") == []


def test_a_question_needs_a_third_of_its_words_in_the_answer(halden: SearchIndex) -> None:
    assert top(halden, "when will Halden repair the pier?") == "repair"
    assert halden.search("when will the pier get brighter lights and benches?") == []
    assert halden.search("why did the barge operator lose his license?") == []


def test_a_pasted_claim_is_not_held_to_a_share_of_its_words(halden: SearchIndex) -> None:
    # A pasted post carries words beside its claim (a byline, a date): no share is asked.
    assert top(halden, "Barge struck \u2014 Ferrisburg Courier staff, 3 May 2025") == "barge"


def test_a_name_asked_about_must_be_in_the_statement_or_its_article() -> None:
    built = SearchIndex()
    built.add(
        [
            statement(
                "lede", "Voters in Halden face a 12 percent rise in water rates.", article="w"
            ),
            statement(
                "why",
                "Old pipes under the streets leak badly and the rates must rise to pay for new ones",
                article="w",
            ),
            statement("angle", "Trump hopes to capitalize on anger at the rates", article="t"),
            statement("paris", "Officials in Paris and across France met in May.", article="f"),
            *[
                statement(f"x{i}", f"Agenda item {i} is about topic{i}", article="z")
                for i in range(20)
            ],
        ],
        [],
    )
    assert built.search("what is the capital of France?") == []
    assert top(built, "why do the pipes in Halden leak?") == "why"
