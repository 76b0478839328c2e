"""Tests for claims_db.fetch against loopback aiohttp servers (no other network).

Tests that fetch successfully use ``allow_private=True`` (the loopback test switch);
tests that prove a refusal use the default ``allow_private=False``.
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from claims_db import fetch
from claims_db.errors import FetchFailed, InputTooLarge, UnsafeURL, UnsupportedFile
from claims_db.fetch import Page, check_url, fetch_page, is_public_address, make_session

PRIVATE = "That URL points to a private address, which claimbot does not fetch."
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Hits:
    """Count the requests a test server received, by path."""

    def __init__(self) -> None:
        self.paths: list[str] = []


@asynccontextmanager
async def serve(
    routes: dict[str, Handler], *, host: str = "127.0.0.1", hits: Hits | None = None
) -> AsyncIterator[str]:
    """Run an aiohttp app on ``host`` and yield its base URL."""

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        if hits is not None:
            hits.paths.append(request.path)
        return await handler(request)

    app = web.Application(middlewares=[record])
    for path, handler in routes.items():
        app.router.add_get(path, handler)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


class FakeResolver(AbstractResolver):
    """A DNS stand-in: maps host names to fixed address lists."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self.table[host]
        ]

    async def close(self) -> None:
        return None


def page(body: str | bytes, *, content_type: str = "text/html", status: int = 200) -> Handler:
    """Return a handler that answers with a fixed body."""

    async def handler(request: web.Request) -> web.StreamResponse:
        data = body.encode() if isinstance(body, str) else body
        return web.Response(body=data, status=status, headers={"Content-Type": content_type})

    return handler


def redirect(location: str, *, status: int = 302) -> Handler:
    """Return a handler that redirects to ``location``."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers={"Location": location})

    return handler


ARTICLE = "<html><head><title>T</title></head><body><p>Noem said cameras.</p></body></html>"


# --- check_url and is_public_address ------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.1./",
        "http://localhost:8080/",
        "HTTP://LOCALHOST/",
        "http://api.localhost/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://255.255.255.255/",
        "http://[::1]/",
        "http://[::]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[ff02::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[2002:7f00:1::]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://0x7f000001/",
        "http://127.1/",
        "http://0177.0.0.1/",
        "http://017700000001/",
        "http://0/",
    ],
)
def test_check_url_refuses_private_addresses_in_any_notation(url: str) -> None:
    with pytest.raises(UnsafeURL, match="private address"):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/file",
        "file:///etc/passwd",
        "gopher://example.com/",
        "javascript:alert(1)",
        "data:text/html,<p>hi</p>",
        "ws://example.com/socket",
    ],
)
def test_check_url_refuses_schemes_other_than_http(url: str) -> None:
    with pytest.raises(UnsafeURL, match="only fetches http and https"):
        check_url(url)


@pytest.mark.parametrize("url", ["http://", "http:///path", "https://:80/", "not a url"])
def test_check_url_refuses_urls_without_a_host(url: str) -> None:
    with pytest.raises(UnsafeURL):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/news/article",
        "http://93.184.216.34/",
        "http://8.8.8.8:8080/x?y=1",
        "http://[2606:4700:4700::1111]/",
        "http://[::ffff:8.8.8.8]/",
        "https://www.bbc.co.uk./news",
    ],
)
def test_check_url_accepts_public_http_urls(url: str) -> None:
    check_url(url)


def test_check_url_allow_private_admits_loopback_but_not_other_schemes() -> None:
    check_url("http://127.0.0.1:8080/", allow_private=True)
    with pytest.raises(UnsafeURL):
        check_url("file:///etc/passwd", allow_private=True)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("224.0.0.251", False),
        ("239.255.255.250", False),
        ("240.0.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fd12:3456::1", False),
        ("fec0::1", False),
        ("ff02::1", False),
        ("ff0e::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("::127.0.0.1", False),
        ("2002:c0a8:0101::1", False),
        ("64:ff9b::7f00:1", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


# --- successful fetches (loopback, allow_private=True) -------------------------------------


async def test_fetch_page_returns_decoded_html() -> None:
    async with serve({"/a": page(ARTICLE)}) as base:
        result = await fetch_page(f"{base}/a", allow_private=True)
    assert result == Page(url=f"{base}/a", text=ARTICLE, is_html=True)


async def test_fetch_page_accepts_plain_text() -> None:
    async with serve({"/a.txt": page("Headline\r\n\r\nBody.", content_type="text/plain")}) as base:
        result = await fetch_page(f"{base}/a.txt", allow_private=True)
    assert (result.text, result.is_html) == ("Headline\n\nBody.", False)


async def test_fetch_page_accepts_xhtml() -> None:
    async with serve({"/x": page(ARTICLE, content_type="application/xhtml+xml")}) as base:
        assert (await fetch_page(f"{base}/x", allow_private=True)).is_html


async def test_fetch_page_uses_the_charset_from_the_header() -> None:
    body = "<p>Привет, мир</p>".encode("koi8-r")
    async with serve({"/": page(body, content_type="text/html; charset=koi8-r")}) as base:
        result = await fetch_page(f"{base}/", allow_private=True)
    assert "Привет, мир" in result.text


async def test_fetch_page_uses_the_charset_from_meta_when_the_header_has_none() -> None:
    body = '<html><head><meta charset="koi8-r"></head><body>Привет</body></html>'
    async with serve({"/": page(body.encode("koi8-r"))}) as base:
        result = await fetch_page(f"{base}/", allow_private=True)
    assert "Привет" in result.text


async def test_fetch_page_follows_relative_redirects_and_reports_the_final_url() -> None:
    routes = {"/old": redirect("/middle", status=301), "/middle": redirect("new", status=307)}
    routes["/new"] = page(ARTICLE)
    async with serve(routes) as base:
        result = await fetch_page(f"{base}/old", allow_private=True)
    assert result.url == f"{base}/new"
    assert result.text == ARTICLE


async def test_fetch_page_with_a_shared_session_leaves_it_open() -> None:
    async with serve({"/": page(ARTICLE)}) as base:
        session = make_session(allow_private=True)
        try:
            first = await fetch_page(f"{base}/", session=session, allow_private=True)
            second = await fetch_page(f"{base}/", session=session, allow_private=True)
            assert not session.closed
        finally:
            await session.close()
    assert first.text == second.text == ARTICLE


# --- refusals: addresses -------------------------------------------------------------------


async def test_fetch_page_refuses_loopback_by_default() -> None:
    hits = Hits()
    async with serve({"/": page(ARTICLE)}, hits=hits) as base:
        with pytest.raises(UnsafeURL, match=PRIVATE):
            await fetch_page(f"{base}/")
    assert hits.paths == []


async def test_fetch_page_checks_resolved_addresses_when_connecting() -> None:
    # DNS rebinding: the name looks public and passes check_url, but resolves to loopback
    # at connect time. Only the connector's resolver can catch that.
    hits = Hits()
    resolver = FakeResolver({"news.example": ["127.0.0.1"]})
    async with serve({"/": page(ARTICLE)}, hits=hits) as base:
        url = base.replace("127.0.0.1", "news.example") + "/"
        check_url(url)
        session = make_session(resolver=resolver)
        try:
            with pytest.raises(UnsafeURL, match=PRIVATE):
                await fetch_page(url, session=session)
        finally:
            await session.close()
    assert resolver.asked == ["news.example"]
    assert hits.paths == []


async def test_fake_resolver_reaches_the_server_when_private_is_allowed() -> None:
    # Control for the rebinding test: the refusal above is the address check, not bad DNS.
    resolver = FakeResolver({"news.example": ["127.0.0.1"]})
    async with serve({"/": page(ARTICLE)}) as base:
        url = base.replace("127.0.0.1", "news.example") + "/"
        session = make_session(allow_private=True, resolver=resolver)
        try:
            result = await fetch_page(url, session=session, allow_private=True)
        finally:
            await session.close()
    assert result.text == ARTICLE


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1", "93.184.216.34"], ["93.184.216.34", "127.0.0.1"]],
    ids=["private-first", "public-first"],
)
async def test_fetch_page_refuses_a_host_with_any_private_address(addresses: list[str]) -> None:
    # Nothing is connected to: a refused host never reaches the (unroutable here) public one.
    resolver = FakeResolver({"mixed.example": addresses})
    session = make_session(resolver=resolver)
    try:
        with pytest.raises(UnsafeURL, match=PRIVATE):
            await fetch_page("http://mixed.example/", session=session, timeout=3, connect_timeout=1)
    finally:
        await session.close()


@pytest.fixture
def loopback_one_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat 127.0.0.1 as public so a loopback server can play an outside site.

    127.0.0.2 stays private: redirect tests point at it to prove each hop is re-checked.
    """
    real = fetch.is_public_address

    def patched(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return ip == ipaddress.IPv4Address("127.0.0.1") or real(ip)

    monkeypatch.setattr(fetch, "is_public_address", patched)


@pytest.mark.parametrize(
    "target", ["http://127.0.0.2:{port}/secret", "http://intranet.example:{port}/secret"]
)
@pytest.mark.usefixtures("loopback_one_is_public")
async def test_fetch_page_rechecks_the_address_of_every_redirect(target: str) -> None:
    inner_hits = Hits()
    resolver = FakeResolver({"news.example": ["127.0.0.1"], "intranet.example": ["127.0.0.2"]})
    async with serve({"/secret": page("secret")}, host="127.0.0.2", hits=inner_hits) as inner:
        port = inner.rsplit(":", 1)[1]
        async with serve({"/": redirect(target.format(port=port))}) as outer:
            url = outer.replace("127.0.0.1", "news.example") + "/"
            session = make_session(resolver=resolver)
            try:
                with pytest.raises(UnsafeURL, match=PRIVATE):
                    await fetch_page(url, session=session)
            finally:
                await session.close()
    assert inner_hits.paths == []


@pytest.mark.usefixtures("loopback_one_is_public")
async def test_redirect_target_is_reachable_when_private_is_allowed() -> None:
    # Control for the redirect test: 127.0.0.2 is reachable, so the refusal is the check.
    async with serve({"/secret": page("secret")}, host="127.0.0.2") as inner:
        routes = {"/": redirect(f"{inner}/secret")}
        async with serve(routes) as outer:
            result = await fetch_page(f"{outer}/", allow_private=True)
    assert result.text == "secret"


@pytest.mark.parametrize("location", ["ftp://example.com/", "file:///etc/passwd"])
async def test_fetch_page_refuses_redirects_to_other_schemes(location: str) -> None:
    async with serve({"/": redirect(location)}) as base:
        with pytest.raises(UnsafeURL, match="only fetches http and https"):
            await fetch_page(f"{base}/", allow_private=True)


async def test_fetch_page_stops_after_five_redirects() -> None:
    hits = Hits()
    routes = {f"/{n}": redirect(f"/{n + 1}") for n in range(10)}
    async with serve(routes, hits=hits) as base:
        with pytest.raises(FetchFailed, match="redirected more than 5 times"):
            await fetch_page(f"{base}/0", allow_private=True)
    assert len(hits.paths) == 6


async def test_fetch_page_refuses_a_session_not_made_by_make_session() -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(ValueError, match="make_session"):
            await fetch_page("https://example.com/", session=session)


async def test_fetch_page_refuses_a_private_session_without_the_switch() -> None:
    session = make_session(allow_private=True)
    try:
        with pytest.raises(ValueError, match="allow_private"):
            await fetch_page("https://example.com/", session=session)
    finally:
        await session.close()


# --- refusals: responses -------------------------------------------------------------------


@pytest.mark.parametrize("status", [403, 404, 410, 500, 503])
async def test_fetch_page_reports_http_errors(status: int) -> None:
    async with serve({"/": page("nope", status=status)}) as base:
        with pytest.raises(FetchFailed, match=f"returned HTTP {status}"):
            await fetch_page(f"{base}/", allow_private=True)


@pytest.mark.parametrize("content_type", ["image/png", "application/json", "application/pdf"])
async def test_fetch_page_refuses_other_content_types(content_type: str) -> None:
    async with serve({"/": page(b"\x89PNG", content_type=content_type)}) as base:
        with pytest.raises(FetchFailed) as caught:
            await fetch_page(f"{base}/", allow_private=True)
    assert str(caught.value) == f"That is not an HTML or text page ({content_type})."


async def test_fetch_page_refuses_binary_sent_as_html() -> None:
    async with serve({"/": page(b"%PDF-1.7 binary", content_type="text/html")}) as base:
        with pytest.raises(UnsupportedFile):
            await fetch_page(f"{base}/", allow_private=True)


async def test_fetch_page_refuses_a_large_declared_length_without_reading_it() -> None:
    async def declares_big(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.content_length = 50_000_000
        await response.prepare(request)
        await response.write(b"<html>")
        await asyncio.sleep(30)  # never sends the rest; a reader that waits would time out
        return response

    async with serve({"/": declares_big}) as base:
        with pytest.raises(InputTooLarge, match="The page is larger than 5 MB."):
            await fetch_page(f"{base}/", allow_private=True, timeout=5)


async def test_fetch_page_stops_reading_a_stream_past_the_cap() -> None:
    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(400):  # 400 x 64 kB = 26 MB, well past the 1 MB cap
            await response.write(b"a" * 65536)
        await response.write_eof()
        return response

    async with serve({"/": endless}) as base:
        with pytest.raises(InputTooLarge, match="The page is larger than 1 MB."):
            await fetch_page(f"{base}/", allow_private=True, max_bytes=1_000_000)


async def test_fetch_page_caps_the_decompressed_size() -> None:
    bomb = gzip.compress(b" " * 20_000_000)  # about 20 kB on the wire, 20 MB unpacked

    async def compressed(request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
        )

    async with serve({"/": compressed}) as base:
        with pytest.raises(InputTooLarge):
            await fetch_page(f"{base}/", allow_private=True)


async def test_fetch_page_cuts_off_a_server_that_sends_one_byte_a_second() -> None:
    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(60):
            await response.write(b"x")
            await asyncio.sleep(1)
        return response

    async with serve({"/": trickle}) as base:
        with pytest.raises(FetchFailed, match="The server took too long to answer."):
            # The outer bound only keeps a broken deadline from hanging the suite.
            await asyncio.wait_for(
                fetch_page(f"{base}/", allow_private=True, timeout=1.5, connect_timeout=1),
                timeout=15,
            )


async def test_fetch_page_cuts_off_a_server_that_never_answers() -> None:
    async def silent(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(60)
        return web.Response(text="too late")

    async with serve({"/": silent}) as base:
        with pytest.raises(FetchFailed, match="took too long"):
            await asyncio.wait_for(
                fetch_page(f"{base}/", allow_private=True, timeout=1, connect_timeout=1),
                timeout=15,
            )


async def test_fetch_page_deadline_covers_the_whole_redirect_chain() -> None:
    # Each hop answers within the timeout; together they do not.
    async def slow_redirect(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(0.4)
        step = int(request.match_info.get("step", "0"))
        return web.Response(status=302, headers={"Location": f"/{step + 1}"})

    routes: dict[str, Handler] = {f"/{n}": slow_redirect for n in range(5)}
    routes["/5"] = page(ARTICLE)
    async with serve(routes) as base:
        with pytest.raises(FetchFailed, match="took too long"):
            await asyncio.wait_for(
                fetch_page(f"{base}/0", allow_private=True, timeout=1.2, connect_timeout=1),
                timeout=15,
            )


async def test_fetch_page_reports_a_closed_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchFailed, match="could not connect"):
        await fetch_page(f"http://127.0.0.1:{port}/", allow_private=True)
