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
DEFAULT_MAX_BYTES: Final = 5_000_000

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

# Sessions made by make_session(), with the allow_private they were made with.
_GUARDED_SESSIONS: weakref.WeakKeyDictionary[aiohttp.ClientSession, bool] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: the final URL after redirects, its decoded text, and whether it is HTML."""

    url: str
    text: str
    is_html: bool


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


def _parse_checked(url: str, *, allow_private: bool) -> URL:
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
    if address is not None and not is_public_address(address):
        raise UnsafeURL(_PRIVATE_MESSAGE)
    return parsed


def check_url(url: str, *, allow_private: bool = False) -> None:
    """Raise UnsafeURL unless ``url`` is http(s) and any literal IP address in it is public.

    Host names are not resolved here; the connector's resolver checks them when connecting.
    """
    _parse_checked(url, allow_private=allow_private)


class PublicOnlyResolver(AbstractResolver):
    """Resolve through an upstream resolver and refuse hosts that have any non-public address.

    Refusing when *any* address is private (not only when all are) stops a host that mixes
    a public and a private record from being tried on the private one.
    """

    def __init__(
        self, *, allow_private: bool = False, upstream: AbstractResolver | None = None
    ) -> None:
        self._allow_private = allow_private
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
            if not is_public_address(address):
                log.debug("refused %s: resolves to non-public %s", host, address)
                raise UnsafeURL(_PRIVATE_MESSAGE)
        return results

    async def close(self) -> None:
        """Close the upstream resolver."""
        if self._upstream is not None:
            await self._upstream.close()


def make_session(
    *, allow_private: bool = False, resolver: AbstractResolver | None = None
) -> aiohttp.ClientSession:
    """Create the aiohttp session fetch_page needs: address checks at connect time, no proxies.

    Call it inside a running event loop. ``resolver`` replaces the system resolver that
    the address check wraps (tests use it to fake DNS). Cookies are not kept, so one
    server's fetches never carry state into another's.
    """
    connector = aiohttp.TCPConnector(
        resolver=PublicOnlyResolver(allow_private=allow_private, upstream=resolver),
        use_dns_cache=False,
    )
    session = aiohttp.ClientSession(
        connector=connector,
        headers=_HEADERS,
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,  # an environment proxy would resolve names where we cannot check them
    )
    _GUARDED_SESSIONS[session] = allow_private
    return session


async def _read_capped(response: aiohttp.ClientResponse, *, max_bytes: int) -> bytes:
    """Read the (decompressed) body in chunks, refusing it once it passes ``max_bytes``."""
    too_large = InputTooLarge(f"The page is larger than {describe_size(max_bytes)}.")
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
    max_bytes: int,
    request_timeout: aiohttp.ClientTimeout,
    max_redirects: int,
) -> Page:
    """Follow redirects by hand, re-checking every hop, and return the final page."""
    target = _parse_checked(url, allow_private=allow_private)
    for _hop in range(max_redirects + 1):
        async with session.get(
            target, allow_redirects=False, timeout=request_timeout, headers=_HEADERS
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
                target = _parse_checked(next_url, allow_private=allow_private)
                continue
            if not 200 <= response.status < 300:
                raise FetchFailed(f"The server returned HTTP {response.status}.")
            content_type = response.content_type.lower()
            if content_type not in TEXT_CONTENT_TYPES:
                raise FetchFailed(f"That is not an HTML or text page ({content_type}).")
            body = await _read_capped(response, max_bytes=max_bytes)
            is_html = content_type in HTML_CONTENT_TYPES
            charset = response.charset or (html_charset(body) if is_html else None)
            return Page(
                url=str(response.url), text=decode_bytes(body, charset=charset), is_html=is_html
            )
    raise FetchFailed(f"The page redirected more than {max_redirects} times.")


async def fetch_page(
    url: str,
    *,
    session: aiohttp.ClientSession | None = None,
    allow_private: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = 20.0,
    connect_timeout: float = 5.0,
    max_redirects: int = 5,
) -> Page:
    """Fetch an HTML or plain-text page from a public address.

    A ``session`` passed in must come from :func:`make_session` (its resolver does the
    connect-time address check); otherwise a session is made for this call and closed.
    ``timeout`` bounds the whole fetch, redirects and body included. ``allow_private``
    is a test switch for loopback servers and is off by default.
    """
    if session is not None:
        session_allows_private = _GUARDED_SESSIONS.get(session)
        if session_allows_private is None:
            raise ValueError("fetch_page needs a session created by make_session()")
        if session_allows_private and not allow_private:
            raise ValueError("this session allows private addresses; pass allow_private=True")
    request_timeout = aiohttp.ClientTimeout(
        total=timeout, connect=connect_timeout, sock_connect=connect_timeout, sock_read=timeout
    )
    owned = session is None
    active = make_session(allow_private=allow_private) if session is None else session
    try:
        async with asyncio.timeout(timeout):
            return await _fetch_hops(
                active,
                url,
                allow_private=allow_private,
                max_bytes=max_bytes,
                request_timeout=request_timeout,
                max_redirects=max_redirects,
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
