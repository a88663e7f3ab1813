"""A field that a request body does not take gets 422 at that field and changes
nothing (a misspelt field would otherwise be ignored in silence); the fields the API
answers but a client cannot set are let through, so what was read can be sent back."""

from __future__ import annotations

import pytest

from tests.products.helpers import API, add_products

UNKNOWN = "This request takes no such field (misspelt?): nothing was changed"


def unknown_field(response, field: str) -> None:
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"], error["msg"]) == (
        "extra_forbidden",
        ["body", field],
        UNKNOWN,
    )


async def test_a_misspelt_field_of_a_product_change_is_refused(client):
    [product_id] = add_products([{"sku": "U-1", "name": "Kettle"}])
    before = (await client.get(f"{API}/{product_id}")).json()

    unknown_field(await client.patch(f"{API}/{product_id}", json={"nmae": "Teapot"}), "nmae")
    body = {"sku": "U-1", "name": "Teapot", "description": None, "is_active": True, "price": 3}
    unknown_field(await client.put(f"{API}/{product_id}", json=body), "price")
    unknown_field(
        await client.post(API, json={"sku": "U-2", "name": "Mug", "colour": "red"}), "colour"
    )
    # Creating one takes no field it would not use.
    unknown_field(await client.post(API, json={"sku": "U-3", "name": "Jar", "id": 7}), "id")

    assert (await client.get(f"{API}/{product_id}")).json() == before
    assert (await client.get(API)).json()["total"] == 1


async def test_a_product_as_read_can_be_sent_back(client):
    [product_id] = add_products([{"sku": "R-1", "name": "Kettle"}])
    product = (await client.get(f"{API}/{product_id}")).json()

    replaced = await client.put(
        f"{API}/{product_id}", json={**product, "name": "Teapot", "id": 999}
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["id"] == product_id and replaced.json()["name"] == "Teapot"
    patched = await client.patch(
        f"{API}/{product_id}", json={**replaced.json(), "is_active": False}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["is_active"] is False


async def test_a_misspelt_field_of_a_webhook_is_refused_and_one_as_read_can_be_sent_back(client):
    body = {"url": "https://hooks.example.com/a", "events": ["product.created"]}
    unknown_field(await client.post("/api/v1/webhooks", json={**body, "event": "x"}), "event")
    # Creating one takes no field it would not use: a secret of one's own is not one.
    secret = "whsec_" + "A" * 32
    unknown_field(await client.post("/api/v1/webhooks", json={**body, "secret": secret}), "secret")
    assert (await client.get("/api/v1/webhooks")).json() == []

    webhook = (await client.post("/api/v1/webhooks", json=body)).json()
    url = f"/api/v1/webhooks/{webhook['id']}"
    unknown_field(await client.patch(url, json={"enable": False}), "enable")
    replaced = await client.put(url, json={**webhook, "description": "read, then sent back"})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["secret"] == webhook["secret"]
    assert replaced.json()["description"] == "read, then sent back"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/webhooks/test", {"url": "https://hooks.example.com/", "secrett": "x"}, "secrett"),
        ("/api/v1/downloads", {"url": "/api/v1/products/export.csv", "ttl": 5}, "ttl"),
    ],
)
async def test_other_bodies_refuse_unknown_fields(client, path, body, field):
    unknown_field(await client.post(path, json=body), field)


@pytest.mark.parametrize(
    ("headers", "said"),
    [({"content-type": "text/plain"}, "it said 'text/plain'"), ({}, "it had none")],
)
async def test_a_json_body_sent_without_saying_so_is_told_what_to_send(client, headers, said):
    response = await client.post(API, content=b'{"sku": "J-1", "name": "Jug"}', headers=headers)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body"]
    assert (
        error["msg"] == f"The body must be JSON, sent with Content-Type: application/json ({said})"
    )


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_a_json_body_that_is_not_utf8_is_told_where(client, method):
    [product_id] = add_products([{"sku": "X-1", "name": "Kettle"}])
    path = API if method == "POST" else f"{API}/{product_id}"
    body = b'{"sku": "X-2", "name": "caf\xe9"}'  # Latin-1
    response = await client.request(
        method, path, content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"]) == ("json_invalid", ["body", 27])
    assert error["msg"] == "The body is not UTF-8 text (at byte offset 27): send JSON in UTF-8"
    assert (await client.get(f"{API}/{product_id}")).json()["name"] == "Kettle"


async def test_json_nested_too_deeply_is_a_422_not_a_bare_400(client):
    nested = "[" * 1500 + "]" * 1500
    body = f'{{"sku": "D-1", "name": "Deep", "description": {nested}}}'.encode()
    response = await client.post(API, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"]) == ("json_invalid", ["body"])
    assert error["msg"] == "The JSON body is nested too deeply to read"


@pytest.mark.parametrize(
    ("path", "body", "loc", "echoed"),
    [
        (API, '{"sku": NaN, "name": "x"}', ["body", "sku"], "NaN"),
        (
            API,
            '{"sku": "N-1", "name": "x", "is_active": Infinity}',
            ["body", "is_active"],
            "Infinity",
        ),
        (API, '{"sku": "N-1", "name": "x", "extra": -Infinity}', ["body", "extra"], "-Infinity"),
        (API, '{"sku": ["a", NaN], "name": "x"}', ["body", "sku"], '["a", NaN]'),
        ("/api/v1/webhooks/test", '{"url": 1e999}', ["body", "url"], "Infinity"),
    ],
)
async def test_nan_and_infinity_in_a_body_are_told_where(client, path, body, loc, echoed):
    """Python's JSON parser takes NaN and Infinity, which JSON has not: the 422 that
    repeats them must still be JSON (it was a 500)."""
    response = await client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == loc and error["input"] == echoed, error
