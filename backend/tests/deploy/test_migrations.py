"""Data migrations, on a database that has data from earlier versions."""

from alembic import command
from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.migrations import alembic_config
from tests.imports.helpers import csv_bytes, stored_import


def _status(import_id: object, status: str) -> None:
    with sync_engine().begin() as conn:
        conn.execute(
            text("UPDATE imports SET status = :status WHERE id = :id"),
            {"id": import_id, "status": status},
        )


def test_the_files_of_ended_imports_are_forgotten():
    content = csv_bytes("sku,name", "M-1,Migrated")
    command.downgrade(alembic_config(), "0007")
    try:
        ended = {status: stored_import(content) for status in ("failed", "cancelled")}
        for status, import_id in ended.items():
            _status(import_id, status)
        queued = stored_import(content)
    finally:
        command.upgrade(alembic_config(), "head")
    with sync_engine().connect() as conn:
        kept = conn.execute(text("SELECT DISTINCT import_id FROM import_file_chunks")).scalars()
        assert list(kept) == [queued]
