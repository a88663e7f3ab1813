"""Invalid UTF-8 past the first 64 KiB (which the API checks) fails the import with
the line that holds it, whichever path reads the file."""

import re

import pytest
from sqlalchemy import select

from product_importer.db import sync_session
from product_importer.imports import runner
from product_importer.imports.models import SkippedRow
from tests.imports.helpers import stored_import, stored_record

GOOD_ROWS = 5_000  # ~70 KB: past the API's 64 KiB check
IRREGULAR_QUOTE = 'Q-1,Monitor 27" wide'  # read by the careful path from here on


def _file(first_row: str, bad: bytes) -> tuple[bytes, int]:
    """The file, and the line of its bad bytes (after a record of three lines)."""
    lines = ["sku,name", first_row, 'M-1,"a name on\nthree\nlines"']
    lines += [f"S-{i},Name {i}" for i in range(GOOD_ROWS)]
    text_part = "\n".join(lines) + "\n"
    return text_part.encode() + b"BAD-1," + bad + b"\nZ-1,After\n", text_part.count("\n") + 1


@pytest.mark.parametrize("first_row", ["R-1,Regular", IRREGULAR_QUOTE], ids=["copy", "careful"])
@pytest.mark.parametrize(
    "bad",
    [b"\xff", b"caf\xe9", b"\xed\xa0\x80 (a surrogate)", b"cut \xe2\x82"],
    ids=["ff", "latin-1", "encoded-surrogate", "cut-sequence"],
)
def test_invalid_utf8_fails_with_its_line(first_row, bad):
    content, line = _file(first_row, bad)
    import_id = stored_import(content)
    assert runner.run_import(import_id) == "failed"
    error = stored_record(import_id).error
    assert error.startswith(f"Line {line}: the file is not valid UTF-8 text"), error
    # The bytes in capitals, from the first that is not ASCII, as the upload's check says.
    shown = re.search(r"\(bytes ((?:0x[0-9A-Fa-f]{2} ?)+)\)", error)
    first = next(byte for byte in bad if byte >= 0x80)
    assert shown and shown.group(1) == shown.group(1).upper().replace("0X", "0x"), error
    assert shown.group(1).startswith(f"0x{first:02X}"), error


def _skipped_lines(import_id) -> list[int]:
    with sync_session() as session:
        statement = select(SkippedRow.line).where(SkippedRow.import_id == import_id)
        return sorted(session.execute(statement).scalars())


@pytest.mark.parametrize("last_row", ["R-9,Regular", IRREGULAR_QUOTE], ids=["copy", "careful"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("inside", ["\r", "\n"], ids=["cr", "lf"])
def test_only_lf_ends_a_line_inside_quotes_too(last_row, newline, inside):
    """Line numbers count LF alone, whichever path reads the file and whatever its line
    ends: a CR alone in a quoted field ends no line, an LF alone (a spreadsheet cell's
    line break in a CRLF file) ends one."""
    lines = ["sku,name", f'CR-1,"a{inside}b"', "CR-2,", last_row]
    lines += [f"S-{i},Name {i}" for i in range(GOOD_ROWS)]  # past the API's 64 KiB check
    content = (newline.join(lines) + newline).encode()
    spans = inside == "\n"
    import_id = stored_import(content)
    assert runner.run_import(import_id) == "completed"
    assert _skipped_lines(import_id) == [3 + spans]
    failing = stored_import(content + b"BAD-1,caf\xe9" + newline.encode())
    assert runner.run_import(failing) == "failed"
    error = stored_record(failing).error
    assert error.startswith(f"Line {5 + spans + GOOD_ROWS}: the file is not valid UTF-8"), error
