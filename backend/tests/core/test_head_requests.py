"""HEAD is answered wherever GET is, as the GET would be but without its body: an
uptime monitor's `HEAD /health`, a client asking a page's ETag. A stream ends once its
headers are out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from unittest.mock import patch

import httpx
from sqlalchemy import func, text
from starlette.responses import StreamingResponse
from starlette.types import Message, Receive, Scope, Send

from product_importer.core.allowed_methods import HeadAsGet
from product_importer.core.spa import mount_spa
from product_importer.db import sync_engine
from tests.imports.helpers import api_process, set_import, stored_import

STREAM_END_SECONDS = 30  # a bound for a hung stream; it ends at once


def _product() -> int:
    with sync_engine().begin() as conn:
        return int(
            conn.execute(
                text("INSERT INTO products (sku, name) VALUES ('H-1', 'Head') RETURNING id")
            ).scalar_one()
        )


def _running_import() -> str:
    import_id = stored_import(b"sku,name\nA-1,One\n")
    set_import(import_id, status="running", phase="importing", started_at=func.now())
    return str(import_id)


async def test_head_answers_the_gets_headers_without_its_body(client):
    product_id = _product()
    for path in ("/api/v1/webhooks", "/api/v1/products?q=head", f"/api/v1/products/{product_id}"):
        get = await client.get(path, headers={"Accept-Encoding": "identity"})
        head = await client.head(path, headers={"Accept-Encoding": "identity"})
        assert (head.status_code, head.content) == (200, b""), path
        for header in ("content-type", "content-length", "etag"):
            assert head.headers.get(header) == get.headers.get(header), (path, header)


async def test_a_heads_headers_are_the_uncompressed_answers(client):
    """Compression sees no body for a HEAD: it answers the identity form's headers, never
    a length that belongs to no body it would send."""
    [product_id] = [_product()]
    path = f"/api/v1/products?q=head&page_size=200&p={product_id}"
    identity = await client.get(path, headers={"Accept-Encoding": "identity"})
    head = await client.head(path, headers={"Accept-Encoding": "gzip"})
    assert head.headers["content-length"] == identity.headers["content-length"]
    assert "content-encoding" not in head.headers


async def test_a_stream_ends_after_its_headers_under_any_asgi_version():
    """Starlette's stream stops on a disconnect only under ASGI 2.3; from 2.4 it waits for a
    send to fail, and a HEAD's sends never do: the route is told 2.3."""

    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b"data: x\n\n"
            await asyncio.sleep(0)

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        await StreamingResponse(endless(), media_type="text/event-stream")(scope, receive, send)

    sent: list[Message] = []

    async def receive() -> Message:
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "HEAD", "path": "/events", "asgi": {"spec_version": "2.4"}}
    with patch("product_importer.core.allowed_methods._answered_as_get", return_value=True):
        await asyncio.wait_for(HeadAsGet(route)(scope, receive, send), STREAM_END_SECONDS)
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]


async def test_head_of_health_answers(client):
    response = await client.head("/health")
    assert (response.status_code, response.content) == (200, b"")
    assert response.headers["content-type"] == "application/json"


async def test_head_of_a_missing_product_is_a_404(client):
    response = await client.head("/api/v1/products/987654321")
    assert (response.status_code, response.content) == (404, b"")


async def test_head_of_a_path_without_get_is_a_405(client):
    response = await client.head(f"/api/v1/imports/{_running_import()}/cancel")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_head_of_a_running_imports_events_ends_after_the_headers(client):
    path = f"/api/v1/imports/{_running_import()}/events"
    response = await asyncio.wait_for(client.head(path), STREAM_END_SECONDS)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.content == b""


def test_a_served_api_answers_head_and_ends_a_stream():
    """Through uvicorn, which sends no body for a HEAD and keeps the connection."""
    import_id = _running_import()
    with api_process() as (url, _), httpx.Client(base_url=url, timeout=STREAM_END_SECONDS) as http:
        assert http.head("/health").status_code == 200
        events = http.head(f"/api/v1/imports/{import_id}/events")
        assert (events.status_code, events.content) == (200, b"")
        assert http.get("/openapi.json").status_code == 200  # the connection goes on


async def test_the_ui_answers_head(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>UI</title>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-AbC123.js").write_text("console.log(1)")
    app = httpx.ASGITransport(app=_spa_app(tmp_path))
    async with httpx.AsyncClient(transport=app, base_url="http://t") as ui:
        for path in ("/", "/products", "/assets/index-AbC123.js"):
            response = await ui.head(path)
            assert (response.status_code, response.content) == (200, b""), path


def _spa_app(dist):
    from fastapi import FastAPI

    app = FastAPI()
    app.add_middleware(HeadAsGet)
    mount_spa(app, dist)
    return app
