"""`GET /products/export.csv`: every product matching the list's filters, as CSV.

The answer starts at once with the header; the rows are sent as they are written, a
paused download holding no connection (`core.spooled_download` says how, and the caps
it shares with the import error reports).

The file is UTF-8 with a BOM (spreadsheets then read it as UTF-8), RFC 4180 quoting,
and re-imports as is: `sku`, `name`, `description` columns; the others are ignored
by the import.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any

from product_importer.core.spooled_download import csv_bytes, spooled_download
from product_importer.core.spreadsheet import safe_cell
from product_importer.products import list_queries as sql
from product_importer.products.filters import ProductFilters, ProductSort

HEADER = ("id", "sku", "name", "description", "is_active", "created_at", "updated_at")


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


def _encode_products(rows: Sequence[Any]) -> bytes:
    return csv_bytes(_cells(row) for row in rows)


def export_csv(filters: ProductFilters, sort: ProductSort) -> AsyncIterator[bytes]:
    """The file's bytes. Raises `DownloadsBusy` while as many downloads as the settings
    allow are being written, or hold their file."""
    head = "\ufeff".encode() + csv_bytes([HEADER])
    return spooled_download(head, sql.export(filters, sort), _encode_products)
