"""Write an HTML page that mocks Discord's message layout for typical claimbot replies.

    python bench/render_preview.py [-o render_preview.html]

A human check of what members see: a dozen answers, listings, confirmations and errors,
rendered by bot/render.py from a temporary library (the seed article plus invented ones),
laid out like Discord's dark theme (embed colour bar, author line, linked title,
description, fields, buttons). Each reply is labelled with its visible character count.
Open the file in a browser, or screenshot it with headless Chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import sys
import tempfile
from pathlib import Path

import discord

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot import render, views  # noqa: E402
from claims_db import ClaimsDB  # noqa: E402
from claims_db.errors import ClaimsError  # noqa: E402

COUNCIL = "\n".join(
    [
        "Riverton council approves protected bike lanes on Main Street",
        "",
        "The Riverton City Council voted 5-2 on Tuesday to add protected bike lanes along Main "
        "Street, a plan that will remove 40 parking spaces.",
        "“This is the safest choice for everyone who uses Main Street,” council member Dana "
        "Whitfield said after the vote.",
        "Mayor Harold Brennan said the city would pay for the project with a state "
        "transportation grant.",
        "“We listened to the shop owners, and we will add loading zones on every block,” "
        "Brennan said.",
        "Teacher Roy Whitfield said the lanes would make the walk to school safer.",
    ]
)

TAXES = """Tax plan stalls

Mayor Lena Voss presented the budget on Monday.

Asked whether she would raise property taxes, Voss said she would not.
"""

LEDGER = """<!doctype html><html><head><title>Oakfield library budget cut by a third</title>
<meta property="og:site_name" content="The Oakfield Ledger">
<meta property="article:published_time" content="2025-03-04T09:00:00Z">
<link rel="canonical" href="https://ledger.example/news/library-budget"></head><body><article>
<h1>Oakfield library budget cut by a third, branch hours reduced</h1>
<p>The Oakfield county board cut the public library budget by a third on Monday, and two branches
will close on weekends starting in May.</p>
<p>“Closing on Saturdays hurts the families who need the library most,” head librarian Miriam
Castellanos said at the meeting.</p>
<p>Board chair Victor Lindqvist said the county faced a shortfall of $3 million and had no other
choice.</p>
<p>“We protected the children's programs, and we will revisit the hours next year,” Lindqvist
said.</p></article></body></html>"""

CSS = """
body { background:#313338; color:#dbdee1; font:16px/1.375 'gg sans','Noto Sans',Helvetica,Arial,
       sans-serif; margin:0; padding:16px 24px; width:760px; }
h2 { color:#f2f3f5; font-size:13px; text-transform:uppercase; letter-spacing:.02em;
     margin:28px 0 6px; border-top:1px solid #3f4147; padding-top:12px; }
.msg { display:flex; gap:16px; }
.avatar { width:40px; height:40px; border-radius:50%; background:#5865f2; flex:none;
          color:#fff; font-weight:700; display:flex; align-items:center; justify-content:center; }
.name { color:#f2f3f5; font-weight:600; } .tag { background:#5865f2; color:#fff; font-size:10px;
        border-radius:3px; padding:0 4px; margin-left:4px; vertical-align:2px; }
.only { color:#949ba4; font-size:12px; margin-top:4px; }
.content { white-space:pre-wrap; word-wrap:break-word; }
.embed { background:#2b2d31; border-left:4px solid #1e1f22; border-radius:4px; max-width:520px;
         padding:8px 16px 12px 12px; margin-top:6px; }
.author { font-size:14px; font-weight:600; color:#f2f3f5; margin-top:4px; }
.title { font-weight:600; margin-top:4px; } .title a { color:#00a8fc; text-decoration:none; }
.desc { font-size:14px; white-space:pre-wrap; margin-top:4px; }
.desc a, .field a, .content a { color:#00a8fc; text-decoration:none; }
.field { font-size:14px; margin-top:8px; } .fname { font-weight:600; color:#f2f3f5; }
.inline { display:flex; gap:24px; } .footer { font-size:12px; color:#b5bac1; margin-top:8px; }
.buttons { margin-top:8px; display:flex; gap:8px; flex-wrap:wrap; }
.btn { background:#4e5058; color:#fff; border-radius:3px; padding:2px 16px; font-size:14px;
       line-height:32px; } .btn.primary { background:#5865f2; } .btn.off { opacity:.5; }
code, pre { background:#1e1f22; border-radius:4px; font-size:13px; }
pre { padding:7px; white-space:pre-wrap; margin:4px 0; }
.count { color:#949ba4; font-size:11px; float:right; }
"""


def _markdown(text: str) -> str:
    """Render the little markdown claimbot uses: escapes, bold, masked links, code blocks."""
    out = html.escape(text)
    out = re.sub(r"```\n?(.*?)\n?```", r"<pre>\1</pre>", out, flags=re.S)
    out = re.sub(r"(?<!\\)\[((?:[^\]\\]|\\.)*)\]\(([^)]*)\)", r'<a href="\2">\1</a>', out)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"(?<!\\)`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\\(.)", r"\1", out)


def _embed_html(embed: discord.Embed) -> str:
    colour = f"#{embed.colour.value:06x}" if embed.colour else "#1e1f22"
    parts = [f'<div class="embed" style="border-left-color:{colour}">']
    if embed.author.name:
        parts.append(f'<div class="author">{html.escape(embed.author.name)}</div>')
    if embed.title:
        title = _markdown(embed.title)
        if embed.url:
            title = f'<a href="{html.escape(embed.url)}">{title}</a>'
        parts.append(f'<div class="title">{title}</div>')
    if embed.description:
        parts.append(f'<div class="desc">{_markdown(embed.description)}</div>')
    row: list[str] = []
    for item in [*embed.fields, None]:
        if item is not None and item.inline:
            row.append(
                f'<div class="field"><div class="fname">{_markdown(item.name or "")}</div>'
                f"<div>{_markdown(item.value or '')}</div></div>"
            )
            continue
        if row:  # Discord puts up to three inline fields side by side
            parts.append(f'<div class="inline">{"".join(row)}</div>')
            row = []
        if item is not None:
            parts.append(
                f'<div class="field"><div class="fname">{_markdown(item.name or "")}</div>'
                f"<div>{_markdown(item.value or '')}</div></div>"
            )
    if embed.footer.text:
        parts.append(f'<div class="footer">{html.escape(embed.footer.text)}</div>')
    parts.append("</div>")
    return "".join(parts)


def _buttons_html(view: discord.ui.View | None) -> str:
    if view is None:
        return ""
    items = []
    for item in view.children:
        if isinstance(item, discord.ui.DynamicItem):
            item = item.item
        if isinstance(item, discord.ui.Button):
            kind = "primary" if item.style is discord.ButtonStyle.primary else ""
            off = " off" if item.disabled else ""
            items.append(f'<span class="btn {kind}{off}">{html.escape(item.label or "")}</span>')
    return f'<div class="buttons">{"".join(items)}</div>'


def message_html(
    label: str,
    message: render.Message,
    *,
    view: discord.ui.View | None = None,
    private: bool = False,
) -> str:
    """Render one bot message as Discord shows it, under a heading."""
    count = len(render.visible_text(message))
    body = [f'<h2>{html.escape(label)} <span class="count">{count} visible characters</span></h2>']
    body.append('<div class="msg"><div class="avatar">cb</div><div>')
    body.append('<span class="name">claimbot</span><span class="tag">APP</span>')
    if message.content:
        body.append(f'<div class="content">{_markdown(message.content)}</div>')
    body += [_embed_html(embed) for embed in message.embeds]
    body.append(_buttons_html(view))
    if private:
        body.append('<div class="only">Only you can see this · Dismiss message</div>')
    body.append("</div></div>")
    return "".join(body)


async def build(out: Path) -> None:
    """Render the dozen replies from a temporary library and write the page."""
    with tempfile.TemporaryDirectory() as folder:
        db = ClaimsDB.open(Path(folder) / "lib.json", seeds=REPO / "seeds")
        db.add_text(COUNCIL)
        db.add_text(TAXES)
        ledger = db.ingest_bytes(LEDGER.encode(), filename="ledger.html")
        again = db.ingest_bytes(LEDGER.encode(), filename="ledger.html")
        sections = []

        def ask(label: str, question: str) -> None:
            found = db.ask(question, limit=6)
            shown, rest = found[:3], found[3:]
            message = render.answers_message(question, shown)
            sections.append(message_html(label, message, view=views.answer_view(shown, rest)))

        ask("/ask — three answers (seed article)", "What did Noem say about body cameras?")
        ask("/ask — reported speech", "How will Riverton pay for the bike lanes?")
        ask("/ask — quotes, outlet and date", "Why is the Oakfield library closing on Saturdays?")
        ask("/ask — short answer in context, contradiction", "Voss will raise property taxes")
        ask("/ask — nothing found", "What is the capital of France?")
        found = db.ask("What did Noem say about body cameras?", limit=6)
        sections.append(message_html("Cite button", render.cite_message(found[0]), private=True))
        sections.append(message_html("More button", render.more_message(found[3:]), private=True))
        noem = db.resolve_speaker("Kristi Noem").speaker
        assert noem is not None
        pages = render.quotes_pages(noem, None, db.speaker_quotes(noem.id))
        pager = views.Pager(pages, 1, timeout=60)
        sections.append(message_html("/quotes Kristi Noem", pages[0], view=pager))
        both = db.resolve_speaker("Whitfield")
        sections.append(
            message_html(
                "/quotes Whitfield — did you mean",
                render.did_you_mean("Whitfield", both.candidates),
                view=views.speaker_choice_view(both.candidates, None),
            )
        )
        sections.append(message_html("/speakers", render.speakers_pages(db.speakers())[0]))
        sections.append(message_html("/articles", render.articles_pages(db.articles())[0]))
        counts = db.statement_counts(ledger.article.id)
        sections.append(
            message_html("/ingest — added", render.ingest_summary(ledger.article, counts, []))
        )
        sections.append(
            message_html(
                "/ingest — already there",
                render.ingest_summary(again.article, counts, [], is_new=again.is_new),
            )
        )
        try:
            db.add_html("<html><body><p>Subscribe to keep reading.</p></body></html>")
        except ClaimsError as error:
            refusal = render.Message(content=render.refusal(str(error)))
            sections.append(message_html("/ingest — a paywall stub", refusal, private=True))
        sections.append(
            message_html(
                "/article with an unknown id",
                render.Message(content=render.refusal("No article with id 'ffffffffffff'.")),
                private=True,
            )
        )
        sections.append(
            message_html(
                "/help in an empty server", render.help_message(library_is_empty=True), private=True
            )
        )
        db.close()
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>claimbot replies</title>"
        f"<style>{CSS}</style></head><body>{''.join(sections)}</body></html>"
    )
    out.write_text(page, encoding="utf-8")


def main() -> None:
    """Parse the arguments and write the preview."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--out", type=Path, default=Path("render_preview.html"))
    args = parser.parse_args()
    asyncio.run(build(args.out))
    print(f"wrote {args.out}")  # noqa: T201 - a command-line tool


if __name__ == "__main__":
    main()
