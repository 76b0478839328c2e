"""claimbot end to end: what members see is short and honest (issue 12).

Reported speech reads as such, answers are one compact embed each with Cite and More buttons,
ingest confirmations tell the truth, /quotes names whom it resolved, refusals after a public
"thinking…" reach the asker alone, and a new server starts with an empty library.
"""

from __future__ import annotations

import re
from pathlib import Path

import discord
import e2e_articles as articles
import pytest
from fake_discord import (
    EPHEMERAL,
    FakeDiscord,
    FakeFile,
    Guild,
    Interaction,
    StartBot,
    buttons,
    message_text,
)

from bot import render

KIND_LABELS = ("Quote", "Reported statement", "Claim in the article's own voice")


def _button(message: dict[str, object], label: str) -> dict[str, object]:
    return next(b for b in buttons(message) if label in (b.get("label") or ""))


async def _ingest(fake: FakeDiscord, options: dict[str, object], guild: int = 0) -> Interaction:
    rec = await fake.slash(fake.guilds[guild], fake.admin, "ingest", options)
    await rec.wait_text(lambda t: "library" in t and not t.startswith(("Fetching", "Reading")))
    return rec


async def _ask(fake: FakeDiscord, question: str, guild: Guild | None = None) -> Interaction:
    rec = await fake.slash(guild or fake.guilds[0], fake.member, "ask", {"question": question})
    await rec.wait_done()
    return rec


def _answer_message(rec: Interaction) -> dict[str, object]:
    (message,) = rec.messages
    return message


def _visible(message: dict[str, object]) -> int:
    """Characters a reader sees: content, author, title, description (link labels), fields."""
    parts = [str(message.get("content") or "")]
    for embed in message.get("embeds") or []:  # type: ignore[attr-defined]
        parts += [(embed.get("author") or {}).get("name", ""), embed.get("title") or ""]
        parts.append(embed.get("description") or "")
        for item in embed.get("fields") or []:
            parts += [item["name"], item["value"]]
        parts.append((embed.get("footer") or {}).get("text", ""))
    text = "\n".join(p for p in parts if p)
    text = re.sub(r"(?<!\\)\[((?:[^\]\\]|\\.)*)\]\([^)]*\)", r"\1", text)
    return len(re.sub(r"\\(.)", r"\1", text).replace("\u200b", ""))


# ---- reported speech and citations ----------------------------------------------------------


async def test_reported_speech_reads_said_that_without_quotation_marks(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    await _ingest(fake, {"text": articles.COUNCIL})
    rec = await _ask(fake, "How will the city pay for the Main Street bike lanes?")
    embeds = _answer_message(rec)["embeds"]
    reported = [e for e in embeds if "state transportation grant" in e["description"]]  # type: ignore[index]
    assert reported, embeds
    words = reported[0]["description"].split("\n")[0]
    assert (
        words
        == "Brennan said that the city would pay for the project with a state transportation grant"
    )
    assert "“" not in words and '"' not in words


async def test_cite_button_gives_a_copy_ready_line_privately(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    url = fake.serve("/articles/oakfield.html", articles.LIBRARY_HTML)
    await _ingest(fake, {"url": url})
    rec = await _ask(fake, "What did Castellanos say about closing on Saturdays?")
    message = _answer_message(rec)
    first = message["embeds"][0]  # type: ignore[index]
    assert "hurts the families" in first["description"]
    assert all(f["name"] != "Cite" for e in message["embeds"] for f in e.get("fields", []))  # type: ignore[attr-defined]
    click = await fake.click(message, str(_button(message, "Cite 1")["custom_id"]), fake.other)
    await click.wait_response()
    assert click.is_ephemeral()
    line = click.text().strip("`\n")
    assert line.startswith("“Closing on Saturdays hurts the families who need the library most")
    assert line.endswith(f"” — Miriam Castellanos, The Oakfield Ledger, 2025-03-04, {url}")


async def test_cite_of_reported_speech_says_reported_by(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    url = fake.serve("/articles/oakfield.html", articles.LIBRARY_HTML)
    await _ingest(fake, {"url": url})
    rec = await _ask(fake, "What did Lindqvist say about the shortfall?")
    message = _answer_message(rec)
    numbers = [
        n
        for n, e in enumerate(message["embeds"], start=1)  # type: ignore[arg-type]
        if "shortfall" in e["description"]
    ]
    assert numbers, message_text(message)
    click = await fake.click(
        message, str(_button(message, f"Cite {numbers[0]}")["custom_id"]), fake.member
    )
    await click.wait_response()
    line = click.text().strip("`\n")
    assert line.startswith("Victor Lindqvist said that the county faced a shortfall")
    assert line.endswith(f" — reported by The Oakfield Ledger, 2025-03-04, {url}")
    assert "“" not in line


# ---- one compact embed per answer -----------------------------------------------------------


async def test_three_answers_are_three_compact_embeds_under_900_characters(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    rec = await _ask(fake, "What did Noem say about body cameras?")
    message = _answer_message(rec)
    embeds = message["embeds"]
    assert len(embeds) == 3  # type: ignore[arg-type]
    for embed in embeds:  # type: ignore[attr-defined]
        assert embed["title"] not in KIND_LABELS
        assert embed["author"]["name"].startswith("Kristi Noem")
        assert not embed.get("fields"), embed["fields"]  # no Match, no Cite, no Article field
        assert "Match" not in message_text(message)
    assert _visible(message) <= render.VISIBLE_TARGET, _visible(message)


async def test_more_opens_the_other_answers_privately(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    rec = await _ask(fake, "What did Noem say about body cameras?")
    message = _answer_message(rec)
    shown = {e["description"] for e in message["embeds"]}  # type: ignore[attr-defined]
    click = await fake.click(message, str(_button(message, "More")["custom_id"]), fake.other)
    await click.wait_done()
    assert click.is_ephemeral()
    more = [e for m in click.messages for e in m["embeds"]]
    assert more and all(m["flags"] & EPHEMERAL for m in click.messages)
    assert not shown & {e["description"] for e in more}
    assert "Effective immediately we are deploying body cameras" in click.text()


async def test_buttons_keep_working_or_say_they_expired_after_a_restart(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    first = await start_bot()
    answer = _answer_message(await _ask(fake, "What did Noem say about body cameras?"))
    listing = await fake.slash(fake.guilds[0], fake.member, "quotes", {"speaker": "Kristi Noem"})
    await listing.wait_followups(1)
    page = listing.followups[0]
    await first.close()
    await start_bot()
    cite = await fake.click(answer, str(_button(answer, "Cite 1")["custom_id"]), fake.member)
    await cite.wait_response()
    assert "Kristi Noem" in cite.text() and cite.is_ephemeral()
    stale = await fake.click(page, str(_button(page, "Next")["custom_id"]), fake.member)
    await stale.wait_response()
    assert stale.is_ephemeral()
    assert "expired" in stale.text()


# ---- ingest confirmations -------------------------------------------------------------------


async def test_a_duplicate_text_or_file_says_it_was_already_there(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    first = await _ingest(fake, {"text": articles.WATER})
    assert "Added to this server's library" in first.text()
    again = await _ingest(fake, {"file": FakeFile("water.txt", articles.WATER.encode())})
    text = again.text()
    assert "Added" not in text
    assert re.search(r"Already in this server's library \(added \d{4}-\d{2}-\d{2}\)", text)
    assert articles.WATER_TITLE in text


FRONT_PAGE = """<!doctype html><html><head><title>The Oakfield Ledger</title></head><body>
<main><h1>The Oakfield Ledger</h1>
<ul>
<li><a href="/a">Council weighs new bike lanes</a></li>
<li><a href="/b">Library hours cut at two branches</a></li>
<li><a href="/c">High school team wins the regional final</a></li>
<li><a href="/d">Weather: a rainy weekend ahead</a></li>
<li><a href="/e">Opinion: why the budget matters</a></li>
<li><a href="/f">Obituaries</a></li>
</ul></main>
<footer>© 2019 The Oakfield Ledger</footer></body></html>"""

PAYWALL = """<!doctype html><html><head><title>Budget vote | The Oakfield Ledger</title>
<meta property="og:type" content="article"></head><body><article><h1>Budget vote</h1>
<p>The county board met on Monday.</p>
<p>Subscribe to keep reading. Already a subscriber? Sign in.</p>
</article><footer>© 2019 The Oakfield Ledger</footer></body></html>"""


async def test_a_page_without_an_article_is_refused_and_nothing_is_stored(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    for path, body in (("/front.html", FRONT_PAGE), ("/paywalled.html", PAYWALL)):
        rec = await fake.slash(
            fake.guilds[0], fake.admin, "ingest", {"url": fake.serve(path, body)}
        )
        await rec.wait_followups(1)
        assert rec.original is None  # the public progress reply is gone
        assert [m["flags"] & EPHEMERAL for m in rec.followups] == [EPHEMERAL]
        assert "Nothing was added" in rec.text() and "article" in rec.text()
    listing = await fake.slash(fake.guilds[0], fake.member, "articles")
    text = await listing.wait_done()
    assert "Articles (1)" in text  # the seed only
    assert "2019" not in text


UNDATED = f"""<!doctype html><html><head><title>{articles.LIBRARY_TITLE}</title>
<link rel="canonical" href="https://ledger.example/news/library-budget">
</head><body><article><h1>{articles.LIBRARY_TITLE}</h1>
<p>The Oakfield county board cut the public library budget by a third on Monday, and two
branches will close on weekends starting in May.</p>
<p>“Closing on Saturdays hurts the families who need the library most,” head librarian Miriam
Castellanos said at the meeting.</p>
<p>Board chair Victor Lindqvist said the county faced a shortfall of $3 million.</p>
</article><footer>© 2019 The Oakfield Ledger. Updated March 3, 2021.</footer></body></html>"""


async def test_an_uploaded_page_keeps_its_link_and_gets_no_invented_date(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    file = FakeFile("library.html", UNDATED.encode(), content_type="text/html; charset=utf-8")
    rec = await _ingest(fake, {"file": file})
    summary = rec.original["embeds"][0]  # type: ignore[index]
    assert summary["url"] == "https://ledger.example/news/library-budget"
    assert "2019" not in summary["description"] and "2021" not in summary["description"]
    answer = await _ask(fake, "What did Castellanos say about closing on Saturdays?")
    assert "https://ledger.example/news/library-budget" in answer.text()


async def test_a_dateline_is_a_stated_date(fake: FakeDiscord, bot: discord.Client) -> None:
    dated = UNDATED.replace("<p>The Oakfield", "<p>OAKFIELD, March 4, 2025 — The Oakfield").replace(
        "the library budget", "the budget of the library"
    )
    rec = await _ingest(fake, {"file": FakeFile("dated.html", dated.encode(), "text/html")})
    assert "2025-03-04" in rec.original["embeds"][0]["description"]  # type: ignore[index]


# ---- /quotes ----------------------------------------------------------------------------------

TWO_WHITFIELDS = """Riverton school board splits on the new calendar

The Riverton school board voted 4-3 on Wednesday to start the school year a week earlier.
“Families asked us for a longer winter break, and this calendar gives them one,” board chair Dana Whitfield said.
Teacher Roy Whitfield, who is not related to the board chair, said the change would cut short the summer programs.
“The children who need summer school the most will lose a week of it,” Roy Whitfield said.
"""


async def test_quotes_names_the_speaker_it_resolved(fake: FakeDiscord, bot: discord.Client) -> None:
    rec = await fake.slash(fake.guilds[0], fake.member, "quotes", {"speaker": "Kristy Noam"})
    await rec.wait_followups(1)
    text = rec.text()
    assert "Statements by Kristi Noem" in text
    assert "Kristy Noam" not in text
    assert "Match" not in text and "%" not in text


async def test_an_ambiguous_name_offers_did_you_mean_choices(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    await _ingest(fake, {"text": TWO_WHITFIELDS})
    rec = await fake.slash(fake.guilds[0], fake.member, "quotes", {"speaker": "Whitfield"})
    await rec.wait_followups(1)
    message = rec.followups[0]
    assert "Did you mean" in message_text(message)
    labels = {b["label"] for b in buttons(message)}
    assert labels == {"Dana Whitfield", "Roy Whitfield"}
    click = await fake.click(
        message, str(_button(message, "Roy Whitfield")["custom_id"]), fake.member
    )
    await click.wait_response()
    shown = message_text(fake.messages[message["id"]])
    assert "Statements by Roy Whitfield" in shown
    assert "summer school" in shown and "longer winter break" not in shown


# ---- refusals after a public "thinking…" -------------------------------------------------------


async def test_an_error_after_a_public_defer_reaches_the_asker_alone(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    rec = await fake.slash(fake.guilds[0], fake.member, "article", {"article": "ffffffffffff"})
    await rec.wait_followups(1)
    assert rec.response is not None and rec.response["type"] == 5
    assert not rec.is_ephemeral()  # the defer was public...
    assert rec.original is None  # ...so its "thinking…" message was deleted
    assert [m["flags"] & EPHEMERAL for m in rec.followups] == [EPHEMERAL]
    assert "No article with id" in rec.text()
    public = [m for m in fake.all_sent() if not m["flags"] & EPHEMERAL]
    assert all("No article with id" not in message_text(m) for m in public)


# ---- a new server's library -----------------------------------------------------------------


async def test_a_new_server_starts_empty_and_help_says_how_to_add(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot(CLAIMBOT_SEEDS=None)
    listing = await fake.slash(fake.guilds[0], fake.member, "articles")
    assert "no articles yet" in await listing.wait_done()
    helped = await fake.slash(fake.guilds[0], fake.member, "help")
    text = await helped.wait_done()
    assert "library is empty" in text and "/ingest" in text and "url:" in text


async def test_a_blank_seeds_line_in_dot_env_means_none(
    fake: FakeDiscord, start_bot: StartBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("CLAIMBOT_SEEDS=\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the bot reads .env from where it runs
    await start_bot(CLAIMBOT_SEEDS=None)
    listing = await fake.slash(fake.guilds[1], fake.member, "articles")
    assert "no articles yet" in await listing.wait_done()


async def test_help_leaves_out_getting_started_once_articles_are_in(
    fake: FakeDiscord, bot: discord.Client
) -> None:
    await _ask(fake, "What did Noem say about body cameras?")  # opens the seeded library
    helped = await fake.slash(fake.guilds[0], fake.member, "help")
    assert "library is empty" not in await helped.wait_done()
