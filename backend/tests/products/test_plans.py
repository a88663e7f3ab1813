"""Every list query shape walks an index: the plans on a realistic table.

100,000 generated products (the shape of `generate_csv.py`'s), VACUUM ANALYZE, then
EXPLAIN each statement the list service can run. The benchmark prints the same
plans at 1,000,000 rows.

The one shape without an index is a `description` filter whose window holds too
few hits: `description` has no trigram index (building one costs more at import
time than it saves; see the benchmark), so that plan scans the table.
"""

from __future__ import annotations

import random
import string
from typing import Any

from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.products import list_queries as sql
from product_importer.products.filters import ProductFilters, ProductSort
from tests.products.helpers import copy_products

ROWS = 100_000
ADJECTIVES = ("Stainless", "Steel", "Compact", "Deluxe", "Classic", "Smart", "Café", "北京")
NOUNS = ("Kettle", "Chair", "Lamp", "Backpack", "Blender", "Desk", "Mug", "Toaster", "茶壶")
PHRASES = ("Built to last", "Dishwasher safe; BPA-free", "Ideal for camping", "高品质材料")
SORT_INDEX = {
    "id": "pk_products",
    "sku": "uq_products_sku_lower",
    "name": "ix_products_name_lower_id",
    "updated_at": "ix_products_updated_at_id",
}


def catalog(rng: random.Random) -> list[tuple[str, str, str | None, bool]]:
    letters = string.ascii_uppercase
    rows = []
    for i in range(ROWS):
        sku = f"{''.join(rng.choices(letters, k=3))}-{i:06d}-{''.join(rng.choices(letters, k=2))}"
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        if rng.random() < 0.3:
            name += f", Model {rng.choice(letters)}{rng.randrange(100)}"
        description = ". ".join(rng.sample(PHRASES, 2)) if rng.random() > 0.01 else None
        rows.append((sku, name, description, rng.random() > 0.02))
    return rows


def nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += nodes(child)
    return found


def explain(conn: Any, statement: Any) -> list[dict[str, Any]]:
    plan = conn.execute(sql.Explain(statement)).scalar_one()
    return nodes(plan[0]["Plan"])


def describe(plan: list[dict[str, Any]]) -> str:
    return " > ".join(
        f"{n['Node Type']}({n.get('Index Name', n.get('Relation Name', ''))})" for n in plan
    )


def uses(plan: list[dict[str, Any]], node_types: tuple[str, ...], index: str) -> bool:
    return any(n["Node Type"] in node_types and n.get("Index Name") == index for n in plan)


def scans_table(plan: list[dict[str, Any]]) -> bool:
    return any(n["Node Type"] == "Seq Scan" and n.get("Relation Name") == "products" for n in plan)


def test_every_list_shape_uses_an_index():
    rng = random.Random(7)
    rows = catalog(rng)
    copy_products(rows)
    with sync_engine().connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        spread = "UPDATE products SET updated_at = now() - (id % 997) * interval '1 minute'"
        conn.execute(text(spread))
        conn.execute(text("VACUUM ANALYZE products"))
        rare_sku = rows[ROWS // 2][0][4:11]  # e.g. "050000-": one product
        failures: list[str] = []

        def check(label: str, statement: Any, node_types: tuple[str, ...], index: str) -> None:
            plan = explain(conn, statement)
            if not uses(plan, node_types, index) or scans_table(plan):
                failures.append(f"{label}: {describe(plan)}")

        walk = ("Index Scan", "Index Only Scan")
        bitmap = ("Bitmap Index Scan",)
        key_row = conn.execute(sql.key_at(ProductSort.NAME, ROWS // 2)).one()
        for sort in ProductSort:
            index = SORT_INDEX[sort.field]
            check(f"page sort={sort}", sql.page(sort, 50), walk, index)
            keys = conn.execute(sql.key_at(sort, 1_000)).one()
            check(f"seek sort={sort}", sql.page(sort, 50, from_keys=tuple(keys)), walk, index)
            for filters in (
                ProductFilters(q="steel"),
                ProductFilters(q="model q12"),
                ProductFilters(sku=rare_sku),
                ProductFilters(name="kettle"),
                ProductFilters(description="camping"),
                ProductFilters(is_active=False),
                ProductFilters(is_active=True, q="lamp"),
            ):
                statement = sql.window_page(filters, sort, 50, 0, 5_000)
                check(f"window sort={sort} {filters}", statement, walk, index)
        for sort in (ProductSort.ID, ProductSort.UPDATED_AT_DESC):
            statement = sql.key_at(sort, ROWS // 2)
            check(f"deep key sort={sort}", statement, ("Index Only Scan",), SORT_INDEX[sort.field])
        statement = sql.page(ProductSort.NAME, 50, from_keys=tuple(key_row))
        check("cursor sort=name", statement, walk, SORT_INDEX["name"])

        for filters, index in (
            (ProductFilters(q="model q12"), "ix_products_name_trgm"),
            (ProductFilters(q=rare_sku), "ix_products_sku_trgm"),
            (ProductFilters(sku=rare_sku), "ix_products_sku_trgm"),
            (ProductFilters(name="model q12"), "ix_products_name_trgm"),
            (ProductFilters(is_active=False), "ix_products_inactive"),
        ):
            for sort in (ProductSort.ID, ProductSort.NAME_DESC, ProductSort.UPDATED_AT):
                statement = sql.matched_page(filters, sort, 50, 0)
                check(f"matches sort={sort} {filters}", statement, (*bitmap, *walk), index)
            check(f"count {filters}", sql.count(filters, 10_001), (*bitmap, *walk), index)
        whole_sku = rows[ROWS // 3][0].lower()
        for filters in (ProductFilters(q=whole_sku), ProductFilters(q=whole_sku, is_active=True)):
            statement = sql.exact_sku(filters, whole_sku)
            check(f"exact sku {filters}", statement, walk, SORT_INDEX["sku"])

    assert not failures, "\n".join(failures)
