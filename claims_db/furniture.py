"""Page furniture: what a news page prints around the article, removed before extraction.

Two passes, both conservative. On the HTML tree (before trafilatura): figures and their
captions and credits, asides, related-link and follow boxes, editor's notes, sub-headings
and embedded posts (tweets, Instagram and similar blockquotes). On the extracted lines:
social-follow and newsletter lines, editor's notes, update stamps ("Updated at 1:23
p.m."), photo credits, and link previews glued to the end of a paragraph ("... fund. READ
MORE: Reserve fund falls").

An embedded post is kept only when its markup names who posted it: it becomes one
paragraph, ``“<post>” <Author> wrote on <Platform>.``, which extraction reads as a direct
quote of that author like any other. A post whose author the page does not give is
dropped with the rest of the furniture.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Final

from lxml import html as lxml_html

log = logging.getLogger(__name__)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Embeds by the class their provider's snippet gives the blockquote, and the platform name.
_EMBED_CLASSES: Final = {
    "twitter-tweet": "X",
    "twitter-video": "X",
    "instagram-media": "Instagram",
    "tiktok-embed": "TikTok",
    "bluesky-embed": "Bluesky",
    "threads-post": "Threads",
    "fb-post": "Facebook",
    "fb-xfbml-parse-ignore": "Facebook",
    "reddit-embed-bq": "Reddit",
    "mastodon-embed": "Mastodon",
}
# Class or id words of boxes that are never article text. Matched as whole words of the
# attribute ("related-links", "social_follow"), so "article-body" is not "body".
_FURNITURE_WORDS: Final = _wordset(
    """
    caption credit credits related recommended readmore read-more also-read promo
    newsletter subscribe social follow share sharing editors-note editor-note editornote
    link-preview preview embed embedded outbrain taboola advert advertisement ad-slot
    """
)
_FURNITURE_PHRASES: Final = (
    ("read", "more"),
    ("also", "read"),
    ("editors", "note"),
    ("editor", "note"),
    ("link", "preview"),
    ("link", "card"),
    ("related", "link"),
    ("related", "links"),
    ("related", "stories"),
    ("social", "links"),
)
_ATTR_WORD = re.compile(r"[a-z0-9]+")
_HEADINGS: Final = ("h2", "h3", "h4", "h5", "h6")
_NEVER_BOXES: Final = frozenset({"html", "head", "body", "article", "main"})
_BOX_MAX_CHARS = 600  # a follow box or a card is short; a long block is content
_BODY_START_CHARS = 80  # a paragraph this long means the article text has begun
_POST_MARK = "data-claimbot-post"  # marks an embedded post kept as a paragraph
# "— Elena Ortiz (@elenaortiz) March 3, 2026": a tweet's signature line.
_TWEET_AUTHOR = re.compile(r"[\u2014\u2013-]\s*(?P<name>[^()@\n]{2,80}?)\s*\(@\w{1,30}\)")
# "A post shared by Elena Ortiz (@elenaortiz)": Instagram's and Threads' signature.
_SHARED_BY = re.compile(
    r"(?:post|video|photo|reel)\s+shared\s+by\s+(?P<name>[^()@\n]{2,80}?)\s*\(@\w{1,30}\)", re.I
)
_EMBED_BOILERPLATE = re.compile(
    r"view this (?:post|profile|video) on \w+|pic\.twitter\.com/\S+|https?://\S+", re.I
)

_PLATFORMS = (
    r"(?:twitter|x|facebook|instagram|tiktok|threads|bluesky|linkedin|youtube|telegram"
    r"|whatsapp|mastodon|snapchat|flipboard|google news)"
)
_LINE_FILTERS: Final = (
    # "Follow us on Twitter ...", "Follow Harbour Gazette on Instagram @harbourgazette",
    # "Like us on Facebook", "Join our WhatsApp channel".
    re.compile(
        r"(?i:follow|like|find|connect with)\s+"
        r"(?:(?i:us|me|our\s+\w+(?:\s+\w+)?)\s+|@\w+\s+|(?:[A-Z][\w'&.-]*\s+){1,5})"
        rf"(?i:on\s+{_PLATFORMS})\b.*"
    ),
    re.compile(rf"join (?:us|our)\b.{{0,30}}\b{_PLATFORMS}\b.*", re.I),
    re.compile(r"(?:sign up|subscribe)\b.{0,40}\b(?:newsletter|updates|alerts|briefing)\b.*", re.I),
    # "Editor's note: ..." and "This story has been updated ...".
    re.compile(r"editor[\u2019']?s[\u2019']? note\s*[:\-\u2013\u2014].*", re.I),
    re.compile(
        r"(?:this|the) (?:story|article|report) (?:has been|was) (?:updated|corrected)\b.*", re.I
    ),
    re.compile(r"correction\s*[:\-\u2013\u2014].*", re.I),
    # Captions' credits: "Photo: Jonas Berglund/Harbour Gazette", "(Photo by ...)".
    re.compile(
        r"\(?(?:photo(?:graph)?s?|image|picture|video|illustration|file photo|pictured)"
        r"(?:\s+credit)?\s*(?::|by\b|courtesy\b).{0,120}",
        re.I,
    ),
    re.compile(r"(?:credit|source)\s*:.{0,100}", re.I),
)
_LINE_MAX_CHARS = 300  # a furniture line is short; a long line is a paragraph
_STAMP_WORDS: Final = _wordset(
    """
    updated update last published posted modified at on am pm a.m p.m a.m. p.m. et est edt
    ct cst cdt mt mst mdt pt pst pdt utc gmt bst cet cest aest ist hours hour hrs minutes
    minute mins ago yesterday today
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri
    sat sun january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
_STAMP_TOKEN = re.compile(
    r"[A-Za-z]+\.?(?:[A-Za-z]\.)*|\d+(?:[:/.\-]\d+)*(?:st|nd|rd|th)?|[,|:\-\u2013\u2014/()\u00b7]"
)
_STAMP_START = re.compile(r"(?:last\s+)?(?:updated|published|posted|modified)\b", re.I)
# "READ MORE: Reserve fund falls to a five-year low" glued to a paragraph's end.
_GLUED_PREVIEW = re.compile(
    r"\s*(?:read more|related|see also|also read|more on this|recommended(?: reading)?|"
    r"watch|listen)\s*[:\u00bb\u203a|]\s*[^.!?\u201c\u201d\"]{3,160}$",
    re.I,
)


def clean_tree(tree: lxml_html.HtmlElement) -> None:
    """Remove page furniture from a parsed page in place (see the module docstring)."""
    for element in list(tree.iter("blockquote", "div")):
        platform = _embed_platform(element)
        if platform is not None and element.getparent() is not None:
            _replace_embed(element, platform)
    for element in list(tree.iter("figure", "figcaption", "aside", "iframe")):
        _drop(element)
    for element in _subheadings(tree):
        _drop(element)
    for element in list(tree.iter()):
        is_box = isinstance(element.tag, str) and element.tag not in _NEVER_BOXES
        if is_box and _is_furniture_box(element):
            _drop(element)
    for kept in tree.iter("p"):
        kept.attrib.pop(_POST_MARK, None)


def clean_lines(lines: Iterable[str]) -> list[str]:
    """Return the extracted lines without furniture lines and glued link previews."""
    out: list[str] = []
    for line in lines:
        if _is_furniture_line(line):
            log.debug("dropped a furniture line of %d characters", len(line))
            continue
        kept = _GLUED_PREVIEW.sub("", line) if _ends_sentence_before_preview(line) else line
        if kept.strip():
            out.append(kept.rstrip())
    return out


def _embed_platform(element: lxml_html.HtmlElement) -> str | None:
    classes = (element.get("class") or "").split()
    for name in classes:
        if name in _EMBED_CLASSES:
            return _EMBED_CLASSES[name]
    return None


def _replace_embed(element: lxml_html.HtmlElement, platform: str) -> None:
    """Turn an embedded post into an attributed quote paragraph, or drop it."""
    text = " ".join(element.text_content().split())
    author = _TWEET_AUTHOR.search(text) or _SHARED_BY.search(text)
    post = _post_text(element)
    if author is None or not post:
        _drop(element)
        return
    name = " ".join(author.group("name").split())
    paragraph = lxml_html.Element("p", {_POST_MARK: "1"})
    post = post.replace("\u201c", "\u2018").replace("\u201d", "\u2019").replace('"', "\u2019")
    paragraph.text = f"\u201c{post}\u201d {name} wrote on {platform}."
    paragraph.tail = element.tail
    parent = element.getparent()
    if parent is not None:
        parent.replace(element, paragraph)


def _post_text(element: lxml_html.HtmlElement) -> str:
    """Return the words of the post itself: its paragraphs, without links and boilerplate."""
    parts: list[str] = []
    for p in element.iter("p"):
        words = " ".join(p.text_content().split())
        if _TWEET_AUTHOR.search(words) or _SHARED_BY.search(words):
            continue
        words = " ".join(_EMBED_BOILERPLATE.sub(" ", words).split())
        if words:
            parts.append(words)
    return " ".join(parts)


def _is_furniture_box(element: lxml_html.HtmlElement) -> bool:
    attrs = " ".join(filter(None, (element.get("class"), element.get("id"))))
    if not attrs:
        return False
    if len(element.text_content()) > _BOX_MAX_CHARS:
        return False
    words = _ATTR_WORD.findall(attrs.lower())
    if any(w in _FURNITURE_WORDS for w in words):
        return True
    pairs = set(zip(words, words[1:], strict=False))
    return any(phrase in pairs for phrase in _FURNITURE_PHRASES)


def _drop(element: lxml_html.HtmlElement) -> None:
    """Remove an element with its content, keeping the text that follows it and any
    embedded post kept as a paragraph inside it (a tweet inside a ``<figure>``)."""
    parent = element.getparent()
    if parent is None:
        return
    for post in element.xpath(f".//p[@{_POST_MARK}]"):
        post.tail = None
        element.addprevious(post)
    element.drop_tree()


def _subheadings(tree: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Return the h2-h6 headings after the article text has begun; a heading before it may
    be the page's headline."""
    found: list[lxml_html.HtmlElement] = []
    begun = False
    for element in tree.iter("p", *_HEADINGS):
        if element.tag == "p":
            begun = begun or len(element.text_content().strip()) >= _BODY_START_CHARS
        elif begun:
            found.append(element)
    return found


def _is_furniture_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > _LINE_MAX_CHARS:
        return False
    if any(pattern.fullmatch(stripped) for pattern in _LINE_FILTERS):
        return True
    return _is_update_stamp(stripped)


def _is_update_stamp(line: str) -> bool:
    """Return True for "Updated at 1:23 p.m. ET, March 3, 2026" and the like: a stamp word
    followed only by dates, times and time zones."""
    if not _STAMP_START.match(line):
        return False
    tokens = _STAMP_TOKEN.findall(line)
    if "".join(tokens).replace(" ", "") != line.replace(" ", ""):
        return False  # something else on the line
    has_number = any(t[0].isdigit() for t in tokens)
    return has_number and all(
        t[0].isdigit()
        or not t[0].isalpha()
        or t.lower().rstrip(".") in _STAMP_WORDS
        or t.lower() in _STAMP_WORDS
        for t in tokens
    )


def _ends_sentence_before_preview(line: str) -> bool:
    """Return True when the preview starts after a sentence ends (never mid-sentence)."""
    match = _GLUED_PREVIEW.search(line)
    if match is None:
        return False
    before = line[: match.start()].rstrip()
    return before.endswith((".", "!", "?", "\u201d", '"')) or not before
