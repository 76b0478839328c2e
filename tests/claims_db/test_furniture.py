"""Page furniture is removed before extraction; the article's own text is kept whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims_db import ClaimsDB
from claims_db.furniture import clean_lines
from claims_db.models import Kind
from claims_db.text import document_from_html

PAGES = Path(__file__).parent / "pages"

MARKED_BODY = [
    "The island ferry will keep running through the winter, the harbour board decided on "
    "Monday after a long debate.",
    "Elena Ortiz, who chairs the board, said the crossings would run twice a day from "
    "November. \u201cNobody on the island should be cut off when the weather turns,\u201d "
    "Ortiz said.",
    "The board has not said how the extra crossings will be paid for. Tomas Haugen, the "
    "board's treasurer, said the money would come from the reserve fund.",
    "\u201cThe winter timetable is final. First boat at six, last boat at nine. See you on "
    "board!\u201d Elena Ortiz wrote on X.",
    "Some residents wanted a third daily crossing.",
    "Ortiz said a review of the timetable would follow in March.",
]
PLAIN_BODY = [
    "The quarry road will close for six weeks while the county rebuilds the collapsed "
    "culvert, officials said on Tuesday.",
    "County engineer Ruth Abernathy said the old pipe had rusted through. \u201cWe were lucky "
    "nobody was driving over it,\u201d Abernathy said.",
    "Drivers will be sent along the river road, which adds about ten minutes to the trip. "
    "Updated bus times were posted on the county website.",
    "Published reports last year warned that the culvert was failing, Abernathy said.",
]
FURNITURE_WORDS = [
    "Follow",
    "Editor",
    "Updated at",
    "Updated 4:05",
    "Photo",
    "Jonas Berglund",
    "Mirela Dunst",
    "Read more",
    "READ MORE",
    "Costs still open",
    "Detours",
    "pic.twitter.com",
    "@elenaortiz",
    "Storm clouds",  # an Instagram post that names nobody
    "Road closed at the quarry",  # a tweet without its author's signature
    "newsletter",
]


def _page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "title", "body"),
    [
        ("furniture.html", "Island ferry to run through the winter", MARKED_BODY),
        ("furniture_plain.html", "Quarry road to close for repairs", PLAIN_BODY),
    ],
)
def test_the_article_text_is_the_article_alone(name: str, title: str, body: list[str]) -> None:
    doc = document_from_html(_page(name))
    assert doc.text == title + "\n\n" + "\n".join(body)


@pytest.mark.parametrize("name", ["furniture.html", "furniture_plain.html"])
def test_no_statement_comes_from_furniture(tmp_path: Path, name: str) -> None:
    with ClaimsDB.open(tmp_path / "lib.json", seeds=None) as db:
        article = db.add_html(_page(name))
        texts = [st.text for st in db.statements(article.id)]
    assert texts
    for word in FURNITURE_WORDS:
        assert not [t for t in texts if word in t], word


def test_an_embedded_post_with_its_author_is_a_quote_of_the_author(tmp_path: Path) -> None:
    with ClaimsDB.open(tmp_path / "lib.json", seeds=None) as db:
        article = db.add_html(_page("furniture.html"))
        quotes = [
            (st.text, st.speaker, st.cue)
            for st in db.statements(article.id)
            if st.kind is Kind.DIRECT
        ]
    assert (
        "The winter timetable is final. First boat at six, last boat at nine. See you on board!",
        "Elena Ortiz",
        "wrote",
    ) in quotes


def test_a_tweet_inside_a_figure_keeps_its_author() -> None:
    html = (
        "<html><body><article><h1>Storm warning</h1>"
        "<p>The coastguard warned boats to stay in harbour on Friday as the wind rose.</p>"
        '<figure class="embed"><blockquote class="twitter-tweet"><p>Stay in port tonight, '
        "gusts of ninety are forecast.</p>&mdash; Harbour Coastguard (@harbourcg) "
        '<a href="https://twitter.com/harbourcg/status/3">May 1, 2026</a></blockquote>'
        "<figcaption>A post by the coastguard</figcaption></figure>"
        "<p>Ferries were cancelled until Saturday morning, the operator said.</p>"
        "<p>Harbour staff moved the smaller boats onto trailers and tied down the rest, "
        "and the lifeboat crew stayed on call through the night.</p>"
        "</article></body></html>"
    )
    lines = document_from_html(html).text.split("\n")
    assert lines[3] == (
        "\u201cStay in port tonight, gusts of ninety are forecast.\u201d Harbour Coastguard "
        "wrote on X."
    )
    assert not [line for line in lines if "A post by" in line]


@pytest.mark.parametrize(
    "line",
    [
        "Follow us on Twitter and Facebook for the latest news.",
        "Like us on Facebook",
        "Follow Ruth Abernathy on X @rabernathy",
        "Join our WhatsApp channel for breaking news",
        "Subscribe to our daily newsletter",
        "Editor's note: This article was first published in 2019.",
        "Editor\u2019s Note \u2014 names have been changed.",
        "This story has been updated with comment from the county.",
        "Updated at 1:23 p.m.",
        "Updated 2 hours ago",
        "Last updated: 10/03/2026 16:05 GMT",
        "Published March 3, 2026 at 9:00 am ET",
        "Photo: Mirela Dunst/Valley Courier",
        "(Photo by Mirela Dunst)",
        "Image courtesy of the county",
        "Credit: Valley Courier",
        "Read more: County approves a new road budget",
    ],
)
def test_furniture_lines_are_dropped(line: str) -> None:
    assert clean_lines([line]) == []


@pytest.mark.parametrize(
    "line",
    [
        "Updated bus times were posted on the county website.",
        "Published reports last year warned that the culvert was failing, Abernathy said.",
        "Posted 12 guards at the gate, the sheriff said the road was secure.",
        "She said she would follow the council on every vote.",
        "Follow the money, Ortiz said on Twitter.",
        "Like many on Facebook, she shared the notice.",
        "Credit unions said on Monday that rates would rise.",
        "Photographers lined the road as the convoy passed.",
        "The mayor said readers should see also the county's report.",
        "Residents who follow the county on Facebook saw the notice first, Abernathy said "
        "in an interview that ran for an hour and covered the culvert, the budget and the "
        "river road, and she added that the county would publish its own timetable for the "
        "repairs once the contractor had signed, which she expected in April or May at the "
        "latest, depending on the weather and on the council's vote.",
    ],
)
def test_article_sentences_that_look_like_furniture_are_kept(line: str) -> None:
    assert clean_lines([line]) == [line]


def test_a_link_preview_glued_to_a_paragraph_is_cut_off() -> None:
    line = "The board met on Monday. READ MORE: Reserve fund falls to a five-year low"
    assert clean_lines([line]) == ["The board met on Monday."]


def test_an_instagram_post_that_names_its_author_is_kept_without_its_boilerplate() -> None:
    html = (
        "<html><body><article><h1>Lantern walk returns</h1>"
        "<p>The lantern walk will return to the old town in October, organisers said.</p>"
        '<blockquote class="instagram-media"><div><a href="https://www.instagram.com/p/q/">'
        "View this post on Instagram</a></div><p>Two hundred lanterns are ready.</p>"
        '<p><a href="https://www.instagram.com/p/q/">A post shared by Old Town Lanterns '
        "(@oldtownlanterns)</a></p></blockquote>"
        "<p>Tickets go on sale in September at the library and the museum shop, and "
        "volunteers are still needed to carry lanterns along the river path.</p>"
        "</article></body></html>"
    )
    assert document_from_html(html).text.split("\n")[2:] == [
        "The lantern walk will return to the old town in October, organisers said.",
        "\u201cTwo hundred lanterns are ready.\u201d Old Town Lanterns wrote on Instagram.",
        "Tickets go on sale in September at the library and the museum shop, and "
        "volunteers are still needed to carry lanterns along the river path.",
    ]
