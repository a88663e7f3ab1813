"""`total`: exact from the trigger-kept counter whatever changes the table, exact or
a flagged estimate for filtered lists."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.products import list_service
from tests.products.helpers import (
    API,
    add_products,
    copy_named_products,
    copy_products,
    numbered,
    sampled_totals,
    sql_execute,
    sql_scalar,
)


async def total(client, query: str = "") -> int:
    body = (await client.get(f"{API}?{query}")).json()
    assert body["total_is_estimate"] is False
    return int(body["total"])


def counted() -> int:
    return int(sql_scalar("SELECT count(*) FROM products"))


async def test_the_counter_follows_every_kind_of_change(client):
    assert await total(client) == 0
    ids = add_products(numbered(30))
    assert await total(client) == 30
    for i in range(3):
        assert (await client.post(API, json={"sku": f"NEW-{i}", "name": "n"})).status_code == 201
    assert (await client.delete(f"{API}/{ids[0]}")).status_code == 204
    sql_execute("DELETE FROM products WHERE id = ANY(:ids)", ids=ids[1:6])
    assert await total(client) == 27 == counted()
    sql_execute("TRUNCATE products")
    assert await total(client) == 0
    add_products(numbered(4))
    assert await total(client) == 4 == counted()


async def test_a_rolled_back_change_leaves_the_counter_alone(client):
    add_products(numbered(5))
    with sync_engine().connect() as conn:
        conn.execute(text("INSERT INTO products (sku, name) VALUES ('X-1', 'x'), ('X-2', 'x')"))
        conn.execute(text("DELETE FROM products WHERE sku = 'SKU-00001'"))
        conn.rollback()
    assert await total(client) == 5


async def test_concurrent_writers_keep_the_counter_exact(client):
    await asyncio.gather(
        *(client.post(API, json={"sku": f"C-{i}", "name": "n"}) for i in range(40))
    )
    assert await total(client) == 40 == counted()
    # Writers skip the deltas others hold; the next write folds what is left.
    assert (await client.post(API, json={"sku": "ONE-MORE", "name": "n"})).status_code == 201
    rows = "SELECT count(*) FROM product_counts WHERE rel = 'products'::regclass"
    assert sql_scalar(rows) == 2  # the base and one delta
    assert await total(client) == 41


async def test_a_rebuilt_products_table_is_counted_once_then_tracked(client):
    """The bulk import replaces `products` with a new table (a new oid); the counter
    has no base for it and counts it once. (Rolled back: the schema stays as is.)"""
    add_products(numbered(10))
    assert await total(client) == 10
    with sync_engine().connect() as conn:
        conn.execute(text("CREATE TABLE products_new (LIKE products INCLUDING ALL)"))
        conn.execute(text("INSERT INTO products_new SELECT * FROM products"))
        conn.execute(
            text(
                "INSERT INTO products_new (sku, name) "
                "SELECT 'R-' || g, 'r' FROM generate_series(1, 7) g"
            )
        )
        triggers = conn.execute(
            text(
                "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE tgrelid = 'products'::regclass AND NOT tgisinternal"
            )
        ).scalars()
        for definition in list(triggers):
            conn.execute(text(definition.replace(" ON public.products ", " ON products_new ")))
        conn.execute(text("ALTER SEQUENCE products_id_seq OWNED BY products_new.id"))
        conn.execute(text("DROP TABLE products"))
        conn.execute(text("ALTER TABLE products_new RENAME TO products"))
        assert conn.execute(text("SELECT product_count()")).scalar() == 17
        conn.execute(text("INSERT INTO products (sku, name) VALUES ('AFTER-1', 'a')"))
        conn.execute(text("DELETE FROM products WHERE sku IN ('R-1', 'R-2')"))
        assert conn.execute(text("SELECT product_count()")).scalar() == 16
        assert conn.execute(text("SELECT count(*) FROM products")).scalar() == 16
        conn.rollback()
    assert await total(client) == 10


async def test_the_counter_is_right_after_real_imports(client, worker):
    async def run_import(lines: list[str]) -> None:
        content = ("sku,name,description\n" + "\n".join(lines) + "\n").encode()
        response = await client.post("/api/v1/imports", files={"file": ("p.csv", content)})
        assert response.status_code == 202, response.text
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            body = (await client.get(f"/api/v1/imports/{response.json()['id']}")).json()
            if body["status"] in ("completed", "failed", "cancelled"):
                assert body["status"] == "completed", body
                return
            await asyncio.sleep(0.1)
        raise AssertionError("the import did not finish")

    await run_import([f"IMP-{i},Name {i}," for i in range(300)])
    assert await total(client) == 300 == counted()
    await run_import([f"imp-{i},Renamed {i},d" for i in range(250, 400)])
    assert await total(client) == 400 == counted()


async def test_is_active_totals_are_exact(client):
    add_products(numbered(12, is_active=False))
    add_products([{"sku": f"ON-{i}", "name": "on"} for i in range(30)])
    assert await total(client, "is_active=false&page_size=5") == 12
    assert await total(client, "is_active=true&page_size=5") == 30


async def test_a_short_page_is_its_own_exact_total(client, monkeypatch):
    monkeypatch.setattr(list_service, "EXACT_COUNT_MAX", 0)
    add_products(numbered(30))
    body = (await client.get(f"{API}?q=product&page_size=20&page=2")).json()
    assert (len(body["items"]), body["total"], body["total_is_estimate"]) == (10, 30, False)


async def test_filtered_totals_up_to_the_cap_are_exact(client, monkeypatch):
    monkeypatch.setattr(list_service, "EXACT_COUNT_MAX", 30)
    add_products(numbered(30))
    body = (await client.get(f"{API}?q=product&page_size=10&page=2")).json()
    assert (body["total"], body["total_is_estimate"]) == (30, False)


async def test_a_filtered_total_over_the_cap_is_a_flagged_estimate(client, monkeypatch):
    monkeypatch.setattr(list_service, "EXACT_COUNT_MAX", 29)
    add_products(numbered(30))
    body = (await client.get(f"{API}?q=product&page_size=10&page=2")).json()
    assert body["total_is_estimate"] is True
    assert body["total"] >= 21  # never below what the page proves
    assert body["next_cursor"]


async def test_a_page_past_the_end_counts_the_total_instead_of_growing_it(client, monkeypatch):
    """Estimated totals never exceed an empty page's offset, and up to a cap are
    counted: the same total on every page past the end."""
    monkeypatch.setattr(list_service, "EXACT_COUNT_MAX", 0)
    add_products(numbered(30))
    for page in (4, 10, 1000):
        body = (await client.get(f"{API}?q=product&page_size=10&page={page}")).json()
        assert (body["items"], body["total"], body["total_is_estimate"]) == ([], 30, False)
    monkeypatch.setattr(list_service, "PAST_END_COUNT_MAX", 30)  # counts up to 30 matches
    body = (await client.get(f"{API}?q=product&page_size=10&page=1000")).json()
    assert (body["items"], body["total"], body["total_is_estimate"]) == ([], 30, False)
    monkeypatch.setattr(list_service, "PAST_END_COUNT_MAX", 29)
    body = (await client.get(f"{API}?q=product&page_size=10&page=1000")).json()
    assert body["items"] == [] and body["total_is_estimate"] is True
    assert body["total"] <= 9990


@pytest.mark.parametrize(
    ("estimate", "pages"),
    [
        (10**6, [1000, 3]),  # at or past the offset: proven wrong, "more than" the count
        (25, [1000, 3]),  # before the offset and above the count: taken
        (5, [1000, 3]),  # at most the count, which found more
        (45, [1000, 5, 3]),  # taken, but too high: its page is empty too, and past it
    ],
)
async def test_a_total_past_the_end_beyond_the_count_leads_to_a_page_with_matches(
    client, monkeypatch, estimate, pages
):
    """A link far past the end of a large result: the total must lead to a page with
    matches in a step or two. It said the offset itself, so the page before was the
    "last", then the one before that: one page per request, 194 of them in a QA run."""
    monkeypatch.setattr(list_service, "EXACT_COUNT_MAX", 0)
    monkeypatch.setattr(list_service, "PAST_END_COUNT_MAX", 20)
    monkeypatch.setattr(list_service._Count, "estimated", _returning(estimate))
    add_products(numbered(30))
    asked = [1000]
    while len(asked) <= len(pages):
        body = (await client.get(f"{API}?q=product&page_size=10&page={asked[-1]}")).json()
        if body["items"]:
            break
        asked.append(math.ceil(body["total"] / 10))  # where the UI goes next
    assert asked == pages


def _returning(value: int) -> Callable[[object], Awaitable[int]]:
    async def estimated(self: object) -> int:
        return value

    return estimated


async def test_a_page_found_by_sorting_every_match_has_an_exact_total(client, monkeypatch):
    """No window, no count cap: the matches the page was sorted from are the total. The
    planner is taken to expect a rare term, as without statistics: with those an earlier
    test left, it expected every row to match and the page was walked to instead."""

    async def rare(session: object, filters: object) -> int:
        return 1

    monkeypatch.setattr(list_service, "_estimate", rare)
    monkeypatch.setattr(list_service, "EXACT_COUNT_MAX", 0)
    monkeypatch.setattr(list_service, "WINDOW_ROWS", 1)
    monkeypatch.setattr(list_service, "WINDOW_ROWS_PER_ROW_NEEDED", 1)
    monkeypatch.setattr(list_service, "ALWAYS_WALK_ROWS", 0)
    add_products(numbered(30))
    body = (await client.get(f"{API}?q=product&page_size=10&page=2&sort=-name")).json()
    assert (body["total"], body["total_is_estimate"]) == (30, False)
    assert [item["sku"] for item in body["items"]] == [f"SKU-{i:05d}" for i in range(19, 9, -1)]


async def test_many_inactive_products_make_is_active_totals_estimates(client, monkeypatch):
    monkeypatch.setattr(list_service, "INACTIVE_COUNT_MAX", 5)
    add_products(numbered(30, is_active=False))
    for query in ("is_active=false&page_size=10", "is_active=true&q=&page_size=10"):
        body = (await client.get(f"{API}?{query}")).json()
        assert body["total_is_estimate"] is (query.startswith("is_active=false")), query
    body = (await client.get(f"{API}?is_active=false&page_size=10")).json()
    assert body["total"] >= 11 and len(body["items"]) == 10


@pytest.mark.parametrize("query", ["", "q=product", "is_active=true"])
async def test_totals_on_an_empty_catalog(client, query):
    assert await total(client, query) == 0


async def test_an_uncounted_total_is_estimated_from_a_sample_not_the_planner(client, monkeypatch):
    """A frequent term's matches are not counted: the total comes from a fixed sample
    of the table (here a quarter of 40,000 rows hold "kettle"), whatever the planner
    guesses, and is the same on every page."""
    sampled_totals(monkeypatch, planner_estimate=1_000_000)
    copy_named_products(["Steel kettle", "Desk lamp", "Oak chair", "Mug"])
    matches = sql_scalar("SELECT count(*) FROM products WHERE name ILIKE '%kettle%'")
    totals = set()
    for page in (1, 2, 30):
        body = (await client.get(f"{API}?q=kettle&page={page}")).json()
        assert body["total_is_estimate"] is True and len(body["items"]) == 50
        totals.add(body["total"])
    [estimated] = totals
    assert 0.8 < estimated / matches < 1.2, (estimated, matches)


@pytest.mark.parametrize("kettles", ["few", "together"])
async def test_a_sample_that_says_little_leaves_the_planners_estimate(client, monkeypatch, kettles):
    """Too few hits, or hits on too few pages: the matches stored together (here the
    first 8,000 of 40,000 rows, as SKUs that share a prefix are after a first load) sit
    on a handful of the sample's pages, or none."""
    sampled_totals(monkeypatch, planner_estimate=12_345)
    if kettles == "few":
        monkeypatch.setattr(list_service, "SAMPLE_HITS_MIN", 10_000)
    kettle_rows = 40_000 if kettles == "few" else 8_000
    copy_products(
        [
            (f"S-{i}", f"{'Steel kettle' if i < kettle_rows else 'Desk lamp'} {i}", None, True)
            for i in range(40_000)
        ]
    )
    body = (await client.get(f"{API}?q=kettle")).json()
    assert (body["total"], body["total_is_estimate"]) == (12_345, True)


async def test_a_sampled_total_is_never_more_than_the_catalog(client, monkeypatch):
    """Every product matches: the sample's share is 1, whatever number of rows its pages
    happen to hold."""
    sampled_totals(monkeypatch, planner_estimate=1_000_000)
    copy_named_products(["Steel kettle"])
    body = (await client.get(f"{API}?q=kettle")).json()
    assert (body["total"], body["total_is_estimate"]) == (40_000, True)
