"""Answers from 1 KB up go gzip-compressed to a client that accepts it, and read back the
same; small answers, clients that do not accept it, and event streams are sent as they
are. Built UI assets are cached for good; the page that names them never is."""

from __future__ import annotations

import gzip

import httpx
import pytest
from fastapi import FastAPI

from product_importer.core.spa import mount_spa
from tests.imports.helpers import import_with_errors
from tests.products.helpers import API, copy_products

GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


def some_products(count: int = 100) -> None:
    copy_products(
        [(f"Z-{i:03d}", f"Product {i}", "A description. " * 5, True) for i in range(count)]
    )


async def raw(client, path: str, headers: dict[str, str]):
    """The answer's bytes as sent (not decoded)."""
    async with client.stream("GET", path, headers=headers) as response:
        return response, b"".join([chunk async for chunk in response.aiter_raw()])


@pytest.mark.parametrize("path", [f"{API}?page_size=100", f"{API}/export.csv"])
async def test_large_answers_are_compressed_for_clients_that_accept_it(client, path):
    some_products()
    plain, plain_body = await raw(client, path, IDENTITY)
    packed, packed_body = await raw(client, path, GZIP)
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    assert gzip.decompress(packed_body) == plain_body
    assert len(packed_body) * 4 < len(plain_body)
    assert packed.headers["x-content-type-options"] == "nosniff"  # still the security headers


async def test_small_answers_are_sent_as_they_are(client):
    some_products(1)
    response, body = await raw(client, f"{API}/1", GZIP)
    assert response.status_code == 200 and len(body) < 1024
    assert "content-encoding" not in response.headers


async def test_event_streams_are_never_compressed(client):
    """A proxy or browser may hold back compressed bytes until it has enough of them: an
    event stream's events must arrive as they are sent."""
    import_id = import_with_errors(0)
    response, body = await raw(client, f"/api/v1/imports/{import_id}/events", GZIP)
    assert response.headers["content-type"].startswith("text/event-stream")
    assert "content-encoding" not in response.headers
    assert b"event: completed" in body


async def test_built_assets_are_cached_for_good_and_the_page_naming_them_never(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-AbC123.js").write_text("console.log(1)")
    (tmp_path / "index.html").write_text('<script src="/assets/index-AbC123.js"></script>')
    app = FastAPI()
    mount_spa(app, tmp_path)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as ui:
        asset = await ui.get("/assets/index-AbC123.js")
        assert asset.status_code == 200
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        page = await ui.get("/products")
        assert page.headers["cache-control"] == "no-cache"
