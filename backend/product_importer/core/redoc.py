"""ReDoc from this server alone. The offline bundle still asks a CDN for Redocly's
"powered by" logo, which the docs' Content-Security-Policy blocks (an error in the
console on every visit): the bundle is served here with that image inlined instead."""

from functools import lru_cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse

REDOC_PATH = "/redoc"
BUNDLE_PATH = "/redoc/redoc.standalone.js"
OFFLINE_ASSETS = "/static-offline-docs"
REMOTE_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_IMAGE = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


@lru_cache
def _bundle() -> bytes:
    path = Path(fastapi_offline.__file__).parent / "static" / "redoc.standalone.js"
    return path.read_bytes().replace(REMOTE_LOGO, EMPTY_IMAGE)


def add_redoc(app: FastAPI, title: str) -> None:
    """`/redoc` and its bundle (create the app with `redoc_url=None`)."""

    @app.get(REDOC_PATH, include_in_schema=False)
    async def redoc_page(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{title} - ReDoc",
            redoc_js_url=f"{root}{BUNDLE_PATH}",
            redoc_favicon_url=f"{root}{OFFLINE_ASSETS}/favicon.png",
            with_google_fonts=False,
        )

    @app.get(BUNDLE_PATH, include_in_schema=False)
    async def redoc_bundle() -> Response:
        return Response(
            _bundle(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )
