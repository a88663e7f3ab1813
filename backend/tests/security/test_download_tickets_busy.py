"""A ticket is refused while its download would be: a page asking for one can say that
downloads are busy, where a link followed blindly would end as a failed download."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from product_importer.config import get_settings
from product_importer.core.spooled_download import Place
from tests.security.conftest import ADMIN

EXPORT = "/api/v1/products/export.csv?q=lamp"


@pytest.fixture
def downloads_writing() -> Iterator[list[Place]]:
    """As many downloads being written as the settings allow."""
    places = [Place() for _ in range(get_settings().export_writing_max)]
    yield places
    for place in places:
        place.give_back()


async def test_no_ticket_while_as_many_downloads_as_allowed_are_written(closed, downloads_writing):
    refused = await closed.post("/api/v1/downloads", json={"url": EXPORT}, headers=ADMIN)
    assert refused.status_code == 503
    assert refused.headers["retry-after"].isdigit()
    assert "are being written already" in refused.json()["detail"]
    downloads_writing.pop().give_back()
    issued = await closed.post("/api/v1/downloads", json={"url": EXPORT}, headers=ADMIN)
    assert issued.status_code == 201, issued.text
    followed = await closed.get(issued.json()["url"])
    assert followed.status_code == 200


async def test_what_is_not_a_download_is_said_first(closed, downloads_writing):
    refused = await closed.post(
        "/api/v1/downloads", json={"url": "/api/v1/products"}, headers=ADMIN
    )
    assert refused.status_code == 422
