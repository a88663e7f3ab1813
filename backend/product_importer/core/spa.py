"""Serve the built web UI at `/`, with client-side routes falling back to index.html."""

import os
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.convertors import Convertor, register_url_convertor
from starlette.responses import Response
from starlette.types import Scope

PLACEHOLDER = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Product Importer</title></head><body><main>
<h1>Product Importer</h1><p>The API is running. The web UI has not been built:
run <code>make run</code> with Node.js installed, or use the API at
<a href="/docs">/docs</a>.</p></main></body></html>"""

# Paths that are never the UI's: the API's, the docs', the probes'.
NOT_SPA_PREFIXES = ("api/", "docs", "redoc", "openapi.json", "health", "metrics", "static-")


class _UiPath(Convertor[str]):
    """A path of the UI: any path but those starting with `NOT_SPA_PREFIXES` (or `api`).
    Such a path that no route takes is then a 404 whatever its method, not a 405 from
    the UI's GET route (`POST /api/v1/import`, a typo, must not say "use GET")."""

    regex = "(?!api$|" + "|".join(re.escape(prefix) for prefix in NOT_SPA_PREFIXES) + ").*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("ui_path", _UiPath())


class _HashedAssets(StaticFiles):
    """The build names each asset by a hash of its content: a name never gets other
    content, so a browser keeps it for a year without asking again (index.html, which
    names them, is asked for every time)."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def mount_spa(app: FastAPI, dist: Path) -> None:
    dist = dist.resolve()
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", _HashedAssets(directory=dist / "assets"), name="spa-assets")

    @app.get("/{path:ui_path}", include_in_schema=False, response_model=None)
    async def spa(path: str) -> FileResponse | HTMLResponse:
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist):
            return FileResponse(candidate)
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(PLACEHOLDER)
