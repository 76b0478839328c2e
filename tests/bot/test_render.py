"""render.py: Discord limits are never exceeded and article text can never ping or forge links."""

from __future__ import annotations

import re

import discord
from bot_records import make_answer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import render
from claims_db.models import Article, Explained, Kind, Speaker, Statement

LIVE_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>|</[^>]+:\d+>")
MASKED_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="@<>#&![]()*_~`|\\:/ -\neveryonhr0123456789", max_size=400),
    st.sampled_from(
        [
            "@everyone",
            "@here look",
            "<@123456789012345678>",
            "<@!123456789012345678>",
            "<@&123456789012345678>",
            "<#123456789012345678>",
            "</ask:123456789012345678>",
            "[click me](https://evil.example)",
            "[a](b) and [c](https://evil.example)",
            "**bold** __under__ ||spoiler|| `code` ~~strike~~",
            "# Heading\n-# subtext\n> quote",
            "x" * 7000,
        ]
    ),
)


def texts_of(message: render.Message) -> list[str]:
    """Every piece of text a message shows."""
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
        parts.append(embed.author.name or "")
        for item in embed.fields:
            parts += [item.name or "", item.value or ""]
    return parts


def markdown_parts(message: render.Message) -> list[str]:
    """Text where Discord renders masked links (code blocks removed: they render nothing)."""
    parts = [message.content or ""]
    for embed in message.embeds:
        parts.append(embed.description or "")
        parts += [item.value or "" for item in embed.fields]
    return [re.sub(r"```.*?```", "", part, flags=re.S) for part in parts]


def links_in(part: str) -> list[str]:
    """Targets of the masked links in a piece of markdown."""
    return re.findall(r"(?<!\\)\[(?:[^\]\\]|\\.)*\]\(([^)]*)\)", part)


OUR_LINKS = ("https://news.example/", "https://x.example/", "https://n.example/")


def assert_safe(message: render.Message, allowed: tuple[str, ...] = OUR_LINKS) -> None:
    assert render.message_fits(message), "a Discord limit is exceeded"
    for part in texts_of(message):
        assert not LIVE_MENTION.search(part), part
    for part in markdown_parts(message):
        for target in links_in(part):
            assert target.startswith(allowed), (target, part)


answers = st.builds(
    make_answer,
    HOSTILE,
    kind=st.sampled_from(list(Kind)),
    speaker=st.one_of(st.none(), HOSTILE),
    role=st.one_of(st.none(), HOSTILE),
    title=HOSTILE,
    url=st.one_of(
        st.none(),
        st.just("https://news.example/a_(b)?q=@everyone"),
        st.just("javascript:alert(1)"),
        st.text(max_size=50).map(lambda s: "https://x.example/" + s),
        st.just("https://x.example/" + "p" * 2500),
    ),
    publisher=st.one_of(st.none(), HOSTILE),
    published=st.one_of(st.none(), st.just("2025-03-02")),
    score=st.floats(min_value=0, max_value=1),
    contradicts=st.booleans(),
    also_in=st.integers(min_value=0, max_value=4),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(question=HOSTILE, found=st.lists(answers, max_size=5))
def test_answers_message_never_exceeds_limits_or_pings(question: str, found: list) -> None:
    assert_safe(render.answers_message(question, found))


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(speaker=HOSTILE, topic=st.one_of(st.none(), HOSTILE), found=st.lists(answers, max_size=8))
def test_quotes_pages_never_exceed_limits_or_ping(
    speaker: str, topic: str | None, found: list
) -> None:
    for page in render.quotes_pages(speaker, topic, found):
        assert_safe(page)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(titles=st.lists(HOSTILE, max_size=30), texts=st.lists(HOSTILE, max_size=30))
def test_listings_never_exceed_limits_or_ping(titles: list[str], texts: list[str]) -> None:
    articles = [
        Article(id=f"id{i}", title=t, text="", url="https://n.example/" + str(i), publisher=t)
        for i, t in enumerate(titles)
    ]
    speakers = [
        Speaker(id=f"p{i}", name=t, aliases=(t, "x"), roles=(t,)) for i, t in enumerate(titles)
    ]
    statements = [
        Statement(
            id=f"s{i}",
            article_id="id0",
            kind=Kind.CLAIM,
            text=t,
            start=0,
            end=len(t),
            sentence=t,
            speaker=t or None,
        )
        for i, t in enumerate(texts)
    ]
    pages = render.articles_pages(articles) + render.speakers_pages(speakers)
    if articles:
        pages += render.article_pages(articles[0], statements)
        pages += [render.ingest_summary(articles[0], {Kind.DIRECT: 3}, [(t, 1) for t in titles])]
        pages += [render.remove_prompt(articles[0])]
    for page in pages:
        assert_safe(page)


@given(text=HOSTILE)
def test_safe_text_never_contains_a_live_mention(text: str) -> None:
    assert not LIVE_MENTION.search(render.safe(text))
    assert not LIVE_MENTION.search(render.plain(text))
    assert not LIVE_MENTION.search(render.refusal(text))


@given(text=st.text(max_size=200), limit=st.integers(min_value=0, max_value=300))
def test_clamp_respects_the_limit_and_marks_cuts(text: str, limit: int) -> None:
    out = render.clamp(text, limit)
    assert len(out) <= limit
    if len(text) > limit > 0:
        assert out.endswith(render.ELLIPSIS)
    elif limit > 0:
        assert out == text


def test_everyone_in_a_quote_is_neutralised_but_still_readable() -> None:
    embed = render.answer_embed(make_answer("Tell @everyone and <@123456789012345678> now"))
    assert "@everyone" not in (embed.description or "")
    assert "everyone" in (embed.description or "")
    assert "<@123456789012345678>" not in (embed.description or "")


def test_markdown_in_a_quote_is_escaped() -> None:
    embed = render.answer_embed(make_answer("this is **not bold** and ||not hidden||"))
    assert "\\*\\*not bold\\*\\*" in (embed.description or "")
    assert "\\|\\|not hidden\\|\\|" in (embed.description or "")


def test_masked_links_in_article_text_are_broken() -> None:
    text = "[Official statement](https://evil.example) and [again](https://evil.example)"
    embed = render.answer_embed(make_answer(text))
    assert not MASKED_LINK.search(embed.description or "")


def test_answer_shows_words_speaker_role_kind_source_and_citation() -> None:
    embed = render.answer_embed(make_answer(also_in=2))
    fields = {item.name: item.value or "" for item in embed.fields}
    assert "We will rebuild FEMA from the ground up." in (embed.description or "")
    assert embed.author.name == "Kristi Noem, Secretary of Homeland Security"
    assert embed.title == "Quote"
    assert embed.url == "https://news.example/noem-fema"
    assert "[Noem vows to overhaul FEMA](https://news.example/noem-fema)" in fields["Article"]
    assert "Example News · 2025-03-02" in fields["Article"]
    assert fields["Match"] == "87%"
    assert fields["Reported in"] == (
        "3 articles: [Other 0](https://news.example/other-0) · Other 1"
    )
    assert "“We will rebuild FEMA from the ground up.” — Kristi Noem" in fields["Cite"]
    assert "https://news.example/noem-fema" in fields["Cite"]


def test_a_short_statement_is_shown_in_its_sentence_safely() -> None:
    sentence = "Asked whether she would back **@everyone**'s plan, Noem said she would not."
    embed = render.answer_embed(make_answer("she would not", sentence=sentence))
    fields = {item.name: item.value or "" for item in embed.fields}
    assert "Asked whether she would back" in fields["In context"]
    assert "@everyone" not in fields["In context"]
    assert "**" not in fields["In context"].replace("\\*", "")
    assert "In context" not in {item.name for item in render.answer_embed(make_answer()).fields}


def test_reported_in_links_three_other_articles_and_counts_the_rest() -> None:
    embed = render.answer_embed(make_answer(also_in=5))
    fields = {item.name: item.value or "" for item in embed.fields}
    assert fields["Reported in"] == (
        "6 articles: [Other 0](https://news.example/other-0) · Other 1 · "
        "[Other 2](https://news.example/other-2) · and 2 more"
    )


def test_contradiction_is_flagged() -> None:
    embed = render.answer_embed(make_answer(contradicts=True))
    assert render.CONTRADICTS in (embed.description or "")


def test_kinds_are_labelled() -> None:
    assert render.answer_embed(make_answer(kind=Kind.INDIRECT)).title == "Reported statement"
    claim = render.answer_embed(make_answer(kind=Kind.CLAIM, speaker=None))
    assert claim.title is not None and claim.title.startswith("Claim")
    assert claim.author.name == "Example News"


def test_a_huge_quote_is_cut_with_an_ellipsis_and_keeps_the_link() -> None:
    message = render.answers_message("fema", [make_answer("word " * 3000)] * 3)
    assert render.message_fits(message)
    for embed in message.embeds:
        assert (embed.description or "").rstrip("”").endswith(render.ELLIPSIS)
        assert embed.url == "https://news.example/noem-fema"


def test_nothing_found_is_honest_and_says_how_to_add_articles() -> None:
    message = render.answers_message("what did nobody say?", [])
    assert message.embeds == []
    assert message.content is not None
    assert "no sourced statement" in message.content
    assert "/ingest" in message.content


def test_unsafe_urls_are_not_linked() -> None:
    assert render.safe_url("javascript:alert(1)") is None
    assert render.safe_url("https://x.example/a b)(") == "https://x.example/a%20b%29%28"
    assert render.link("t", "ftp://x.example/", 100) == "t"


def test_many_pages_are_made_for_a_long_listing() -> None:
    articles = [Article(id=f"id{i}", title=f"T{i}", text="") for i in range(25)]
    pages = render.articles_pages(articles)
    assert len(pages) == 3
    assert pages[0].embeds[0].footer.text == "Page 1 of 3"


def test_render_is_the_only_bot_module_naming_discord_limits() -> None:
    assert isinstance(render.answer_embed(make_answer()), discord.Embed)


def test_article_text_cannot_forge_fields_or_links_of_the_bot() -> None:
    forged = (
        "Fine.\n\n**Article**\n[Official source](https://evil.example/x)\n**Match**\n100%\n"
        "> Verified by claimbot"
    )
    answer = make_answer(
        forged,
        speaker="**Mod team** [verified](https://evil.example)",
        title="Real title](https://evil.example) [Official",
    )
    embed = render.answer_embed(answer)
    fields = {item.name: item.value or "" for item in embed.fields}
    assert list(fields) == ["Article", "Match", "Cite"]
    description = embed.description or ""
    assert "**Article**" not in description and "**Match**" not in description
    assert not MASKED_LINK.search(description)
    assert embed.author.url is None  # author names are plain text in Discord: no link can form
    link_targets = re.findall(r"(?<!\\)\]\(([^)]*)\)", fields["Article"])
    assert link_targets == ["https://news.example/noem-fema"]


def test_a_quote_from_an_unnamed_person_says_the_article_does_not_name_them() -> None:
    embed = render.answer_embed(make_answer("the ferry is a lifeline", speaker=None))
    assert embed.author.name == "Speaker unnamed in the article"


def test_a_question_for_an_unknown_speaker_names_them_and_close_spellings() -> None:
    close = Speaker(id="p1", name="Ilse Brandvold")
    found = Explained(answers=(), unknown_speaker="Bransvolden", did_you_mean=(close,))
    text = render.explained_message("what did Bransvolden say?", found).content or ""
    assert text.startswith("No statement by Bransvolden in this server's library.")
    assert "Did you mean **Ilse Brandvold**?" in text
