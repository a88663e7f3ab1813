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


def test_imports_failed_before_are_sorted_by_whether_their_file_is_at_fault():
    content = csv_bytes("sku,name", "M-1,Migrated")
    errors = {
        "Line 7: the file is not valid UTF-8 text (bytes 0xe9).": "file",
        "The file is empty: a header row with sku and name is required.": "file",
        "The import failed: the database went away": "system",
        "The worker running this import stopped unexpectedly 3 times.": "system",
    }
    command.downgrade(alembic_config(), "0009")
    try:
        failed = {}
        for error in errors:
            failed[error] = stored_import(content)
            with sync_engine().begin() as conn:
                conn.execute(
                    text("UPDATE imports SET status = 'failed', error = :error WHERE id = :id"),
                    {"id": failed[error], "error": error},
                )
        completed = stored_import(content)
        _status(completed, "completed")
    finally:
        command.upgrade(alembic_config(), "head")
    with sync_engine().connect() as conn:
        kinds = dict(conn.execute(text("SELECT id, error_kind FROM imports")).all())
    assert {error: kinds[failed[error]] for error in errors} == errors
    assert kinds[completed] is None


def _stored_before(revision: str, stored: dict[str, str]) -> dict[str, str]:
    """The products' SKUs and names after `stored` was inserted at `revision` and the
    migrations from there applied."""
    command.downgrade(alembic_config(), revision)
    try:
        with sync_engine().begin() as conn:
            for sku, name in stored.items():
                conn.execute(
                    text("INSERT INTO products (sku, name) VALUES (:sku, :name)"),
                    {"sku": sku, "name": name},
                )
    finally:
        command.upgrade(alembic_config(), "head")
    with sync_engine().connect() as conn:
        return dict(conn.execute(text("SELECT sku, name FROM products")).all())


def test_invisible_marks_around_stored_skus_and_names_are_trimmed_unless_skus_would_clash():
    """Products stored before the trimming of U+200B and U+FEFF meet the same SKU from a
    file or the API again; two that would become one SKU are left as they are."""
    stored = {
        "\ufeffBOM-1": "\u200bJoined",  # trimmed
        "ZW-1\u200b": "Pasted",  # trimmed
        "\ufeffTWIN-1": "First",  # would clash with TWIN-1: kept
        "twin-1": "Second",
        "\ufeffPAIR-1": "One",  # would clash with each other: kept
        "pair-1\u200b": "Other",
    }
    rows = _stored_before("0010", stored)
    assert rows == {
        "BOM-1": "Joined",
        "ZW-1": "Pasted",
        "\ufeffTWIN-1": "First",
        "twin-1": "Second",
        "\ufeffPAIR-1": "One",
        "pair-1\u200b": "Other",
    }


def test_joiners_and_soft_hyphens_around_stored_skus_are_trimmed_unless_skus_would_clash():
    stored = {"WJ-1\u2060": "Word \u2060", "\u200cNJ-1 ": "Joined", "\xadSH-1": "x", "sh-1": "y"}
    rows = _stored_before("0014", stored)
    assert rows == {"WJ-1": "Word", "NJ-1": "Joined", "\xadSH-1": "x", "sh-1": "y"}
