"""`total_is_lower_bound`: a filtered total whose count stopped at its cap is "at least",
not "about"."""

from __future__ import annotations

from product_importer.products import list_service
from tests.products.helpers import (
    API,
    add_products,
    copy_named_products,
    sampled_totals,
    sql_execute,
    sql_scalar,
)


async def test_a_count_stopped_at_its_cap_is_a_lower_bound(client, monkeypatch):
    """The planner, from statistics without a single match, expects a rare term; the
    count then stops at the cap (30 + 1), though 40 products match. (A page of 5: the
    planner expects the first rows walked to hold it, so the page is found without
    counting every match.)"""
    monkeypatch.setattr(list_service, "EXACT_COUNT_MAX", 30)
    add_products({"sku": f"OTHER-{i}", "name": "Other"} for i in range(300))
    sql_execute("ANALYZE products")
    add_products({"sku": f"T-{i}", "name": "Teapot"} for i in range(40))
    body = (await client.get(f"{API}?name=teapot&page_size=5")).json()
    assert (body["total"], body["total_is_estimate"], body["total_is_lower_bound"]) == (
        31,
        True,
        True,
    )


async def test_estimated_and_exact_totals_are_not_lower_bounds(client, monkeypatch):
    add_products({"sku": f"T-{i}", "name": "Teapot"} for i in range(40))
    sql_execute("ANALYZE products")
    body = (await client.get(f"{API}?name=teapot&page_size=5")).json()
    assert (body["total"], body["total_is_estimate"], body["total_is_lower_bound"]) == (
        40,
        False,
        False,
    )
    monkeypatch.setattr(list_service, "EXACT_COUNT_MAX", 5)  # the planner expects 40
    body = (await client.get(f"{API}?name=teapot&page_size=5")).json()
    assert (body["total_is_estimate"], body["total_is_lower_bound"]) == (True, False)


async def test_a_count_stopped_at_its_cap_gives_way_to_a_sample_that_says_more(client, monkeypatch):
    """The planner expects a rare term, the count stops at its cap (1,000 + 1), and a
    fixed sample of the table says about 10,000 (a quarter of 40,000 products): the
    total is that estimate, not "at least 1,001"."""
    sampled_totals(monkeypatch, planner_estimate=10, exact_count_max=1_000)  # a rare term
    copy_named_products(["Teapot", "Desk lamp", "Oak chair", "Mug"], seed=9)
    body = (await client.get(f"{API}?name=teapot")).json()
    assert (body["total_is_estimate"], body["total_is_lower_bound"]) == (True, False)
    matches = sql_scalar("SELECT count(*) FROM products WHERE name ILIKE 'teapot%'")
    assert 0.8 < body["total"] / matches < 1.2, (body["total"], matches)
