"""Rendering of source requests and the custom_id of their buttons."""

from __future__ import annotations

import discord

from bot import render, source_requests
from claims_db.requests import RequestStatus, SourceRequest


def _request(n: int, question: str = "Who paid for the tram?", votes: int = 1) -> SourceRequest:
    return SourceRequest(
        id=f"{n:012x}",
        question=question,
        asker="1",
        created_at="2026-01-10T12:00:00+00:00",
        status=RequestStatus.OPEN,
        opened_at="2026-01-10T12:00:00+00:00",
        votes=tuple(str(v) for v in range(votes)),
        link="https://discord.com/channels/1/2/3",
    )


def test_custom_id_carries_server_and_request_and_fits_discord() -> None:
    cid = source_requests.custom_id("vote", 2**63 - 1, "0123456789ab")
    match = source_requests.CUSTOM_ID.fullmatch(cid)
    assert match is not None
    assert (match["action"], int(match["guild"]), match["rid"]) == (
        "vote",
        2**63 - 1,
        "0123456789ab",
    )
    assert len(cid) <= 100


def test_requests_page_ten_to_a_page_within_limits() -> None:
    pages = source_requests.requests_pages([_request(n, "x" * 500, votes=n) for n in range(23)])
    assert len(pages) == 3
    for page in pages:
        for embed in page.embeds:
            assert len(embed.fields) <= 10
            assert all(len(f.name or "") <= render.FIELD_NAME for f in embed.fields)
            assert len(embed) <= render.EMBED_TOTAL


def test_a_question_cannot_ping_or_format_in_the_listing() -> None:
    [page] = source_requests.requests_pages([_request(1, "@everyone **look** [x](http://e.x)")])
    name = page.embeds[0].fields[0].name or ""
    assert "@everyone" not in name and "**" not in name.replace("\\*", "")
    assert "[x](" not in name


def test_no_open_requests_says_how_to_make_one() -> None:
    [page] = source_requests.requests_pages([])
    assert "No open source requests" in (page.content or "")


def test_vote_button_shows_the_count() -> None:
    view = source_requests.vote_view(5, _request(1, votes=3))
    [item] = view.children
    assert isinstance(item, discord.ui.DynamicItem)
    assert "3 members" in (item.item.label or "")
