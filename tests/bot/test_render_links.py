"""render.py for links, fact-checks and feeds: within Discord's limits, nothing pings."""

from __future__ import annotations

import re
from dataclasses import replace

from bot_records import make_answer
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import render
from claims_db.models import Article, FactCheck, Feed, Kind, LinkedArticle, LinkResult, Outcome

LIVE_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>")
HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["@everyone", "<@123456789012345678>", "[x](https://evil.example)", "y" * 5000]
    ),
)


def _article(title: str, url: str = "https://news.example/a") -> Article:
    return Article(id="a" * 16, title=title, text="t", url=url, publisher="Example News")


@given(title=HOSTILE, reason=HOSTILE, speaker=HOSTILE)
@settings(max_examples=60, deadline=None)
def test_links_report_fits_one_message(title: str, reason: str, speaker: str) -> None:
    long_url = "https://news.example/" + "p" * 1900
    results = [
        LinkResult(
            long_url,
            Outcome.ADDED,
            article=_article(title, long_url),
            statements=12,
            speakers=((speaker, 3),),
        ),
        LinkResult("https://news.example/b", Outcome.KNOWN, article=_article(title)),
        LinkResult("http://10.0.0.1/x", Outcome.REFUSED, reason=reason),
    ] * 4
    text = render.links_report(results[:10], [])
    assert len(text) <= render.CONTENT
    assert not LIVE_MENTION.search(text)
    assert text.startswith("Done: 4 added, 3 already in the library, 3 refused.")


def test_links_report_shows_progress_while_links_wait() -> None:
    done = [LinkResult("https://n.example/1", Outcome.ADDED, article=_article("One"), statements=1)]
    text = render.links_report(done, ["https://n.example/2", "https://n.example/3"])
    assert text.splitlines()[0] == "Adding 3 links: 1 of 3 done…"
    assert "added with 1 statement" in text and text.count("⏳") == 2


@given(claim=HOSTILE, verdict=HOSTILE, reviewer=HOSTILE)
@settings(max_examples=60, deadline=None)
def test_a_fact_check_answer_fits_and_leads_with_the_verdict(
    claim: str, verdict: str, reviewer: str
) -> None:
    check = FactCheck(
        claim=claim or "c",
        verdict=verdict or "False",
        reviewer=reviewer or None,
        claimant="Someone",
        published="2026-01-02",
        url="https://check.example/1",
    )
    answer = make_answer(claim or "c", kind=Kind.FACT_CHECK)
    answer = replace(
        answer,
        statement=replace(answer.statement, fact_check=check),
        appears_in=(make_answer(title="Where it was said " * 30), make_answer()),
    )
    message = render.answers_message("q", [answer, make_answer()])
    assert render.message_fits(message)
    first = message.embeds[0]
    assert first.title is not None and "rated this:" in first.title
    assert [f.name for f in first.fields][0] == "The claim appears in"
    assert not any(LIVE_MENTION.search(e.description or "") for e in message.embeds)


def test_the_verdict_label_names_reviewer_verdict_and_date() -> None:
    check = FactCheck(
        claim="c", verdict="Half True", reviewer="The Fact Desk", published="2026-03-14"
    )
    answer = make_answer("c", kind=Kind.FACT_CHECK)
    answer = replace(answer, statement=replace(answer.statement, fact_check=check))
    assert render.verdict_label(answer) == "The Fact Desk rated this: Half True (2026-03-14)"


@given(title=HOSTILE, text=HOSTILE)
@settings(max_examples=60, deadline=None)
def test_a_linked_article_fits(title: str, text: str) -> None:
    others = tuple(_article(f"Other {i}", f"https://o.example/{i}") for i in range(6))
    statements = tuple(replace(make_answer(text or "x"), also_in=others) for _ in range(3))
    linked = LinkedArticle(
        url="https://news.example/a",
        article=_article(title),
        statements=statements,
        speakers=(("Kristi Noem", 4), (title or "x", 2)),
        total=40,
    )
    message = render.linked_article(linked)
    assert render.message_fits(message)
    assert "Also reported by" in "".join(f.value or "" for f in message.embeds[0].fields)


@given(title=HOSTILE, reason=HOSTILE)
@settings(max_examples=60, deadline=None)
def test_feed_messages_fit(title: str, reason: str) -> None:
    feed = Feed(
        id="f" * 12,
        url="https://n.example/feed",
        title=title or None,
        paused=reason or "x",
        channel_id=123,
    )
    results = [
        LinkResult(
            f"https://n.example/{i}",
            Outcome.ADDED,
            article=_article(title),
            statements=9,
            speakers=(("Ana Ruiz", 3),),
        )
        for i in range(20)
    ]
    for text in [*render.feed_announcements(feed, results), render.feed_paused(feed)]:
        assert len(text) <= render.CONTENT
        assert not LIVE_MENTION.search(text)
    assert all(render.message_fits(p) for p in render.feeds_pages([feed] * 30))
    announced = "\n".join(render.feed_announcements(feed, results))
    assert announced.count("Added: ") == 20
