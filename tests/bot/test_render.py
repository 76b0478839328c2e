"""render.py: Discord limits are never exceeded and article text can never ping or forge links."""

from __future__ import annotations

import json
import re

import discord
from bot_records import make_answer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import render
from claims_db.models import Answer, Article, Explained, Kind, Speaker, Statement

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
    assert links_in(embed.description or "") == ["https://news.example/noem-fema"]


def test_answer_is_one_compact_embed_of_speaker_words_and_source() -> None:
    embed = render.answer_embed(make_answer(also_in=2))
    fields = {item.name: item.value or "" for item in embed.fields}
    description = embed.description or ""
    assert description.startswith("“We will rebuild FEMA from the ground up.”")
    assert embed.author.name == "Kristi Noem, Secretary of Homeland Security"
    assert embed.title == "Noem vows to overhaul FEMA"
    assert embed.url == "https://news.example/noem-fema"
    assert description.endswith(
        "Example News · 2025-03-02 · [news.example](https://news.example/noem-fema)"
    )
    assert fields == {
        "Reported in": "3 articles: [Other 0](https://news.example/other-0) · Other 1"
    }
    assert not embed.footer.text  # no score, no id: nothing a reader has to skip


def test_citation_of_a_quote_is_copy_ready() -> None:
    cite = render.citation(make_answer())
    assert cite == (
        "“We will rebuild FEMA from the ground up.” — Kristi Noem, Example News, 2025-03-02, "
        "https://news.example/noem-fema"
    )


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


def test_no_title_names_the_statement_kind() -> None:
    for kind in Kind:
        title = render.answer_embed(make_answer(kind=kind)).title
        assert title == "Noem vows to overhaul FEMA"
    claim = render.answer_embed(make_answer(kind=Kind.CLAIM, speaker=None))
    assert claim.author.name == "Example News"
    assert not (claim.description or "").startswith("“")


def test_reported_speech_is_not_put_in_quotation_marks() -> None:
    answer = make_answer("all officers will wear cameras", kind=Kind.INDIRECT)
    description = render.answer_embed(answer).description or ""
    assert description.startswith("Noem said that all officers will wear cameras\n")
    assert "“" not in description
    assert render.citation(answer) == (
        "Kristi Noem said that all officers will wear cameras — reported by Example News, "
        "2025-03-02, https://news.example/noem-fema"
    )


def test_a_huge_quote_is_cut_with_an_ellipsis_and_keeps_the_link() -> None:
    message = render.answers_message("fema", [make_answer("word " * 3000)] * 3)
    assert render.message_fits(message)
    for embed in message.embeds:
        words = (embed.description or "").split("\n")[0]
        assert words.rstrip("”").endswith(render.ELLIPSIS)
        assert embed.url == "https://news.example/noem-fema"
        assert "(https://news.example/noem-fema)" in (embed.description or "")


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
    assert embed.fields == []
    description = embed.description or ""
    assert "**Article**" not in description and "**Match**" not in description
    assert links_in(description) == ["https://news.example/noem-fema"]
    assert embed.author.url is None  # author names are plain text in Discord: no link can form


def _maximal(size: int) -> st.SearchStrategy[str]:
    """Text of exactly ``size`` characters, hostile ones included, repeated from a seed."""
    seed = st.text(alphabet="ab @<>*_[]()`\n“”", min_size=1, max_size=30)
    return seed.map(lambda part: (part * size)[:size])


LONG = _maximal(9000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(LONG, min_size=3, max_size=3),
    name=_maximal(400),
    title=_maximal(600),
    kinds=st.lists(st.sampled_from(list(Kind)), min_size=3, max_size=3),
    contradicts=st.booleans(),
)
def test_three_maximal_answers_stay_within_discord_limits_and_three_embeds(
    texts: list[str], name: str, title: str, kinds: list[Kind], contradicts: bool
) -> None:
    found = [
        make_answer(
            text,
            kind=kind,
            speaker=name,
            role=name,
            title=title,
            publisher=name,
            url="https://news.example/" + "p" * 1900,
            contradicts=contradicts,
            also_in=4,
            sentence=text + " " + text,
        )
        for text, kind in zip(texts, kinds, strict=True)
    ]
    message = render.answers_message(title, found)
    assert len(message.embeds) == 3
    assert_safe(message)
    for answer in found:
        assert len(render.cite_message(answer).content or "") <= render.CONTENT


def _common_case() -> list[Answer]:
    return [
        make_answer(
            "Closing on Saturdays hurts the families who need the library most.",
            speaker="Miriam Castellanos",
            role="head librarian",
            title="Oakfield library budget cut by a third, branch hours reduced",
            url="https://ledger.example/news/library-budget",
            publisher="The Oakfield Ledger",
            published="2025-03-04",
        ),
        make_answer(
            "the county faced a shortfall of $3 million and had no other choice",
            kind=Kind.INDIRECT,
            speaker="Victor Lindqvist",
            role="board chair",
            title="Oakfield library budget cut by a third, branch hours reduced",
            url="https://ledger.example/news/library-budget",
            publisher="The Oakfield Ledger",
            published="2025-03-04",
        ),
        make_answer(
            "The library system served more than 200,000 visitors last year.",
            kind=Kind.CLAIM,
            speaker=None,
            role=None,
            title="Library visits rise again",
            url="https://courier.example/visits",
            publisher="Oakfield Courier",
            published="2025-02-11",
        ),
    ]


GOLDEN = """On “why are Oakfield library hours being cut?”:
Miriam Castellanos, head librarian
Oakfield library budget cut by a third, branch hours reduced
“Closing on Saturdays hurts the families who need the library most.”
The Oakfield Ledger · 2025-03-04 · ledger.example
Victor Lindqvist, board chair
Oakfield library budget cut by a third, branch hours reduced
Lindqvist said that the county faced a shortfall of $3 million and had no other choice
The Oakfield Ledger · 2025-03-04 · ledger.example
Oakfield Courier
Library visits rise again
The library system served more than 200,000 visitors last year.
Oakfield Courier · 2025-02-11 · courier.example"""


def test_the_common_case_reads_like_this_and_stays_short() -> None:
    message = render.answers_message("why are Oakfield library hours being cut?", _common_case())
    shown = render.visible_text(message)
    assert shown == GOLDEN
    assert len(message.embeds) == 3
    assert len(shown) <= render.VISIBLE_TARGET, len(shown)


def test_a_quote_whose_sentence_only_attributes_it_gets_no_context() -> None:
    answer = make_answer(
        "This is the safest choice for everyone",
        speaker="Dana Whitfield",
        role="council member",
        sentence="“This is the safest choice for everyone,” council member Dana Whitfield said "
        "after the vote.",
    )
    assert [item.name for item in render.answer_embed(answer).fields] == []


def test_a_citation_without_an_outlet_names_the_article_not_a_reporter() -> None:
    answer = make_answer("officers will wear cameras", kind=Kind.INDIRECT, publisher=None)
    assert render.citation(answer) == (
        "Kristi Noem said that officers will wear cameras — reported in “Noem vows to overhaul "
        "FEMA”, 2025-03-02, https://news.example/noem-fema"
    )


def test_a_quote_from_an_unnamed_person_says_the_article_does_not_name_them() -> None:
    embed = render.answer_embed(make_answer("the ferry is a lifeline", speaker=None))
    assert "Speaker unnamed in the article" in json.dumps(embed.to_dict())


def test_a_question_for_an_unknown_speaker_names_them_and_close_spellings() -> None:
    close = Speaker(id="p1", name="Ilse Brandvold")
    found = Explained(answers=(), unknown_speaker="Bransvolden", did_you_mean=(close,))
    text = render.explained_message("what did Bransvolden say?", found).content or ""
    assert text.startswith("No statement by Bransvolden in this server's library.")
    assert "Did you mean **Ilse Brandvold**?" in text
