"""Blank lines are no rows. At the end of a file (as many editors leave them) COPY
still reads it: they no longer send the whole file to the slower careful path."""

import pytest

from product_importer.imports import runner, staging
from tests.imports.helpers import csv_bytes, products, stored_import, stored_record


def _careful_path_refused(*args, **kwargs):
    raise AssertionError("read by the careful path")


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("blank_lines", [1, 3])
def test_blank_lines_at_the_end_leave_the_file_to_copy(monkeypatch, newline, blank_lines):
    monkeypatch.setattr(staging, "_stage_with_python", _careful_path_refused)
    content = csv_bytes("sku,name", "B-1,One", "B-2,Two", newline=newline)
    import_id = stored_import(content + newline.encode() * blank_lines)
    assert runner.run_import(import_id) == "completed"
    record = stored_record(import_id)
    assert (record.created, record.skipped, record.total_rows) == (2, 0, 2)
    assert set(products()) == {"b-1", "b-2"}


@pytest.mark.parametrize("read_bytes", [1, 2, 3, 5])
def test_line_ends_split_between_reads_are_held_and_given_back(monkeypatch, read_bytes):
    monkeypatch.setattr(staging, "_stage_with_python", _careful_path_refused)
    monkeypatch.setattr(staging, "COPY_READ_BYTES", read_bytes)
    # Line ends inside quotes (given back) and blank lines at the end (left out).
    import_id = stored_import(b'sku,name\r\nB-0,"Two\r\n\r\nlines"\r\nB-1,One\r\n\r\n\r\n')
    assert runner.run_import(import_id) == "completed"
    assert products() == {
        "b-0": ("B-0", "Two\r\n\r\nlines", None, True),
        "b-1": ("B-1", "One", None, True),
    }


def test_a_last_line_without_its_line_end_is_still_read_by_copy(monkeypatch):
    monkeypatch.setattr(staging, "_stage_with_python", _careful_path_refused)
    import_id = stored_import(b"sku,name\nB-1,One\nB-2,Two")
    assert runner.run_import(import_id) == "completed"
    assert set(products()) == {"b-1", "b-2"}


def test_blank_lines_between_rows_are_skipped_silently():
    import_id = stored_import(b"sku,name\nB-1,One\n\n\nB-2,Two\n")
    assert runner.run_import(import_id) == "completed"
    record = stored_record(import_id)
    assert (record.created, record.skipped) == (2, 0)


def test_blank_lines_by_the_thousand_are_read_by_the_careful_path_in_bounded_reads():
    """Held back in case the file ends with them, up to a bound: beyond it, COPY gets
    them and refuses them, and the careful path reads the file."""
    content = b"sku,name\nB-1,One\n" + b"\n" * (staging.COPY_READ_BYTES * 3) + b"B-2,Two\n"
    import_id = stored_import(content)
    reads: list[int] = []
    real_read = staging._RegularQuotesReader.read

    def recorded_read(self, size=-1):
        data = real_read(self, size)
        reads.append(len(data))
        return data

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(staging._RegularQuotesReader, "read", recorded_read)
        assert runner.run_import(import_id) == "completed"
    assert max(reads) <= staging.COPY_READ_BYTES + staging.HELD_LINE_ENDS_MAX
    assert set(products()) == {"b-1", "b-2"}
