"""Following `next_cursor` reaches every product, whatever was deleted before the
cursor's position meanwhile, and the totals on the way are right or say they are
estimates."""

from __future__ import annotations

from typing import Any

import pytest

from product_importer.products import list_service
from tests.products.helpers import API, add_products, numbered


async def walk(client, params: dict[str, Any], cursor: str) -> list[dict[str, Any]]:
    """Every page after `cursor`, following each page's `next_cursor`."""
    bodies = []
    while cursor:
        response = await client.get(API, params={**params, "page_size": 50, "cursor": cursor})
        assert response.status_code == 200, response.text
        bodies.append(response.json())
        cursor = bodies[-1]["next_cursor"]
    return bodies


async def delete(client, items: list[dict[str, Any]]) -> None:
    for item in items:
        assert (await client.delete(f"{API}/{item['id']}")).status_code == 204


PARAMS = [
    {"sort": "id"},
    {"sort": "-name"},
    {"sort": "updated_at"},
    {"is_active": "true"},
    {"is_active": "false", "sort": "-sku"},
    {"q": "product", "sort": "name"},
]


@pytest.mark.parametrize("params", PARAMS)
async def test_a_walk_reaches_every_product_after_deletes_behind_the_cursor(client, params):
    add_products(numbered(120, is_active=params.get("is_active") != "false"))
    first = (await client.get(API, params={**params, "page_size": 50})).json()
    await delete(client, first["items"][:30])

    pages = await walk(client, params, first["next_cursor"])

    seen = [item["id"] for body in pages for item in body["items"]]
    assert len(seen) == 70 and len(set(seen)) == 70  # every product after the first page
    for body in pages:  # 90 products are left: a total says so, or says it is an estimate
        assert body["total"] == 90 or body["total_is_estimate"], body["total"]


async def test_a_walk_reaches_every_product_after_deletes_of_a_large_result(client, monkeypatch):
    """Too many matches to count: the total comes from the cursor's position, which does
    not know of the deletes before it, so it is an estimate."""
    monkeypatch.setattr(list_service, "EXACT_COUNT_MAX", 10)
    add_products(numbered(120))
    first = (await client.get(API, params={"q": "product", "page_size": 50})).json()
    await delete(client, first["items"][:30])

    pages = await walk(client, {"q": "product"}, first["next_cursor"])

    assert sum(len(body["items"]) for body in pages) == 70
    assert all(body["total_is_estimate"] for body in pages)


@pytest.mark.parametrize("params", [{"sort": "id"}, {"q": "product", "sort": "-sku"}])
async def test_a_walk_ends_on_the_last_full_page(client, params):
    """The page that holds the last product has no `next_cursor`, full or not."""
    add_products(numbered(100))
    first = (await client.get(API, params={**params, "page_size": 50})).json()
    assert first["next_cursor"]

    [last] = await walk(client, params, first["next_cursor"])

    assert len(last["items"]) == 50 and last["next_cursor"] is None
    assert (last["total"], last["total_is_estimate"]) == (100, False)


async def test_a_walk_sees_products_added_after_its_cursor(client):
    add_products(numbered(100))
    first = (await client.get(API, params={"page_size": 50})).json()
    add_products([{"sku": f"NEW-{i}", "name": f"New {i}"} for i in range(10)])  # ids after all

    pages = await walk(client, {}, first["next_cursor"])

    assert [len(body["items"]) for body in pages] == [50, 10]
