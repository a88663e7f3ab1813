"""A 405 names, in `Allow`, every method its path takes (RFC 9110 §15.5.6), not those of
the first route that matched the path."""

import httpx
import pytest
from fastapi import FastAPI

from product_importer.core.allowed_methods import AllowEveryMethod
from product_importer.core.spa import mount_spa


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/api/v1/products", "GET, HEAD, POST"),
        ("POST", "/api/v1/products/5", "DELETE, GET, HEAD, PATCH, PUT"),
        ("PUT", "/api/v1/webhooks", "GET, HEAD, POST"),
        ("DELETE", "/api/v1/imports", "GET, HEAD, POST"),
        ("POST", "/health", "GET, HEAD"),
    ],
)
async def test_a_405_names_every_method_of_its_path(client, method, path, allowed):
    response = await client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    assert response.json() == {"detail": "Method Not Allowed"}


async def test_a_mounted_apps_own_allow_is_kept(tmp_path):
    """The UI's files answer GET and HEAD, as they say themselves."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-AbC123.js").write_text("console.log(1)")
    app = FastAPI()
    app.add_middleware(AllowEveryMethod)
    mount_spa(app, tmp_path)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as ui:
        response = await ui.post("/assets/index-AbC123.js")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
