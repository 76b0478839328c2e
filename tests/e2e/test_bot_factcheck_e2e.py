"""claimbot end to end: a fact-check page's verdict comes first for a pasted claim."""

from __future__ import annotations

import sys
from pathlib import Path

import discord
from fake_discord import FakeDiscord

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "claims_db"))
import fact_check_pages as pages  # noqa: E402

NEWS = (
    "Lusk defends drought plan\n\n"
    "Councillor Brenna Lusk said the Marlow reservoir holds enough water for ten years "
    "without rain.\nThe council will vote on the drought plan in April.\n"
)


async def _done(fake: FakeDiscord, name: str, options: dict[str, object]) -> str:
    rec = await fake.slash(fake.guilds[0], fake.admin, name, options)
    return await rec.wait_text(lambda t: "Added to this server's library" in t, timeout=30)


async def test_a_pasted_claim_gets_the_verdict_first(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    url = fake.serve("/checks/marlow-reservoir", pages.OBJECT_PAGE)
    await _done(fake, "ingest", {"text": NEWS})
    await _done(fake, "ingest", {"url": url})
    claim = "BREAKING: the Marlow reservoir holds enough water for ten years without rain!!"
    rec = await fake.slash(fake.guilds[0], fake.member, "ask", {"question": claim})
    await rec.wait_done()
    message = rec.messages[0]
    first = message["embeds"][0]
    assert first["title"] == "The Fact Desk rated this: Mostly False (2026-03-14)"
    assert first["url"] == "https://factdesk.example/checks/marlow-reservoir"
    assert pages.CLAIM in first["description"]
    fields = {f["name"]: f["value"] for f in first["fields"]}
    assert "Lusk defends drought plan" in fields["The claim appears in"]
    assert first["author"]["name"].startswith("Claim by Councillor Brenna Lusk")


async def test_a_malformed_claimreview_is_reported_and_no_verdict_is_stored(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    url = fake.serve("/checks/broken", pages.ONLY_MALFORMED_PAGE)
    text = await _done(fake, "ingest", {"url": url})
    assert "1 fact-check (ClaimReview) block was malformed and ignored" in text
    rec = await fake.slash(fake.guilds[0], fake.member, "ask", {"question": pages.CLAIM})
    assert "rated this" not in await rec.wait_done()
