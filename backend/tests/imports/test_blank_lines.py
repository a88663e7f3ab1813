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
