"""API tokens: every route but the open ones refuses a request without a valid token
in the Authorization header; the open ones stay open."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import text

from product_importer.db import sync_engine
from tests.security.conftest import ADMIN, ADMIN_TOKEN, API_TOKENS, WRONG_TOKEN, bearer

# The routes that never ask for a token: health, and the web UI with its assets (the
# UI must load to ask for a token).
OPEN_ROUTES = {"/health", "/assets", "/{path:ui_path}"}
PARAM = re.compile(r"\{[^}]+\}")


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, concrete path) for every route and mount of the app."""
    found = []
    for route in iter_route_contexts(app.routes):
        path = route.path
        if path in OPEN_ROUTES:
            continue
        if route.methods is None:  # a mount: ask for a file inside it
            found.append(("GET", f"{path}/swagger-ui.css"))
            continue
        for method in sorted(set(route.methods) - {"HEAD"}):
            found.append((method, PARAM.sub("1", path)))
    return found


def _seed_product() -> None:
    with sync_engine().begin() as conn:
        conn.execute(text("INSERT INTO products (sku, name) VALUES ('KEEP-1', 'Kept')"))


def _products() -> int:
    with sync_engine().connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM products")).scalar_one())


async def test_every_route_but_the_open_ones_needs_a_token(make_client):
    http = await make_client(
        api_tokens=API_TOKENS,
        docs_require_token=True,
        metrics_require_token=True,
        rate_limit_enabled=False,  # hundreds of failures on purpose
    )
    routes = _routes(http._transport.app)
    paths = {path for _, path in routes}
    # Not vacuous: the API, docs, schema, docs assets and metrics are all in the list.
    assert len(routes) >= 30
    assert {"/docs", "/redoc", "/openapi.json", "/metrics", "/api/v1/audit"} <= paths
    assert ("DELETE", "/api/v1/products/all") in routes
    assert {"/static-offline-docs/swagger-ui.css", "/redoc/redoc.standalone.js"} <= paths
    _seed_product()

    attempts = {
        "no token": {},
        "wrong token": bearer(WRONG_TOKEN),
        "not bearer": {"Authorization": f"Basic {ADMIN_TOKEN}"},
        "empty bearer": {"Authorization": "Bearer "},
    }
    for method, path in routes:
        for label, headers in attempts.items():
            response = await http.request(method, path, headers=headers)
            assert response.status_code == 401, (label, method, path, response.text)
            assert response.headers["www-authenticate"].startswith("Bearer")
        for param in ("access_token", "token", "api_key"):
            response = await http.request(method, path, params={param: ADMIN_TOKEN})
            assert response.status_code == 401, (param, method, path, response.text)
            assert "query string" in response.json()["detail"]
    assert _products() == 1  # nothing was deleted on the way


async def test_a_head_needs_the_token_its_get_needs(closed):
    for path in ("/api/v1/products", "/api/v1/webhooks", "/api/v1/imports"):
        refused = await closed.head(path)
        assert refused.status_code == 401, path
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert (await closed.head(path, headers=ADMIN)).status_code == 200, path
    assert (await closed.head("/health")).status_code == 200


async def test_open_routes_stay_open_and_a_valid_token_works(closed):
    assert (await closed.get("/health")).status_code in (200, 503)
    page = await closed.get("/")
    assert page.status_code == 200
    assert "<html" in page.text.lower()
    assert (await closed.get("/products?page=2")).status_code == 200  # a UI route

    response = await closed.get("/api/v1/products", headers=ADMIN)
    assert response.status_code == 200, response.text
    # The scheme is case-insensitive; surrounding spaces are ignored.
    response = await closed.get(
        "/api/v1/products", headers={"Authorization": f"bearer  {ADMIN_TOKEN} "}
    )
    assert response.status_code == 200
    # A valid header wins over anything in the query string, which is never read.
    response = await closed.get("/api/v1/products", params={"access_token": "x"}, headers=ADMIN)
    assert response.status_code == 200


async def test_docs_are_open_and_metrics_closed_by_default(closed):
    for path in ("/docs", "/redoc", "/redoc/redoc.standalone.js", "/openapi.json"):
        assert (await closed.get(path)).status_code == 200, path
    assert (await closed.get("/metrics")).status_code == 401
    assert (await closed.get("/metrics", headers=ADMIN)).status_code == 200


async def test_swagger_knows_the_bearer_scheme(closed):
    schema = (await closed.get("/openapi.json")).json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["HTTPBearer"]["description"],
    }
    operation = schema["paths"]["/api/v1/products/all"]["delete"]
    assert operation["security"] == [{"HTTPBearer": []}]


async def test_without_tokens_the_api_is_open(client):
    assert (await client.get("/api/v1/products")).status_code == 200
    assert (await client.get("/metrics")).status_code == 200
    assert (await client.get("/api/v1/audit")).status_code == 200


async def test_unknown_api_paths_need_a_token_before_they_are_404(closed):
    assert (await closed.get("/api/v1/nothing-here")).status_code == 401
    assert (await closed.get("/api/v1/nothing-here", headers=ADMIN)).status_code == 404


@pytest.mark.parametrize(
    "value",
    ["no-colon", "name:short", ":pi_0123456789abcdefghijklmnop", "bad name:" + "x" * 30],
)
def test_malformed_api_tokens_are_refused_at_startup(value):
    from pydantic import ValidationError

    from product_importer.config import Settings

    with pytest.raises(ValidationError, match=r"API_TOKENS|token name"):
        Settings(api_tokens=value)


def test_one_token_under_two_names_is_refused_at_startup():
    """Whichever name the audit log then recorded for it would be a guess."""
    from pydantic import ValidationError

    from product_importer.config import Settings
    from product_importer.security.token_format import hash_token

    secret = "pi_" + "s" * 30
    for value in (f"a:{secret},b:{secret}", f"a:{secret},b:sha256:{hash_token(secret)}"):
        with pytest.raises(ValidationError, match="API_TOKENS tokens 'a' and 'b' are the same"):
            Settings(api_tokens=value)


async def test_a_hashed_api_token_works(make_client):
    from product_importer.security.token_format import hash_token

    http = await make_client(api_tokens=f"ci:sha256:{hash_token(ADMIN_TOKEN)}")
    assert (await http.get("/api/v1/products")).status_code == 401
    assert (await http.get("/api/v1/products", headers=ADMIN)).status_code == 200


async def test_no_spelling_of_an_api_path_slips_past(closed):
    for path in ("//api/v1/products", "/api//v1/products", "/api/v1/products/"):
        response = await closed.get(f"http://testserver{path}")
        assert response.request.url.path == path
        assert response.status_code == 401, path
    app = closed._transport.app
    transport = httpx.ASGITransport(app=app, root_path="/importer")
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        assert (await http.get("/importer/api/v1/products")).status_code == 401
        response = await http.get("/importer/api/v1/products", headers=ADMIN)
        assert response.status_code == 200
