"""Serve the built web UI at `/`, with client-side routes falling back to index.html."""

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

PLACEHOLDER = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Product Importer</title></head><body><main>
<h1>Product Importer</h1><p>The API is running. The web UI has not been built:
run <code>make run</code> with Node.js installed, or use the API at
<a href="/docs">/docs</a>.</p></main></body></html>"""

NOT_SPA_PREFIXES = ("api/", "docs", "redoc", "openapi.json", "health", "metrics", "static-")


def mount_spa(app: FastAPI, dist: Path) -> None:
    dist = dist.resolve()
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="spa-assets")

    @app.get("/{path:path}", include_in_schema=False, response_model=None)
    async def spa(path: str) -> FileResponse | HTMLResponse:
        if path == "api" or path.startswith(NOT_SPA_PREFIXES):
            raise HTTPException(status_code=404, detail="Not Found")
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist):
            return FileResponse(candidate)
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(PLACEHOLDER)
