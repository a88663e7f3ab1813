"""Create, read, replace, update and delete one product; their events."""

from __future__ import annotations

import asyncio
from datetime import datetime

import httpx
import pytest

from tests.products.helpers import API, add_products, events, sql_scalar

PRODUCT = {"sku": "ABC-123", "name": "Kettle", "description": "Steel", "is_active": True}


async def create(client, **fields):
    return await client.post(API, json={**PRODUCT, **fields})


def later(a: str, b: str) -> bool:
    return datetime.fromisoformat(a) > datetime.fromisoformat(b)


def error_fields(response) -> list[tuple]:
    assert response.status_code == 422, response.text
    return [tuple(error["loc"]) for error in response.json()["detail"]]


async def test_create_returns_201_with_the_product_and_records_an_event(client):
    response = await create(client, sku="  ABC-123 ", name=" Kettle  ")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["sku"] == "ABC-123" and body["name"] == "Kettle"
    assert body["description"] == "Steel" and body["is_active"] is True
    assert body["id"] > 0 and body["created_at"] == body["updated_at"]
    assert response.headers["location"] == f"{API}/{body['id']}"
    assert (await client.get(response.headers["location"])).json() == body
    [event] = events("product.created")
    assert event["type"] == "product.created" and event["data"] == body


async def test_a_new_product_s_location_is_under_the_path_the_app_is_served_at(client):
    app = client._transport.app
    transport = httpx.ASGITransport(app=app, root_path="/importer")
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.post("/importer/api/v1/products", json={"sku": "R-1", "name": "x"})
        assert response.status_code == 201, response.text
        location = response.headers["location"]
        assert location == f"/importer/api/v1/products/{response.json()['id']}"
        assert (await http.get(location)).json() == response.json()


async def test_create_defaults_is_active_and_stores_an_empty_description_as_null(client):
    body = (await client.post(API, json={"sku": "A", "name": "B", "description": ""})).json()
    assert body["is_active"] is True and body["description"] is None
    body = (await client.post(API, json={"sku": "C", "name": "D"})).json()
    assert body["description"] is None


async def test_create_conflicts_with_an_existing_sku_in_any_case(client):
    assert (await create(client, sku="abc-123")).status_code == 201
    response = await create(client, sku="ABC-123", name="Other")
    assert response.status_code == 409
    assert "Retry-After" not in response.headers  # waiting does not free the SKU
    # Named as stored, not as asked for.
    assert (
        "'abc-123'" in response.json()["detail"] and "already exists" in response.json()["detail"]
    )
    assert sql_scalar("SELECT count(*) FROM products") == 1
    assert len(events("product.created")) == 1


async def test_a_sku_clash_names_the_existing_product_as_it_is_stored(client):
    existing = (await create(client, sku="AAA-12199-MI")).json()
    other = (await create(client, sku="OTHER")).json()
    clashes = (
        await create(client, sku="aaa-12199-mi"),
        await client.patch(f"{API}/{other['id']}", json={"sku": "aaa-12199-MI"}),
        await client.put(f"{API}/{other['id']}", json={**PRODUCT, "sku": "Aaa-12199-mi"}),
    )
    for response in clashes:
        assert response.status_code == 409, response.text
        assert response.json()["detail"] == (
            "a product with SKU 'AAA-12199-MI' already exists "
            "(SKUs are compared ignoring letter case)"
        )
        assert response.headers["location"] == f"/api/v1/products/{existing['id']}"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sku": ""}, "sku"),
        ({"sku": "   "}, "sku"),
        ({"sku": "x" * 65}, "sku"),
        ({"sku": None}, "sku"),
        ({"sku": 12}, "sku"),
        ({"sku": "a\x00b"}, "sku"),
        ({"name": ""}, "name"),
        ({"name": "n" * 256}, "name"),
        ({"description": "d" * 10_001}, "description"),
        ({"description": "a\x00"}, "description"),
        ({"is_active": "maybe"}, "is_active"),
        ({"is_active": None}, "is_active"),
    ],
)
async def test_create_rejects_invalid_fields_naming_them(client, fields, field):
    response = await create(client, **fields)
    assert error_fields(response) == [("body", field)]
    assert sql_scalar("SELECT count(*) FROM products") == 0


async def test_create_requires_sku_and_name(client):
    response = await client.post(API, json={"description": "only"})
    assert sorted(error_fields(response)) == [("body", "name"), ("body", "sku")]


async def test_field_limits_count_characters_after_trimming(client):
    sku = "é" * 64
    response = await create(client, sku=f"  {sku}  ", name="ü" * 255, description="中" * 10_000)
    assert response.status_code == 201, response.text
    assert response.json()["sku"] == sku


async def test_concurrent_creates_of_one_sku_give_one_201_and_one_409(client):
    for round_ in range(8):
        sku = f"RACE-{round_}"
        responses = await asyncio.gather(
            create(client, sku=sku.lower()), create(client, sku=sku.upper())
        )
        assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
    assert sql_scalar("SELECT count(*) FROM products") == 8


async def test_get_unknown_or_invalid_ids(client):
    assert (await client.get(f"{API}/999")).status_code == 404
    assert (await client.get(f"{API}/999")).json()["detail"] == "product 999 not found"
    assert error_fields(await client.get(f"{API}/abc")) == [("path", "product_id")]
    assert error_fields(await client.get(f"{API}/0")) == [("path", "product_id")]
    assert error_fields(await client.get(f"{API}/{2**63}")) == [("path", "product_id")]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "all", "DELETE"),
        ("PATCH", "all", "DELETE"),
        ("PUT", "all", "DELETE"),
        ("PUT", "export.csv", "GET, HEAD"),
        ("DELETE", "export.csv", "GET, HEAD"),
    ],
)
async def test_a_fixed_path_is_never_taken_for_an_id(client, method, path, allowed):
    """`GET /products/all` is a 405 naming what the path takes, not a 422 for an id."""
    response = await client.request(method, f"{API}/{path}")
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allowed
    assert (await client.get(f"{API}/alls")).status_code == 422  # no fixed path: an id


async def test_put_replaces_every_field_and_bumps_updated_at(client):
    created = (await create(client)).json()
    response = await client.put(
        f"{API}/{created['id']}",
        json={"sku": "NEW-1", "name": "New", "description": None, "is_active": False},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["sku"], body["name"], body["description"], body["is_active"]) == (
        "NEW-1",
        "New",
        None,
        False,
    )
    assert body["created_at"] == created["created_at"]
    assert later(body["updated_at"], created["updated_at"])
    [event] = events("product.updated")
    assert event["data"] == body


async def test_patch_changes_only_the_fields_sent(client):
    created = (await create(client)).json()
    response = await client.patch(f"{API}/{created['id']}", json={"name": "Renamed"})
    body = response.json()
    assert response.status_code == 200
    assert body["name"] == "Renamed" and body["sku"] == created["sku"]
    assert body["description"] == "Steel" and later(body["updated_at"], created["updated_at"])
    body = (await client.patch(f"{API}/{created['id']}", json={"description": None})).json()
    assert body["description"] is None and body["name"] == "Renamed"
    assert len(events("product.updated")) == 2


async def test_an_update_that_changes_nothing_writes_nothing(client):
    created = (await create(client)).json()
    for method, body in (
        ("patch", {}),
        ("patch", {"name": "Kettle", "is_active": True}),
        ("put", PRODUCT),
    ):
        response = await client.request(method, f"{API}/{created['id']}", json=body)
        assert response.status_code == 200 and response.json() == created
    assert events("product.updated") == []


async def test_changing_only_the_letter_case_of_its_own_sku_is_allowed(client):
    created = (await create(client, sku="abc-123")).json()
    response = await client.patch(f"{API}/{created['id']}", json={"sku": "ABC-123"})
    assert response.status_code == 200 and response.json()["sku"] == "ABC-123"
    response = await client.put(f"{API}/{created['id']}", json={**PRODUCT, "sku": "Abc-123"})
    assert response.status_code == 200 and response.json()["sku"] == "Abc-123"


async def test_update_to_another_products_sku_conflicts(client):
    first = (await create(client, sku="FIRST")).json()
    second = (await create(client, sku="SECOND")).json()
    for method, body in (("patch", {"sku": "first"}), ("put", {**PRODUCT, "sku": "First"})):
        response = await client.request(method, f"{API}/{second['id']}", json=body)
        assert response.status_code == 409, response.text
        assert "already exists" in response.json()["detail"]
    assert (await client.get(f"{API}/{second['id']}")).json()["sku"] == "SECOND"
    assert (await client.get(f"{API}/{first['id']}")).json()["sku"] == "FIRST"


async def test_update_validates_fields_and_unknown_ids(client):
    created = (await create(client)).json()
    url = f"{API}/{created['id']}"
    assert error_fields(await client.patch(url, json={"sku": None})) == [("body", "sku")]
    assert error_fields(await client.patch(url, json={"name": " "})) == [("body", "name")]
    assert error_fields(await client.patch(url, json={"is_active": None})) == [
        ("body", "is_active")
    ]
    missing = error_fields(await client.put(url, json={"sku": "X"}))
    assert missing == [("body", "name"), ("body", "description"), ("body", "is_active")]
    assert (await client.patch(f"{API}/999", json={"name": "x"})).status_code == 404
    assert (await client.put(f"{API}/999", json=PRODUCT)).status_code == 404


async def test_delete_removes_the_product_and_records_it(client):
    created = (await create(client)).json()
    response = await client.delete(f"{API}/{created['id']}")
    assert response.status_code == 204 and response.content == b""
    assert (await client.get(f"{API}/{created['id']}")).status_code == 404
    assert (await client.delete(f"{API}/{created['id']}")).status_code == 404
    [event] = events("product.deleted")
    assert event["data"] == created


async def test_a_sku_is_free_again_once_its_product_is_deleted(client):
    [product_id] = add_products([{"sku": "REUSE", "name": "Old"}])
    assert (await client.delete(f"{API}/{product_id}")).status_code == 204
    assert (await create(client, sku="reuse")).status_code == 201
