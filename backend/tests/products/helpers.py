"""Products straight into the database, and what the outbox recorded."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, select, text

from product_importer.db import sync_engine
from product_importer.products import list_service
from product_importer.products.models import Product
from product_importer.webhooks.models import OutboxEvent

API = "/api/v1/products"


def add_products(rows: Iterable[dict[str, Any]]) -> list[int]:
    """Insert products (defaults as the API's) and return their ids in order."""
    values = [{"description": None, "is_active": True, **row} for row in rows]
    with sync_engine().begin() as conn:
        statement = insert(Product).returning(Product.id, sort_by_parameter_order=True)
        result = conn.execute(statement, values)
        return [row.id for row in result]


def numbered(count: int, **fields: Any) -> list[dict[str, Any]]:
    return [{"sku": f"SKU-{i:05d}", "name": f"Product {i:05d}", **fields} for i in range(count)]


def copy_products(rows: Sequence[tuple[str, str, str | None, bool]]) -> None:
    """COPY many products in at once: (sku, name, description, is_active); an empty or
    None description is NULL."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        (sku, name, description or "", "t" if active else "f")
        for sku, name, description, active in rows
    )
    buffer.seek(0)
    raw = sync_engine().raw_connection()
    try:
        with raw.cursor() as cur:
            copy = "COPY products (sku, name, description, is_active) FROM STDIN (FORMAT csv)"
            cur.copy_expert(copy, buffer)
        raw.commit()
    finally:
        raw.close()


def events(event_type: str | None = None) -> list[dict[str, Any]]:
    """Recorded events' payloads, oldest first."""
    statement = select(OutboxEvent.payload).order_by(OutboxEvent.created_at, OutboxEvent.id)
    if event_type:
        statement = statement.where(OutboxEvent.type == event_type)
    with sync_engine().connect() as conn:
        return [row.payload for row in conn.execute(statement)]


def sql_scalar(statement: str, **params: Any) -> Any:
    with sync_engine().connect() as conn:
        return conn.execute(text(statement), params).scalar()


def sql_execute(statement: str, **params: Any) -> None:
    with sync_engine().begin() as conn:
        conn.execute(text(statement), params)


def sampled_totals(monkeypatch: Any, planner_estimate: int, exact_count_max: int = 0) -> None:
    """Totals of 40,000-row tables estimated as at catalog scale: counted up to
    `exact_count_max` matches, else from a sample of a fifth of the table, and the
    planner's estimate of any filter is `planner_estimate`."""
    monkeypatch.setattr(list_service, "EXACT_COUNT_MAX", exact_count_max)
    monkeypatch.setattr(list_service, "SAMPLE_ROWS", 8_000)

    async def planner(session: Any, filters: Any) -> int:
        return planner_estimate

    monkeypatch.setattr(list_service, "_estimate", planner)


def copy_named_products(names: Sequence[str], rows: int = 40_000, seed: int = 5) -> None:
    """`rows` products, each named one of `names` (drawn at random) and its number."""
    rng = random.Random(seed)
    copy_products([(f"S-{i}", f"{rng.choice(names)} {i}", None, True) for i in range(rows)])
