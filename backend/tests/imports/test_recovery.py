"""Lost imports are found and queued again: at once when no worker holds the claim of
a running import (its worker or the database restarted), else once it stops reporting."""

import uuid

from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.imports import recovery, runner
from tests.imports.helpers import csv_bytes, stored_import


def _running(heartbeat_age_seconds: float) -> uuid.UUID:
    import_id = stored_import(csv_bytes("sku,name", "L-1,Lost"))
    with sync_engine().begin() as conn:
        conn.execute(
            text(
                "UPDATE imports SET status = 'running', started_at = now(), "
                "heartbeat_at = now() - make_interval(secs => :age) WHERE id = :id"
            ),
            {"id": import_id, "age": heartbeat_age_seconds},
        )
    return import_id


def test_a_running_import_whose_claim_nobody_holds_is_found_at_once():
    import_id = _running(heartbeat_age_seconds=1)
    assert recovery.stalled_imports(stale_seconds=60) == [import_id]


def test_a_running_import_whose_worker_holds_the_claim_is_left_to_it():
    import_id = _running(heartbeat_age_seconds=1)
    with sync_engine().connect() as worker:
        assert worker.execute(text(runner.LOCK), {"id": str(import_id)}).scalar()
        assert recovery.stalled_imports(stale_seconds=60) == []
        # ... until it stops reporting: its connection may be gone too.
        assert recovery.stalled_imports(stale_seconds=0) == [import_id]
        worker.execute(text(runner.UNLOCK), {"id": str(import_id)})


def test_a_lost_import_runs_again_to_completion():
    import_id = _running(heartbeat_age_seconds=1)
    assert recovery.stalled_imports(stale_seconds=60) == [import_id]
    assert runner.run_import(import_id) == "completed"
    assert recovery.stalled_imports(stale_seconds=60) == []
