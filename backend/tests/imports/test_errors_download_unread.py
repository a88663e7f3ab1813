"""An error report whose download stops being read (paused, or a slow client) holds no
connection once its rows are written, as an export (see
`tests/products/test_export_unread.py`): the API runs as its own process so that a
client can really stop reading."""

from __future__ import annotations

from contextlib import ExitStack

import httpx

from tests.imports.helpers import api_process, import_with_errors
from tests.products.test_export_unread import unread_export, wait_until_written

ERRORS = 6_000
ERRORS_QUERY = "COPY (SELECT import_errors.line,"


def test_more_unread_error_reports_than_connections_leave_the_list_answering(monkeypatch):
    """Two connections in all (a pool of one, and one more): unread error reports
    holding them would leave every other request waiting for one."""
    # ~12 MB: far more than the socket buffers between the API and a client that does not read
    path = f"/api/v1/imports/{import_with_errors(ERRORS, 'd' * 2_000)}/errors.csv"
    monkeypatch.setenv("DB_POOL_SIZE", "1")
    with api_process() as (url, _server), ExitStack() as downloads:
        for _ in range(2):
            downloads.enter_context(unread_export(url, until=b"\r\n2,", path=path))
        wait_until_written(query_start=ERRORS_QUERY)
        response = httpx.get(f"{url}/api/v1/products?page_size=1", timeout=60)
        assert response.status_code == 200, response.text
        downloads.close()
        whole = httpx.get(f"{url}{path}", timeout=60)
        assert whole.status_code == 200
        assert whole.text.count("\r\n") == ERRORS + 1
