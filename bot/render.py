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

from claims_db.models import (
    Answer,
    Article,
    Explained,
    Feed,
    Kind,
    LinkedArticle,
    LinkResult,
    Outcome,
    Speaker,
    SpeakerKind,
    Statement,
)

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
    Kind.FACT_CHECK: discord.Colour(0xEB459E),
}
_CONTRADICTS_COLOUR = discord.Colour(0xED4245)
_KIND_LABELS = {
    Kind.DIRECT: "Quote",
    Kind.INDIRECT: "Reported statement",
    Kind.CLAIM: "Claim in the article's own voice",
    Kind.FACT_CHECK: "Fact-check",
}
_KIND_SHORT = {
    Kind.DIRECT: "quote",
    Kind.INDIRECT: "reported",
    Kind.CLAIM: "claim",
    Kind.FACT_CHECK: "fact-check",
}
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
    if limit is None:
        return neutralise(escape(text))
    # Escaping never shortens text, so only the first limit + 1 characters can show; cutting
    # first keeps discord.py's markdown regex off huge inputs (it is slow on long runs).
    return clamp(neutralise(escape(text[: max(0, limit) + 1])), limit)


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

# What a public answer shows of a statement's words; the "Cite" button gives them all.
PUBLIC_WORDS = 300
PUBLIC_TITLE = 90
PUBLIC_CONTEXT = 240
VISIBLE_TARGET = 900  # visible characters of a three-answer reply in the common case
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# Sentence openers that read lower case after "Noem said that" ("All officers" -> "all officers").
_LOWER_OPENERS = frozenset(
    {"a", "all", "an", "any", "every", "it", "its", "many", "more", "most", "no", "none"}
    | {"only", "some", "the", "their", "there", "these", "they", "this", "those", "we", "our"}
    | {"he", "his", "she", "her"}
)


def _speaker_line(answer: Answer) -> str:
    statement = answer.statement
    if statement.kind is Kind.CLAIM and not statement.speaker:
        return answer.article.publisher or "The article"
    name = answer.speaker.name if answer.speaker else statement.speaker
    if not name:
        return "Speaker unnamed in the article" if answer.is_speaker_unnamed else "Unattributed"
    return f"{name}, {answer.role}" if answer.role else name


def _full_name(answer: Answer) -> str | None:
    return answer.speaker.name if answer.speaker else answer.statement.speaker


def _short_name(answer: Answer) -> str | None:
    """Return how a reported statement names its speaker: a person's last name, else in full."""
    name = _full_name(answer)
    if not name:
        return None
    if answer.speaker is not None and answer.speaker.kind is not SpeakerKind.PERSON:
        return name
    words = [w for w in name.split() if w.casefold() not in _NAME_SUFFIXES]
    return words[-1] if len(words) > 1 else name


def _published(article: Article) -> str:
    bits = [article.publisher or "", article.published or ""]
    return " · ".join(bit for bit in bits if bit) or "publisher and date unknown"


def reported_words(answer: Answer, *, name: str | None = None) -> str:
    """Return a reported statement as reported speech: "Noem said that all officers …".

    The cue and the speaker come from the statement; nothing here is put in quotation marks,
    since these are not the speaker's exact words.
    """
    statement = answer.statement
    who = name or _short_name(answer)
    words = one_line(statement.text)
    first, _, rest = words.partition(" ")
    if first.casefold() in _LOWER_OPENERS and first[:1].isupper() and first != "I":
        words = first.lower() + (" " + rest if rest else "")
    cue = one_line(statement.cue or "said") or "said"
    if who is None:
        return f"It was reported that {words}"
    if cue.casefold().startswith("according to"):
        return f"According to {who}, {words}"
    if statement.addressee and cue.casefold() in ("told", "tells", "telling"):
        cue = f"{cue} {one_line(statement.addressee)}"
    if words.casefold().startswith("that "):
        return f"{who} {cue} {words}"
    return f"{who} {cue} that {words}"


def _shown_words(answer: Answer, limit: int) -> str:
    """Return the statement as shown: quotes in marks, reported speech as such, claims plain."""
    kind = answer.statement.kind
    if kind is Kind.DIRECT:
        return f"“{safe(one_line(answer.statement.text), max(3, limit - 2))}”"
    if kind is Kind.INDIRECT:
        return safe(reported_words(answer), limit)
    return safe(one_line(answer.statement.text), limit)


def citation(answer: Answer, limit: int = CONTENT - 8) -> str:
    """Return a copy-ready citation line.

    A quote: ``“…” — Kristi Noem, CNN, 2026-01-26, https://…``. Reported speech is not put
    in quotation marks: ``Kristi Noem said that … — reported by CNN, 2026-01-26, https://…``.
    """
    statement, article = answer.statement, answer.article
    url = safe_url(article.url)
    # Without an outlet the article's title names the source ("in “…”"), never as a reporter.
    outlet = one_line(article.publisher or "")
    titled = f"in “{one_line(article.title)}”" if article.title else ""
    where = [outlet or titled, article.published or "", url or ""]
    source = ", ".join(bit for bit in where if bit) or "source unknown"
    name = _full_name(answer)
    if statement.kind is Kind.DIRECT:
        head, tail = "“", f"” — {one_line(name or 'unattributed')}, {source}"
        words = one_line(statement.text)
    elif statement.kind is Kind.INDIRECT:
        reporter = f"reported by {source}" if outlet else f"reported {source}"
        head, tail = "", f" — {reporter}"
        words = reported_words(answer, name=name)
    else:
        head, tail = "", f" — {source}"
        words = one_line(statement.text)
    room = limit - len(plain(tail)) - len(head)
    if room < 20:
        return plain(head + words + tail, limit)
    return head + plain(words, room) + plain(tail)


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


def _source_line(article: Article) -> str:
    """Return "Outlet · 2026-01-26 · [outlet.example](link)" for under an answer."""
    bits = [safe(one_line(article.publisher), 80) if article.publisher else ""]
    bits.append(safe(article.published, 40) if article.published else "")
    target = safe_url(article.url)
    if target is not None:
        host = urlsplit(target).hostname or "link"
        host = host.removeprefix("www.")
        bits.append(f"[{safe(host, 60)}]({target})")
    line = " · ".join(bit for bit in bits if bit)
    return line or "no outlet, date or link given"


# Words that only attribute a quote ("…,” Whitfield said after the vote."); a sentence that
# holds more than two other words says something the quote does not.
_ATTRIBUTION = frozenset(
    {"said", "says", "told", "added", "wrote", "asked", "after", "at", "on", "in", "the", "a"}
    | {"an", "to", "of", "during", "when", "and", "vote", "meeting", "statement", "interview"}
)
_ATTRIBUTION_LEFT = 2


def _needs_context(answer: Answer) -> bool:
    """Return whether a short statement's sentence says more than the embed already does.

    A quote's sentence that adds only its attribution ("…,” Whitfield said after the vote.)
    repeats the author line; reported speech and claims keep theirs ("Asked whether …").
    """
    statement = answer.statement
    context = statement.context
    if context is None:
        return False
    if statement.kind is not Kind.DIRECT:
        return True
    rest = context.replace(" ".join(statement.text.split()), " ")
    words = set(re.findall(r"[^\W\d_]+", rest.casefold()))
    known = " ".join([_full_name(answer) or "", answer.role or "", statement.cue or ""])
    words -= set(re.findall(r"[^\W\d_]+", known.casefold())) | _ATTRIBUTION
    return len(words) > _ATTRIBUTION_LEFT


def answer_embed(
    answer: Answer, *, budget: int = EMBED_TOTAL, words: int = PUBLIC_WORDS
) -> discord.Embed:
    """Render one sourced statement as one compact embed that fits ``budget`` characters.

    Author line: the speaker (and role). Title: the article, linked. Description: the words
    (quotes in quotation marks, reported speech as "X said that …"), then one line with
    outlet · date · link. "In context" only when the words need their sentence.
    """
    statement, article = answer.statement, answer.article
    budget = min(budget, EMBED_TOTAL)
    if statement.fact_check is not None:
        return fact_check_embed(answer, budget=budget)
    colour = _CONTRADICTS_COLOUR if answer.contradicts else _COLOURS.get(statement.kind)
    embed = discord.Embed(
        title=safe(one_line(article.title or "Untitled article"), min(TITLE, PUBLIC_TITLE)),
        url=safe_url(article.url),
        colour=colour,
    )
    embed.set_author(name=plain(one_line(_speaker_line(answer)), min(AUTHOR, budget // 12)))
    context = statement.context
    if context is not None and _needs_context(answer):
        embed.add_field(
            name="In context",
            value=safe(context, min(FIELD_VALUE, PUBLIC_CONTEXT, budget // 8)),
            inline=False,
        )
    if answer.reported_in > 1:
        embed.add_field(name="Reported in", value=_reported_in(answer), inline=False)
    source = clamp(_source_line(article), 600)
    warning = f"**{CONTRADICTS}**\n" if answer.contradicts else ""
    used = _embed_length(embed) + len(source) + len(warning) + 1
    room = max(40, min(DESCRIPTION - len(source) - len(warning) - 1, budget - used, words))
    embed.description = f"{warning}{_shown_words(answer, room)}\n{source}"
    return _fit(embed, budget)


def answers_message(question: str, answers: Sequence[Answer]) -> Message:
    """Render the reply to a question: up to three embeds, or an honest "nothing found"."""
    shown = list(answers)[:MAX_ANSWERS]
    if not shown:
        return Message(content=nothing_found(question))
    budget = _budgets(len(shown))
    content = f"On “{safe(one_line(question), 200)}”:"
    return Message(
        content=clamp(content, CONTENT), embeds=[answer_embed(a, budget=budget) for a in shown]
    )


def explained_message(question: str, found: Explained) -> Message:
    """Render the reply to a question, saying so when it asks for a speaker we lack."""
    if found.answers or found.unknown_speaker is None:
        return answers_message(question, found.answers)
    text = f"No statement by {safe(one_line(found.unknown_speaker), 100)} in this server's library."
    if found.did_you_mean:
        names = " or ".join(f"**{safe(one_line(s.name), 100)}**" for s in found.did_you_mean)
        text += f" Did you mean {names}?"
    return Message(content=clamp(f"{text} {_HOW_TO_ADD}", CONTENT))


def more_message(answers: Sequence[Answer]) -> Message:
    """Render the answers beyond the first three, for the one who asked for more."""
    shown = list(answers)[:MAX_ANSWERS]
    if not shown:
        return Message(content="There are no more sourced statements for that question.")
    budget = _budgets(len(shown))
    return Message(
        content="More sourced statements:",
        embeds=[answer_embed(a, budget=budget) for a in shown],
    )


def cite_message(answer: Answer) -> Message:
    """Render a copy-ready citation of one answer (sent privately)."""
    line = citation(answer, CONTENT - 10).replace("```", "ˋˋˋ")
    return Message(content=f"```\n{line}\n```")


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


def quotes_pages(
    speaker: str | Speaker, topic: str | None, answers: Sequence[Answer]
) -> list[Message]:
    """Render a speaker's statements, three embeds per page, under the resolved speaker's name."""
    about = f" about “{safe(one_line(topic), 200)}”" if topic else ""
    name = speaker.name if isinstance(speaker, Speaker) else speaker
    who = safe(one_line(name), 200)
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


def did_you_mean(typed: str, candidates: Sequence[Speaker]) -> Message:
    """Ask which speaker a name means when several match about equally."""
    lines = []
    for speaker in candidates[:5]:
        role = f" — {safe(one_line(speaker.roles[0]), 100)}" if speaker.roles else ""
        lines.append(f"**{safe(one_line(speaker.name), 100)}**{role}")
    text = f"“{safe(one_line(typed), 100)}” could be several people. Did you mean:\n" + "\n".join(
        lines
    )
    return Message(content=clamp(text, CONTENT))


def speaker_button_label(speaker: Speaker) -> str:
    """Label a "did you mean" button with a speaker's name."""
    return clamp(one_line(speaker.name), 80) or "?"


def visible_text(message: Message) -> str:
    """Return what a reader sees of a message: link targets and markdown escapes left out."""
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.author.name or "", embed.title or "", embed.description or ""]
        for item in embed.fields:
            parts += [item.name or "", item.value or ""]
        parts.append(embed.footer.text or "")
    text = "\n".join(part for part in parts if part)
    text = re.sub(r"(?<!\\)\[((?:[^\]\\]|\\.)*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace("**", "").replace(ZWSP, "")


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
    article: Article,
    counts: dict[Kind, int],
    speakers: Sequence[tuple[str, int]],
    *,
    is_new: bool = True,
) -> Message:
    """Render what an ingest added (title and link, counts, main speakers), or that it was there."""
    embed = discord.Embed(
        title=safe(one_line(article.title or "Untitled article"), TITLE),
        url=safe_url(article.url),
        description=safe(_published(article), 300),
        colour=discord.Colour(0x57F287) if is_new else discord.Colour(0x99AAB5),
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
    if is_new:
        content = "Added to this server's library:"
    else:
        added = (article.added_at or "")[:10] or "an earlier date"
        content = f"Already in this server's library (added {added}); nothing new was added:"
    return Message(content=content, embeds=[_fit(embed, EMBED_TOTAL)])


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
    ("/ingest", "Add articles from up to 10 links, a .txt/.md/.html file or pasted text."),
    ("/remove", "Remove an article from the library (Manage Server)."),
    ("/requests", "Questions members asked sources for, most wanted first (moderators)."),
    ("/config", "Server settings: ingest role, question limit, seed, expiry (Manage Server)."),
    ("/feed", "Follow RSS/Atom feeds: add, list, remove (Manage Server)."),
    ("Find sources", "Right-click a message → Apps → Find sources: statements close to it."),
    ("Add to library", "Right-click a message → Apps → Add to library: adds its links."),
    ("@mention", "Mention me with a question, e.g. “@claimbot what did Noem say about FEMA?”"),
)


GETTING_STARTED = (
    "This server's library is empty, so I have nothing to answer from yet. A moderator adds "
    "articles with `/ingest`: `url:` a link to a news article, `file:` a .txt/.md/.html file, "
    "or `text:` the article pasted in. Then anyone can `/ask`."
)


def help_message(*, library_is_empty: bool = False) -> Message:
    """Render the help text: what each command does, and how to start when the library is empty."""
    embed = discord.Embed(
        title="claimbot",
        description=(
            "I answer with exact words from articles in this server's library: who said it, "
            "where and when, with a link. I never make statements up; when nothing matches "
            "I say so."
        ),
    )
    if library_is_empty:
        embed.add_field(name="Getting started", value=GETTING_STARTED, inline=False)
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


# ---- fact-checks and links -------------------------------------------------------------------


def verdict_label(answer: Answer) -> str:
    """Return "<Reviewer> rated this: <verdict> (<date>)" for a fact-check answer."""
    check = answer.statement.fact_check
    if check is None:
        return ""
    who = clamp(one_line(check.reviewer or answer.article.publisher or "A fact-checker"), 80)
    date = check.published or answer.article.published
    when = f" ({date})" if date else ""
    return f"{who} rated this: {clamp(one_line(check.verdict), 150)}{when}"


def _appears_in(answer: Answer, limit: int) -> str:
    lines = []
    for other in answer.appears_in:
        title = link(one_line(other.article.title or "Untitled article"), other.article.url, 300)
        who = one_line(_speaker_line(other))
        lines.append(f"{title} — {safe(who, 80)}: “{safe(one_line(other.statement.text), 200)}”")
    return clamp("\n".join(lines), limit)


def fact_check_embed(answer: Answer, *, budget: int = EMBED_TOTAL) -> discord.Embed:
    """Render a fact-check answer: the verdict as published, the claim, where it appears."""
    statement, article = answer.statement, answer.article
    check = statement.fact_check
    assert check is not None
    review_url = safe_url(check.url) or safe_url(article.url)
    embed = discord.Embed(
        title=safe(verdict_label(answer), TITLE), url=review_url, colour=_COLOURS[Kind.FACT_CHECK]
    )
    if check.claimant:
        said = f"Claim by {one_line(check.claimant)}"
        if check.claim_date:
            said += f" ({check.claim_date})"
        embed.set_author(name=plain(said, min(AUTHOR, budget // 12)))
    small = max(60, budget // 6)
    if answer.appears_in:
        embed.add_field(
            name="The claim appears in",
            value=_appears_in(answer, min(FIELD_VALUE, small)),
            inline=False,
        )
    review = link(article.title or "The fact-check", review_url, min(FIELD_VALUE, small))
    embed.add_field(name="Fact-check", value=clamp(review, FIELD_VALUE), inline=False)
    embed.add_field(name="Match", value=f"{max(0.0, min(answer.score, 1.0)):.0%}", inline=True)
    embed.set_footer(text=plain(f"fact-check · article {article.id}"))
    room = max(40, min(DESCRIPTION, budget - _embed_length(embed)))
    embed.description = f"“{safe(statement.text, max(3, room - 2))}”"
    return _fit(embed, budget)


def linked_article(linked: LinkedArticle) -> Message:
    """Render what the library holds for a posted link: the article, main statements, speakers."""
    article = linked.article
    embed = discord.Embed(
        title=safe(one_line(article.title or "Untitled article"), TITLE),
        url=safe_url(article.url),
        description=safe(_published(article), 300),
        colour=discord.Colour(0x5865F2),
    )
    if linked.speakers:
        names = ", ".join(f"{safe(one_line(name), 80)} ({n})" for name, n in linked.speakers)
        embed.add_field(name="Main speakers", value=clamp(names, FIELD_VALUE), inline=False)
    for answer in linked.statements:
        statement = answer.statement
        label = _KIND_LABELS.get(statement.kind, str(statement.kind))
        name = f"{label} — {one_line(_speaker_line(answer))}"
        value = f"“{safe(one_line(statement.text), 600)}”"
        if answer.also_in:
            others = [
                link(one_line(a.publisher or a.title or "another article"), a.url, 200)
                for a in answer.also_in[:_MAX_OTHER_SOURCES]
            ]
            value += "\nAlso reported by " + " · ".join(others)
        embed.add_field(name=plain(name, FIELD_NAME), value=clamp(value, FIELD_VALUE), inline=False)
    embed.set_footer(text=plain(f"article {article.id} · {linked.total} statements", FOOTER))
    return Message(
        content="That link is in this server's library:", embeds=[_fit(embed, EMBED_TOTAL)]
    )


def link_not_in_library(url: str) -> str:
    """Say that a posted link is not in the library yet, and how to add it."""
    target = safe_url(url)
    shown = f"<{target}>" if target else "That link"
    return clamp(
        f"{shown} is not in this server's library yet. Members who can add articles can use "
        "the “Add to library” message command or `/ingest`.",
        CONTENT,
    )


def _bare_link(url: str) -> str:
    target = safe_url(url)
    return f"<{target}>" if target else safe(one_line(url), 300)


def ignored_fact_checks(count: int) -> str:
    """Say that malformed fact-check blocks of a page were left out (nothing of them stored)."""
    blocks = "block was" if count == 1 else "blocks were"
    return f"⚠ {count} fact-check (ClaimReview) {blocks} malformed and ignored: no verdict stored."


def link_line(result: LinkResult) -> str:
    """Render one line of what adding a link did: added with N statements, known, refused."""
    article = result.article
    if result.outcome is Outcome.REFUSED or article is None:
        reason = one_line(result.reason or "it could not be added")
        return clamp(f"⛔ {_bare_link(result.url)} — refused: {safe(reason, 300)}", 600)
    title = link(one_line(article.title or "Untitled article"), article.url or result.url, 300)
    if result.outcome is Outcome.KNOWN:
        return clamp(f"☑️ {title} — already in the library", 600)
    noun = "statement" if result.statements == 1 else "statements"
    line = f"✅ {title} — added with {result.statements} {noun}"
    if result.speakers:
        line += ", " + ", ".join(safe(one_line(name), 60) for name, _ in result.speakers)
    if result.ignored_fact_checks:
        line = clamp(line, 480) + " " + ignored_fact_checks(result.ignored_fact_checks)
    return clamp(line, 600)


def links_report(results: Sequence[LinkResult], waiting: Sequence[str]) -> str:
    """Render the progress (or final) message of adding several links: one line per link."""
    total = len(results) + len(waiting)
    lines = [link_line(r) for r in results]
    lines += [f"⏳ {_bare_link(url)}" for url in waiting]
    if waiting:
        head = f"Adding {total} links: {len(results)} of {total} done…"
    else:
        counts = {o: sum(1 for r in results if r.outcome is o) for o in Outcome}
        head = (
            f"Done: {counts[Outcome.ADDED]} added, {counts[Outcome.KNOWN]} already in the "
            f"library, {counts[Outcome.REFUSED]} refused."
        )
    text = head
    for line in lines:
        if len(text) + len(line) + 1 > CONTENT - 20:
            text += "\n" + ELLIPSIS
            break
        text += "\n" + line
    return clamp(text, CONTENT)


# ---- feeds -----------------------------------------------------------------------------------


def _feed_name(feed: Feed) -> str:
    return safe(one_line(feed.title), 120) if feed.title else _bare_link(feed.url)


def added_line(result: LinkResult) -> str:
    """Render "Added: title — N statements, main speakers" for one article from a feed."""
    article = result.article
    assert article is not None
    title = link(one_line(article.title or "Untitled article"), article.url or result.url, 400)
    noun = "statement" if result.statements == 1 else "statements"
    line = f"Added: {title} — {result.statements} {noun}"
    if result.speakers:
        line += ", " + ", ".join(safe(one_line(name), 60) for name, _ in result.speakers)
    return clamp(line, 700)


def feed_announcements(feed: Feed, results: Sequence[LinkResult]) -> list[str]:
    """Render the messages announcing a poll's new articles (each within the content limit)."""
    lines = [added_line(r) for r in results if r.outcome is Outcome.ADDED and r.article]
    messages: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > CONTENT:
            messages.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        messages.append(current)
    return messages


def feed_paused(feed: Feed) -> str:
    """Tell the server's admins that a feed was paused, why, and how to resume it."""
    reason = one_line(feed.paused or feed.last_error or "it kept failing")
    return clamp(
        f"⚠ I paused the feed {_feed_name(feed)} ({_bare_link(feed.url)}): {safe(reason, 400)}. "
        "Someone with Manage Server can resume it with `/feed add` or drop it with `/feed remove`.",
        CONTENT,
    )


def feed_followed(feed: Feed, *, is_new: bool, channel_id: int | None) -> str:
    """Confirm that a feed is followed, and where its articles are announced."""
    where = f" New articles are announced in <#{channel_id}>." if channel_id else ""
    verb = "Now following" if is_new else "Following again"
    return clamp(f"{verb} {_feed_name(feed)} ({_bare_link(feed.url)}).{where}", CONTENT)


def feeds_pages(feeds: Sequence[Feed]) -> list[Message]:
    """Render the server's feeds with their state, as pages."""
    lines = []
    for feed in feeds:
        if feed.paused:
            state = f"⏸ paused: {safe(one_line(feed.paused), 300)}"
        elif feed.last_error:
            state = f"last poll failed: {safe(one_line(feed.last_error), 200)}"
        else:
            state = f"{feed.added} articles added"
        where = f" · <#{feed.channel_id}>" if feed.channel_id else ""
        polled = (
            f" · polled {safe(feed.last_polled, 40)}" if feed.last_polled else " · not polled yet"
        )
        lines.append(
            f"**{_feed_name(feed)}** {_bare_link(feed.url)}\n{state}{where}{polled} · id "
            f"`{plain(feed.id, 20)}`"
        )
    empty = "This server follows no feed yet. Someone with Manage Server can `/feed add` one."
    return _list_pages(f"Feeds ({len(feeds)})", lines, empty=empty, per_page=PAGE_ITEMS)


def feed_removed(feed: Feed) -> str:
    """Say that a feed is no longer followed."""
    return clamp(
        f"No longer following {_feed_name(feed)}; its articles stay in the library.", CONTENT
    )


def feed_choice_name(feed: Feed) -> str:
    """Name a feed in autocomplete."""
    return choice(f"{feed.title or feed.url} · {feed.url}")
