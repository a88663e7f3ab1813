"""A 405's `Allow` names every method its path takes. Starlette names those of the
first route whose path matched: `DELETE /products` said `Allow: GET`, though the path
takes POST too (a client reading it would never try)."""

from starlette.datastructures import MutableHeaders
from starlette.routing import Match, Mount
from starlette.types import Message, Receive, Scope, Send

from product_importer.core.http_middleware import HttpMiddleware

METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


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


def allowed_methods(scope: Scope) -> list[str]:
    """The methods for which a route of the app takes the request's path; none when a
    mounted app (the UI's files) takes it, which names its own."""
    routes = scope["app"].routes
    if any(isinstance(route, Mount) and route.matches(scope)[0] != Match.NONE for route in routes):
        return []
    return [
        method
        for method in METHODS
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in routes)
    ]
