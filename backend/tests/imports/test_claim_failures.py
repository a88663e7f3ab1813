"""A claim that fails part-way (the database failing while the worker records how an
import ended) lets go of the import, so the sweep can find it again: the pooled
connection must not keep holding its advisory lock."""

import pytest
from sqlalchemy import text

from product_importer.config import get_settings
from product_importer.db import sync_engine
from product_importer.imports import recovery, runner
from tests.imports.helpers import csv_bytes, stored_import


class DatabaseGone(Exception):
    pass


def test_a_claim_that_fails_releases_the_import(monkeypatch):
    import_id = stored_import(csv_bytes("sku,name", "F-1,Fails"))
    with sync_engine().begin() as conn:
        conn.execute(
            text(
                "UPDATE imports SET status = 'running', attempts = 99, heartbeat_at = now()"
                " WHERE id = :id"
            ),
            {"id": import_id},
        )

    def fail(*_args: object, **_kwargs: object) -> None:
        raise DatabaseGone()

    monkeypatch.setattr(runner, "_finish_unapplied", fail)
    with pytest.raises(DatabaseGone):
        runner.run_import(import_id)
    stale = get_settings().import_stale_after_seconds
    assert import_id in recovery.stalled_imports(stale)
