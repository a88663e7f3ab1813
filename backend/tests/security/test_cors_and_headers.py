"""CORS for an exact list of origins only, and the security headers on every response,
with a Content-Security-Policy that lets no inline script run in the web UI."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from product_importer.config import Settings, get_settings
from product_importer.security.headers import APP_CSP
from tests.security.conftest import ADMIN, API_TOKENS

LISTED = "https://shop.example.com"
PREFLIGHT = {
    "Access-Control-Request-Method": "DELETE",
    "Access-Control-Request-Headers": "authorization",
}


def _preflight(origin: str) -> dict[str, str]:
    return {"Origin": origin, **PREFLIGHT}


async def test_no_origin_is_allowed_by_default(closed, client):
    for http in (closed, client):
        response = await http.options("/api/v1/products/all", headers=_preflight(LISTED))
        assert "access-control-allow-origin" not in response.headers
        response = await http.get("/api/v1/products", headers={"Origin": LISTED, **ADMIN})
        assert "access-control-allow-origin" not in response.headers


async def test_only_listed_origins_are_allowed(make_client):
    http = await make_client(api_tokens=API_TOKENS, cors_origins=f"{LISTED}, http://localhost:5173")
    response = await http.options("/api/v1/products/all", headers=_preflight(LISTED))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == LISTED
    assert "DELETE" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers
    versioned = {**_preflight(LISTED), "Access-Control-Request-Headers": "if-match"}
    response = await http.options("/api/v1/products/1", headers=versioned)
    assert "if-match" in response.headers["access-control-allow-headers"].lower()

    for unlisted in ("https://evil.example.com", "https://shop.example.com.evil.test", "null"):
        response = await http.options("/api/v1/products/all", headers=_preflight(unlisted))
        assert "access-control-allow-origin" not in response.headers, unlisted
        response = await http.get("/api/v1/products", headers={"Origin": unlisted, **ADMIN})
        assert "access-control-allow-origin" not in response.headers, unlisted

    response = await http.get("/api/v1/products", headers={"Origin": LISTED, **ADMIN})
    assert response.headers["access-control-allow-origin"] == LISTED
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "etag" in exposed
    assert "location" in exposed  # a 201's or 202's new resource, read by a script elsewhere
    # A 401 carries the CORS header too, so a listed UI can read it and ask for a token.
    response = await http.get("/api/v1/products", headers={"Origin": LISTED})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == LISTED


@pytest.mark.parametrize(
    "value", ["*", "https://*.example.com", "shop.example.com", "https://shop.example.com/app"]
)
def test_wildcards_and_non_origins_are_refused(value):
    with pytest.raises(ValidationError, match="CORS"):
        Settings(cors_origins=value)


def test_origins_from_the_environment_are_comma_separated(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example.com, https://b.example.com:8443/")
    assert Settings().cors_origins == ["https://a.example.com", "https://b.example.com:8443"]


COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


async def test_every_response_has_the_security_headers(closed):
    responses = [
        await closed.get("/"),
        await closed.get("/products"),
        await closed.get("/api/v1/products", headers=ADMIN),
        await closed.get("/api/v1/products"),  # 401
        await closed.get("/api/v1/products/999", headers=ADMIN),  # 404
        await closed.get("/openapi.json"),
        await closed.get("/static-offline-docs/swagger-ui.css"),
        await closed.options("/api/v1/products", headers=_preflight(LISTED)),
    ]
    for response in responses:
        for name, value in COMMON.items():
            assert response.headers.get(name) == value, (response.url, name)
        assert response.headers["content-security-policy"] == APP_CSP, response.url


def test_the_app_policy_forbids_inline_scripts():
    directives = dict(item.split(" ", 1) for item in APP_CSP.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in APP_CSP


def test_the_built_ui_runs_under_the_policy():
    """The UI's index.html loads its code from files, which `script-src 'self'` allows;
    an inline script or handler would be blocked, so there must be none."""
    index = Path(get_settings().frontend_dist) / "index.html"
    if not index.is_file():
        pytest.skip("the web UI is not built (cd frontend && npm run build)")
    page = index.read_text()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    assert scripts, "no script at all: not the built UI"
    for attributes, body in scripts:
        assert 'src="/assets/' in attributes and not body.strip(), attributes
    assert not re.search(r"\son[a-z]+\s*=", page), "inline event handler"
    assert "<style" not in page
    assert "javascript:" not in page


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("path", ["/docs", "/docs/oauth2-redirect"])
async def test_docs_pages_allow_exactly_their_own_inline_scripts(closed, path):
    response = await closed.get(path, headers={"Accept-Encoding": "identity"})  # its length
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    inline = re.findall(r"<script>(.*?)</script>", response.text, re.S)
    assert inline
    assert script_src.split() == ["script-src", "'self'", *(_sha256(body) for body in inline)]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert response.headers["x-frame-options"] == "DENY"
    assert int(response.headers["content-length"]) == len(response.content)


async def test_redoc_has_no_inline_script(closed):
    response = await closed.get("/redoc")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy
