"""The metrics middleware counts an answer when it starts and leaves its body alone: a
body that fails once started reaches the server as the failure it is, and the client
sees the download cut off, never a complete (short) file. The API runs as its own
process: what a real client sees."""

from __future__ import annotations

from tests.imports.helpers import api_process, import_with_errors
from tests.products.test_export_streaming import assert_cut_off


def test_an_error_report_that_fails_while_it_is_sent_is_cut_off():
    import_id = import_with_errors(5_000)
    with api_process() as (url, _server):
        report = f"{url}/api/v1/imports/{import_id}/errors.csv"
        assert_cut_off(report, "SELECT import_errors.line", "import_errors")
