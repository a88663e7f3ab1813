"""DELETE /products/all: TRUNCATE with a count, refused during imports, and never
waiting long for the table lock."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.products import service
from tests.products.helpers import API, add_products, events, numbered, sql_execute, sql_scalar


async def test_deletes_every_product_and_says_how_many(client):
    ids = add_products(numbered(25))
    response = await client.delete(f"{API}/all")
    assert response.status_code == 200, response.text
    assert response.json() == {"deleted": 25}
    assert sql_scalar("SELECT count(*) FROM products") == 0
    body = (await client.get(API)).json()
    assert body["items"] == [] and body["total"] == 0
    [event] = events("products.deleted_all")
    assert event["data"] == {"deleted": 25}
    created = (await client.post(API, json={"sku": "SKU-00000", "name": "again"})).json()
    assert created["id"] > max(ids)  # ids are never reused
    assert (await client.get(API)).json()["total"] == 1


async def test_an_empty_catalog_deletes_zero_and_still_tells_webhooks(client):
    """Receivers may treat the event as a reset signal: it is sent for every delete-all."""
    response = await client.delete(f"{API}/all")
    assert response.status_code == 200 and response.json() == {"deleted": 0}
    [event] = events("products.deleted_all")
    assert event["data"] == {"deleted": 0}


@pytest.mark.parametrize("status", ["queued", "running"])
async def test_refused_while_an_import_is_queued_or_running(client, status):
    add_products(numbered(3))
    sql_execute("INSERT INTO imports (filename, status) VALUES ('p.csv', :status)", status=status)
    response = await client.delete(f"{API}/all")
    assert response.status_code == 409
    assert "an import is queued or running" in response.json()["detail"]
    assert response.headers["Retry-After"] == "10"
    assert sql_scalar("SELECT count(*) FROM products") == 3
    assert events("products.deleted_all") == []


@pytest.mark.parametrize("status", ["completed", "failed", "cancelled"])
async def test_finished_imports_do_not_block_it(client, status):
    add_products(numbered(3))
    sql_execute("INSERT INTO imports (filename, status) VALUES ('p.csv', :status)", status=status)
    assert (await client.delete(f"{API}/all")).json() == {"deleted": 3}


async def test_gives_up_with_409_when_the_table_stays_locked(client, monkeypatch):
    """A long reader (an export, say) holds the table: delete-all waits only for its
    lock timeout, deletes nothing and says so."""
    monkeypatch.setattr(service, "DELETE_ALL_LOCK_SECONDS", 0.2)
    add_products(numbered(3))
    with sync_engine().connect() as reader:
        reader.execute(text("SELECT count(*) FROM products"))  # holds ACCESS SHARE
        response = await client.delete(f"{API}/all")
        reader.rollback()
    assert response.status_code == 409
    assert "try again" in response.json()["detail"]
    assert response.headers["Retry-After"] == "2"
    assert sql_scalar("SELECT count(*) FROM products") == 3
    assert (await client.delete(f"{API}/all")).json() == {"deleted": 3}
