"""Download tickets: a link downloads a file while tokens are on, once, for a minute,
for its own URL only; a token in the query string is still refused."""

from __future__ import annotations

import asyncio

import pytest
import redis
from sqlalchemy import text

from product_importer.config import get_settings
from product_importer.core.spooled_download import Place
from product_importer.db import sync_engine
from product_importer.security import download_tickets
from tests.imports.helpers import csv_bytes, set_import, stored_import
from tests.security.conftest import ADMIN

EXPORT = "/api/v1/products/export.csv?q=lamp&sort=-sku"
API_LIST = "/api/v1/products"


def _add_products() -> None:
    with sync_engine().begin() as conn:
        conn.execute(
            text(
                "INSERT INTO products (sku, name) VALUES ('LAMP-1', 'Desk lamp'), ('C-1', 'Chair')"
            )
        )


async def _ticketed(http, url: str = EXPORT) -> str:
    response = await http.post("/api/v1/downloads", json={"url": url}, headers=ADMIN)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["expires_in"] == download_tickets.TICKET_SECONDS  # 1 when a test shortens it
    return body["url"]


async def test_a_ticket_downloads_its_url_once(closed):
    _add_products()
    url = await _ticketed(closed)
    assert url.startswith("/api/v1/products/export.csv?q=lamp&sort=-sku&download_ticket=")
    first = await closed.get(url)
    assert first.status_code == 200
    assert "LAMP-1" in first.text and "C-1" not in first.text
    again = await closed.get(url)
    assert again.status_code == 401
    assert "already used" in again.json()["detail"]


async def test_a_head_spends_no_ticket(closed):
    """A link checker's HEAD is refused and leaves the ticket to the download."""
    _add_products()
    url = await _ticketed(closed)
    assert (await closed.head(url)).status_code == 401
    assert (await closed.get(url)).status_code == 200


async def test_a_ticket_opens_no_other_url(closed):
    url = await _ticketed(closed)
    other = url.replace("q=lamp", "q=chair")
    assert (await closed.get(other)).status_code == 401
    ticket = url.rsplit("=", 1)[1]
    elsewhere = f"/api/v1/products?download_ticket={ticket}"
    assert (await closed.get(elsewhere)).status_code == 401


async def test_an_import_error_report_takes_a_ticket(closed):
    import_id = stored_import(csv_bytes("sku,name", "E-1,Error"))
    set_import(import_id, status="completed")
    url = await _ticketed(closed, f"/api/v1/imports/{import_id}/errors.csv")
    response = await closed.get(url)
    assert response.status_code == 200
    assert response.text.startswith("\ufeffline,column,reason")


async def test_a_ticket_expires(closed, monkeypatch):
    monkeypatch.setattr(download_tickets, "TICKET_SECONDS", 1)
    url = await _ticketed(closed)
    await asyncio.sleep(1.5)
    assert (await closed.get(url)).status_code == 401


def _stored_tickets() -> int:
    with redis.Redis.from_url(get_settings().redis_url or "") as client:
        return sum(1 for _ in client.scan_iter(f"{download_tickets.KEY_PREFIX}:*"))


async def test_a_ticket_refused_while_downloads_are_busy_is_not_kept(closed):
    """503 while a download would be refused, as the download would be: the refused
    ticket is not left in Redis for its minute."""
    before = _stored_tickets()
    places = [Place() for _ in range(get_settings().export_writing_max)]
    try:
        response = await closed.post("/api/v1/downloads", json={"url": EXPORT}, headers=ADMIN)
    finally:
        for place in places:
            place.give_back()
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert _stored_tickets() == before


@pytest.mark.parametrize(
    "url", ["/api/v1/products", "/api/v1/products/export.csv/../all", "https://elsewhere/x.csv"]
)
async def test_only_downloads_get_tickets(closed, url):
    response = await closed.post("/api/v1/downloads", json={"url": url}, headers=ADMIN)
    assert response.status_code == 422
    [error] = response.json()["detail"]  # shaped as FastAPI's own, at the field
    assert error["loc"] == ["body", "url"]
    assert "Only the API's downloads take a ticket" in error["msg"]


async def test_a_ticket_needs_a_token_and_tokens_in_urls_stay_refused(closed):
    assert (await closed.post("/api/v1/downloads", json={"url": EXPORT})).status_code == 401
    refused = await closed.get("/api/v1/products/export.csv?access_token=anything")
    assert refused.status_code == 401
    assert "query string" in refused.json()["detail"]


async def test_a_ticket_dies_with_its_token(make_client):
    from product_importer.db import sync_session
    from product_importer.security import token_admin

    with sync_session() as session:
        _, kept = token_admin.create_token(session, "kept")
        _, revoked = token_admin.create_token(session, "revoked-soon")
        session.commit()
    http = await make_client(api_token_cache_seconds=0)
    response = await http.post(
        "/api/v1/downloads", json={"url": EXPORT}, headers={"Authorization": f"Bearer {revoked}"}
    )
    assert response.status_code == 201
    with sync_session() as session:
        token_admin.revoke_token(session, "revoked-soon")
        session.commit()
    refused = await http.get(response.json()["url"])
    assert refused.status_code == 401
    assert "token was revoked" in refused.json()["detail"]
    assert (
        await http.get(API_LIST, headers={"Authorization": f"Bearer {kept}"})
    ).status_code == 200
