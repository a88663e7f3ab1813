"""`GET /products/export.csv`: every product matching the list's filters, as CSV.

The answer starts at once; the rows are then written to a temporary file (from a
server-side cursor, so memory stays flat at any size) and sent from it. So the
connection and the table's lock are held only while the query runs, not while the
client downloads: a paused download would otherwise keep delete-all and an import's
rebuild waiting for the table, and enough of them would take every connection of the
pool. The file is removed when the download ends or its client goes away; until then
it takes about the export's size in the system's temporary directory (`TMPDIR`). At
most `RUNNING_MAX` exports query at once; another meanwhile is refused
(`ExportsBusy`).

The file is UTF-8 with a BOM (spreadsheets then read it as UTF-8), RFC 4180 quoting,
and re-imports as is: `sku`, `name`, `description` columns; the others are ignored
by the import.
"""

import csv
import io
import tempfile
import weakref
from collections.abc import AsyncIterator, Iterable
from typing import IO, Any

import anyio
import anyio.to_thread

from product_importer.core.spreadsheet import safe_cell
from product_importer.db import async_engine
from product_importer.products import list_queries as sql
from product_importer.products.filters import ProductFilters, ProductSort

HEADER = ("id", "sku", "name", "description", "is_active", "created_at", "updated_at")
BATCH_ROWS = 2_000
SEND_BYTES = 256 * 1024
# Each export writing its rows holds a connection of the API's pool (~10 s per 500,000
# rows, most of it making the CSV): a few at once leave the rest of the pool to the API.
RUNNING_MAX = 2


class ExportsBusy(Exception):
    def __init__(self) -> None:
        super().__init__(
            f"{RUNNING_MAX} exports are being written already; try again in a few seconds."
        )


class Place:
    """One of the `RUNNING_MAX` places of the exports writing their rows, taken with the
    request and given back once its rows are written. (A plain count: the API process
    runs one event loop.)"""

    taken = 0

    def __init__(self) -> None:
        if Place.taken >= RUNNING_MAX:
            raise ExportsBusy()
        Place.taken += 1
        self._held = True

    def give_back(self) -> None:
        if self._held:
            self._held = False
            Place.taken -= 1


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


def _encode_batch(rows: Iterable[Any]) -> bytes:
    return _encode(_cells(row) for row in rows)


async def _write_rows(
    file: anyio.AsyncFile[bytes], filters: ProductFilters, sort: ProductSort
) -> None:
    async with async_engine().connect() as conn:
        result = await conn.stream(
            sql.export(filters, sort).execution_options(yield_per=BATCH_ROWS)
        )
        async for batch in result.partitions(BATCH_ROWS):
            # In a thread: making the CSV is most of an export's time, and the event loop
            # must keep answering other requests meanwhile.
            await file.write(await anyio.to_thread.run_sync(_encode_batch, batch))


async def _export(filters: ProductFilters, sort: ProductSort, place: Place) -> AsyncIterator[bytes]:
    yield "\ufeff".encode() + _encode([HEADER])
    raw: IO[bytes] = await anyio.to_thread.run_sync(tempfile.TemporaryFile)
    async with anyio.wrap_file(raw) as file:  # closing it removes it
        try:
            await _write_rows(file, filters, sort)
        finally:
            place.give_back()
        await file.seek(0)
        while chunk := await file.read(SEND_BYTES):
            yield chunk


def export_csv(filters: ProductFilters, sort: ProductSort) -> AsyncIterator[bytes]:
    """The file's bytes. Raises `ExportsBusy` while `RUNNING_MAX` exports are being
    written."""
    place = Place()
    rows = _export(filters, sort, place)
    # An answer dropped before it began (its client left at once) never runs `rows`:
    # the place comes back when `rows` is collected.
    weakref.finalize(rows, place.give_back)
    return rows
