"""Upload files through the API and wait for the real worker to finish them, or store
an import for a test to run in-process."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from sqlalchemy import text

from product_importer.db import sync_engine

FINAL = ("completed", "failed", "cancelled")


async def upload(client: Any, content: bytes, filename: str = "products.csv") -> Any:
    return await client.post("/api/v1/imports", files={"file": (filename, content, "text/csv")})


async def wait_final(client: Any, import_id: str, within: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        body = (await client.get(f"/api/v1/imports/{import_id}")).json()
        if body["status"] in FINAL:
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"import {import_id} did not finish: {body}")


async def import_file(
    client: Any, content: bytes, filename: str = "products.csv"
) -> dict[str, Any]:
    response = await upload(client, content, filename)
    assert response.status_code == 202, response.text
    return await wait_final(client, response.json()["id"])


def products() -> dict[str, tuple[str, str, str | None, bool]]:
    """lower(sku) → (sku, name, description, is_active)."""
    with sync_engine().connect() as conn:
        rows = conn.execute(text("SELECT sku, name, description, is_active FROM products"))
        return {r.sku.lower(): (r.sku, r.name, r.description, r.is_active) for r in rows}


def csv_bytes(*lines: str, newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode("utf-8")


def stored_import(content: bytes) -> uuid.UUID:
    """An import row and its file, stored without queueing a task."""
    with sync_engine().begin() as conn:
        import_id = conn.execute(
            text("INSERT INTO imports (filename, file_size) VALUES ('d.csv', :n) RETURNING id"),
            {"n": len(content)},
        ).scalar_one()
        conn.execute(
            text("INSERT INTO import_file_chunks (import_id, seq, data) VALUES (:i, 0, :d)"),
            {"i": import_id, "d": content},
        )
    return import_id


def staging_tables() -> list[str]:
    """Staging tables left in the database (an import drops its own before it ends)."""
    with sync_engine().connect() as conn:
        found = text(r"SELECT relname FROM pg_class WHERE relname LIKE 'import\_rows\_%'")
        rows = conn.execute(found)
        return list(rows.scalars())
