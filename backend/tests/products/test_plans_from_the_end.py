"""A deep page of an `is_active` list past the middle is read backwards from the end
through the sort index, as an unfiltered one is, instead of sorting every match: the
plans of the statements the list runs.

At 475,000 products the last pages lie deeper than the longest window walked
(`MAX_WINDOW_ROWS`); here a shorter window stands in for that depth.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.products import list_service
from tests.products.helpers import API, copy_products
from tests.products.test_plans import SORT_INDEX, describe, explain, scans_table, uses

ROWS = 20_000


@pytest.fixture
def catalog() -> None:
    copy_products(
        [(f"SKU-{i:06d}", f"Name {(i * 7919) % ROWS:06d}", None, i % 50 != 0) for i in range(ROWS)]
    )
    with sync_engine().connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("UPDATE products SET updated_at = now() - (id % 997) * interval '1s'"))
        conn.execute(text("VACUUM ANALYZE products"))


class StatementSpy:
    """The statements whose rows the list service reads."""

    def __init__(self, monkeypatch) -> None:
        self.statements: list[Any] = []
        original = list_service._fetch

        async def fetch(session: Any, statement: Any, sort: Any) -> Any:
            self.statements.append(statement)
            return await original(session, statement, sort)

        monkeypatch.setattr(list_service, "_fetch", fetch)


def active_ids(sort: str) -> list[int]:
    order = {
        "id": "id",
        "sku": "lower(sku)",
        "name": "lower(name), id",
        "updated_at": "updated_at, id",
    }[sort.lstrip("-")]
    if sort.startswith("-"):
        order = ", ".join(f"{key} DESC" for key in order.split(", "))
    with sync_engine().connect() as conn:
        rows = conn.execute(text(f"SELECT id FROM products WHERE is_active ORDER BY {order}"))
        return [row.id for row in rows]


@pytest.mark.parametrize("sort", ["-name", "sku", "-updated_at", "id"])
@pytest.mark.parametrize("from_last", [0, 3])
async def test_a_deep_active_page_past_the_middle_walks_from_the_end(
    client, catalog, monkeypatch, sort, from_last
):
    monkeypatch.setattr(list_service, "MAX_WINDOW_ROWS", 5_000)
    expected = active_ids(sort)
    size = 50
    page = (len(expected) - 1) // size + 1 - from_last
    spy = StatementSpy(monkeypatch)

    response = await client.get(API, params={"is_active": "true", "sort": sort, "page": page})

    body = response.json()
    offset = (page - 1) * size
    assert [item["id"] for item in body["items"]] == expected[offset : offset + size]
    assert (body["total"], body["total_is_estimate"]) == (len(expected), False)
    with sync_engine().connect() as conn:
        plans = [explain(conn, statement) for statement in spy.statements]
    walk = ("Index Scan", "Index Only Scan")
    for plan in plans:
        assert uses(plan, walk, SORT_INDEX[sort.lstrip("-")]), describe(plan)
        assert not scans_table(plan), describe(plan)
