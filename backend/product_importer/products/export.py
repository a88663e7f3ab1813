"""`GET /products/export.csv`: every product matching the list's filters, streamed.

Rows come from a server-side cursor on a connection of the export's own (the
response outlives the request's session), so memory stays flat at any size. The
file is UTF-8 with a BOM (spreadsheets then read it as UTF-8), RFC 4180 quoting,
and re-imports as is: `sku`, `name`, `description` columns; the others are ignored
by the import.
"""

import csv
import io
from collections.abc import AsyncIterator, Iterable
from typing import Any

from product_importer.core.spreadsheet import safe_cell
from product_importer.db import async_engine
from product_importer.products import list_queries as sql
from product_importer.products.filters import ProductFilters, ProductSort

HEADER = ("id", "sku", "name", "description", "is_active", "created_at", "updated_at")
BATCH_ROWS = 2_000


def _cells(row: Any) -> tuple[Any, ...]:
    return (
        row.id,
        safe_cell(row.sku),
        safe_cell(row.name),
        safe_cell(row.description or ""),
        "true" if row.is_active else "false",
        row.created_at.isoformat(),
        row.updated_at.isoformat(),
    )


def _encode(rows: Iterable[tuple[Any, ...]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


async def export_csv(filters: ProductFilters, sort: ProductSort) -> AsyncIterator[bytes]:
    yield "\ufeff".encode() + _encode([HEADER])
    async with async_engine().connect() as conn:
        result = await conn.stream(
            sql.export(filters, sort).execution_options(yield_per=BATCH_ROWS)
        )
        async for batch in result.partitions(BATCH_ROWS):
            yield _encode(_cells(row) for row in batch)
