"""A loopback web server for feed tests: pages, feeds with ETags, and a log of requests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from html import escape

from aiohttp import web


@dataclass
class Site:
    """Pages served on 127.0.0.1; a page with an ``etag`` answers 304 to a matching request."""

    base: str = ""
    pages: dict[str, tuple[int, str, bytes, str | None]] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (path, If-None-Match)

    def serve(
        self,
        path: str,
        body: str | bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        etag: str | None = None,
    ) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.pages[path] = (status, content_type, data, etag)
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        match = request.headers.get("If-None-Match")
        self.requests.append((request.path, match))
        page = self.pages.get(request.path)
        if page is None:
            return web.Response(status=404, text="Not Found")
        status, ctype, body, etag = page
        headers = {"Content-Type": ctype}
        if etag is not None:
            headers["ETag"] = etag
            if match == etag:
                return web.Response(status=304, headers={"ETag": etag})
        return web.Response(status=status, body=body, headers=headers)


@contextlib.asynccontextmanager
async def running_site() -> AsyncIterator[Site]:
    """Run a Site on a free loopback port."""
    site = Site()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", site.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1, access_log=None)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    site.base = f"http://127.0.0.1:{port}"
    try:
        yield site
    finally:
        await runner.cleanup()


def rss(title: str, items: list[tuple[str, str]]) -> str:
    """Return an RSS 2.0 feed of (title, link) items."""
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link>"
        f"<guid>{escape(link)}</guid></item>"
        for t, link in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://example.org/</link>"
        f"<description>news</description>{entries}</channel></rss>"
    )


def atom(title: str, items: list[tuple[str, str]]) -> str:
    """Return an Atom feed of (title, link) items."""
    entries = "".join(
        f'<entry><title>{escape(t)}</title><link rel="alternate" href="{escape(link)}"/>'
        f"<id>{escape(link)}</id><updated>2026-03-01T10:00:00Z</updated></entry>"
        for t, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:x</id><updated>2026-03-01T10:00:00Z</updated>"
        f"{entries}</feed>"
    )


def article_html(n: int, *, town: str = "Ashby", outlet: str = "The Ashby Gazette") -> str:
    """Return a distinct invented article page, number ``n``."""
    title = f"{town} board weighs plan number {n} for the river path"
    return (
        f"<html><head><title>{title}</title>"
        f'<meta property="og:site_name" content="{outlet}"></head><body><article>'
        f"<h1>{title}</h1>"
        f"<p>The {town} board met on Thursday to discuss plan number {n} for the river path.</p>"
        f"<p>“We will decide on plan {n} before the summer,” board member Alma Testperson{n:03d} "
        "said.</p>"
        f"<p>Testperson{n:03d} said plan {n} would cost less than last year's, because the "
        "county had already paid for the bridge over the creek and the gravel for the path.</p>"
        f"<p>Residents who walk the river path every morning told the board that plan {n} "
        "should keep the old oak trees near the mill and add benches for older walkers.</p>"
        "</article></body></html>"
    )
