"""Guarded URL fetching: public addresses only, checked at connect time, with size and time limits.

Protections, and why each sits where it does:

* Scheme and literal IP addresses (including legacy numeric forms such as ``127.1`` or
  ``2130706433``) are checked by :func:`check_url` before every request, redirects
  included, because aiohttp never asks the resolver about literal IPs.
* Host names are checked by :class:`PublicOnlyResolver`, which the session's connector
  calls for every connection. The addresses it approves are the ones the socket connects
  to, so a DNS answer that changes between a check and the connect (rebinding) cannot
  slip a private address through.
* Redirects are followed by hand, each hop re-checked; bodies are read in chunks up to a
  byte cap; one deadline covers the whole fetch.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
import weakref
from dataclasses import dataclass
from typing import Final

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

from claims_db.errors import FetchFailed, InputTooLarge, UnsafeURL
from claims_db.text import decode_bytes, describe_size, html_charset

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

HTML_CONTENT_TYPES: Final = frozenset({"text/html", "application/xhtml+xml"})
TEXT_CONTENT_TYPES: Final = HTML_CONTENT_TYPES | {"text/plain"}
FEED_CONTENT_TYPES: Final = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
    }
)
DEFAULT_MAX_BYTES: Final = 5_000_000
DEFAULT_FEED_MAX_BYTES: Final = 2_000_000

_ALLOWED_SCHEMES = frozenset({"http", "https"})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK_BYTES = 64 * 1024
_NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_NAMES = ("localhost", "localhost.localdomain")

_PRIVATE_MESSAGE = "That URL points to a private address, which claimbot does not fetch."
_SCHEME_MESSAGE = "claimbot only fetches http and https links."
_INVALID_MESSAGE = "That is not a valid web address."
_TIMEOUT_MESSAGE = "The server took too long to answer."

_HEADERS = {
    "User-Agent": "claimbot/0.1 (news quote indexer)",
    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
    "Accept-Encoding": "gzip, deflate",
}

_HEX_PART = re.compile(r"0[xX][0-9a-fA-F]*")
_OCTAL_PART = re.compile(r"0[0-7]+")
_DECIMAL_PART = re.compile(r"[0-9]+")

# Sessions made by make_session(), with the (allow_private, allow_loopback) they were made with.
_GUARDED_SESSIONS: weakref.WeakKeyDictionary[aiohttp.ClientSession, tuple[bool, bool]] = (
    weakref.WeakKeyDictionary()
)
_FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "text/html;q=0.1"
)


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: the final URL after redirects, its decoded text, and whether it is HTML."""

    url: str
    text: str
    is_html: bool


@dataclass(frozen=True, slots=True)
class FeedResponse:
    """A fetched feed: its bytes and validators, or ``not_modified`` after a conditional GET."""

    url: str
    body: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


@dataclass(frozen=True, slots=True)
class _Raw:
    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    etag: str | None
    last_modified: str | None


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Return whether ``ip`` is a globally routable unicast address claimbot may connect to.

    IPv6 addresses that embed an IPv4 address (IPv4-mapped, 6to4, NAT64) are judged by the
    embedded address; Teredo is refused outright.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64_PREFIX:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
        if embedded is not None:
            return is_public_address(embedded)
        if ip.teredo is not None or ip.is_site_local:
            return False
    # is_global alone is not enough: Python counts multicast as global.
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Parse the numeric IPv4 forms inet_aton accepts (``127.1``, ``0x7f.1``, ``2130706433``)."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values: list[int] = []
    for part in parts:
        if _HEX_PART.fullmatch(part):
            values.append(int(part[2:] or "0", 16))
        elif _OCTAL_PART.fullmatch(part):
            values.append(int(part, 8))
        elif _DECIMAL_PART.fullmatch(part):
            values.append(int(part))
        else:
            return None
    *leading, last = values
    if any(value > 0xFF for value in leading) or last >= 256 ** (4 - len(leading)):
        return None
    number = last
    for index, value in enumerate(leading):
        number |= value << (8 * (3 - index))
    return ipaddress.IPv4Address(number)


def _literal_address(host: str) -> IPAddress | None:
    """Return the address a host names literally (any notation), or None for a DNS name."""
    bare = host.removesuffix(".")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        return _legacy_ipv4(bare)


def _parse_checked(url: str, *, allow_private: bool, allow_loopback: bool = False) -> URL:
    """Parse ``url`` and apply the scheme and literal-address checks; return the parsed URL."""
    try:
        parsed = URL(url.strip())
    except (ValueError, TypeError):
        raise UnsafeURL(_INVALID_MESSAGE) from None
    if parsed.scheme.lower() not in _ALLOWED_SCHEMES:
        raise UnsafeURL(_SCHEME_MESSAGE)
    host = parsed.host
    if not host:
        raise UnsafeURL(_INVALID_MESSAGE)
    if allow_private:
        return parsed
    name = host.lower().removesuffix(".")
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        raise UnsafeURL(_PRIVATE_MESSAGE)
    address = _literal_address(host)
    if address is not None and not _is_allowed(address, allow_loopback=allow_loopback):
        raise UnsafeURL(_PRIVATE_MESSAGE)
    return parsed


def _is_allowed(address: IPAddress, *, allow_loopback: bool) -> bool:
    """Return whether an address may be connected to (loopback only under the test switch)."""
    return is_public_address(address) or (allow_loopback and address.is_loopback)


def check_url(url: str, *, allow_private: bool = False, allow_loopback: bool = False) -> None:
    """Raise UnsafeURL unless ``url`` is http(s) and any literal IP address in it is public.

    Host names are not resolved here; the connector's resolver checks them when connecting.
    ``allow_loopback`` (a test switch) admits 127.0.0.1 and ::1 but no other private address.
    """
    _parse_checked(url, allow_private=allow_private, allow_loopback=allow_loopback)


class PublicOnlyResolver(AbstractResolver):
    """Resolve through an upstream resolver and refuse hosts that have any non-public address.

    Refusing when *any* address is private (not only when all are) stops a host that mixes
    a public and a private record from being tried on the private one.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        allow_loopback: bool = False,
        upstream: AbstractResolver | None = None,
    ) -> None:
        self._allow_private = allow_private
        self._allow_loopback = allow_loopback
        self._upstream = upstream

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Return the host's addresses, raising UnsafeURL if one of them is not public."""
        if self._upstream is None:
            # aiohttp's resolvers need a running loop, so the default one is made here.
            self._upstream = DefaultResolver()
        results = await self._upstream.resolve(host, port, family)
        if self._allow_private:
            return results
        if not results:
            raise FetchFailed("claimbot could not find the server for that URL.")
        for result in results:
            try:
                address = ipaddress.ip_address(result["host"])
            except ValueError:
                log.warning("resolver returned a non-address for a host a member asked for")
                log.debug("non-address %r for %s", result["host"], host)
                raise UnsafeURL(_PRIVATE_MESSAGE) from None
            if not _is_allowed(address, allow_loopback=self._allow_loopback):
                log.debug("refused %s: resolves to non-public %s", host, address)
                raise UnsafeURL(_PRIVATE_MESSAGE)
        return results

    async def close(self) -> None:
        """Close the upstream resolver."""
        if self._upstream is not None:
            await self._upstream.close()


def make_session(
    *,
    allow_private: bool = False,
    allow_loopback: bool = False,
    resolver: AbstractResolver | None = None,
) -> aiohttp.ClientSession:
    """Create the aiohttp session fetch_page needs: address checks at connect time, no proxies.

    Call it inside a running event loop. ``resolver`` replaces the system resolver that
    the address check wraps (tests use it to fake DNS). Cookies are not kept, so one
    server's fetches never carry state into another's.
    """
    connector = aiohttp.TCPConnector(
        resolver=PublicOnlyResolver(
            allow_private=allow_private, allow_loopback=allow_loopback, upstream=resolver
        ),
        use_dns_cache=False,
    )
    session = aiohttp.ClientSession(
        connector=connector,
        headers=_HEADERS,
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,  # an environment proxy would resolve names where we cannot check them
    )
    _GUARDED_SESSIONS[session] = (allow_private, allow_loopback)
    return session


async def _read_capped(
    response: aiohttp.ClientResponse, *, max_bytes: int, what: str = "page"
) -> bytes:
    """Read the (decompressed) body in chunks, refusing it once it passes ``max_bytes``."""
    too_large = InputTooLarge(f"The {what} is larger than {describe_size(max_bytes)}.")
    if response.content_length is not None and response.content_length > max_bytes:
        raise too_large
    chunks: list[bytes] = []
    received = 0
    async for chunk in response.content.iter_chunked(_CHUNK_BYTES):
        received += len(chunk)
        if received > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def _fetch_hops(
    session: aiohttp.ClientSession,
    url: str,
    *,
    allow_private: bool,
    allow_loopback: bool,
    max_bytes: int,
    request_timeout: aiohttp.ClientTimeout,
    max_redirects: int,
    content_types: frozenset[str],
    headers: dict[str, str],
) -> _Raw:
    """Follow redirects by hand, re-checking every hop, and return the final response."""
    target = _parse_checked(url, allow_private=allow_private, allow_loopback=allow_loopback)
    for _hop in range(max_redirects + 1):
        async with session.get(
            target, allow_redirects=False, timeout=request_timeout, headers=headers
        ) as response:
            if response.status in _REDIRECT_STATUSES:
                location = response.headers.get("Location")
                if not location:
                    raise FetchFailed("The server sent a redirect without a destination.")
                try:
                    next_url = str(response.url.join(URL(location)))
                except ValueError:
                    raise FetchFailed("The server redirected to an invalid address.") from None
                log.debug("redirect %s -> %s", response.url, next_url)
                target = _parse_checked(
                    next_url, allow_private=allow_private, allow_loopback=allow_loopback
                )
                continue
            etag = response.headers.get("ETag")
            last_modified = response.headers.get("Last-Modified")
            if response.status == 304:
                return _Raw(str(response.url), 304, "", None, b"", etag, last_modified)
            if not 200 <= response.status < 300:
                raise FetchFailed(f"The server returned HTTP {response.status}.")
            content_type = response.content_type.lower()
            if content_type not in content_types:
                raise FetchFailed(_wrong_type(content_type, content_types))
            what = "feed" if content_type in FEED_CONTENT_TYPES else "page"
            body = await _read_capped(response, max_bytes=max_bytes, what=what)
            return _Raw(
                str(response.url),
                response.status,
                content_type,
                response.charset,
                body,
                etag,
                last_modified,
            )
    raise FetchFailed(f"The page redirected more than {max_redirects} times.")


def _wrong_type(content_type: str, wanted: frozenset[str]) -> str:
    if wanted & FEED_CONTENT_TYPES and content_type in HTML_CONTENT_TYPES:
        return "That is a web page, not an RSS or Atom feed."
    if wanted & FEED_CONTENT_TYPES:
        return f"That is not an RSS or Atom feed ({content_type})."
    return f"That is not an HTML or text page ({content_type})."


async def _guarded_fetch(
    url: str,
    *,
    session: aiohttp.ClientSession | None,
    allow_private: bool,
    allow_loopback: bool,
    max_bytes: int,
    timeout: float,
    connect_timeout: float,
    max_redirects: int,
    content_types: frozenset[str],
    headers: dict[str, str],
) -> _Raw:
    """Fetch under every guard (see the module docstring), translating network errors."""
    if session is not None:
        policy = _GUARDED_SESSIONS.get(session)
        if policy is None:
            raise ValueError("fetching needs a session created by make_session()")
        session_private, session_loopback = policy
        if session_private and not allow_private:
            raise ValueError("this session allows private addresses; pass allow_private=True")
        if session_loopback and not (allow_loopback or allow_private):
            raise ValueError("this session allows loopback; pass allow_loopback=True")
    request_timeout = aiohttp.ClientTimeout(
        total=timeout, connect=connect_timeout, sock_connect=connect_timeout, sock_read=timeout
    )
    owned = session is None
    active = (
        make_session(allow_private=allow_private, allow_loopback=allow_loopback)
        if session is None
        else session
    )
    try:
        async with asyncio.timeout(timeout):
            return await _fetch_hops(
                active,
                url,
                allow_private=allow_private,
                allow_loopback=allow_loopback,
                max_bytes=max_bytes,
                request_timeout=request_timeout,
                max_redirects=max_redirects,
                content_types=content_types,
                headers=headers,
            )
    except TimeoutError:
        raise FetchFailed(_TIMEOUT_MESSAGE) from None
    except aiohttp.ClientConnectorDNSError:
        raise FetchFailed("claimbot could not find the server for that URL.") from None
    except aiohttp.ClientConnectorCertificateError:
        raise FetchFailed("The site's security certificate could not be verified.") from None
    except aiohttp.ClientConnectorError as exc:
        log.debug("connect failed for %s: %s", url, exc)
        raise FetchFailed("claimbot could not connect to that server.") from None
    except aiohttp.InvalidURL:
        raise UnsafeURL(_INVALID_MESSAGE) from None
    except aiohttp.ClientPayloadError as exc:
        log.debug("payload error for %s: %s", url, exc)
        raise FetchFailed("The download was cut off before the page was complete.") from None
    except aiohttp.ClientError as exc:
        log.debug("fetch failed for %s: %r", url, exc)
        raise FetchFailed("claimbot could not fetch that page.") from None
    finally:
        if owned:
            await active.close()


async def fetch_page(
    url: str,
    *,
    session: aiohttp.ClientSession | None = None,
    allow_private: bool = False,
    allow_loopback: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = 20.0,
    connect_timeout: float = 5.0,
    max_redirects: int = 5,
) -> Page:
    """Fetch an HTML or plain-text page from a public address.

    A ``session`` passed in must come from :func:`make_session` (its resolver does the
    connect-time address check); otherwise a session is made for this call and closed.
    ``timeout`` bounds the whole fetch, redirects and body included. ``allow_private``
    and ``allow_loopback`` are test switches for loopback servers and are off by default.
    """
    raw = await _guarded_fetch(
        url,
        session=session,
        allow_private=allow_private,
        allow_loopback=allow_loopback,
        max_bytes=max_bytes,
        timeout=timeout,
        connect_timeout=connect_timeout,
        max_redirects=max_redirects,
        content_types=TEXT_CONTENT_TYPES,
        headers=_HEADERS,
    )
    if raw.status == 304:
        raise FetchFailed("The server returned HTTP 304 to a plain request.")
    is_html = raw.content_type in HTML_CONTENT_TYPES
    charset = raw.charset or (html_charset(raw.body) if is_html else None)
    return Page(url=raw.url, text=decode_bytes(raw.body, charset=charset), is_html=is_html)


async def fetch_feed(
    url: str,
    *,
    session: aiohttp.ClientSession | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    allow_private: bool = False,
    allow_loopback: bool = False,
    max_bytes: int = DEFAULT_FEED_MAX_BYTES,
    timeout: float = 20.0,
    connect_timeout: float = 5.0,
    max_redirects: int = 5,
) -> FeedResponse:
    """Fetch an RSS or Atom feed politely: a conditional GET with the validators of last time.

    The guards are those of :func:`fetch_page`; an HTML page is refused with a message
    that says so. A 304 answer gives ``not_modified`` and no body.
    """
    headers = {**_HEADERS, "Accept": _FEED_ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    raw = await _guarded_fetch(
        url,
        session=session,
        allow_private=allow_private,
        allow_loopback=allow_loopback,
        max_bytes=max_bytes,
        timeout=timeout,
        connect_timeout=connect_timeout,
        max_redirects=max_redirects,
        content_types=FEED_CONTENT_TYPES | HTML_CONTENT_TYPES,
        headers=headers,
    )
    if raw.status == 304:
        return FeedResponse(raw.url, b"", etag, last_modified, not_modified=True)
    if raw.content_type in HTML_CONTENT_TYPES:
        raise FetchFailed("That is a web page, not an RSS or Atom feed.")
    return FeedResponse(raw.url, raw.body, raw.etag, raw.last_modified)
