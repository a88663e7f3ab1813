"""A claim that fails part-way (the database failing while the worker records how an
import ended) lets go of the import, so the sweep can find it again: the pooled
connection must not keep holding its advisory lock."""

import pytest
from sqlalchemy import func

from product_importer.config import get_settings
from product_importer.imports import recovery, runner
from tests.imports.helpers import csv_bytes, set_import, stored_import


class DatabaseGone(Exception):
    pass


def test_a_claim_that_fails_releases_the_import(monkeypatch):
    import_id = stored_import(csv_bytes("sku,name", "F-1,Fails"))
    set_import(import_id, status="running", attempts=99, heartbeat_at=func.now())

    def fail(*_args: object, **_kwargs: object) -> None:
        raise DatabaseGone()

    monkeypatch.setattr(runner, "_finish_unapplied", fail)
    with pytest.raises(DatabaseGone):
        runner.run_import(import_id)
    stale = get_settings().import_stale_after_seconds
    assert import_id in recovery.stalled_imports(stale)
