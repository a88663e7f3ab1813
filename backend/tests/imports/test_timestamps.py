"""An import stamps what it creates and changes when its merge begins, not when its
transaction began: a product changed meanwhile (while the import read the file or
waited its turn) never gets an older `updated_at` from the import, on every path
(row by row, rebuild, first load); one changed after the merge began keeps that
change."""

from __future__ import annotations

import concurrent.futures
import time
from datetime import datetime

import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.imports import runner, staging_sql
from product_importer.imports.schemas import WAITING_PHASE
from tests.imports.helpers import MergeGate, csv_bytes, stored_import, stored_record

EXISTING = 200  # a file that changes 2 of 200 products is merged row by row


def _seed(count: int) -> None:
    with sync_engine().begin() as conn:
        conn.execute(
            text(
                "INSERT INTO products (sku, name, created_at, updated_at) "
                "SELECT 'T-' || n, 'Old ' || n, now() - interval '1 day', "
                "now() - interval '1 day' FROM generate_series(1, :count) n"
            ),
            {"count": count},
        )


def _now() -> datetime:
    with sync_engine().connect() as conn:
        return conn.execute(text("SELECT clock_timestamp()")).scalar_one()


def _stamps() -> dict[str, tuple[datetime, datetime]]:
    with sync_engine().connect() as conn:
        rows = conn.execute(text("SELECT sku, created_at, updated_at FROM products"))
        return {row.sku: (row.created_at, row.updated_at) for row in rows}


def _until_waiting(import_id, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while stored_record(import_id).phase != WAITING_PHASE:
        assert time.monotonic() < deadline, "the import never waited for the merge lock"
        time.sleep(0.05)


@pytest.mark.parametrize("existing", [EXISTING, 2, 0], ids=["merge", "rebuild", "first-load"])
def test_changes_are_stamped_when_the_merge_begins(existing):
    _seed(existing)
    content = csv_bytes("sku,name", "T-1,New 1", "T-2,New 2", "N-1,Brand new")
    import_id = stored_import(content)
    # The gate opens (on the way out too) before the pool waits for the import.
    with concurrent.futures.ThreadPoolExecutor(1) as pool, MergeGate() as gate:
        running = pool.submit(runner.run_import, import_id)
        _until_waiting(import_id)
        if existing:  # a change the API makes while the import waits
            with sync_engine().begin() as conn:
                conn.execute(text("UPDATE products SET updated_at = now() WHERE sku = 'T-2'"))
        edited = _now()
        gate.open()
        assert running.result(timeout=120) == "completed"
    stamps = _stamps()
    created_at, updated_at = stamps["N-1"]
    assert created_at == updated_at > edited
    if existing:
        assert stamps["T-1"][1] == updated_at  # one stamp for the whole import
        assert stamps["T-2"][1] > edited
        assert stamps["T-1"][0] < edited  # created the day before


def test_a_product_changed_after_the_merge_began_keeps_that_change(monkeypatch):
    """Merged row by row, a file reaches a product only at its batch: an edit made after
    the merge began (here: the merge is dated an hour back) came after the file and
    stays, whether or not the file leaves the product as it was before the edit."""
    _seed(EXISTING)
    with sync_engine().begin() as conn:
        conn.execute(
            text(
                "UPDATE products SET name = 'Edited', updated_at = now() "
                "WHERE sku IN ('T-1', 'T-2')"
            )
        )
    monkeypatch.setattr(staging_sql, "APPLIED_AT", "SELECT clock_timestamp() - interval '1 hour'")
    # T-1: the file renames it; T-2: the file has its name from before the edit.
    content = csv_bytes("sku,name", "T-1,From the file", "T-2,Old 2", "T-3,Renamed 3")
    import_id = stored_import(content)
    assert runner.run_import(import_id) == "completed"
    record = stored_record(import_id)
    assert (record.created, record.updated, record.unchanged) == (0, 1, 2)
    with sync_engine().connect() as conn:
        names = dict(
            conn.execute(
                text("SELECT sku, name FROM products WHERE sku IN ('T-1', 'T-2', 'T-3')")
            ).all()
        )
    assert names == {"T-1": "Edited", "T-2": "Edited", "T-3": "Renamed 3"}


def _deletions() -> int:
    with sync_engine().connect() as conn:
        return conn.execute(text("SELECT count(*) FROM product_deletions")).scalar_one()


async def test_a_product_deleted_after_the_merge_began_stays_deleted(client, monkeypatch):
    """As an edit made then stays: a file that holds a product deleted through the API
    while earlier batches merged does not create it again (QA: 41 of 143 products
    deleted mid-merge came back, with new ids and stamps older than their delete)."""
    _seed(EXISTING)
    ids = {sku: id for sku, id in _ids().items() if sku in ("T-5", "T-9")}
    assert (await client.delete(f"/api/v1/products/{ids['T-9']}")).status_code == 204
    assert _deletions() == 0  # no import to tell: nothing noted
    content = csv_bytes("sku,name", "T-1,Renamed 1", "T-5,Old 5", "T-6,Renamed 6")
    import_id = stored_import(content)  # queued
    assert (await client.delete(f"/api/v1/products/{ids['T-5']}")).status_code == 204
    monkeypatch.setattr(staging_sql, "APPLIED_AT", "SELECT clock_timestamp() - interval '1 hour'")
    assert runner.run_import(import_id) == "completed"
    record = stored_record(import_id)
    assert (record.created, record.updated, record.unchanged) == (0, 2, 1)
    assert "T-5" not in _stamps() and _deletions() == 0


def _ids() -> dict[str, int]:
    with sync_engine().connect() as conn:
        return dict(conn.execute(text("SELECT sku, id FROM products")).all())
