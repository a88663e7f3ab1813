"""Lost imports are found and queued again: at once when no worker holds the claim of
a running import (its worker or the database restarted), never while one does. The
session's workers sweep only when they start (`tests/conftest.py`): none takes up the
lost imports these tests make while they look at them."""

import threading
import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from product_importer.config import get_settings
from product_importer.db import sync_engine
from product_importer.imports import claims, recovery, tasks
from product_importer.worker import IMPORTS_QUEUE
from tests.conftest import start_worker, stop_process, wait_for_worker
from tests.imports.helpers import csv_bytes, wait_final


def _id_hashing_to(sign: int) -> uuid.UUID:
    """The claim's key is hashtext(id), an int4 that pg_locks shows as an unsigned oid:
    ids of both signs must be found."""
    with sync_engine().connect() as conn:
        while True:
            candidate = uuid.uuid4()
            hashed = conn.execute(text("SELECT hashtext(:id)"), {"id": str(candidate)}).scalar_one()
            if (hashed < 0) == (sign < 0):
                return candidate


def _running(hash_sign: int) -> uuid.UUID:
    """A running import, claimed (its heartbeat set), whose id hashes to that sign."""
    import_id = _id_hashing_to(hash_sign)
    content = csv_bytes("sku,name", "L-1,Lost")
    with sync_engine().begin() as conn:
        conn.execute(
            text(
                "INSERT INTO imports (id, filename, file_size, status, started_at, heartbeat_at)"
                " VALUES (:id, 'l.csv', :size, 'running', now(), now())"
            ),
            {"id": import_id, "size": len(content)},
        )
        conn.execute(
            text("INSERT INTO import_file_chunks (import_id, seq, data) VALUES (:id, 0, :data)"),
            {"id": import_id, "data": content},
        )
    return import_id


@pytest.mark.parametrize("hash_sign", [-1, 1])
def test_a_running_import_whose_claim_nobody_holds_is_found_at_once(hash_sign):
    import_id = _running(hash_sign)
    assert recovery.stalled_imports(stale_seconds=60) == [import_id]


@pytest.mark.parametrize("hash_sign", [-1, 1])
def test_a_running_import_whose_worker_holds_the_claim_is_left_to_it(hash_sign):
    import_id = _running(hash_sign)
    with sync_engine().connect() as worker:
        assert worker.execute(text(claims.TAKE), {"id": str(import_id)}).scalar()
        try:
            assert recovery.stalled_imports(stale_seconds=60) == []
            assert recovery.stalled_imports(stale_seconds=0) == []  # however long it runs
        finally:
            worker.execute(text(claims.RELEASE), {"id": str(import_id)})


def test_a_lost_import_is_sent_again_once_while_workers_are_busy(monkeypatch):
    """(A worker killed mid-import, found this way, is in test_faults.)"""
    sent: list[uuid.UUID] = []
    monkeypatch.setattr(recovery, "enqueue_import", lambda i: sent.append(i) or True)
    import_id = _running(hash_sign=1)
    assert recovery.requeue_stalled() == 1
    assert recovery.requeue_stalled() == 0
    assert sent == [import_id]


def test_a_send_the_broker_refused_is_tried_again_at_the_next_sweep(monkeypatch):
    tried: list[uuid.UUID] = []
    monkeypatch.setattr(recovery, "enqueue_import", lambda i: tried.append(i) and False)
    import_id = _running(hash_sign=1)
    assert recovery.requeue_stalled() == 0
    assert recovery.requeue_stalled() == 0
    assert tried == [import_id, import_id]


def test_a_worker_started_before_its_database_sweeps_once_it_is_up(monkeypatch):
    """The first look failing (PostgreSQL still starting, while Redis is up) neither
    breaks the worker's start nor leaves it without a sweep for the rest of its life."""
    settings = get_settings().model_copy(update={"import_sweep_seconds": 0.1})
    monkeypatch.setattr(recovery, "get_settings", lambda: settings)
    looks: list[int] = []
    looked_again = threading.Event()

    def stalled_imports(stale_seconds: int) -> list[uuid.UUID]:
        looks.append(stale_seconds)
        if len(looks) == 1:
            raise OperationalError("SELECT", {}, Exception("the database system is starting up"))
        looked_again.set()
        return []

    monkeypatch.setattr(recovery, "stalled_imports", stalled_imports)
    queues = SimpleNamespace(consume_from={IMPORTS_QUEUE: None})
    imports_worker = SimpleNamespace(app=SimpleNamespace(amqp=SimpleNamespace(queues=queues)))
    tasks._start_import_sweeper(sender=imports_worker)
    try:
        assert looked_again.wait(10), looks
    finally:
        tasks._stop_import_sweeper()


async def test_the_workers_sweep_finds_a_lost_import_and_runs_it(client, worker):
    """Nothing sends this import but the sweep of an imports worker that was already
    running when the import was lost."""
    sweeping = start_worker("imports", "prefork", 1, sweep_seconds=0.5)
    try:
        wait_for_worker(sweeping)
        import_id = _running(hash_sign=1)
        final = await wait_final(client, str(import_id), within=30)
    finally:
        stop_process(sweeping)
    assert final["status"] == "completed" and final["created"] == 1


def _deletion_notes() -> int:
    with sync_engine().connect() as conn:
        return conn.execute(text("SELECT count(*) FROM product_deletions")).scalar_one()


def test_notes_of_deletes_are_forgotten_once_no_import_runs():
    """An import that fails or is cancelled keeps the notes of the deletes made while it
    ran (forgetting them was part of what it rolled back): the sweep forgets them once no
    import is running, whose merge could need them."""
    import_id = _running(hash_sign=1)
    with sync_engine().begin() as conn:
        conn.execute(
            text("INSERT INTO product_deletions (sku_lower, deleted_at) VALUES ('d-1', now())")
        )
    assert recovery.forget_unneeded_deletions() == 0 and _deletion_notes() == 1
    with sync_engine().begin() as conn:
        conn.execute(text("UPDATE imports SET status = 'failed' WHERE id = :id"), {"id": import_id})
    assert recovery.forget_unneeded_deletions() == 1 and _deletion_notes() == 0
