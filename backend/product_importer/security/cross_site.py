"""Cross-site writes refused: a page on another site must not change the catalog
through a visitor's browser.

Without API tokens (the default on one's own machine) nothing else would stop it: a
multipart upload or a POST without a body is a "simple" request, which a browser sends
to another origin without asking first (CORS only hides the answer). Browsers name the
page's origin in `Origin` on every such request, and say `Sec-Fetch-Site: cross-site`:
a write whose origin is neither this server's (by its `Host`) nor one of
`CORS_ORIGINS` is answered 403 before it reaches a route. Clients other than browsers
send neither header and are not affected.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from product_importer.config import get_settings
from product_importer.core.http_middleware import HttpMiddleware

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_and_port(url: str) -> tuple[str, int | None] | None:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None
    return (parts.hostname.lower(), port) if parts.hostname else None


def _same_origin(origin: str, host: str) -> bool:
    """Whether `origin` names the server the request was sent to: its `Host`. A proxy
    may pass the name alone (`$host`), and end TLS: then the name is compared alone."""
    page, served = _host_and_port(origin), _host_and_port(f"//{host}")
    if page is None or served is None or page[0] != served[0]:
        return False
    page_port = page[1] or DEFAULT_PORTS.get(urlsplit(origin).scheme)
    return served[1] is None or served[1] == page_port


def cross_site_origin(scope: Scope) -> str | None:
    """The other site a write comes from (its `Origin`, or the browser's word for it),
    or None when it comes from this one, an allowed origin, or not from a browser."""
    if scope["method"] in SAFE_METHODS:
        return None
    headers = Headers(scope=scope)
    origin = headers.get("origin")
    if origin is None:
        return "another site" if headers.get("sec-fetch-site") == "cross-site" else None
    if origin.rstrip("/") in get_settings().cors_origins:
        return None
    if _same_origin(origin, headers.get("host", "")):
        return None
    return origin


class CrossSiteGuard(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = cross_site_origin(scope)
        if origin is None:
            await self.app(scope, receive, send)
            return
        detail = (
            f"A write from a page on {origin} is refused: only this server's own pages, and "
            "the origins listed in CORS_ORIGINS, may change data from a browser."
        )
        await JSONResponse({"detail": detail}, status_code=403)(scope, receive, send)
