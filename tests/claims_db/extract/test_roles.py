"""Speaker roles: preposed role phrases, appositives, possessives and titles.

Every sentence is invented; the people and bodies in it do not exist.
"""

from __future__ import annotations

import pytest

from claims_db.extract import extract
from claims_db.extract.speakers import SpeakerIndex, find_mentions
from claims_db.models import Extraction, Kind

HEAD = "Synthetic headline for a test\n\n"


def run(body: str) -> Extraction:
    return extract(HEAD + body)


def roles_of(result: Extraction, name: str) -> tuple[str, ...]:
    by_name = {sp.name: sp.roles for sp in result.speakers}
    assert name in by_name, sorted(by_name)
    return by_name[name]


def index_roles(text: str) -> dict[str, list[str]]:
    """Return the roles the index notes for every person of ``text``."""
    index = SpeakerIndex(text, find_mentions(text))
    out: dict[str, list[str]] = {}
    for sp in index.speakers(index._entities):
        out[sp.name] = list(sp.roles)
    return out


def test_long_preposed_role_with_coordination_and_complement() -> None:
    result = run(
        "\u201cThe levee will hold,\u201d Democratic Senator and member of the Senate\u2019s "
        "water committee Vera Quillby told Radio Zeta\u2019s Tansy Brook on Sunday."
    )
    assert roles_of(result, "Vera Quillby") == (
        "Democratic Senator and member of the Senate\u2019s water committee",
    )


def test_preposed_role_with_complement_opening_the_sentence() -> None:
    result = run("Longtime chairman of the county board Olin Marsh said the vote was delayed.")
    assert roles_of(result, "Olin Marsh") == ("Longtime chairman of the county board",)


def test_preposed_role_stops_at_a_verb() -> None:
    roles = index_roles("Chief of staff Ilse Varn praised deputy director Odo Prell.")
    assert roles["Ilse Varn"] == ["Chief of staff"]
    assert roles["Odo Prell"] == ["deputy director"]


@pytest.mark.parametrize(
    "text",
    [
        "After two officers shot and killed Dale Pomfrey in June, investigators met.",
        "The director of the company hired Dale Pomfrey last year.",
        "Members of the city council praised Dale Pomfrey on Monday.",
        "The senior adviser to the campaign Dale Pomfrey said no.",
    ],
)
def test_no_role_from_unrelated_words(text: str) -> None:
    assert index_roles(text)["Dale Pomfrey"] == []


def test_short_preposed_role_keeps_its_modifiers() -> None:
    result = run("Senior campaign adviser Mira Holt said the count would finish today.")
    assert roles_of(result, "Mira Holt") == ("Senior campaign adviser",)


@pytest.mark.parametrize(
    "body",
    [
        "Vera Quillby, a Republican senator from Ohio, said the levee would hold.",
        "The levee would hold, said Vera Quillby, a Republican senator from Ohio.",
        "Vera Quillby, 58, a Republican senator from Ohio, said the levee would hold.",
    ],
)
def test_appositive_role_after_the_name(body: str) -> None:
    result = run(body)
    assert roles_of(result, "Vera Quillby") == ("Republican senator from Ohio",)


def test_appositive_role_without_article() -> None:
    result = run("Olin Marsh, chairwoman of the Parks Board, said the pool would reopen.")
    assert roles_of(result, "Olin Marsh") == ("chairwoman of the Parks Board",)


@pytest.mark.parametrize(
    "text",
    [
        "I met Olin Marsh, the mayor announced.",
        "Olin Marsh, who chairs the board, said so.",
        "Olin Marsh, Ana Pell and Tom Hale said the vote was delayed.",
        "The vote, said Olin Marsh, was delayed.",
    ],
)
def test_no_appositive_role_from_a_clause_or_a_list(text: str) -> None:
    assert index_roles(text)["Olin Marsh"] == []


def test_possessive_organisation_is_a_role() -> None:
    roles = index_roles("Radio Zeta\u2019s Tansy Brook asked Gov. Vera Quillby about the levee.")
    assert roles["Tansy Brook"] == ["Radio Zeta"]
    assert roles["Vera Quillby"] == ["Gov."]


def test_possessive_person_is_not_a_role() -> None:
    roles = index_roles("Quillby\u2019s Tansy Brook asked about the levee.")
    assert roles.get("Tansy Brook", []) == []


def test_titles_and_phrases_are_kept_in_first_seen_order_without_duplicates() -> None:
    result = run(
        "Sen. Vera Quillby opened the hearing. Vera Quillby, a Republican senator from Ohio, "
        "said the levee would hold. Sen. Vera Quillby added that repairs would start soon."
    )
    assert roles_of(result, "Vera Quillby") == ("Sen.", "Republican senator from Ohio")


def test_role_with_complement_resolves_the_role_noun() -> None:
    result = run(
        "Vera Quillby, a Republican senator from Ohio, opened the hearing. "
        "The senator said the levee would hold."
    )
    assert [(s.text, s.speaker) for s in result.statements if s.kind is Kind.INDIRECT] == [
        ("the levee would hold", "Vera Quillby")
    ]


@pytest.mark.parametrize(
    "body",
    [
        "Vera Quillby, asked about the levee on Sunday, said repairs would start soon.",
        "Vera Quillby, citing figures from the water board, said repairs would start soon.",
        "Vera Quillby, speaking to reporters, said repairs would start soon.",
    ],
)
def test_a_participle_clause_after_the_name_is_not_a_role(body: str) -> None:
    assert roles_of(run(body), "Vera Quillby") == ()


def test_an_adjective_in_ed_still_opens_an_appositive_role() -> None:
    result = run("Vera Quillby, a retired engineer, said repairs would start soon.")
    assert roles_of(result, "Vera Quillby") == ("retired engineer",)


def test_an_appositive_role_runs_past_an_honorific_period() -> None:
    result = run("Olin Marsh, a spokesman for Mrs. Quillby, said repairs would start soon.")
    assert roles_of(result, "Olin Marsh") == ("spokesman for Mrs. Quillby",)


@pytest.mark.parametrize("title", ["Ohio Sen.", "Lakeland Gov.", "North Dakota Rep."])
def test_a_place_before_an_abbreviated_title_is_part_of_the_title(title: str) -> None:
    result = run(f"{title} Vera Quillby said repairs would start soon.")
    assert [s.speaker for s in result.statements] == ["Vera Quillby"]
    assert roles_of(result, "Vera Quillby") == (title,)


def test_a_title_word_without_its_period_stays_in_the_name() -> None:
    # "Gen" without a period is not the abbreviation of "General".
    result = run("Ada Gen Quillby said repairs would start soon.")
    assert [s.speaker for s in result.statements] == ["Ada Gen Quillby"]


@pytest.mark.parametrize("title", ["Fire Chief", "Police Chief", "Fire Marshal"])
def test_a_chief_after_other_words_is_a_title(title: str) -> None:
    result = run(f"{title} Odo Prell said the blaze was contained.")
    assert [s.speaker for s in result.statements] == ["Odo Prell"]
    assert roles_of(result, "Odo Prell") == (title,)


@pytest.mark.parametrize(("title", "noun"), [("Gov.", "governor"), ("Sen.", "senator")])
def test_an_abbreviated_title_answers_to_its_role_noun(title: str, noun: str) -> None:
    result = run(
        f"{title} Vera Quillby ordered the evacuation. Fire Chief Odo Prell said the blaze "
        f"was contained. The {noun} said the shelters would be free."
    )
    assert [(s.text, s.speaker) for s in result.statements if s.kind is Kind.INDIRECT] == [
        ("the blaze was contained", "Odo Prell"),
        ("the shelters would be free", "Vera Quillby"),
    ]


def test_a_role_set_off_by_commas_at_the_start_of_a_sentence() -> None:
    result = run("The city\u2019s water director, Olin Marsh, said that leaks were common.")
    assert roles_of(result, "Olin Marsh") == ("water director",)


@pytest.mark.parametrize(
    "text",
    [
        "When she met the mayor, Olin Marsh, a nurse, said hello.",
        "Its director, Olin Marsh, said hello.",
    ],
)
def test_a_role_set_off_by_commas_elsewhere_is_not_taken(text: str) -> None:
    assert "director" not in index_roles(text)["Olin Marsh"]
    assert "mayor" not in index_roles(text)["Olin Marsh"]


@pytest.mark.parametrize(
    ("body", "role"),
    [
        ("\u201cFees stay,\u201d university president Vera Quillby said.", "university president"),
        ("The campus police chief Vera Quillby said fees would stay.", "campus police chief"),
    ],
)
def test_plain_nouns_before_a_role_belong_to_it(body: str, role: str) -> None:
    assert roles_of(run(body), "Vera Quillby") == (role,)


@pytest.mark.parametrize("noun", ["Parent", "Resident", "Director"])
def test_a_person_noun_opening_a_full_name_is_a_title(noun: str) -> None:
    result = run(f"{noun} Vera Quillby said the school would stay open.")
    assert [s.speaker for s in result.statements] == ["Vera Quillby"]
    assert roles_of(result, "Vera Quillby") == (noun,)


def test_a_person_noun_before_a_single_name_stays_in_the_name() -> None:
    # Two words could be a first and a last name; only a full name after the noun counts.
    result = run("Driver Quillby said the school would stay open.")
    assert [s.speaker for s in result.statements] == ["Driver Quillby"]


def test_owner_is_a_role() -> None:
    result = run("The club\u2019s owner, Vera Quillby, said the team would stay.")
    assert roles_of(result, "Vera Quillby") == ("owner",)


@pytest.mark.parametrize(
    ("body", "role"),
    [
        # An occupation the role nouns do not list, known by its ending and the body after it.
        (
            "\u201cIt works,\u201d said Ada Villca, an epidemiologist at Carrow University.",
            "epidemiologist at Carrow University",
        ),
        (
            "\u201cWe won,\u201d said Ada Villca, the winner of the Ferrisburg Marathon.",
            "winner of the Ferrisburg Marathon",
        ),
        # A relative clause ends the role.
        (
            "\u201cIt works,\u201d said Ada Villca, a professor at Carrow University who led it.",
            "professor at Carrow University",
        ),
    ],
)
def test_a_role_after_the_name(body: str, role: str) -> None:
    assert roles_of(run(body), "Ada Villca") == (role,)


@pytest.mark.parametrize(
    "body",
    [
        "\u201cWe won,\u201d said Ada Villca, a day after the Ferrisburg vote.",
        "\u201cWe won,\u201d said Ada Villca, an hour later.",
    ],
)
def test_a_time_after_the_name_is_no_role(body: str) -> None:
    assert roles_of(run(body), "Ada Villca") == ()


@pytest.mark.parametrize(
    ("body", "role"),
    [
        (
            "County health officer Dr. Ada Brun said the clinics would open.",
            "County health officer",
        ),
        ("Chief medical officer Ada Brun said the clinics would open.", "Chief medical officer"),
        (
            "The county health officer, Dr. Ada Brun, said the clinics would open.",
            "county health officer",
        ),
    ],
)
def test_a_role_opening_the_sentence_keeps_its_first_word(body: str, role: str) -> None:
    assert roles_of(run(body), "Ada Brun") == (role,)


@pytest.mark.parametrize(
    ("after", "role"),
    [
        ("a Democratic pollster and consultant", "Democratic pollster and consultant"),
        ("a lawyer and longtime adviser to the mayor", "lawyer and longtime adviser to the mayor"),
        ("the ambassador to France", "ambassador to France"),
        (
            "Acme's regional sales and outreach director",
            "Acme's regional sales and outreach director",
        ),
        ("editor in chief of the Ledger", "editor in chief of the Ledger"),
        ("54, a former librarian", "former librarian"),
        ("a city planner", "city planner"),
    ],
)
def test_a_role_after_the_name_may_coordinate_and_have_an_owner(after: str, role: str) -> None:
    assert roles_of(run(f"\u201cWe lost,\u201d said Ada Brun, {after}."), "Ada Brun") == (role,)


@pytest.mark.parametrize("after", ["a lawyer and the mayor's friend", "Jane Ortiz and Tom Hale"])
def test_no_role_from_a_list_after_the_name(after: str) -> None:
    assert roles_of(run(f"\u201cWe lost,\u201d said Ada Brun, {after}."), "Ada Brun") == ()


@pytest.mark.parametrize(
    ("body", "name", "role"),
    [
        ("City Councilman Arvid Pennock said the cuts hurt.", "Arvid Pennock", "City Councilman"),
        (
            "Riverton City Councilwoman Ada Brun said the cuts hurt.",
            "Ada Brun",
            "Riverton City Councilwoman",
        ),
        (
            "The cuts hurt, according to the general manager, Ada Brun.",
            "Ada Brun",
            "general manager",
        ),
    ],
)
def test_council_titles_and_a_role_before_a_name_after_according_to(
    body: str, name: str, role: str
) -> None:
    assert roles_of(run(body), name) == (role,)


def speaker_of(result: Extraction, words: str) -> str | None:
    for st in result.statements:
        if words in st.text:
            return st.speaker
    raise AssertionError(f"no statement with {words!r}: {[s.text for s in result.statements]}")


def test_role_word_does_not_fall_back_to_a_person_with_another_role() -> None:
    # "The mayor" is not the city engineer named just before: no mayor is named.
    result = run(
        "City engineer Tomas Lind acknowledged that the bridge needs new bearings.\n\n"
        "The mayor reiterated that the budget would balance."
    )
    assert speaker_of(result, "bridge needs") == "Tomas Lind"
    assert speaker_of(result, "budget would balance") != "Tomas Lind"


def test_role_word_still_falls_back_to_a_person_whose_role_is_unknown() -> None:
    result = run(
        "Tomas Lind acknowledged that the bridge needs new bearings.\n\n"
        "The mayor reiterated that the budget would balance."
    )
    assert speaker_of(result, "budget would balance") == "Tomas Lind"
