"""Fact-check verdicts: schema.org ClaimReview read from a page's JSON-LD and microdata.

trafilatura drops ``<script>`` blocks and ``itemprop`` attributes, so this small reader
works on the raw HTML with lxml. JSON-LD may be one object, a list, an ``@graph``, or a
ClaimReview nested inside another item (``mainEntity``, ``review``); microdata is an
``itemscope`` element typed ``schema.org/ClaimReview``. A block that does not parse, or a
review without the claim or the verdict, is skipped (logged at DEBUG): a fact-check page
with one broken block still yields its other reviews and its article.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any, Final

import lxml.html
from lxml import etree

from claims_db.models import FactCheck

log = logging.getLogger(__name__)

MAX_REVIEWS: Final = 20  # a page with more is a listing, not a fact-check
MAX_FIELD_CHARS: Final = 2000  # a claim or verdict longer than this is not one
_MAX_SCRIPT_CHARS = 1_000_000
_MAX_DEPTH = 12
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WRAPPERS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")


def _is_claim_review(item: dict[str, Any]) -> bool:
    kinds = item.get("@type")
    names = kinds if isinstance(kinds, list) else [kinds]
    return any(
        isinstance(k, str) and k.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "ClaimReview"
        for k in names
    )


def _walk(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Yield every ClaimReview object anywhere inside a parsed JSON-LD value."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, list):
        for child in node:
            yield from _walk(child, depth + 1)
    elif isinstance(node, dict):
        if _is_claim_review(node):
            yield node
            return
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _walk(value, depth + 1)


def _first(value: Any) -> Any:
    """Return the first element of a list value, or the value itself."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: Any) -> str | None:
    """Return a short text value: a string, or the ``name`` of an object; None otherwise."""
    value = _first(value)
    if isinstance(value, dict):
        value = _first(value.get("name"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    cleaned = " ".join(value.split())
    if not cleaned or len(cleaned) > MAX_FIELD_CHARS:
        return None
    return cleaned


def _date(value: Any) -> str | None:
    """Return the ISO date (YYYY-MM-DD) that starts a date or date-time value."""
    text = _text(value)
    if text is None:
        return None
    match = _ISO_DATE.match(text)
    return match.group(0) if match else None


def _url(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    text = _text(value)
    return text if text and text.lower().startswith(("http://", "https://")) else None


def fact_check_from(item: dict[str, Any], *, page_url: str | None = None) -> FactCheck | None:
    """Turn one ClaimReview object into a FactCheck, or None when claim or verdict is missing."""
    claim = _text(item.get("claimReviewed"))
    rating = _first(item.get("reviewRating"))
    verdict = None
    if isinstance(rating, dict):
        verdict = _text(rating.get("alternateName")) or _text(rating.get("name"))
    reviewed = _first(item.get("itemReviewed"))
    if not isinstance(reviewed, dict):
        reviewed = {}
    if claim is None:
        # Some publishers put the claim only in itemReviewed (a Claim with a name/text).
        claim = _text(reviewed.get("text")) or _text(reviewed.get("name"))
    if claim is None or verdict is None:
        return None
    claimant = _text(reviewed.get("author"))
    first_seen = _first(reviewed.get("appearance"))
    claim_date = _date(reviewed.get("datePublished"))
    if claim_date is None and isinstance(first_seen, dict):
        claim_date = _date(first_seen.get("datePublished"))
    return FactCheck(
        claim=claim,
        verdict=verdict,
        reviewer=_text(item.get("author")) or _text(item.get("publisher")),
        claimant=claimant,
        published=_date(item.get("datePublished")),
        claim_date=claim_date,
        url=_url(item.get("url")) or _url(item.get("@id")) or page_url,
    )


def _json_ld_items(root: Any, broken: list[int]) -> Iterator[dict[str, Any]]:
    for script in root.iterfind(".//script"):
        kind = (script.get("type") or "").strip().lower()
        if kind != "application/ld+json":
            continue
        raw = script.text or ""
        if len(raw) > _MAX_SCRIPT_CHARS:
            log.debug("skipped a JSON-LD block of %d characters", len(raw))
            continue
        raw = _WRAPPERS.sub("", raw.strip())
        try:
            data = json.loads(raw)
        except ValueError as exc:
            log.debug("skipped a JSON-LD block that does not parse: %s", exc)
            if "ClaimReview" in raw:
                broken.append(1)
            continue
        yield from _walk(data)


# ---- microdata -------------------------------------------------------------------------


def _item_value(element: Any) -> Any:
    """Return a microdata property's value (HTML's rules, trimmed to what ClaimReview uses)."""
    if element.get("itemscope") is not None:
        return _microdata_item(element)
    for attribute in ("content", "datetime"):
        if element.get(attribute) is not None:
            return element.get(attribute)
    if element.tag in ("a", "link", "area") and element.get("href") is not None:
        return element.get("href")
    if element.tag in ("img", "audio", "video", "source") and element.get("src") is not None:
        return element.get("src")
    return element.text_content()


def _properties(scope: Any, depth: int) -> Iterator[tuple[str, Any]]:
    """Yield (name, element) of the properties that belong to ``scope`` itself."""
    for child in scope.iterchildren():
        if not isinstance(child.tag, str):
            continue
        names = (child.get("itemprop") or "").split()
        for name in names:
            yield name, child
        if child.get("itemscope") is None and depth < 64:
            yield from _properties(child, depth + 1)


def _microdata_item(scope: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": (scope.get("itemtype") or "").split()}
    for name, element in _properties(scope, 0):
        item.setdefault(name, []).append(_item_value(element))
    return item


def _microdata_items(root: Any) -> Iterator[dict[str, Any]]:
    for scope in root.xpath("//*[@itemscope][contains(@itemtype, 'ClaimReview')]"):
        item = _microdata_item(scope)
        if _is_claim_review(item):
            yield item


def read_fact_checks(html: str, *, page_url: str | None = None) -> tuple[FactCheck, ...]:
    """Return the ClaimReviews of a page (JSON-LD first, then microdata), without duplicates."""
    return scan_fact_checks(html, page_url=page_url)[0]


def scan_fact_checks(
    html: str, *, page_url: str | None = None
) -> tuple[tuple[FactCheck, ...], int]:
    """Return a page's ClaimReviews and how many malformed ones were ignored."""
    if "ClaimReview" not in html:
        return (), 0  # cheap test: every page without one skips the parse
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        log.debug("no fact-checks read: the page does not parse (%s)", exc)
        return (), 0
    found: dict[tuple[str, str], FactCheck] = {}
    broken: list[int] = []
    for item in (*_json_ld_items(root, broken), *_microdata_items(root)):
        check = fact_check_from(item, page_url=page_url)
        if check is None:
            log.debug("skipped a ClaimReview without a claim or a verdict")
            broken.append(1)
            continue
        found.setdefault((check.claim.casefold(), check.verdict.casefold()), check)
        if len(found) >= MAX_REVIEWS:
            break
    return tuple(found.values()), len(broken)
