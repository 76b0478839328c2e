"""Turn engine records into Discord messages; the only module that knows Discord's limits.

Everything that comes from an article or a member goes through `safe()` (markdown escaped,
mentions and masked links neutralised) and every piece is clamped to its limit, with an
ellipsis, before it reaches Discord. Links are built here and only from http(s) URLs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import discord

from claims_db.models import Answer, Article, Kind, Speaker, Statement

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
FIELDS = 25
EMBED_TOTAL = 6000  # per embed, and also for all embeds of one message together
EMBEDS = 10
CHOICE = 100  # autocomplete choice name and value
URL_MAX = 2000  # longer links are not rendered as links

ELLIPSIS = "…"
ZWSP = "\u200b"
MAX_ANSWERS = 3
PAGE_ITEMS = 10
ANSWERS_PER_PAGE = 3
STATEMENTS_PER_PAGE = 8

_COLOURS = {
    Kind.DIRECT: discord.Colour(0x5865F2),
    Kind.INDIRECT: discord.Colour(0x57F287),
    Kind.CLAIM: discord.Colour(0xFEE75C),
}
_CONTRADICTS_COLOUR = discord.Colour(0xED4245)
_KIND_LABELS = {
    Kind.DIRECT: "Quote",
    Kind.INDIRECT: "Reported statement",
    Kind.CLAIM: "Claim in the article's own voice",
}
_KIND_SHORT = {Kind.DIRECT: "quote", Kind.INDIRECT: "reported", Kind.CLAIM: "claim"}
CONTRADICTS = "⚠ the source appears to contradict this claim"
_HOW_TO_ADD = "Moderators can add articles with `/ingest` (a link, a file or pasted text)."
_URL_SAFE = ":/?&=%#+,;~.!$-_"


@dataclass
class Message:
    """What one Discord message carries: text and embeds."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)


# ---- text safety ---------------------------------------------------------------------------


def clamp(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with an ellipsis when cut."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit == 1:
        return ELLIPSIS
    return text[: limit - 1].rstrip() + ELLIPSIS


def neutralise(text: str) -> str:
    """Make mentions inert: no `@everyone`, `<@id>`, `<#id>` or `<@&id>` can render."""
    return text.replace("@", "@" + ZWSP).replace("<", "<" + ZWSP)


def escape(text: str) -> str:
    """Escape Discord markdown, including every bracket so no masked link can form."""
    parts = re.split(r"([\[\]])", text)
    return "".join(
        "\\" + part if part in ("[", "]") else discord.utils.escape_markdown(part) for part in parts
    )


def safe(text: str, limit: int | None = None) -> str:
    """Escape and neutralise untrusted text, then clamp it to ``limit``."""
    cleaned = neutralise(escape(text))
    return cleaned if limit is None else clamp(cleaned, limit)


def plain(text: str, limit: int | None = None) -> str:
    """Neutralise text shown where markdown does not render (code blocks, choices, footers)."""
    cleaned = neutralise(text.replace("`", "ˋ"))
    return cleaned if limit is None else clamp(cleaned, limit)


def one_line(text: str) -> str:
    """Collapse all whitespace, newlines included, to single spaces."""
    return " ".join(text.split())


def safe_url(url: str | None) -> str | None:
    """Return an http(s) URL safe to put in a link, or None when it cannot be linked."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    quoted = quote(url, safe=_URL_SAFE)
    return quoted if len(quoted) <= URL_MAX else None


def link(label: str, url: str | None, limit: int) -> str:
    """Return a masked link whose label (not the URL) is cut to fit ``limit``."""
    target = safe_url(url)
    if target is None or len(target) + 5 > limit:
        return safe(label, limit)
    return f"[{safe(label, limit - len(target) - 4)}]({target})"


def choice(text: str) -> str:
    """Clamp text for an autocomplete choice name or value."""
    return clamp(one_line(text), CHOICE) or "?"


def refusal(text: str) -> str:
    """Render a short sentence for the person who ran a command."""
    return safe(one_line(text), CONTENT)


# ---- embed budgeting ------------------------------------------------------------------------


def _embed_length(embed: discord.Embed) -> int:
    return len(embed)


def _fit(embed: discord.Embed, budget: int) -> discord.Embed:
    """Shrink an embed until its total is within ``budget`` (description first, then fields)."""
    budget = min(budget, EMBED_TOTAL)
    excess = _embed_length(embed) - budget
    if excess > 0 and embed.description:
        embed.description = clamp(embed.description, max(1, len(embed.description) - excess))
        excess = _embed_length(embed) - budget
    while excess > 0 and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
        excess = _embed_length(embed) - budget
    if excess > 0 and embed.footer.text:
        embed.set_footer(text=clamp(embed.footer.text, max(0, len(embed.footer.text) - excess)))
        excess = _embed_length(embed) - budget
    if excess > 0 and embed.author.name:
        embed.set_author(
            name=clamp(embed.author.name, max(1, len(embed.author.name) - excess)),
            url=embed.author.url,
        )
        excess = _embed_length(embed) - budget
    if excess > 0 and embed.title:
        embed.title = clamp(embed.title, max(1, len(embed.title) - excess))
    return embed


def _budgets(count: int) -> int:
    return EMBED_TOTAL // max(1, min(count, EMBEDS)) - 8


# ---- answers --------------------------------------------------------------------------------


def _speaker_line(answer: Answer) -> str:
    statement = answer.statement
    if statement.kind is Kind.CLAIM and not statement.speaker:
        return answer.article.publisher or "The article"
    name = answer.speaker.name if answer.speaker else statement.speaker
    if not name:
        return "Unattributed"
    return f"{name}, {answer.role}" if answer.role else name


def _published(article: Article) -> str:
    bits = [article.publisher or "", article.published or ""]
    return " · ".join(bit for bit in bits if bit) or "publisher and date unknown"


def citation(answer: Answer, limit: int = FIELD_VALUE - 8) -> str:
    """Return a one-line citation of a statement: words, speaker, article, publisher, date, URL."""
    article = answer.article
    url = safe_url(article.url)
    tail_bits = [
        f"— {one_line(_speaker_line(answer))}",
        f"in “{one_line(article.title)}”",
        one_line(_published(article)),
    ]
    tail = ", ".join(tail_bits[:2]) + f" ({tail_bits[2]})"
    if url:
        tail += f" {url}"
    words = one_line(answer.statement.text)
    room = limit - len(plain(tail)) - 3
    if room < 20:
        return plain(f"“{words}” {tail}", limit)
    return f"“{plain(words, room)}” {plain(tail)}"


_MAX_OTHER_SOURCES = 3


def _reported_in(answer: Answer) -> str:
    """Return "3 articles", then links to the other articles that carry the statement."""
    others = [
        link(one_line(a.title or "Untitled article"), a.url, 300)
        for a in answer.also_in[:_MAX_OTHER_SOURCES]
    ]
    rest = len(answer.also_in) - len(others)
    if rest > 0:
        others.append(f"and {rest} more")
    return clamp(f"{answer.reported_in} articles: " + " · ".join(others), FIELD_VALUE)


def answer_embed(answer: Answer, *, budget: int = EMBED_TOTAL) -> discord.Embed:
    """Render one sourced statement as an embed that fits ``budget`` characters."""
    statement, article = answer.statement, answer.article
    budget = min(budget, EMBED_TOTAL)
    colour = _CONTRADICTS_COLOUR if answer.contradicts else _COLOURS.get(statement.kind)
    embed = discord.Embed(
        title=safe(_KIND_LABELS.get(statement.kind, str(statement.kind)), TITLE),
        url=safe_url(article.url),
        colour=colour,
    )
    embed.set_author(name=plain(one_line(_speaker_line(answer)), min(AUTHOR, budget // 12)))
    small = max(60, budget // 8)
    source = link(article.title or "Untitled article", article.url, min(FIELD_VALUE, small + 200))
    source = f"{source}\n{safe(_published(article), 200)}"
    if statement.context:
        embed.add_field(name="In context", value=safe(statement.context, small), inline=False)
    embed.add_field(name="Article", value=clamp(source, FIELD_VALUE), inline=False)
    embed.add_field(name="Match", value=f"{max(0.0, min(answer.score, 1.0)):.0%}", inline=True)
    if answer.reported_in > 1:
        embed.add_field(name="Reported in", value=_reported_in(answer), inline=False)
    cite = citation(answer, min(FIELD_VALUE - 8, max(80, budget // 4)))
    embed.add_field(name="Cite", value=f"```\n{cite}\n```", inline=False)
    embed.set_footer(text=plain(f"{_KIND_SHORT.get(statement.kind, '')} · article {article.id}"))
    used = _embed_length(embed)
    warning = f"**{CONTRADICTS}**\n\n" if answer.contradicts else ""
    room = max(40, min(DESCRIPTION, budget - used)) - len(warning)
    embed.description = warning + f"“{safe(statement.text, max(3, room - 2))}”"
    return _fit(embed, budget)


def answers_message(question: str, answers: Sequence[Answer]) -> Message:
    """Render the reply to a question: up to three embeds, or an honest "nothing found"."""
    shown = list(answers)[:MAX_ANSWERS]
    if not shown:
        return Message(content=nothing_found(question))
    budget = _budgets(len(shown))
    noun = "statement" if len(shown) == 1 else "statements"
    content = f"Sourced {noun} for “{safe(one_line(question), 300)}”:"
    return Message(
        content=clamp(content, CONTENT), embeds=[answer_embed(a, budget=budget) for a in shown]
    )


def sources_message(jump_url: str, answers: Sequence[Answer]) -> Message:
    """Render the closest sourced statements to a member's message."""
    shown = list(answers)[:MAX_ANSWERS]
    target = safe_url(jump_url)
    that = f"[that message]({target})" if target else "that message"
    if not shown:
        text = (
            f"I found no sourced statement close to {that} in this server's library. {_HOW_TO_ADD}"
        )
        return Message(content=clamp(text, CONTENT))
    budget = _budgets(len(shown))
    return Message(
        content=clamp(f"Closest sourced statements to {that}:", CONTENT),
        embeds=[answer_embed(a, budget=budget) for a in shown],
    )


def nothing_found(question: str) -> str:
    """Say that no sourced statement matched, and how to add articles."""
    text = (
        f"I found no sourced statement for “{safe(one_line(question), 300)}” in this server's "
        f"library. {_HOW_TO_ADD}"
    )
    return clamp(text, CONTENT)


def quotes_pages(speaker: str, topic: str | None, answers: Sequence[Answer]) -> list[Message]:
    """Render a speaker's statements, three embeds per page."""
    about = f" about “{safe(one_line(topic), 200)}”" if topic else ""
    who = safe(one_line(speaker), 200)
    if not answers:
        text = f"I found no statements by {who}{about} in this server's library. {_HOW_TO_ADD}"
        return [Message(content=clamp(text, CONTENT))]
    pages: list[Message] = []
    chunks = [answers[i : i + ANSWERS_PER_PAGE] for i in range(0, len(answers), ANSWERS_PER_PAGE)]
    budget = _budgets(ANSWERS_PER_PAGE)
    for chunk in chunks:
        content = f"Statements by {who}{about} ({len(answers)} found):"
        pages.append(
            Message(
                content=clamp(content, CONTENT),
                embeds=[answer_embed(a, budget=budget) for a in chunk],
            )
        )
    return pages


# ---- listings --------------------------------------------------------------------------------


def _list_pages(title: str, lines: Sequence[str], *, empty: str, per_page: int) -> list[Message]:
    if not lines:
        return [Message(content=clamp(empty, CONTENT))]
    pages: list[Message] = []
    current: list[str] = []
    size = 0
    for line in lines:
        line = clamp(line, 600)
        if current and (len(current) >= per_page or size + len(line) + 1 > DESCRIPTION - 50):
            pages.append(Message(embeds=[_list_embed(title, current)]))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    pages.append(Message(embeds=[_list_embed(title, current)]))
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        if total > 1:
            page.embeds[0].set_footer(text=f"Page {number} of {total}")
    return pages


def _list_embed(title: str, lines: Sequence[str]) -> discord.Embed:
    embed = discord.Embed(
        title=clamp(title, TITLE), description=clamp("\n".join(lines), DESCRIPTION)
    )
    return _fit(embed, EMBED_TOTAL)


def speakers_pages(speakers: Sequence[Speaker]) -> list[Message]:
    """Render the library's speakers as pages of a list."""
    lines = []
    for speaker in speakers:
        role = f" — {safe(one_line(speaker.roles[0]), 150)}" if speaker.roles else ""
        others = [a for a in speaker.aliases if a != speaker.name][:3]
        aka = f" (also “{safe(', '.join(others), 150)}”)" if others else ""
        lines.append(f"**{safe(one_line(speaker.name), 150)}**{role}{aka}")
    empty = f"This server's library has no speakers yet. {_HOW_TO_ADD}"
    return _list_pages(f"Speakers ({len(speakers)})", lines, empty=empty, per_page=PAGE_ITEMS * 2)


def articles_pages(articles: Sequence[Article]) -> list[Message]:
    """Render the library's articles (newest first) as pages of a list."""
    lines = []
    for article in articles:
        title = link(article.title or "Untitled article", article.url, 400)
        lines.append(f"{title}\n{safe(_published(article), 120)} · id `{plain(article.id, 64)}`")
    empty = f"This server's library has no articles yet. {_HOW_TO_ADD}"
    return _list_pages(f"Articles ({len(articles)})", lines, empty=empty, per_page=PAGE_ITEMS)


def article_pages(article: Article, statements: Sequence[Statement]) -> list[Message]:
    """Render one article's statements, in reading order, as pages."""
    header = discord.Embed(
        title=safe(one_line(article.title or "Untitled article"), TITLE),
        url=safe_url(article.url),
    )
    header_bits = [_published(article)]
    if article.authors:
        header_bits.append("by " + ", ".join(article.authors))
    lines = []
    for number, statement in enumerate(statements, start=1):
        who = statement.speaker or (
            "the article" if statement.kind is Kind.CLAIM else "unattributed"
        )
        kind = _KIND_SHORT.get(statement.kind, str(statement.kind))
        words = safe(one_line(statement.text), 400)
        lines.append(f"**{number}.** {kind} · {safe(one_line(who), 100)}: “{words}”")
    if not lines:
        lines = ["No statements were found in this article."]
    pages: list[Message] = []
    chunks = [lines[i : i + STATEMENTS_PER_PAGE] for i in range(0, len(lines), STATEMENTS_PER_PAGE)]
    intro = safe(" · ".join(one_line(bit) for bit in header_bits), 300)
    for number, chunk in enumerate(chunks, start=1):
        embed = header.copy()
        embed.description = clamp(intro + "\n\n" + "\n".join(chunk), DESCRIPTION)
        footer = f"article {article.id} · {len(statements)} statements"
        if len(chunks) > 1:
            footer += f" · page {number} of {len(chunks)}"
        embed.set_footer(text=plain(footer, FOOTER))
        pages.append(Message(embeds=[_fit(embed, EMBED_TOTAL)]))
    return pages


# ---- ingest and admin ------------------------------------------------------------------------


def progress(step: str, detail: str | None = None) -> str:
    """Render a progress line of a slow command ("Fetching …", "Extracting …")."""
    text = step if detail is None else f"{step} {detail}"
    return clamp(text, CONTENT)


def fetching(url: str) -> str:
    """Render the progress line shown while a URL is fetched."""
    target = safe_url(url)
    shown = f"<{target}>" if target else safe(one_line(url), 300)
    return progress("Fetching", f"{shown} and extracting statements…")


def ingest_summary(
    article: Article, counts: dict[Kind, int], speakers: Sequence[tuple[str, int]]
) -> Message:
    """Render what an ingest added: title and link, counts, main speakers."""
    embed = discord.Embed(
        title=safe(one_line(article.title or "Untitled article"), TITLE),
        url=safe_url(article.url),
        description=safe(_published(article), 300),
        colour=discord.Colour(0x57F287),
    )
    embed.add_field(name="Quotes", value=str(counts.get(Kind.DIRECT, 0)), inline=True)
    embed.add_field(
        name="Reported statements", value=str(counts.get(Kind.INDIRECT, 0)), inline=True
    )
    embed.add_field(name="Claims", value=str(counts.get(Kind.CLAIM, 0)), inline=True)
    if speakers:
        names = ", ".join(f"{safe(one_line(name), 80)} ({n})" for name, n in speakers[:5])
        embed.add_field(name="Main speakers", value=clamp(names, FIELD_VALUE), inline=False)
    embed.set_footer(text=plain(f"article {article.id}", FOOTER))
    return Message(content="Added to this server's library:", embeds=[_fit(embed, EMBED_TOTAL)])


def remove_prompt(article: Article) -> Message:
    """Render the confirmation asked before an article is removed."""
    title = link(article.title or "Untitled article", article.url, 600)
    text = (
        f"Remove {title} ({safe(_published(article), 120)}) and all its statements from this "
        "server's library? This cannot be undone."
    )
    embed = discord.Embed(description=clamp(text, DESCRIPTION), colour=_CONTRADICTS_COLOUR)
    embed.set_footer(text=plain(f"article {article.id}", FOOTER))
    return Message(embeds=[embed])


def removed(article: Article) -> str:
    """Say that an article was removed."""
    return clamp(
        f"Removed “{safe(one_line(article.title), 300)}” from this server's library.", CONTENT
    )


def article_choice_name(article: Article) -> str:
    """Name an article in autocomplete: title, publisher and date."""
    bits = [article.title or "Untitled article", article.publisher or "", article.published or ""]
    return choice(" · ".join(bit for bit in bits if bit))


HELP_TEXT = (
    ("/ask", "Ask a question; get up to three sourced statements (add private:True for only you)."),
    ("/quotes", "What a speaker said, optionally about a topic."),
    ("/speakers", "Everyone quoted in this server's library."),
    ("/articles", "The articles in this server's library, newest first."),
    ("/article", "One article's statements in reading order."),
    ("/ingest", "Add an article from a link, a .txt/.md/.html file or pasted text (moderators)."),
    ("/remove", "Remove an article from the library (Manage Server)."),
    ("/requests", "Questions members asked sources for, most wanted first (moderators)."),
    ("/config", "Server settings: ingest role, question limit, seed, expiry (Manage Server)."),
    ("Find sources", "Right-click a message → Apps → Find sources: statements close to it."),
    ("@mention", "Mention me with a question, e.g. “@claimbot what did Noem say about FEMA?”"),
)


def help_message() -> Message:
    """Render the help text: what each command does."""
    embed = discord.Embed(
        title="claimbot",
        description=(
            "I answer with exact words from articles in this server's library: who said it, "
            "where and when, with a link. I never make statements up; when nothing matches "
            "I say so."
        ),
    )
    for name, text in HELP_TEXT:
        embed.add_field(name=name, value=text, inline=False)
    return Message(embeds=[_fit(embed, EMBED_TOTAL)])


def message_fits(message: Message) -> bool:
    """Return whether a message is within every Discord limit (used by tests and asserts)."""
    if message.content is not None and len(message.content) > CONTENT:
        return False
    if len(message.embeds) > EMBEDS:
        return False
    total = 0
    for embed in message.embeds:
        if len(embed.title or "") > TITLE or len(embed.description or "") > DESCRIPTION:
            return False
        if len(embed.fields) > FIELDS or len(embed.footer.text or "") > FOOTER:
            return False
        if len(embed.author.name or "") > AUTHOR:
            return False
        for item in embed.fields:
            if len(item.name or "") > FIELD_NAME or len(item.value or "") > FIELD_VALUE:
                return False
        total += len(embed)
    return total <= EMBED_TOTAL
