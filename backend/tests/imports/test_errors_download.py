"""The skipped rows download is named after the imported file, safely."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import insert, text

from product_importer.config import get_settings
from product_importer.core.spooled_download import Place
from product_importer.core.spreadsheet import CELL_KEPT_CHARS, CELL_MAX_UNITS
from product_importer.db import sync_engine
from product_importer.imports.models import SkippedRow
from tests.imports.helpers import csv_bytes, set_import, stored_import


def _import_named(filename: str) -> str:
    with sync_engine().begin() as conn:
        statement = text(
            "INSERT INTO imports (filename, status) VALUES (:f, 'completed') RETURNING id"
        )
        return str(conn.execute(statement, {"f": filename}).scalar_one())


async def _disposition(client, filename: str) -> str:
    response = await client.get(f"/api/v1/imports/{_import_named(filename)}/errors.csv")
    assert response.status_code == 200
    assert response.text.startswith("\ufeffline,")  # a BOM: spreadsheets read UTF-8
    return response.headers["content-disposition"]


async def test_the_download_is_named_after_the_file(client):
    assert await _disposition(client, "products.csv") == (
        'attachment; filename="products-errors.csv"'
    )
    assert await _disposition(client, "Spring stock.CSV") == (
        'attachment; filename="Spring stock-errors.csv"'
    )
    # A path some clients send: its last part.
    assert await _disposition(client, "C:\\Users\\me\\feed.csv") == (
        'attachment; filename="feed-errors.csv"'
    )


async def test_a_name_that_is_not_plain_ascii_is_encoded(client):
    assert await _disposition(client, "Prodüits été.csv") == (
        'attachment; filename="Prod_its _t_-errors.csv"; '
        "filename*=UTF-8''Prod%C3%BCits%20%C3%A9t%C3%A9-errors.csv"
    )


async def test_quotes_and_line_breaks_cannot_break_out_of_the_header(client):
    value = await _disposition(client, 'a"; filename="evil.exe\r\nX-Injected: 1.csv')
    assert "\r" not in value and "\n" not in value
    assert value == (
        'attachment; filename="a_; filename=_evil.exe__X-Injected: 1-errors.csv"; '
        "filename*=UTF-8''a%22%3B%20filename%3D%22evil.exe%0D%0AX-Injected%3A%201-errors.csv"
    )


async def test_an_error_report_beyond_the_download_caps_is_refused_until_one_is_written(client):
    """Error reports count in the caps exports count in: 503 and `Retry-After`."""
    import_id = _import_named("products.csv")
    places = [Place() for _ in range(get_settings().export_writing_max)]
    try:
        refused = await client.get(f"/api/v1/imports/{import_id}/errors.csv")
        assert refused.status_code == 503
        assert refused.headers["retry-after"].isdigit()
        assert "are being written already" in refused.json()["detail"]
    finally:
        for place in places:
            place.give_back()
    assert (await client.get(f"/api/v1/imports/{import_id}/errors.csv")).status_code == 200


@pytest.mark.parametrize("status", ["queued", "running"])
async def test_the_report_of_an_import_not_ended_is_refused_not_sent_empty(client, status):
    """Its skipped rows are written when it commits: an empty report would say that
    none were skipped."""
    import_id = stored_import(csv_bytes("sku,name", ",no sku"))
    set_import(import_id, status=status)
    response = await client.get(f"/api/v1/imports/{import_id}/errors.csv")
    assert response.status_code == 409, response.text
    assert response.json()["detail"] == (
        f"Import {import_id} is {status}: its error report is complete once it has ended."
    )
    assert response.headers["Retry-After"] == "5"


async def test_a_value_longer_than_a_spreadsheet_cell_is_cut_to_one(client):
    """A skipped 3,000,000-character description would be cut or spill over rows where
    the report is opened; the report says where it was cut."""
    import_id = stored_import(csv_bytes("sku,name", "A-1,One"))
    set_import(import_id, status="completed")
    long_value, fitting = "=" + "😀" * 2_999_999, "y" * CELL_KEPT_CHARS
    with sync_engine().begin() as conn:
        conn.execute(
            insert(SkippedRow),
            [
                {
                    "import_id": import_id,
                    "line": 2,
                    "column": "description",
                    "reason": "too long",
                    "sku": "A-1",
                    "name": "One",
                    "description": long_value,
                },
                {
                    "import_id": import_id,
                    "line": 3,
                    "column": "name",
                    "reason": "too long",
                    "sku": "A-2",
                    "name": fitting,
                    "description": None,
                },
            ],
        )
    response = await client.get(f"/api/v1/imports/{import_id}/errors.csv")
    rows = list(csv.reader(io.StringIO(response.text.removeprefix("\ufeff"))))
    cut = rows[1][5]
    assert cut.startswith("'=😀😀") and cut.endswith("…")  # guarded, and the guard fits too
    assert len(cut.encode("utf-16-le")) // 2 <= CELL_MAX_UNITS  # as a spreadsheet counts
    assert rows[2][4] == fitting  # a value that fits is whole
