"""Attribution patterns of news writing, each on a small invented text."""

from __future__ import annotations

import pytest

from claims_db.extract import extract
from claims_db.models import ExtractedStatement, Extraction, Kind, SpeakerKind

HEAD = "Synthetic headline for a test\n\n"


def run(body: str) -> Extraction:
    return extract(HEAD + body)


def quotes(result: Extraction) -> list[tuple[str, str | None]]:
    return [(s.text, s.speaker) for s in result.statements if s.kind is Kind.DIRECT]


def reported(result: Extraction) -> list[tuple[str, str | None]]:
    return [(s.text, s.speaker) for s in result.statements if s.kind is Kind.INDIRECT]


def only(result: Extraction, kind: Kind) -> ExtractedStatement:
    found = [s for s in result.statements if s.kind is kind]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "body",
    [
        "\u201cThe bridge will reopen in May,\u201d Mayor Jane Ortiz said.",
        "\u201cThe bridge will reopen in May,\u201d said Mayor Jane Ortiz.",
        '"The bridge will reopen in May," Mayor Jane Ortiz said.',
        "Mayor Jane Ortiz said: \u201cThe bridge will reopen in May.\u201d",
        "Mayor Jane Ortiz said, \u201cThe bridge will reopen in May.\u201d",
        "''The bridge will reopen in May,'' Mayor Jane Ortiz said.",
    ],
)
def test_quote_is_attributed_in_every_position_and_mark_style(body: str) -> None:
    st = only(run(body), Kind.DIRECT)
    assert st.text.rstrip(".") == "The bridge will reopen in May"
    assert st.speaker == "Jane Ortiz"


def test_quote_drops_final_comma_but_keeps_final_period() -> None:
    result = run("\u201cWe are ready,\u201d Jane Ortiz said. \u201cWe start today.\u201d")
    assert [t for t, _ in quotes(result)] == ["We are ready", "We start today."]


def test_canonical_name_drops_title_and_keeps_it_as_role() -> None:
    result = run("Mayor Jane Ortiz announced the bridge will reopen in May.")
    assert reported(result) == [("the bridge will reopen in May", "Jane Ortiz")]
    (speaker,) = result.speakers
    assert speaker.name == "Jane Ortiz"
    assert "Mayor" in speaker.roles
    assert "Mayor Jane Ortiz" in speaker.aliases


def test_reported_speech_after_cue() -> None:
    result = run("City engineer Sam Lee said the repairs were nearly finished.")
    assert reported(result) == [("the repairs were nearly finished", "Sam Lee")]


def test_reported_speech_drops_that_and_time_phrase() -> None:
    result = run("Sam Lee said on Tuesday that the repairs were nearly finished.")
    assert reported(result) == [("the repairs were nearly finished", "Sam Lee")]


def test_reported_speech_before_cue() -> None:
    result = run("The repairs were nearly finished, Sam Lee said on Tuesday.")
    assert reported(result) == [("The repairs were nearly finished", "Sam Lee")]


def test_reported_speech_before_an_organisation_with_its_article() -> None:
    result = run("Fares will rise in the spring, the Harbour Gazette reported on Monday.")
    assert reported(result) == [("Fares will rise in the spring", "Harbour Gazette")]


def test_an_organisation_by_its_last_word_is_the_one_named_before() -> None:
    result = run(
        "The Gazette reported that buses would run late. The Harbour Gazette reported that "
        "fares would rise. The ferry will be late, the Gazette reported."
    )
    assert [s for _, s in reported(result)] == ["Gazette", "Harbour Gazette", "Harbour Gazette"]


def test_according_to_after_the_clause() -> None:
    result = run("The tunnel will close for a week, according to Sam Lee.")
    st = only(result, Kind.INDIRECT)
    assert (st.text, st.speaker, st.cue) == (
        "The tunnel will close for a week",
        "Sam Lee",
        "according to",
    )


def test_according_to_opening_the_sentence() -> None:
    result = run("According to Sam Lee, the tunnel will close for a week.")
    assert reported(result) == [("the tunnel will close for a week", "Sam Lee")]


def test_told_keeps_the_addressee_apart() -> None:
    result = run(
        "\u201cWe will not raise fares,\u201d transit chief Ana Ruiz told Metro Radio's "
        "Paul Brand on Sunday."
    )
    st = only(result, Kind.DIRECT)
    assert (st.speaker, st.cue, st.addressee) == ("Ana Ruiz", "told", "Paul Brand")
    assert "Paul Brand" not in {s.name for s in result.speakers}


def test_told_with_reported_clause() -> None:
    result = run("Ana Ruiz told reporters that fares would stay the same.")
    assert reported(result) == [("fares would stay the same", "Ana Ruiz")]


def test_told_a_quoted_programme_that() -> None:
    result = run(
        "Ana Ruiz told Metro Radio’s “Morning Desk” that fares would stay the "
        "same, calling the plan “a fair deal”."
    )
    assert reported(result) == [("fares would stay the same", "Ana Ruiz")]
    assert "Morning Desk" not in {s.text for s in result.statements}


def test_a_short_quote_after_called_is_the_subjects_words() -> None:
    result = run("Councilman Olin Marsh called the plan \u201ca gift to the developers.\u201d")
    st = only(result, Kind.DIRECT)
    assert (st.text, st.speaker, st.cue) == ("a gift to the developers.", "Olin Marsh", "called")


def test_a_short_quote_after_a_role_subject_is_the_role_holders_words() -> None:
    result = run(
        "Mayor Jane Ortiz presented the budget. The mayor described the cuts as"
        " \u201ca disaster for the city.\u201d"
    )
    st = only(result, Kind.DIRECT)
    assert (st.text, st.speaker, st.cue) == ("a disaster for the city.", "Jane Ortiz", "described")


@pytest.mark.parametrize(
    "body",
    [
        "Critics called the plan a \u201ctax grab\u201d on Monday.",
        "Mayor Jane Ortiz spoke. The mayor\u2019s aide called the plan \u201ca gift to builders.\u201d",
        "Mayor Jane Ortiz spoke. The council called the plan \u201ca gift to builders.\u201d",
        "Olin Marsh called the plan \u201cweak\u201d on Monday.",
        "Olin Marsh read the \u201cgift to developers\u201d report.",
    ],
)
def test_no_short_quote_without_a_named_subject_and_a_naming_verb(body: str) -> None:
    assert [s for s in run(body).statements if s.kind is Kind.DIRECT] == []


def test_wrote_in_a_post() -> None:
    result = run(
        "\u201cThe library stays open all summer,\u201d Ana Ruiz wrote in a social media post."
    )
    st = only(result, Kind.DIRECT)
    assert (st.speaker, st.cue) == ("Ana Ruiz", "wrote")


@pytest.mark.parametrize("medium", ["a video message", "a video message to staff", "an email"])
def test_the_medium_after_a_quote_is_no_reported_clause(medium: str) -> None:
    result = run(f"\u201cThe library stays open,\u201d Ana Ruiz said in {medium}.")
    assert quotes(result) == [("The library stays open", "Ana Ruiz")]
    assert reported(result) == []


@pytest.mark.parametrize("verb", ["announced", "added", "argued", "insisted", "warned"])
def test_other_speech_verbs(verb: str) -> None:
    result = run(f"Ana Ruiz {verb} that the library would stay open all summer.")
    assert reported(result) == [("the library would stay open all summer", "Ana Ruiz")]


def test_appositive_between_name_and_cue() -> None:
    result = run("Tom Hale, a member of the county board, said the vote was delayed.")
    assert reported(result) == [("the vote was delayed", "Tom Hale")]
    (speaker,) = result.speakers
    assert "member of the county board" in speaker.roles


def test_continuation_quote_keeps_speaker() -> None:
    result = run(
        "\u201cThe vote was fair,\u201d Tom Hale said. \u201cWe counted every ballot twice.\u201d"
    )
    assert quotes(result) == [
        ("The vote was fair", "Tom Hale"),
        ("We counted every ballot twice.", "Tom Hale"),
    ]


def test_multi_paragraph_quote_is_one_statement_per_paragraph() -> None:
    result = run(
        "Tom Hale read his statement to the board.\n\n"
        "\u201cWe counted every ballot twice and found no errors in any precinct.\n\n"
        "\u201cThe result stands, and the board will certify it on Friday.\u201d"
    )
    assert quotes(result) == [
        ("We counted every ballot twice and found no errors in any precinct.", "Tom Hale"),
        ("The result stands, and the board will certify it on Friday.", "Tom Hale"),
    ]


def test_single_quotes_stay_nested_inside_double_quotes() -> None:
    result = run(
        "\u201cThe sign said \u2018closed for repairs\u2019 all week,\u201d Tom Hale said."
    )
    assert quotes(result) == [("The sign said \u2018closed for repairs\u2019 all week", "Tom Hale")]


def test_scare_quote_in_the_authors_sentence_is_not_a_statement() -> None:
    result = run("The council called the plan a \u201cbold step\u201d for the small town.")
    assert quotes(result) == []
    assert [s.kind for s in result.statements] == [Kind.CLAIM]


def test_long_quoted_fragment_in_reported_clause_is_a_quote() -> None:
    result = run(
        "Tom Hale said the plan would \u201cmake the river crossing safe for every "
        "family in town\u201d by next year."
    )
    assert ("make the river crossing safe for every family in town", "Tom Hale") in quotes(result)


def test_pronoun_resolves_to_the_last_named_speaker() -> None:
    result = run(
        "Nina Park said the pool would open in June. "
        "\u201cWe hired six lifeguards,\u201d she added."
    )
    assert quotes(result) == [("We hired six lifeguards", "Nina Park")]


def test_pronoun_skips_a_name_that_closes_an_introductory_phrase() -> None:
    result = run(
        "Vera Quillby praised the mayor, Tomas Berg, on Monday. On the subject of another "
        "rival, Mr. Berg, Ms. Quillby was asked why she had said the levee would hold."
    )
    assert reported(result) == [("the levee would hold", "Vera Quillby")]


def test_last_name_resolves_to_the_first_full_mention() -> None:
    result = run(
        "Nina Park runs the parks department.\n\n\u201cThe pool opens in June,\u201d Park said."
    )
    assert quotes(result) == [("The pool opens in June", "Nina Park")]


def test_title_resolves_to_the_person_who_holds_it() -> None:
    result = run(
        "Governor Lena Marsh signed the budget on Friday. "
        "\u201cIt is a fair budget,\u201d the governor said."
    )
    assert quotes(result) == [("It is a fair budget", "Lena Marsh")]


def test_speaker_named_in_the_sentence_before_the_quote() -> None:
    result = run(
        "Nina Park was blunt about the delay.\n\n\u201cWe ran out of money for the new pool.\u201d"
    )
    assert quotes(result) == [("We ran out of money for the new pool.", "Nina Park")]


def test_quote_without_identifiable_speaker_has_none() -> None:
    result = run(
        "The storm closed every road in the valley.\n\n"
        "\u201cNobody could get in or out for three days.\u201d"
    )
    assert quotes(result) == [("Nobody could get in or out for three days.", None)]


def test_unnamed_source_is_not_guessed() -> None:
    result = run("Nina Park opened the pool. The roof leaked last winter, a city spokesman said.")
    assert reported(result) == [("The roof leaked last winter", None)]


def test_organisation_speaks_through_its_report() -> None:
    result = run(
        "The Harbor Safety Board's annual report found that two cranes had failed inspection."
    )
    st = only(result, Kind.INDIRECT)
    assert (st.text, st.speaker) == ("two cranes had failed inspection", "Harbor Safety Board")
    kinds = {sp.name: sp.kind for sp in result.speakers}
    assert kinds["Harbor Safety Board"] is SpeakerKind.ORGANISATION


def test_headline_with_speech_verb_is_reported_speech() -> None:
    result = extract("Bridge will reopen in May, Ortiz says\n\nMayor Jane Ortiz spoke Monday.")
    assert reported(result) == [("Bridge will reopen in May", "Jane Ortiz")]
    assert result.title == "Bridge will reopen in May, Ortiz says"


def test_claim_is_the_whole_factual_sentence() -> None:
    result = run("The county spent four million dollars on road repairs last year.")
    st = only(result, Kind.CLAIM)
    assert st.text == "The county spent four million dollars on road repairs last year."
    assert (st.start, st.end) == (st.sentence_start, st.sentence_end)


def test_explicit_title_is_kept() -> None:
    assert extract("Body text only.", title="Given title").title == "Given title"


def test_empty_text_gives_nothing() -> None:
    result = extract("")
    assert (result.title, result.statements, result.speakers) == ("", (), ())


def test_epithet_resolves_to_the_last_named_person_not_a_place() -> None:
    result = run(
        "Senator Rosa Vane toured a factory in New Mexico on Monday. "
        "The lawmaker, who chairs the trade panel, said the plant would double its staff."
    )
    assert reported(result) == [("the plant would double its staff", "Rosa Vane")]


def test_coordinated_verb_shares_the_subject() -> None:
    result = run("Rosa Vane praised the workers and said the plant would double its staff.")
    assert reported(result) == [("the plant would double its staff", "Rosa Vane")]


def test_clause_stops_where_another_attribution_begins() -> None:
    result = run(
        "While Rosa Vane said that the plant was safe, Tom Hale said it needed new wiring."
    )
    assert reported(result) == [
        ("the plant was safe", "Rosa Vane"),
        ("it needed new wiring", "Tom Hale"),
    ]


def test_question_quote_before_a_named_speaker_stays_in_one_sentence() -> None:
    result = run("\u201cWho will pay for it?\u201d Rosa Vane asked the crowd.")
    assert quotes(result) == [("Who will pay for it?", "Rosa Vane")]


def test_attribution_inside_an_according_to_clause_is_not_reported_twice() -> None:
    result = run("Tom Hale said the mill will close, according to the Valley Star.")
    assert reported(result) == [("the mill will close", "Tom Hale")]


def test_named_publication_after_according_to_is_an_organisation() -> None:
    result = run("The mill will close in June, according to the Valley Star.")
    assert reported(result) == [("The mill will close in June", "Valley Star")]
    assert result.speakers[0].kind is SpeakerKind.ORGANISATION


def test_pronoun_reported_speech_nested_in_a_clause_is_kept() -> None:
    result = extract("Ortiz Says She Never Pledged To Close The Mill\n\nMayor Jane Ortiz spoke.")
    assert ("She Never Pledged To Close The Mill", "Jane Ortiz") in reported(result)


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ("Jane Ortiz of Ferrisburg said that the lanes removed 120 parking spaces.", "Jane Ortiz"),
        (
            "Business owners on Dunmore Avenue complained that the lanes removed 120 parking spaces.",
            None,
        ),
        ("Residents of Ferrisburg said that the lanes removed 120 parking spaces.", None),
        ("Residents said that the lanes removed 120 parking spaces.", None),
    ],
)
def test_a_place_after_the_subject_does_not_speak(body: str, speaker: str | None) -> None:
    assert reported(run(body)) == [("the lanes removed 120 parking spaces", speaker)]


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ("\u201cThe lanes are bad,\u201d said a shop owner on Dunmore Avenue.", None),
        ("\u201cThe lanes are bad,\u201d said a shop owner.", None),
        ("\u201cThe lanes are bad,\u201d said one shop owner, Jane Ortiz.", "Jane Ortiz"),
    ],
)
def test_a_quote_from_someone_unnamed_is_still_a_quote(body: str, speaker: str | None) -> None:
    assert quotes(run(body)) == [("The lanes are bad", speaker)]


def test_a_verb_of_writing_before_a_plain_object_reports_nothing() -> None:
    result = run("He hosts a talk show, writes a weekly column and, since 2013, leads a channel.")
    assert [s.kind for s in result.statements] == [Kind.CLAIM]


@pytest.mark.parametrize(
    "body",
    [
        "The depot is short 140 drivers, according to the general manager, Colette Amsberg.",
        "The depot is short 140 drivers, according to its general manager, Colette Amsberg.",
        "The depot is short 140 drivers, its general manager, Colette Amsberg, said.",
    ],
)
def test_a_role_then_a_name_after_the_clause(body: str) -> None:
    assert reported(run(body)) == [("The depot is short 140 drivers", "Colette Amsberg")]


def test_the_object_of_a_relative_clause_does_not_speak() -> None:
    result = run("Anglers who fish the Velder said the money should go to restocking.")
    assert reported(result) == [("the money should go to restocking", None)]


def test_a_comment_clause_after_as_ends_the_reported_clause() -> None:
    result = run("Ana Ruiz said the library stays open, as was the case last summer.")
    assert reported(result) == [("the library stays open", "Ana Ruiz")]
    kept = run("Ana Ruiz said the library stays open, as well as the pool.")
    assert reported(kept) == [("the library stays open, as well as the pool", "Ana Ruiz")]
