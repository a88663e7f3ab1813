"""The worker's log says how each import ended, by its id: Celery's own line names only
its task ("succeeded … 'failed'"), which an operator cannot trace to an import."""

from __future__ import annotations

import logging

import pytest

from product_importer.imports import runner
from tests.imports.helpers import csv_bytes, stored_import


def _logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == runner.__name__]


def test_a_completed_import_is_logged_with_its_counts(caplog):
    import_id = stored_import(csv_bytes("sku,name", "L-1,One", "L-2,Two", ",no sku"))
    with caplog.at_level(logging.INFO, logger=runner.__name__):
        assert runner.run_import(import_id) == "completed"
    counts = "3 rows, 2 created, 0 updated, 0 unchanged, 1 skipped"
    assert f"import {import_id} completed: {counts}" in _logged(caplog)


def test_a_failed_import_is_logged_with_its_reason(caplog):
    import_id = stored_import(csv_bytes("sku,name", "L-1,One") + b'L-2,"never closed\n')
    with caplog.at_level(logging.INFO, logger=runner.__name__):
        assert runner.run_import(import_id) == "failed"
    [line] = [m for m in _logged(caplog) if m.startswith(f"import {import_id} failed (file): ")]
    assert "line 3" in line.lower()
