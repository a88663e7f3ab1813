"""`GET /products/export.csv`: every product matching the list's filters, as CSV.

The answer starts at once with the header; the rows are sent as they are written, a
paused download holding no connection (`core.spooled_download` says how, and the caps
it shares with the import error reports).

The file is UTF-8 with a BOM (spreadsheets then read it as UTF-8), RFC 4180 quoting,
and re-imports as is: `sku`, `name`, `description` columns; the others are ignored
by the import. PostgreSQL writes the rows (`COPY … TO STDOUT`): the cells are made in
SQL, as Python would write them (`isoformat()` timestamps, `true`/`false`).
"""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, literal_column

from product_importer.core.spooled_download import csv_download, csv_text_cell
from product_importer.core.spreadsheet import safe_cell_sql
from product_importer.products import list_queries as sql
from product_importer.products.filters import ProductFilters, ProductSort

HEADER = ("id", "sku", "name", "description", "is_active", "created_at", "updated_at")


def _text_cell(value: str) -> ColumnElement[Any]:
    return csv_text_cell(safe_cell_sql(value))


def _timestamp_cell(column: str) -> ColumnElement[Any]:
    """`datetime.isoformat()` of a UTC timestamp: microseconds only when not zero."""
    written = f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
    return literal_column(f"replace({written}, '.000000+', '+')")


CELLS: tuple[ColumnElement[Any], ...] = (
    sql.products.c.id,
    _text_cell("products.sku"),
    _text_cell("products.name"),
    _text_cell("coalesce(products.description, '')"),
    literal_column("CASE WHEN products.is_active THEN 'true' ELSE 'false' END"),
    _timestamp_cell("products.created_at"),
    _timestamp_cell("products.updated_at"),
)


def export_filename(asked_at: datetime) -> str:
    """`products-20261207-000343.csv`: exports taken one after another are told apart
    (UTC, to the second)."""
    return f"products-{asked_at.astimezone(UTC):%Y%m%d-%H%M%S}.csv"


def export_csv(filters: ProductFilters, sort: ProductSort) -> AsyncIterator[bytes]:
    """The file's bytes. Raises `DownloadsBusy` while as many downloads as the settings
    allow are being written, or hold their file."""
    return csv_download(HEADER, sql.export(filters, sort, CELLS))
