"""`GET /imports/{id}/errors.csv`: an import's skipped rows, as CSV.

Each row has its line in the file, the column and the reason, then the values as the
file had them, so that the corrected rows can be imported again. PostgreSQL writes
the rows (`COPY … TO STDOUT`, see `core.spooled_download`).
"""

import uuid
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import ColumnElement, literal_column

from product_importer.core.spooled_download import csv_download, csv_text_cell
from product_importer.core.spreadsheet import cut_to_a_cell_sql, safe_cell_sql
from product_importer.imports import repository

ERROR_COLUMNS = ["line", "column", "reason", "sku", "name", "description"]


def _error_cell(column: str) -> ColumnElement[Any]:
    """The original value, made safe to open in a spreadsheet (no formula execution). A
    value the file had guarded already (it came from an export) keeps its one guard, so
    the corrected rows import as the original would. A value longer than a cell holds
    (it was skipped for its length: every valid value fits) is cut to one."""
    value = cut_to_a_cell_sql(f"coalesce(import_errors.\"{column}\", '')")
    return csv_text_cell(safe_cell_sql(value, guarded_stays=True))


ERROR_CELLS = (
    literal_column("import_errors.line"),
    *(_error_cell(column) for column in ERROR_COLUMNS[1:]),
)


def errors_csv(import_id: uuid.UUID) -> AsyncIterator[bytes]:
    """The skipped rows as CSV, sent as they are written (a paused download holds no
    connection: see `core.spooled_download`). Raises `DownloadsBusy` while as many
    downloads as the settings allow are being written, or hold their file."""
    return csv_download(ERROR_COLUMNS, repository.errors_of(import_id, ERROR_CELLS))
