"""Page numbers: any page within a bigint offset is an answer (empty past the end);
one beyond is a 422, on every paged list."""

import pytest

from product_importer.core.pagination import MAX_PAGE

LISTS = ["/api/v1/products", "/api/v1/imports", "/api/v1/audit"]


@pytest.mark.parametrize("path", LISTS)
async def test_the_last_reachable_page_is_empty_and_says_its_number(client, path):
    response = await client.get(path, params={"page": MAX_PAGE, "page_size": 200})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["items"] == [] and body["page"] == MAX_PAGE


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("page", [MAX_PAGE + 1, 2**63 - 1, 10**20])
async def test_a_page_past_it_is_a_422(client, path, page):
    response = await client.get(path, params={"page": page})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "page"]


async def test_a_webhooks_delivery_log_takes_the_same_bounds(client):
    webhook = (
        await client.post(
            "/api/v1/webhooks", json={"url": "https://a.example.com/", "events": ["import.failed"]}
        )
    ).json()
    deliveries = f"/api/v1/webhooks/{webhook['id']}/deliveries"
    assert (await client.get(deliveries, params={"page": MAX_PAGE})).json()["items"] == []
    assert (await client.get(deliveries, params={"page": MAX_PAGE + 1})).status_code == 422
