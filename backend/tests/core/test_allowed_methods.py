"""A 405 names, in `Allow`, every method its path takes (RFC 9110 §15.5.6), not those of
the first route that matched the path."""

import pytest


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/api/v1/products", "GET, POST"),
        ("POST", "/api/v1/products/5", "DELETE, GET, PATCH, PUT"),
        ("PUT", "/api/v1/webhooks", "GET, POST"),
        ("DELETE", "/api/v1/imports", "GET, POST"),
        ("POST", "/health", "GET"),
    ],
)
async def test_a_405_names_every_method_of_its_path(client, method, path, allowed):
    response = await client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    assert response.json() == {"detail": "Method Not Allowed"}
