"""Requests for a host name this server does not answer to are refused (400).

On one's own machine the API listens on loopback, open, without tokens: a page on
another site that has its name resolve to 127.0.0.1 a moment after it loaded (DNS
rebinding) would otherwise be the API's own origin to the browser, free to read and
change everything. The browser then sends that site's name as `Host`: only the names
in `ALLOWED_HOSTS` pass (and loopback's own, always), and `serve` listening on loopback
sets loopback's names when none are given.
"""

from __future__ import annotations

import ipaddress

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from product_importer.config import get_settings
from product_importer.core.http_middleware import HttpMiddleware

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def listens_on_loopback_only(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """The name in a `Host` header, without its port (`[::1]:8000` is `::1`)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class AllowedHosts(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        allowed = get_settings().allowed_hosts
        name = host_name(Headers(scope=scope).get("host", ""))
        # Loopback's names always: a health check on the host asks for 127.0.0.1, and no
        # page can be rebound to them.
        if not allowed or name in allowed or name in LOOPBACK_NAMES:
            await self.app(scope, receive, send)
            return
        detail = (
            f"This server does not answer to the host name {name!r}: ALLOWED_HOSTS lists "
            "the names it does."
        )
        await JSONResponse({"detail": detail}, status_code=400)(scope, receive, send)
