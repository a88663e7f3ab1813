"""The shape of the app's own ASGI middlewares: plain ASGI (never Starlette's
`BaseHTTPMiddleware`, which ends a body that fails mid-way as if it were complete), for
HTTP requests only; anything else (the lifespan) passes straight through."""

from starlette.types import ASGIApp, Receive, Scope, Send


class HttpMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError
