"""The methods a path takes: HEAD wherever GET, and a 405 that names them all.

- FastAPI's routes take only the methods they declare, so `HEAD /health` (an uptime
  monitor's check) was a 405. A HEAD is answered as the GET would be, without the body.
- A 405's `Allow` names every method its path takes. Starlette names those of the first
  route whose path matched: `DELETE /products` said `Allow: GET`, though the path takes
  POST too (a client reading it would never try).
"""

import asyncio

from starlette.datastructures import MutableHeaders
from starlette.routing import Match, Mount
from starlette.types import Message, Receive, Scope, Send

from product_importer.core.http_middleware import HttpMiddleware

METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
END_OF_BODY: Message = {"type": "http.response.body", "body": b"", "more_body": False}
DISCONNECT: Message = {"type": "http.disconnect"}


class AllowEveryMethod(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = dict(scope)  # as asked: routing rewrites the scope's paths in place

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allowed = allowed_methods(asked)
                if allowed:
                    MutableHeaders(scope=message)["Allow"] = ", ".join(allowed)
            await send(message)

        await self.app(scope, receive, send_with_allow)


class HeadAsGet(HttpMiddleware):
    """Runs a HEAD of a GET route as that GET and ends the answer after its headers.

    Placed inside the access guard, which still sees HEAD: a download ticket is spent
    by a GET only; and inside compression, which sees no body: the headers are those of
    the uncompressed answer. Once the headers are out, the route's `receive` reports the
    client gone, so a stream (an export, an import's events) stops instead of running on
    unread: Starlette's streams listen for that under ASGI 2.3 (from 2.4 they wait for
    a send to fail instead, and these never do), so the route is told 2.3."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "HEAD" or not _answered_as_get(scope):
            await self.app(scope, receive, send)
            return
        ended = asyncio.Event()

        async def receive_until_ended() -> Message:
            """The client's messages until the answer has ended, then its going away."""
            asked = asyncio.ensure_future(receive())
            ending = asyncio.ensure_future(ended.wait())
            try:
                await asyncio.wait((asked, ending), return_when=asyncio.FIRST_COMPLETED)
            finally:  # also when the caller is cancelled: no task left behind
                ending.cancel()
                received = asked.done()
                if not received:
                    asked.cancel()
            return asked.result() if received else DISCONNECT

        async def send_headers_only(message: Message) -> None:
            if ended.is_set():
                return
            if message["type"] == "http.response.start":
                await send(message)
                await send(END_OF_BODY)
                ended.set()

        as_get = {
            **scope,
            "method": "GET",
            "asgi": {**scope.get("asgi", {}), "spec_version": "2.3"},
        }
        await self.app(as_get, receive_until_ended, send_headers_only)


def _answered_as_get(scope: Scope) -> bool:
    routed = routed_methods(scope)
    return "GET" in routed and "HEAD" not in routed


def allowed_methods(scope: Scope) -> list[str]:
    """The methods the request's path takes: its routes' and HEAD wherever GET."""
    routed = routed_methods(scope)
    return [m for m in METHODS if m in routed or (m == "HEAD" and "GET" in routed)]


def routed_methods(scope: Scope) -> list[str]:
    """The methods for which a route of the app takes the request's path; none when a
    mounted app (the UI's files) takes it, which answers HEAD and names its own."""
    routes = scope["app"].routes
    if any(isinstance(route, Mount) and route.matches(scope)[0] != Match.NONE for route in routes):
        return []
    return [
        method
        for method in METHODS
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in routes)
    ]
