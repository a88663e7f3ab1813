"""A worker frozen with its connections open (stopped by a signal, a paused machine)
holds its import's claim: its heartbeat, stamped through the longest statement, is
what tells it from a long index build. Once that is old, the sweep ends the session
holding the claim, and the import is found lost; the frozen worker, if it wakes, leaves
the import to the attempt that took over."""

import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import DBAPIError

from product_importer.db import sync_engine
from product_importer.imports import claims, heartbeat, pipeline, recovery, runner
from tests.imports.helpers import csv_bytes, set_import, stored_import, stored_record


def _running(name: str) -> str:
    import_id = stored_import(csv_bytes("sku,name", f"{name},Frozen"))
    set_import(import_id, status="running", attempts=1, heartbeat_at=func.now())
    return str(import_id)


def _ids(ids: list) -> list[str]:
    return [str(found) for found in ids]


def _heartbeat_at(import_id: object) -> datetime:
    return stored_record(import_id).heartbeat_at


def _stop_beating(import_id: object) -> None:
    set_import(import_id, heartbeat_at=func.now() - timedelta(hours=1))


def test_a_worker_holding_the_claim_without_a_heartbeat_has_its_session_ended():
    frozen_id, beating_id = _running("FZ-1"), _running("FZ-2")
    _stop_beating(frozen_id)
    with sync_engine().connect() as frozen, sync_engine().connect() as beating:
        assert frozen.execute(text(claims.TAKE), {"id": frozen_id}).scalar()
        assert beating.execute(text(claims.TAKE), {"id": beating_id}).scalar()
        try:
            assert _ids(recovery.end_frozen(60)) == [frozen_id]
            with pytest.raises(DBAPIError):  # its session is gone
                frozen.execute(text("SELECT 1"))
            deadline = time.monotonic() + 10
            while _ids(recovery.stalled_imports(60)) != [frozen_id]:
                assert time.monotonic() < deadline, "the ended session kept the claim"
                time.sleep(0.05)
        finally:
            beating.execute(text(claims.RELEASE), {"id": beating_id})


def test_the_heartbeat_goes_on_while_a_statement_holds_the_pipeline(monkeypatch):
    """A step that takes long (here: recording the skipped rows, made to wait) does not
    stop the heartbeat, which the pipeline's own progress reports cannot stamp then."""
    monkeypatch.setattr(heartbeat, "BEAT_SECONDS", 0.05)
    import_id = stored_import(csv_bytes("sku,name", "HB-1,Beats"))
    stamped_while_held: list[bool] = []
    real_record_errors = pipeline.record_errors

    def held_record_errors(*args, **kwargs):
        _stop_beating(import_id)
        time.sleep(0.5)
        recent = datetime.now().astimezone() - timedelta(seconds=5)
        stamped_while_held.append(_heartbeat_at(import_id) > recent)
        return real_record_errors(*args, **kwargs)

    monkeypatch.setattr(pipeline, "record_errors", held_record_errors)
    assert runner.run_import(import_id) == "completed"
    assert stamped_while_held == [True]


def test_a_woken_attempt_leaves_the_import_to_the_attempt_that_took_over():
    import_id = stored_import(csv_bytes("sku,name", "WK-1,Woken"))
    set_import(import_id, status="running", attempts=2, heartbeat_at=func.now())
    shown = runner._finish_unapplied(import_id, "failed", 1, error_kind="system", error="lost")
    assert (shown.status, shown.attempts, shown.error) == ("running", 2, None)
    with sync_engine().connect() as conn:
        events = conn.execute(
            text("SELECT count(*) FROM webhook_events WHERE type = 'import.failed'")
        ).scalar_one()
        chunks = conn.execute(
            text("SELECT count(*) FROM import_file_chunks WHERE import_id = :id"), {"id": import_id}
        ).scalar_one()
    assert events == 0 and chunks == 1  # nothing of the other attempt's is undone
