"""A failed import says whether its file is at fault (`error_kind`: `file`, so a client
asks for a corrected file; the UI's Retry does) or not (`system`: the same file may
import). The file's messages also open with where the problem is: `Line N`, `The file`
or `The header row` (migration 0010 sorts imports failed before by that opening)."""

import re

import pytest

from product_importer.imports import runner
from tests.imports.helpers import stored_import, stored_record

FILE_PROBLEM = re.compile(r"^(Line \d+\b|The file\b|The header row\b)")
GOOD = "".join(f"G-{i},Name {i}\n" for i in range(5_000))  # past the API's 64 KiB check
IRREGULAR_QUOTE = 'Q-1,Monitor 27" wide\n'  # read by the careful path from here on

FILE_FAILURES = {
    "invalid UTF-8": b"X-1,caf\xe9\n",
    "a NUL byte": b"X-1,a\x00b\n",
    "a quote never closed": b'X-1,"never closed\nX-2,more\n',
    "a carriage return alone": b"X-1,old mac\rX-2,line\n",
}


def _error(import_id) -> tuple[str, str]:
    record = stored_record(import_id)
    return record.error, record.error_kind


@pytest.mark.parametrize("first_row", ["R-1,Regular\n", IRREGULAR_QUOTE], ids=["copy", "careful"])
@pytest.mark.parametrize("tail", FILE_FAILURES.values(), ids=FILE_FAILURES.keys())
def test_a_failure_of_the_file_is_said_to_be_the_file_s(first_row, tail):
    import_id = stored_import(f"sku,name\n{first_row}{GOOD}".encode() + tail)

    assert runner.run_import(import_id) == "failed"
    error, kind = _error(import_id)
    assert kind == "file" and FILE_PROBLEM.match(error), error


def test_a_failure_that_is_not_the_file_s_is_not(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(runner, "run_pipeline", broken)
    import_id = stored_import(b"sku,name\nA-1,Fine\n")

    assert runner.run_import(import_id) == "failed"
    error, kind = _error(import_id)
    assert kind == "system" and not FILE_PROBLEM.match(error), error
