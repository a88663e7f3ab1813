"""Rate limits per token (or client address when the API is open): 429 with
Retry-After, a general limit and tighter ones for uploads, webhook tests, delete-all
and failed authentications."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from product_importer.config import Settings
from product_importer.db import sync_engine
from tests.security.conftest import ADMIN, API_TOKENS, VIEWER, WRONG_TOKEN, bearer
from tests.settings_helpers import settings_env

# Requests are counted per window of the clock (each minute, by default): a test whose
# requests straddled the end of one would find its count started again. So here a window
# is an hour, and a test starts with at least a minute of it left.
WINDOW = 3600
ROOM_SECONDS = 60


@pytest.fixture(autouse=True)
def room_in_the_window() -> Iterator[None]:
    left = WINDOW - time.time() % WINDOW
    if left < ROOM_SECONDS:
        time.sleep(left)  # into the next window
    with settings_env(RATE_LIMIT_WINDOW_SECONDS=str(WINDOW)):
        yield


def test_the_window_is_a_minute_unless_set():
    assert Settings.model_fields["rate_limit_window_seconds"].default == 60


def _assert_limited(response, what: str) -> None:
    assert response.status_code == 429, response.text
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= WINDOW
    assert what in response.json()["detail"]


async def test_general_limit_per_token(make_client):
    http = await make_client(api_tokens=API_TOKENS, rate_limit_general=3)
    for _ in range(3):
        assert (await http.get("/api/v1/products", headers=ADMIN)).status_code == 200
    _assert_limited(await http.get("/api/v1/products", headers=ADMIN), "Too many requests")
    _assert_limited(await http.get("/api/v1/webhooks", headers=ADMIN), f"limit is 3 per {WINDOW} s")
    # Another token has its own count; open paths (the UI) are never limited.
    assert (await http.get("/api/v1/products", headers=VIEWER)).status_code == 200
    assert (await http.get("/")).status_code == 200


async def test_uploads_have_a_tighter_limit(make_client):
    http = await make_client(api_tokens=API_TOKENS, rate_limit_uploads=2)
    for path in ("/api/v1/imports", "/api/v1/upload"):  # one bucket for both
        response = await http.post(path, files={"file": ("a.csv", b"", "text/csv")}, headers=ADMIN)
        assert response.status_code == 422  # counted even when refused
    response = await http.post(
        "/api/v1/imports", files={"file": ("a.csv", b"", "text/csv")}, headers=ADMIN
    )
    _assert_limited(response, "Too many uploads")
    assert (await http.get("/api/v1/imports", headers=ADMIN)).status_code == 200


async def test_webhook_tests_have_a_tighter_limit(make_client):
    http = await make_client(api_tokens=API_TOKENS, rate_limit_webhook_tests=2)
    assert (await http.post("/api/v1/webhooks/test", json={}, headers=ADMIN)).status_code == 422
    assert (await http.post("/api/v1/webhooks/7/test", headers=ADMIN)).status_code == 404
    _assert_limited(
        await http.post("/api/v1/webhooks/7/test", headers=ADMIN), "Too many webhook tests"
    )
    assert (await http.get("/api/v1/webhooks", headers=ADMIN)).status_code == 200


async def test_delete_all_has_a_tighter_limit(make_client):
    http = await make_client(api_tokens=API_TOKENS, rate_limit_delete_all=1)
    with sync_engine().begin() as conn:
        conn.execute(text("INSERT INTO products (sku, name) VALUES ('A-1', 'A')"))
    assert (await http.delete("/api/v1/products/all", headers=ADMIN)).status_code == 200
    with sync_engine().begin() as conn:
        conn.execute(text("INSERT INTO products (sku, name) VALUES ('B-1', 'B')"))
    response = await http.delete("/api/v1/products/all", headers=ADMIN)
    _assert_limited(response, "Too many delete-all requests")
    with sync_engine().connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM products")).scalar_one() == 1


async def test_failed_authentications_are_limited_per_address(make_client):
    http = await make_client(api_tokens=API_TOKENS, rate_limit_auth_failures=2)
    for _ in range(2):
        response = await http.get("/api/v1/products", headers=bearer(WRONG_TOKEN))
        assert response.status_code == 401
    response = await http.get("/api/v1/products", headers=bearer(WRONG_TOKEN))
    _assert_limited(response, "Too many failed authentications")
    # A valid token is not held back by someone else's failures from the same address.
    assert (await http.get("/api/v1/products", headers=ADMIN)).status_code == 200
    with sync_engine().connect() as conn:
        failures = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'auth.failed'")
        ).scalar_one()
    assert failures == 2  # a flood does not flood the audit log


@pytest.mark.parametrize("path", ["/metrics", "/openapi.json"])
async def test_failed_authentications_outside_the_api_are_limited_too(make_client, path):
    """A flood of wrong tokens at the metrics or the docs (when they need a token) must
    not write an audit entry each, without end."""
    http = await make_client(
        api_tokens=API_TOKENS, rate_limit_auth_failures=2, docs_require_token="true"
    )
    for _ in range(2):
        assert (await http.get(path, headers=bearer(WRONG_TOKEN))).status_code == 401
    _assert_limited(await http.get(path, headers=bearer(WRONG_TOKEN)), "Too many failed")
    assert (await http.get(path, headers=ADMIN)).status_code == 200
    with sync_engine().connect() as conn:
        failures = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'auth.failed'")
        ).scalar_one()
    assert failures == 2


async def test_missing_tokens_count_against_the_address(make_client):
    http = await make_client(api_tokens=API_TOKENS, rate_limit_general=2)
    for _ in range(2):
        assert (await http.get("/api/v1/products")).status_code == 401
    _assert_limited(await http.get("/api/v1/products"), "Too many requests")


async def test_open_api_is_not_limited_unless_asked(make_client):
    http = await make_client(rate_limit_general=1)  # RATE_LIMIT_ENABLED=auto, no tokens
    for _ in range(5):
        assert (await http.get("/api/v1/products")).status_code == 200
    http = await make_client(rate_limit_general=1, rate_limit_enabled=True)
    assert (await http.get("/api/v1/products")).status_code == 200
    _assert_limited(await http.get("/api/v1/products"), "Too many requests")


async def test_limits_off_even_with_tokens(make_client):
    http = await make_client(api_tokens=API_TOKENS, rate_limit_general=1, rate_limit_enabled=False)
    for _ in range(3):
        assert (await http.get("/api/v1/products", headers=ADMIN)).status_code == 200
