"""A rebuilding import and the readers of `products`: a long reader keeps the old table
(the import then merges row by row), and nobody queues behind the import's wait."""

import threading

from sqlalchemy import text

from product_importer.core import table_locks
from product_importer.db import sync_engine
from product_importer.imports import rebuild, runner
from tests.imports.helpers import csv_bytes, products, staging_tables, stored_import


def test_a_long_reader_makes_the_rebuild_merge_instead_and_others_keep_reading(monkeypatch):
    monkeypatch.setattr(rebuild, "SWAP_LOCK_SECONDS", 1.5)
    monkeypatch.setattr(table_locks, "LONGEST_ATTEMPT_MS", 200)
    import_id = stored_import(csv_bytes("sku,name", *[f"L-{i},Long {i}" for i in range(30)]))
    outcome: list[str] = []
    with sync_engine().connect() as long_reader:
        table = long_reader.execute(text("SELECT 'products'::regclass::oid")).scalar_one()
        long_reader.execute(text("SELECT count(*) FROM products"))  # holds ACCESS SHARE
        running = threading.Thread(target=lambda: outcome.append(runner.run_import(import_id)))
        running.start()
        while running.is_alive():
            with sync_engine().connect() as reader:
                # Queued behind the import's wait for its exclusive lock, this reader
                # would exceed its lock timeout; asked in short attempts, it never does.
                reader.execute(text("SET lock_timeout = '1s'"))
                reader.execute(text("SELECT count(*) FROM products")).scalar_one()
            running.join(0.1)
        long_reader.rollback()
    assert outcome == ["completed"]
    assert len(products()) == 30
    with sync_engine().connect() as conn:
        assert conn.execute(text("SELECT 'products'::regclass::oid")).scalar_one() == table
    assert staging_tables() == []
