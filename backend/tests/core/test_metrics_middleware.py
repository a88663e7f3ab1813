"""The metrics middleware counts an answer when it starts and leaves its body alone: a
body that fails once started reaches the server as the failure it is, and the client
sees the download cut off, never a complete (short) file. The API runs as its own
process: what a real client sees."""

from __future__ import annotations

from sqlalchemy import text

from product_importer.db import sync_engine
from tests.imports.helpers import api_process
from tests.products.test_export_streaming import assert_cut_off


def test_an_error_report_that_fails_while_it_is_sent_is_cut_off():
    with sync_engine().begin() as conn:
        statement = text("INSERT INTO imports (filename) VALUES ('products.csv') RETURNING id")
        import_id = conn.execute(statement).scalar_one()
        conn.execute(
            text(
                "INSERT INTO import_errors (import_id, line, reason, sku) "
                "SELECT :id, n, 'missing name', 'E-' || n FROM generate_series(2, 5001) n"
            ),
            {"id": import_id},
        )
    with api_process() as (url, _server):
        report = f"{url}/api/v1/imports/{import_id}/errors.csv"
        assert_cut_off(report, "SELECT import_errors.line", "import_errors")
