"""Invented fact-check pages in each shape ClaimReview is published in (people and outlets invented)."""

from __future__ import annotations

import json
from typing import Any

CLAIM = "The Marlow reservoir holds enough water for ten years without rain."
CLAIM_TWO = "Marlow's water rates doubled in 2025."


def review(
    claim: str = CLAIM,
    verdict: str = "Mostly False",
    *,
    reviewer: str = "The Fact Desk",
    claimant: str = "Councillor Brenna Lusk",
    url: str = "https://factdesk.example/checks/marlow-reservoir",
) -> dict[str, Any]:
    """Return one ClaimReview object as JSON-LD publishes it."""
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim,
        "datePublished": "2026-03-14T09:30:00+00:00",
        "author": {"@type": "Organization", "name": reviewer, "url": "https://factdesk.example"},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": claimant},
            "datePublished": "2026-03-02",
            "appearance": [{"@type": "CreativeWork", "url": "https://social.example/p/1"}],
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 2,
            "bestRating": 6,
            "worstRating": 1,
            "alternateName": verdict,
        },
    }


_BODY = """
<article>
<h1>Does the Marlow reservoir hold ten years of water?</h1>
<p>Councillor Brenna Lusk told a town meeting on March 2 that the reservoir could carry the town
through a decade of drought.</p>
<p>Records from the Marlow water board show the reservoir holds about three years of supply at
current use, the board's engineer Idris Vance said.</p>
<p>Our ruling: the claim overstates the reservoir's capacity several times over.</p>
</article>
"""


def page(*blocks: str, body: str = _BODY) -> str:
    """Return a fact-check page with the given raw <script>/markup blocks in its head."""
    head = "\n".join(blocks)
    return (
        "<!doctype html><html><head><title>Does the Marlow reservoir hold ten years of water? "
        "| The Fact Desk</title>"
        '<meta property="og:site_name" content="The Fact Desk">'
        f"{head}</head><body>{body}</body></html>"
    )


def ld(value: Any) -> str:
    """Wrap a value in a JSON-LD script block."""
    return f'<script type="application/ld+json">{json.dumps(value)}</script>'


OBJECT_PAGE = page(ld(review()))
LIST_PAGE = page(ld([{"@type": "WebPage", "name": "Fact check"}, review()]))
GRAPH_PAGE = page(
    ld(
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "Organization", "@id": "#org", "name": "The Fact Desk"},
                {**review(), "@context": None},
                {"@type": "BreadcrumbList", "itemListElement": []},
            ],
        }
    )
)
TWO_REVIEWS_PAGE = page(
    ld([review(), review(CLAIM_TWO, "True", claimant="Mayor Odile Fenn", url=None)])  # type: ignore[arg-type]
)
MALFORMED_PAGE = page(
    '<script type="application/ld+json">{"@type": "ClaimReview", "claimReviewed": </script>',
    ld({"@type": "ClaimReview", "claimReviewed": "A claim without a rating."}),
    ld({"@type": "ClaimReview", "reviewRating": {"alternateName": "False"}}),
    ld(review()),
)
ONLY_MALFORMED_PAGE = page(
    '<script type="application/ld+json">{"@type": "ClaimReview", "claimReviewed": </script>'
)

MICRODATA_PAGE = page(
    body=_BODY
    + """
<div itemscope itemtype="https://schema.org/ClaimReview">
  <link itemprop="url" href="https://factdesk.example/checks/marlow-reservoir">
  <meta itemprop="datePublished" content="2026-03-14">
  <p>Claim: <span itemprop="claimReviewed">The Marlow reservoir holds enough water for ten
  years without rain.</span></p>
  <div itemprop="itemReviewed" itemscope itemtype="https://schema.org/Claim">
    <div itemprop="author" itemscope itemtype="https://schema.org/Person">
      Said by <span itemprop="name">Councillor Brenna Lusk</span>
    </div>
    <meta itemprop="datePublished" content="2026-03-02">
  </div>
  <div itemprop="author" itemscope itemtype="https://schema.org/Organization">
    <meta itemprop="name" content="The Fact Desk">
  </div>
  <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">
    Verdict: <span itemprop="alternateName">Mostly False</span>
    <meta itemprop="ratingValue" content="2">
  </div>
</div>
"""
)
