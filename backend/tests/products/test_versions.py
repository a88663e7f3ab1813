"""Optimistic concurrency: a product's `ETag` is its version; a change sent with an
older version in `If-Match` is refused (412) and changes nothing."""

import pytest

API = "/api/v1/products"


async def _created(client) -> tuple[dict, str]:
    response = await client.post(API, json={"sku": "V-1", "name": "Versioned", "description": "d"})
    assert response.status_code == 201
    return response.json(), response.headers["etag"]


async def test_the_etag_is_the_quoted_updated_at(client):
    product, created_etag = await _created(client)
    assert created_etag == f'"{product["updated_at"]}"'
    read = await client.get(f"{API}/{product['id']}")
    assert read.headers["etag"] == created_etag


@pytest.mark.parametrize("method", ["patch", "put"])
async def test_a_change_from_an_older_version_is_refused(client, method):
    product, first = await _created(client)
    url = f"{API}/{product['id']}"
    newer = await client.patch(
        url, json={"description": "set in another tab"}, headers={"If-Match": first}
    )
    assert newer.status_code == 200
    assert newer.headers["etag"] != first
    body = {"sku": "V-1", "name": "renamed in a stale tab", "description": "d", "is_active": True}
    stale = await getattr(client, method)(url, json=body, headers={"If-Match": first})
    assert stale.status_code == 412
    assert "has changed since" in stale.json()["detail"]
    current = (await client.get(url)).json()
    assert (current["name"], current["description"]) == ("Versioned", "set in another tab")


@pytest.mark.parametrize("if_match", [None, "*", '"1999-01-01T00:00:00Z", {current}'])
async def test_no_if_match_any_version_or_a_list_holding_the_current_one_applies(client, if_match):
    product, current = await _created(client)
    headers = {} if if_match is None else {"If-Match": if_match.format(current=current)}
    response = await client.patch(f"{API}/{product['id']}", json={"name": "B"}, headers=headers)
    assert response.status_code == 200 and response.json()["name"] == "B"


@pytest.mark.parametrize("if_match", ["W/{current}", "{bare}", '"not a time"', '""'])
async def test_weak_or_malformed_versions_never_match(client, if_match):
    product, current = await _created(client)
    value = if_match.format(current=current, bare=current.strip('"'))
    response = await client.patch(
        f"{API}/{product['id']}", json={"name": "B"}, headers={"If-Match": value}
    )
    assert response.status_code == 412
    assert response.json()["detail"].startswith("If-Match names no version of a product")
    assert (await client.get(f"{API}/{product['id']}")).json()["name"] == "Versioned"


async def test_a_delete_with_an_older_version_is_refused_and_with_the_current_one_applies(client):
    product, first = await _created(client)
    url = f"{API}/{product['id']}"
    newer = await client.patch(url, json={"name": "renamed elsewhere"})
    stale = await client.delete(url, headers={"If-Match": first})
    assert stale.status_code == 412
    assert (await client.get(url)).json()["name"] == "renamed elsewhere"
    deleted = await client.delete(url, headers={"If-Match": newer.headers["etag"]})
    assert deleted.status_code == 204
    assert (await client.get(url)).status_code == 404
