"""The UI tells a failure caused by the file (Retry asks for a corrected file) from any
other (Retry sends the same file again) by how the message starts: `Line N`, `The file`
or `The header row` (frontend/src/features/imports/api/status.ts, `isFileProblem`).
These are the worker's file failures; each must keep one of those openings, and a
failure that is not the file's must not take one."""

import re

import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.imports import runner
from tests.imports.helpers import stored_import

FILE_PROBLEM = re.compile(r"^(Line \d+\b|The file\b|The header row\b)")  # as the UI reads it
GOOD = "".join(f"G-{i},Name {i}\n" for i in range(5_000))  # past the API's 64 KiB check
IRREGULAR_QUOTE = 'Q-1,Monitor 27" wide\n'  # read by the careful path from here on

FILE_FAILURES = {
    "invalid UTF-8": b"X-1,caf\xe9\n",
    "a NUL byte": b"X-1,a\x00b\n",
    "a quote never closed": b'X-1,"never closed\nX-2,more\n',
    "a carriage return alone": b"X-1,old mac\rX-2,line\n",
}


def _error(import_id) -> str:
    with sync_engine().connect() as conn:
        query = text("SELECT error FROM imports WHERE id = :id")
        return conn.execute(query, {"id": import_id}).scalar_one()


@pytest.mark.parametrize("first_row", ["R-1,Regular\n", IRREGULAR_QUOTE], ids=["copy", "careful"])
@pytest.mark.parametrize("tail", FILE_FAILURES.values(), ids=FILE_FAILURES.keys())
def test_a_file_failure_opens_as_the_ui_expects(first_row, tail):
    import_id = stored_import(f"sku,name\n{first_row}{GOOD}".encode() + tail)

    assert runner.run_import(import_id) == "failed"
    error = _error(import_id)
    assert FILE_PROBLEM.match(error), error


def test_a_failure_that_is_not_the_file_s_does_not(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(runner, "run_pipeline", broken)
    import_id = stored_import(b"sku,name\nA-1,Fine\n")

    assert runner.run_import(import_id) == "failed"
    error = _error(import_id)
    assert not FILE_PROBLEM.match(error), error
