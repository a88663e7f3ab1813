"""Imports apply in upload order: before it merges, an import waits for every import
uploaded before it that a worker is running (not for one still queued), and for one
that lost its worker until it is restarted, giving way to it if that takes long."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection, text

from product_importer.db import sync_engine
from product_importer.imports import claims, recovery, runner
from product_importer.imports.queue import enqueue_import
from product_importer.imports.schemas import FINAL_STATUSES, WAITING_PHASE
from product_importer.imports.staging_sql import EARLIER_IMPORTS
from tests.imports.helpers import (
    completed_events,
    csv_bytes,
    late_failing_csv,
    products,
    set_import,
    staging_tables,
    stored_import,
    upload,
    wait_final,
)

BLOCKED_BY = text(
    "SELECT count(*) FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))"
)
HOLD_ROW = text("SELECT 1 FROM imports WHERE id = :id FOR UPDATE")
CLAIM = text(f"SELECT pg_advisory_lock({claims.CLAIM_LOCK_KEY}, hashtext(:id))")


def _pid(conn: Connection) -> int:
    return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _until_blocked_by(holder: int, within: float = 120) -> None:
    """Until some session waits for a lock that the session `holder` holds."""
    deadline = time.monotonic() + within
    with sync_engine().connect() as observer:
        while not observer.execute(BLOCKED_BY, {"holder": holder}).scalar_one():
            assert time.monotonic() < deadline, f"nothing waited for {holder} in {within} s"
            observer.rollback()
            time.sleep(0.02)


@contextmanager
def _held_by_its_worker(content: bytes) -> Iterator[tuple[uuid.UUID, Connection]]:
    """An import that a real worker has claimed and cannot go on with (its first write
    to its own row waits for this test's row lock) until the test commits the
    connection it is given; the import was uploaded first."""
    import_id = stored_import(content)
    with sync_engine().connect() as holder:
        holder.execute(HOLD_ROW, {"id": import_id})
        enqueue_import(import_id)
        _until_blocked_by(_pid(holder))
        yield import_id, holder
        holder.commit()


@contextmanager
def _claimed_by_a_test_session() -> Iterator[tuple[uuid.UUID, Connection]]:
    """An earlier import whose claim this test's session holds, as a worker's would."""
    import_id = stored_import(csv_bytes("sku,name", "E-1,Earlier"))
    with sync_engine().connect() as holder:
        holder.execute(CLAIM, {"id": str(import_id)})
        holder.commit()
        yield import_id, holder
        if not holder.invalidated:
            holder.execute(text("SELECT pg_advisory_unlock_all()"))
            holder.commit()


async def _waiting_or_final(client: Any, import_id: str, within: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        body = (await client.get(f"/api/v1/imports/{import_id}")).json()
        if body["phase"] == WAITING_PHASE or body["status"] in FINAL_STATUSES:
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"import {import_id} neither waited nor ended: {body}")


async def test_a_correction_uploaded_during_a_larger_import_applies_after_it(client, worker):
    """The earlier import is still running when the later one is ready to merge: the
    later waits, and its value is the one that stays."""
    rows = [f"O-{i:04d},Old {i}" for i in range(2000)]
    with _held_by_its_worker(csv_bytes("sku,name", *rows)) as (first, _):
        response = await upload(client, csv_bytes("sku,name", "o-0007,From the second file"))
        second = response.json()["id"]
        seen = await _waiting_or_final(client, second)
    results = [await wait_final(client, str(i)) for i in (first, second)]
    assert [r["status"] for r in results] == ["completed", "completed"]
    catalog = products()
    assert catalog["o-0007"][1] == "From the second file"
    assert catalog["o-0008"][1] == "Old 8"
    assert (results[0]["created"], results[1]["updated"]) == (2000, 1)
    assert (seen["status"], seen["phase"]) == ("running", WAITING_PHASE)


@pytest.mark.parametrize("ends", ["failed", "cancelled"])
async def test_an_earlier_import_that_ends_unapplied_lets_the_later_one_go_on(client, worker, ends):
    unapplied = {
        "failed": late_failing_csv("description"),
        "cancelled": csv_bytes("sku,name", "B-1,No"),
    }
    with _held_by_its_worker(unapplied[ends]) as (first, holder):
        second = (await upload(client, csv_bytes("sku,name", "L-1,Later"))).json()["id"]
        seen = await _waiting_or_final(client, second)
        assert seen["phase"] == WAITING_PHASE
        if ends == "cancelled":
            holder.execute(text("UPDATE imports SET cancel_requested = true WHERE id = :id"),
                           {"id": first})  # fmt: skip
    assert (await wait_final(client, str(first)))["status"] == ends
    later = await wait_final(client, second)
    assert (later["status"], later["created"]) == ("completed", 1)
    assert list(products()) == ["l-1"]


async def test_an_earlier_import_whose_worker_is_gone_is_no_longer_waited_for(client, worker):
    with _claimed_by_a_test_session() as (_, holder):
        second = (await upload(client, csv_bytes("sku,name", "W-1,Later"))).json()["id"]
        seen = await _waiting_or_final(client, second)
        assert seen["phase"] == WAITING_PHASE
        with sync_engine().connect() as killer:  # the earlier worker's connection ends
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": _pid(holder)})
            killer.commit()
        holder.invalidate()
        later = await wait_final(client, second)
    assert (later["status"], later["created"]) == ("completed", 1)


async def test_a_cancel_while_waiting_for_an_earlier_import_ends_it_and_applies_nothing(
    client, worker
):
    with _claimed_by_a_test_session():
        second = (await upload(client, csv_bytes("sku,name", "C-1,Later"))).json()["id"]
        seen = await _waiting_or_final(client, second)
        assert seen["phase"] == WAITING_PHASE
        assert (await client.post(f"/api/v1/imports/{second}/cancel")).status_code == 200
        final = await wait_final(client, second)  # the earlier import is still running
    assert final["status"] == "cancelled"
    assert products() == {}
    assert completed_events(second) == 0
    assert staging_tables() == []


def _lost_with_its_worker(content: bytes) -> uuid.UUID:
    """An earlier import that a worker was running when it died: running, its heartbeat
    set, its claim held by nobody. Only the workers' sweep sends it again."""
    import_id = stored_import(content)
    with sync_engine().begin() as conn:
        conn.execute(
            text(
                "UPDATE imports SET status = 'running', attempts = 1, started_at = now(),"
                " heartbeat_at = now() WHERE id = :id"
            ),
            {"id": import_id},
        )
    return import_id


async def _until_status(client: Any, import_id: str, status: str, within: float = 60) -> dict:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        body = (await client.get(f"/api/v1/imports/{import_id}")).json()
        if body["status"] == status:
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"import {import_id} was never {status}: {body}")


async def test_later_imports_give_way_to_an_earlier_one_restarted_after_its_worker_died(
    client, worker
):
    """The later imports wait for the lost one to be restarted; when that takes long
    (their waits may hold the slots the restart needs), they go back to the queue, this
    attempt uncounted, and apply after the restarted one, in upload order."""
    lost = _lost_with_its_worker(csv_bytes("sku,name", "R-1,Earlier", "R-2,Earlier"))
    second = (await upload(client, csv_bytes("sku,name", "r-1,Second", "r-2,Second"))).json()
    assert (await _waiting_or_final(client, second["id"]))["phase"] == WAITING_PHASE
    third = (await upload(client, csv_bytes("sku,name", "R-1,Third"))).json()
    gave_way = await _until_status(client, second["id"], "queued")
    assert (gave_way["phase"], gave_way["attempts"], gave_way["progress"]) == (WAITING_PHASE, 0, 0)
    assert products() == {}
    recovery.requeue_stalled()  # what the workers' sweep does every few seconds
    finals = [await wait_final(client, str(i)) for i in (lost, second["id"], third["id"])]
    assert [final["status"] for final in finals] == ["completed"] * 3
    assert [final["attempts"] for final in finals] == [2, 1, 1]
    assert finals[0]["finished_at"] < finals[1]["finished_at"] < finals[2]["finished_at"]
    assert {sku: row[1] for sku, row in products().items()} == {"r-1": "Third", "r-2": "Second"}


def test_an_import_that_gave_way_is_owed_its_turn_and_one_never_started_is_not():
    """Queued in the waiting phase, an import gave way and runs again shortly: later ones
    wait for it. Queued otherwise, it may wait long for a worker: they go on."""
    gave_way = stored_import(b"sku,name\n")
    set_import(gave_way, status="queued", phase=WAITING_PHASE)
    stored_import(b"sku,name\n")  # never started
    later = stored_import(b"sku,name\n")
    with sync_engine().connect() as conn:
        running, owed = conn.execute(text(EARLIER_IMPORTS), {"import_id": str(later)}).one()
    assert (running, owed) == (0, 1)


async def test_an_earlier_import_still_queued_is_not_waited_for(client, worker):
    """Waiting for it could take every worker: the later import applies first."""
    stored_import(csv_bytes("sku,name", "Q-1,Queued"))  # never sent to a worker
    later = (await upload(client, csv_bytes("sku,name", "Q-2,Later"))).json()["id"]
    assert (await wait_final(client, later))["status"] == "completed"


async def test_an_upload_that_ends_last_is_uploaded_last(client, worker):
    """A large file whose upload began first but ended after a small one's applies
    after it: an import exists, and takes its place in the order, once it is uploaded."""
    boundary = "upload-order"
    opening = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.csv"'
        "\r\nContent-Type: text/csv\r\n\r\nsku,name\n"
    ).encode()
    reading, finish = asyncio.Event(), asyncio.Event()

    async def slow_body():
        yield opening
        reading.set()
        await finish.wait()
        yield f"u-1,From the slow upload\r\n--{boundary}--\r\n".encode()

    slow = asyncio.create_task(
        client.post(
            "/api/v1/imports",
            content=slow_body(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
    )
    await reading.wait()
    quick = await upload(client, csv_bytes("sku,name", "u-1,From the quick upload"))
    assert (await wait_final(client, quick.json()["id"]))["status"] == "completed"
    finish.set()
    slow_import = (await slow).json()
    assert (await wait_final(client, slow_import["id"]))["status"] == "completed"
    assert slow_import["created_at"] > quick.json()["created_at"]
    assert products()["u-1"][1] == "From the slow upload"


def _idle_in_transaction_timeout(value: str) -> None:
    with sync_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"ALTER SYSTEM SET idle_in_transaction_session_timeout = '{value}'"))
        conn.execute(text("SELECT pg_reload_conf()"))


async def test_an_import_waiting_its_turn_outlives_an_idle_in_transaction_timeout(client, worker):
    """Its transaction is idle while it waits (servers are often set to end such
    sessions): the wait must not cost the import."""
    # The timeout ends any session, the import's too before it turns it off for its
    # transaction: well past the moments between its statements on a busy machine.
    _idle_in_transaction_timeout("5s")
    try:
        with _claimed_by_a_test_session():
            later = (await upload(client, csv_bytes("sku,name", "i-1,Later"))).json()["id"]
            assert (await _waiting_or_final(client, later))["phase"] == WAITING_PHASE
            await asyncio.sleep(8)  # past the timeout, still waiting
        final = await wait_final(client, later)
    finally:
        _idle_in_transaction_timeout("0")
    assert final["status"] == "completed", final


@pytest.mark.parametrize(
    ("state", "ends"),
    [({"cancel_requested": True}, "cancelled"), ({"status": "completed"}, "completed")],
    ids=["cancel asked for", "ended by another worker"],
)
def test_an_import_giving_way_is_not_queued_again_once_cancelled_or_ended(state, ends):
    import_id = stored_import(csv_bytes("sku,name", "G-1,Gave way"))
    set_import(import_id, **{"status": "running", **state})
    assert runner._back_to_the_queue(import_id).status == ends
