"""Links as people paste them: finding them in a message and normalising them for lookup.

Two links name the same article when they differ only in scheme, a ``www.`` prefix, letter
case of the host, a default port, a trailing slash, a fragment, the order of query
parameters or tracking parameters (``utm_*``, ``fbclid``, ...). :func:`url_key` maps every
such variant to one key; it is a lookup key, never a URL to fetch.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

MAX_LINKS: Final = 10  # links read from one message at most

_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ocid",
        "cmpid",
        "ref",
        "ref_src",
        "ref_url",
        "smid",
        "smtyp",
        "ito",
        "wt_mc",
        "s_cid",
        "at_medium",
        "at_campaign",
        "sr_share",
        "taid",
        "xtor",
        "__twitter_impression",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A link runs to the next space or angle bracket; Discord's <url> form hides the preview.
_LINK = re.compile(r"https?://[^\s<>\"'`|]+", re.IGNORECASE)
_TRAILING = ".,;:!?*_~"
_PAIRS = {")": "(", "]": "["}


def is_tracking_parameter(name: str) -> bool:
    """Return whether a query parameter only tracks who clicked (and so never names a page)."""
    low = name.lower()
    return low in _TRACKING_NAMES or low.startswith(_TRACKING_PREFIXES)


def _trim(link: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets that follow a pasted link."""
    while link:
        last = link[-1]
        if last in _TRAILING or last in _PAIRS and link.count(last) > link.count(_PAIRS[last]):
            link = link[:-1]
        else:
            break
    return link


def find_links(text: str, *, limit: int = MAX_LINKS) -> list[str]:
    """Return the distinct http(s) links in a message, in order, at most ``limit``."""
    found: dict[str, str] = {}
    for match in _LINK.finditer(text):
        link = _trim(match.group(0))
        if len(link) <= len("https://"):
            continue
        key = url_key(link)
        if key is not None and key not in found:
            found[key] = link
            if len(found) >= limit:
                break
    return list(found.values())


def url_key(url: str) -> str | None:
    """Return the lookup key of an http(s) URL (host without www., path, kept query), or None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    host = host.removeprefix("www.")
    if port is not None and port != _DEFAULT_PORTS[scheme] and port != _DEFAULT_PORTS["http"]:
        host = f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~") or "/"
    path = re.sub(r"/{2,}", "/", path)
    if path != "/":
        path = path.rstrip("/")
    for index_page in ("/index.html", "/index.htm", "/index.php"):
        if path.endswith(index_page):
            path = path[: -len(index_page)] or "/"
    kept = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(k)
    )
    query = f"?{urlencode(kept)}" if kept else ""
    return f"{host}{path if path != '/' else ''}{query}"
