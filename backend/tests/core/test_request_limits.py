"""A request cannot make the API hold a body of any size, and a 422 repeats what the
client sent only in part, as text that encodes."""

from collections.abc import AsyncIterator

import pytest

from product_importer.core.request_limits import MAX_BODY_BYTES, MAX_ECHOED_CHARS, MAX_ERRORS

API = "/api/v1/products"


async def test_a_body_declared_too_large_is_413_before_it_is_read(client):
    body = b'{"sku": "H-1", "name": "x", "description": "' + b"D" * MAX_BODY_BYTES + b'"}'
    response = await client.post(API, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert (await client.get(API)).json()["total"] == 0


async def test_a_chunked_body_is_cut_off_at_the_limit(client):
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"sku": "H-1", "name": "x", "description": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"D" * 65536
        yield b'"}'

    response = await client.post(
        API, content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


async def test_a_422_repeats_a_long_value_only_in_part(client):
    response = await client.post(API, json={"sku": "H-1", "name": "x", "description": "D" * 50_000})
    assert response.status_code == 422
    echoed = response.json()["detail"][0]["input"]
    assert echoed.startswith("D" * MAX_ECHOED_CHARS) and echoed.endswith("(50,000 characters)")
    assert len(response.content) < 2_000


async def test_a_lone_surrogate_is_a_422_not_a_server_error(client):
    body = b'{"sku": "H-SUR", "name": "\\ud800", "is_active": "maybe"}'
    response = await client.post(API, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert (await client.get(API)).json()["total"] == 0


async def test_a_multipart_content_type_does_not_lift_the_limit_off_a_json_route(client):
    body = b"--x\r\n" + b"D" * (MAX_BODY_BYTES + 1)
    headers = {"Content-Type": "multipart/form-data; boundary=x"}
    assert (await client.post(API, content=body, headers=headers)).status_code == 413


async def test_an_upload_is_bounded_by_its_own_limit_not_this_one(client):
    big = b"sku,name\n" + b"A-1,Anvil\n" * (MAX_BODY_BYTES // 10 + 1)
    response = await client.post(
        "/api/v1/imports", content=big, headers={"Content-Type": "text/csv"}
    )
    assert response.status_code == 422
    assert "multipart/form-data" in response.json()["detail"]


async def test_a_body_that_is_not_utf8_is_a_422_not_a_server_error(client):
    response = await client.post(API, content=b"\xff\xfe", headers={"Content-Type": "text/plain"})
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    "name",
    [list(range(100_000)), {f"k{i}": i for i in range(40_000)}, ["x" * 1_000] * 500],
    ids=["long list", "large object", "list of long strings"],
)
async def test_a_422_repeats_a_large_container_only_in_part(client, name):
    response = await client.post(API, json={"sku": "H-1", "name": name})
    assert response.status_code == 422
    assert len(response.content) < 2_000, response.text[:500]


async def test_a_422_lists_the_first_errors_of_many(client):
    body = {"url": "https://a.example.com/", "events": [f"nope.{i}" for i in range(50_000)]}
    response = await client.post("/api/v1/webhooks", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert len(detail) <= MAX_ERRORS + 1 and len(response.content) < 20_000
