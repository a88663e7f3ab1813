"""Writes from pages on other sites are refused: with no API token configured, a page
the user visits could otherwise upload a catalog or cancel an import through their
browser (a multipart POST is sent cross-site without a preflight)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from tests.imports.helpers import csv_bytes

OTHER_SITE = "http://localhost:18202"


def _kept() -> tuple[int, int]:
    with sync_engine().connect() as conn:
        products = conn.execute(text("SELECT count(*) FROM products")).scalar_one()
        imports = conn.execute(text("SELECT count(*) FROM imports")).scalar_one()
    return products, imports


def _upload(origin_headers: dict[str, str]) -> dict[str, object]:
    files = {"file": ("a.csv", csv_bytes("sku,name", "X-1,Cross"), "text/csv")}
    return {"files": files, "headers": origin_headers}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": OTHER_SITE},
        {"Origin": "null"},  # a sandboxed frame, a file
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "http://testserver:8443", "Host": "testserver:8000"},  # another port
        {"Sec-Fetch-Site": "cross-site"},
    ],
    ids=["other site", "null", "longer name", "other port", "no origin, cross-site"],
)
async def test_a_write_from_another_site_is_refused_and_changes_nothing(client, headers):
    upload = await client.post("/api/v1/imports", **_upload(headers))
    created = await client.post(
        "/api/v1/products", json={"sku": "X-2", "name": "Cross"}, headers=headers
    )
    for response in (upload, created):
        assert response.status_code == 403, response.text
        assert "is refused: only this server's own pages" in response.json()["detail"]
    assert _kept() == (0, 0)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},  # the client's Host
        {"Origin": "http://TestServer:80"},
        {"Origin": "https://testserver", "Host": "testserver"},  # behind a proxy ending TLS
        {"Sec-Fetch-Site": "same-origin"},
        {},  # not a browser
    ],
    ids=["same origin", "same origin spelled otherwise", "proxy", "same-origin", "no origin"],
)
async def test_a_write_from_this_server_s_pages_or_no_browser_is_taken(client, headers):
    response = await client.post(
        "/api/v1/products", json={"sku": "S-1", "name": "Same"}, headers=headers
    )
    assert response.status_code == 201, response.text


async def test_reads_from_other_sites_and_writes_from_listed_origins_pass(make_client):
    listed = "https://shop.example.com"
    http = await make_client(cors_origins=listed)
    assert (await http.get("/api/v1/products", headers={"Origin": OTHER_SITE})).status_code == 200
    response = await http.post(
        "/api/v1/products", json={"sku": "L-1", "name": "Listed"}, headers={"Origin": listed}
    )
    assert response.status_code == 201, response.text
    assert response.headers["access-control-allow-origin"] == listed
