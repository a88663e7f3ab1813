"""The audit log: destructive and security-relevant actions with who (token name),
when, what and from where, written in the same transaction as the change."""

from __future__ import annotations

from sqlalchemy import text

from product_importer.db import sync_engine
from tests.security.conftest import ADMIN, API_TOKENS, VIEWER, WRONG_TOKEN, bearer


def _seed(*skus: str) -> None:
    with sync_engine().begin() as conn:
        for sku in skus:
            conn.execute(text("INSERT INTO products (sku, name) VALUES (:s, 'x')"), {"s": sku})


async def _log(http) -> list[dict]:
    response = await http.get("/api/v1/audit", params={"page_size": 200}, headers=ADMIN)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_delete_all_is_recorded_with_the_tokens_name(closed):
    _seed("A-1", "A-2", "A-3")
    response = await closed.delete("/api/v1/products/all", headers=ADMIN)
    assert response.json() == {"deleted": 3}
    [entry] = await _log(closed)
    assert entry["action"] == "products.deleted_all"
    assert entry["actor"] == "catalog-admin"
    assert entry["detail"] == {"deleted": 3}
    assert entry["client_address"] == "127.0.0.1"
    assert entry["created_at"]


async def test_a_refused_delete_all_leaves_no_entry(closed):
    _seed("A-1")
    with sync_engine().begin() as conn:
        conn.execute(text("INSERT INTO imports (filename, status) VALUES ('f.csv', 'running')"))
    response = await closed.delete("/api/v1/products/all", headers=ADMIN)
    assert response.status_code == 409
    assert await _log(closed) == []


async def test_product_and_webhook_changes_and_failures_newest_first(closed):
    _seed("KEEP", "GONE")
    with sync_engine().connect() as conn:
        gone = conn.execute(text("SELECT id FROM products WHERE sku = 'GONE'")).scalar_one()
    assert (await closed.delete(f"/api/v1/products/{gone}", headers=VIEWER)).status_code == 204

    url = "http://user:secret@127.0.0.1:9/hook?key=secret"
    body = {"url": url, "events": ["product.created"], "description": "ERP"}
    created = await closed.post("/api/v1/webhooks", json=body, headers=ADMIN)
    assert created.status_code == 201, created.text
    hook = created.json()["id"]
    patch = {"enabled": False}
    assert (await closed.patch(f"/api/v1/webhooks/{hook}", json=patch, headers=ADMIN)).is_success
    assert (await closed.delete(f"/api/v1/webhooks/{hook}", headers=ADMIN)).status_code == 204
    assert (await closed.get("/api/v1/products", headers=bearer(WRONG_TOKEN))).status_code == 401
    assert (await closed.get("/api/v1/products")).status_code == 401  # no token: not logged

    log = await _log(closed)
    assert [(e["action"], e["actor"], e["target"]) for e in log] == [
        ("auth.failed", None, "/api/v1/products"),
        ("webhook.deleted", "catalog-admin", f"webhook {hook}"),
        ("webhook.updated", "catalog-admin", f"webhook {hook}"),
        ("webhook.created", "catalog-admin", f"webhook {hook}"),
        ("product.deleted", "viewer", f"product {gone}"),
    ]
    failed, deleted, updated, made, product = log
    assert deleted["detail"] == {}
    assert failed["detail"] == {"reason": "unknown token", "method": "GET"}
    assert made["detail"] == {
        "url": "http://127.0.0.1:9/…",  # the origin: the path may hold a token
        "events": ["product.created"],
        "enabled": True,
        "description": "ERP",
    }
    assert updated["detail"] == {"enabled": False}
    assert product["detail"] == {"sku": "GONE"}
    for entry in log:
        assert "secret" not in str(entry["detail"])
        assert WRONG_TOKEN not in str(entry)


async def test_the_log_pages(closed):
    _seed(*(f"P-{i}" for i in range(5)))
    with sync_engine().connect() as conn:
        ids = conn.execute(text("SELECT id FROM products ORDER BY id")).scalars().all()
    for product_id in ids:
        await closed.delete(f"/api/v1/products/{product_id}", headers=ADMIN)
    response = await closed.get("/api/v1/audit", params={"page": 2, "page_size": 2}, headers=ADMIN)
    body = response.json()
    assert (body["total"], body["page"], body["page_size"]) == (5, 2, 2)
    assert [item["target"] for item in body["items"]] == [f"product {ids[2]}", f"product {ids[1]}"]
    assert (
        await closed.get("/api/v1/audit", params={"page_size": 201}, headers=ADMIN)
    ).status_code == 422
    assert (await closed.get("/api/v1/audit")).status_code == 401


async def test_without_tokens_the_actor_is_empty_but_the_address_is_kept(client):
    _seed("A-1")
    assert (await client.delete("/api/v1/products/all")).status_code == 200
    [entry] = (await client.get("/api/v1/audit")).json()["items"]
    assert (entry["actor"], entry["client_address"]) == (None, "127.0.0.1")


async def test_api_tokens_from_the_environment_and_the_cli_share_the_log(make_client):
    http = await make_client(api_tokens=API_TOKENS)
    _seed("A-1")
    await http.delete("/api/v1/products/all", headers=VIEWER)
    assert [e["actor"] for e in await _log(http)] == ["viewer"]


def test_logged_urls_keep_the_host_as_written_without_credentials_or_query():
    from product_importer.core.redaction import url_without_credentials as safe

    assert safe("http://[::1]:8201/in?token=x") == "http://[::1]:8201/in"
    assert safe("https://user:pw@hooks.example.com/in#frag") == "https://hooks.example.com/in"
    assert safe("http://10.0.0.7/") == "http://10.0.0.7/"


def test_a_webhook_url_is_recorded_with_its_path_masked():
    """A chat service's webhook URL holds its token in the path: one replaced because it
    leaked must not stay readable in the log."""
    from product_importer.core.redaction import url_path_masked as masked

    assert masked("https://chat.example.com/hooks/T0/B0/s3cr3t") == "https://chat.example.com/…"
    assert masked("http://user:pw@[::1]:8201/in?token=x") == "http://[::1]:8201/…"
    assert masked("http://10.0.0.7/") == "http://10.0.0.7/"
