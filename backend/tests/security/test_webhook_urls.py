"""A webhook URL that is not http(s) — `javascript:`, `data:`, `file:` — cannot be saved
or tested (422), so the UI never renders one as a link target."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from tests.security.conftest import ADMIN

BAD_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)//http://example.com",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "vbscript:msgbox(1)",
]


@pytest.mark.parametrize("url", BAD_URLS)
async def test_non_http_urls_are_refused(closed, url):
    body = {"url": url, "events": ["product.created"]}
    response = await closed.post("/api/v1/webhooks", json=body, headers=ADMIN)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][-1] == "url"
    response = await closed.post("/api/v1/webhooks/test", json={"url": url}, headers=ADMIN)
    assert response.status_code == 422, response.text
    with sync_engine().connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM webhooks")).scalar_one() == 0


async def test_an_existing_webhook_cannot_be_changed_to_javascript(closed):
    body = {"url": "http://127.0.0.1:9/hook", "events": ["product.created"]}
    hook = (await closed.post("/api/v1/webhooks", json=body, headers=ADMIN)).json()["id"]
    for method in ("PATCH", "PUT"):
        response = await closed.request(
            method,
            f"/api/v1/webhooks/{hook}",
            json={**body, "url": "javascript:alert(1)"},
            headers=ADMIN,
        )
        assert response.status_code == 422, (method, response.text)
    stored = (await closed.get(f"/api/v1/webhooks/{hook}", headers=ADMIN)).json()
    assert stored["url"] == "http://127.0.0.1:9/hook"
