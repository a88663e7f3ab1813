"""A 405's `Allow` names every method its path takes. Starlette names those of the
first route whose path matched: `DELETE /products` said `Allow: GET`, though the path
takes POST too (a client reading it would never try)."""

from starlette.datastructures import MutableHeaders
from starlette.routing import Match
from starlette.types import Message, Receive, Scope, Send

from product_importer.core.http_middleware import HttpMiddleware

METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


class AllowEveryMethod(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                MutableHeaders(scope=message)["Allow"] = ", ".join(allowed_methods(scope))
            await send(message)

        await self.app(scope, receive, send_with_allow)


def allowed_methods(scope: Scope) -> list[str]:
    """The methods for which a route of the app takes the request's path."""
    return [
        method
        for method in METHODS
        if any(
            route.matches({**scope, "method": method})[0] == Match.FULL
            for route in scope["app"].routes
        )
    ]
