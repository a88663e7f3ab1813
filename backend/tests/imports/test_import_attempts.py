"""`attempts`: how many times a worker started an import, so that a restart shows."""

from __future__ import annotations

import signal
import time
from typing import Any

import psutil
from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.imports import recovery
from tests.imports.helpers import MergeGate, csv_bytes, upload, wait_final

BLOCKED_BY = text("SELECT pid FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))")
ALIVE = text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)")


def _until(statement: Any, params: dict[str, Any], done: Any, within: float = 120) -> Any:
    """Runs `statement` (in a new transaction each time) until `done(result)`."""
    deadline = time.monotonic() + within
    with sync_engine().connect() as observer:
        while not done(result := list(observer.execute(statement, params).scalars())):
            assert time.monotonic() < deadline, f"still {result} after {within} s"
            observer.rollback()
            time.sleep(0.02)
    return result


async def test_an_import_restarted_after_its_worker_was_killed_says_so(client, worker):
    """The worker dies while the import waits for the merge lock; the import runs again
    and completes, and its `attempts` (1 while the first worker ran it) are 2."""
    with MergeGate() as gate:
        holder = gate.conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        gate.conn.commit()
        response = await upload(client, csv_bytes("sku,name", "A-1,Again"))
        assert response.json()["attempts"] == 0  # queued: no worker has started it
        import_id = response.json()["id"]
        waiting = _until(BLOCKED_BY, {"holder": holder}, bool)
        assert (await client.get(f"/api/v1/imports/{import_id}")).json()["attempts"] == 1
        for child in psutil.Process(worker[0].pid).children():
            child.send_signal(signal.SIGKILL)
        _until(ALIVE, {"pids": waiting}, lambda result: result == [0])
    recovery.requeue_stalled()
    final = await wait_final(client, import_id)
    assert (final["status"], final["created"], final["attempts"]) == ("completed", 1, 2)
