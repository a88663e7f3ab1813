"""Cancel, a killed worker, and duplicate deliveries: nothing is ever half applied."""

import asyncio
import json
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psutil
import pytest
import redis.asyncio as aioredis
from sqlalchemy import text

from product_importer.config import get_settings
from product_importer.db import sync_engine
from product_importer.imports import claims, live, recovery, repository, runner
from product_importer.imports.progress import ProgressReporter
from product_importer.imports.progress_channel import channel
from product_importer.imports.schemas import ImportRead
from tests.imports.helpers import (
    FINAL,
    MergeGate,
    catalog,
    completed_events,
    csv_bytes,
    products,
    seed_products,
    set_import,
    staging_tables,
    stored_import,
    stored_record,
    upload,
    wait_final,
)

CLAIM_HELD_BY_ANOTHER_WORKER = f"SELECT pg_advisory_lock({claims.CLAIM_LOCK_KEY}, hashtext(:id))"


def _big_file(rows: int = 20_000) -> bytes:
    """Products F-00000…: it renames those `seed_products(n, "F")` made, adds the rest."""
    lines = [f"F-{i:05d},Name {i},Desc {i}" for i in range(rows)]
    return csv_bytes("sku,name,description", *lines)


async def _wait_for_phase(client, import_id: str, phase: str, within: float = 60) -> None:
    for _ in range(int(within / 0.05)):
        body = (await client.get(f"/api/v1/imports/{import_id}")).json()
        if body["phase"] == phase:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"import never reached phase {phase!r}: {body}")


async def test_cancel_while_running_applies_nothing(client, worker):
    seed_products(1_000, "F")
    before = catalog()
    with MergeGate() as gate:
        import_id = (await upload(client, _big_file())).json()["id"]
        await _wait_for_phase(client, import_id, "waiting for other imports")
        response = await client.post(f"/api/v1/imports/{import_id}/cancel")
        assert response.status_code == 200
        assert response.json()["cancel_requested"] is True
        gate.open()
        final = await wait_final(client, import_id)
    assert final["status"] == "cancelled"
    assert catalog() == before
    assert staging_tables() == []
    again = await client.post(f"/api/v1/imports/{import_id}/cancel")
    assert again.status_code == 200 and again.json()["status"] == "cancelled"
    assert _events() == [("import.cancelled", import_id, "cancelled")]


async def test_a_cancel_stops_a_long_statement_at_once(client, worker):
    """Waiting for the merge lock is one statement, as long as the other import's merge:
    a cancel ends it there, without waiting for it to end."""
    seed_products(50, "F")
    before = catalog()
    with MergeGate():
        import_id = (await upload(client, _big_file(100))).json()["id"]
        await _wait_for_phase(client, import_id, "waiting for other imports")
        await client.post(f"/api/v1/imports/{import_id}/cancel")
        final = await wait_final(client, import_id, within=60)  # the gate is still closed
    assert final["status"] == "cancelled"
    assert catalog() == before
    assert completed_events(import_id) == 0
    assert staging_tables() == []


async def test_a_cancel_during_the_merge_applies_nothing(client, worker):
    """The merge is under way, held by a product row it must update: the cancel ends it
    there, and the products it had already updated are as they were."""
    skus = seed_products(20_000)
    content, _ = _renaming(skus, every=100)
    before = catalog()
    with _row_locked(skus[-1]) as holder:
        import_id = (await upload(client, content)).json()["id"]
        _wait_until_blocked_by(holder, within=120)
        await client.post(f"/api/v1/imports/{import_id}/cancel")
        final = await wait_final(client, import_id, within=60)  # the row is still locked
    assert final["status"] == "cancelled"
    assert catalog() == before
    assert _events() == [("import.cancelled", import_id, "cancelled")]
    assert staging_tables() == []


async def test_an_import_waiting_its_turn_gives_no_time_left(client, worker):
    """No pace foretells how long another import takes: an ETA would be a guess."""
    with MergeGate() as gate:
        import_id = (await upload(client, _big_file(100))).json()["id"]
        await _wait_for_phase(client, import_id, "waiting for other imports")
        await asyncio.sleep(0.5)
        waiting = (await client.get(f"/api/v1/imports/{import_id}")).json()
        assert 0 < waiting["progress"] < 100
        assert waiting["eta_seconds"] is None
        gate.open()
        await wait_final(client, import_id)


async def test_cancel_of_a_finished_import_is_409(client, worker):
    import_id = (await upload(client, csv_bytes("sku,name", "C-1,C"))).json()["id"]
    await wait_final(client, import_id)
    assert (await client.post(f"/api/v1/imports/{import_id}/cancel")).status_code == 409


async def test_a_cancel_that_comes_as_the_import_ends_is_409(client, monkeypatch):
    """The API read the import as running, then the worker recorded its outcome before
    the cancel locked the row: the cancel is refused, never answered as if it had been
    taken."""
    import_id = stored_import(csv_bytes("sku,name", "C-1,C"))
    set_import(import_id, status="running")
    lock_status = repository.lock_status

    def ended_meanwhile(import_id: uuid.UUID) -> Any:
        set_import(import_id, status="completed")
        return lock_status(import_id)

    monkeypatch.setattr(repository, "lock_status", ended_meanwhile)
    response = await client.post(f"/api/v1/imports/{import_id}/cancel")
    assert response.status_code == 409, response.text
    assert response.json()["detail"] == f"Import {import_id} has already completed."


async def test_a_cancel_waits_for_an_outcome_being_recorded_then_is_409(client):
    """The worker holds the import's row while it records the outcome: the cancel waits
    for that commit, then finds the import ended."""
    import_id = stored_import(csv_bytes("sku,name", "C-1,C"))
    set_import(import_id, status="running")
    with sync_engine().connect() as worker:
        worker.execute(repository.set_values(import_id, status="completed"))  # not committed
        holder = worker.execute(text("SELECT pg_backend_pid()")).scalar_one()
        cancel = asyncio.create_task(client.post(f"/api/v1/imports/{import_id}/cancel"))
        await asyncio.to_thread(_wait_until_blocked_by, holder)
        worker.commit()
    response = await cancel
    assert response.status_code == 409, response.text
    assert stored_record(import_id).cancel_requested is False


async def test_a_cancel_of_a_running_import_with_skipped_rows_is_taken_at_once(client):
    """The import's skipped rows, written in its transaction, hold its row by their
    foreign key until it ends: the cancel is asked for at once all the same, not after
    the import (then answered 409)."""
    import_id = stored_import(csv_bytes("sku,name", ",no sku"))
    set_import(import_id, status="running")
    with sync_engine().connect() as worker:  # a worker that has recorded a skipped row
        worker.execute(text(claims.TAKE), {"id": str(import_id)})
        worker.commit()
        worker.execute(
            text("INSERT INTO import_errors (import_id, line, reason) VALUES (:i, 2, 'x')"),
            {"i": import_id},
        )
        try:
            response = await asyncio.wait_for(
                client.post(f"/api/v1/imports/{import_id}/cancel"), timeout=30
            )
        finally:
            worker.rollback()
    assert response.status_code == 200, response.text
    assert response.json()["cancel_requested"] is True
    assert stored_record(import_id).cancel_requested is True


def test_a_cancel_asked_for_once_the_rows_are_merged_still_applies_nothing(monkeypatch):
    """The cancel is asked for after the last batch, before the outcome is recorded:
    the import ends cancelled, not completed with the cancel forgotten."""
    seed_products(10, "M")
    before = catalog()
    import_id = stored_import(csv_bytes("sku,name", "M-00001,Renamed", "N-1,New"))
    run_pipeline = runner.run_pipeline

    def cancelled_after(*args: Any) -> Any:
        counts = run_pipeline(*args)
        set_import(import_id, cancel_requested=True)
        return counts

    monkeypatch.setattr(runner, "run_pipeline", cancelled_after)
    assert runner.run_import(import_id) == "cancelled"
    assert catalog() == before
    assert completed_events(import_id) == 0


async def _an_import_that_waited(client, seconds: float) -> tuple[dict, float]:
    """A 100-row import held `seconds` before its merge; its final state and duration."""
    with MergeGate() as gate:
        import_id = (await upload(client, _big_file(100))).json()["id"]
        await _wait_for_phase(client, import_id, "waiting for other imports")
        await asyncio.sleep(seconds)
        gate.open()
        final = await wait_final(client, import_id)
    started, finished = (datetime.fromisoformat(final[k]) for k in ("started_at", "finished_at"))
    return final, (finished - started).total_seconds()


async def test_finished_at_is_when_the_import_ended(client, worker):
    final, duration = await _an_import_that_waited(client, 1.5)
    assert final["status"] == "completed"
    assert duration >= 1.5


async def test_time_spent_waiting_is_kept_out_of_the_pace(client, worker):
    """Rows per second measure the import's own work, not its wait for its turn."""
    final, duration = await _an_import_that_waited(client, 1.5)
    assert 1.5 <= final["waited_seconds"] < duration
    # At least 1.5 s of the duration were waiting: the pace is faster than over the rest.
    assert final["rows_per_second"] > 100 / (duration - 1.4)


def test_the_wait_ends_when_the_merge_lock_is_granted(monkeypatch):
    """Work after the lock (finding the winners, the rebuild's set-up) is not waiting."""
    phases: list[str] = []
    real_update = ProgressReporter.update

    def recording_update(self, phase, progress, processed_rows, **kwargs):
        phases.append(phase)
        return real_update(self, phase, progress, processed_rows, **kwargs)

    monkeypatch.setattr(ProgressReporter, "update", recording_update)
    import_id = stored_import(csv_bytes("sku,name", "G-1,Gated"))
    with MergeGate() as gate:
        run = threading.Thread(target=runner.run_import, args=(import_id,))
        run.start()
        deadline = time.monotonic() + 120
        while "waiting for other imports" not in phases:
            assert time.monotonic() < deadline, f"the import never waited: {phases}"
            time.sleep(0.05)
        gate.open()
        run.join(timeout=60)
    waited = phases.index("waiting for other imports")
    assert phases[waited + 1] == "merging"


def _running_import(**values: object) -> ImportRead:
    now = datetime.now(UTC)
    return ImportRead.model_validate(
        {
            "id": uuid.uuid4(), "filename": "f.csv", "status": "running", "phase": "merging",
            "file_size": 1, "total_rows": 10, "processed_rows": 5, "created": 0, "updated": 0,
            "unchanged": 0, "skipped": 0, "duplicates_in_file": 0, "rows_per_second": 1.0,
            "waited_seconds": 0.0, "error": None, "warnings": [], "cancel_requested": False,
            "created_at": now, "started_at": now, "finished_at": None,
            **values,
        }
    )  # fmt: skip


def test_time_left_leaves_out_the_wait():
    """Half done after 10 s, 8 of them waiting: 2 s of work so far, 2 s left."""
    started = datetime.now(UTC) - timedelta(seconds=10)
    snapshot = _running_import(started_at=started, waited_seconds=8.0, progress=50.0)
    eta = snapshot.eta_seconds  # it reads the clock: more than 10 s may have passed by then
    elapsed = (datetime.now(UTC) - started).total_seconds()
    assert eta is not None and 2.0 <= eta <= round(elapsed - 8.0, 1)


def _renaming(skus: list[str], every: int) -> tuple[bytes, dict[str, str]]:
    """A file of `skus` (as `seed_products` made them) renaming every `every`th one and
    the last; the new names by SKU."""
    renamed = {sku: f"Renamed {i}" for i, sku in enumerate(skus) if i % every == 0}
    renamed[skus[-1]] = "Renamed last"
    lines = [f"{sku},{renamed.get(sku, f'Seeded {i}')},Desc {i}" for i, sku in enumerate(skus)]
    return csv_bytes("sku,name,description", *lines), renamed


@contextmanager
def _row_locked(sku: str) -> Iterator[int]:
    """The product's row locked (as an API update holds it) until the block ends; the
    holding backend's pid."""
    with sync_engine().connect() as holder:
        holder.execute(text("SELECT id FROM products WHERE sku = :sku FOR UPDATE"), {"sku": sku})
        yield holder.execute(text("SELECT pg_backend_pid()")).scalar_one()
        holder.rollback()


@contextmanager
def _table_read() -> Iterator[int]:
    """`products` read in an open transaction (ACCESS SHARE, as a long report holds it),
    so that a rebuild's swap waits; the reading backend's pid."""
    with sync_engine().connect() as reader:
        reader.execute(text("SELECT count(*) FROM products"))
        yield reader.execute(text("SELECT pg_backend_pid()")).scalar_one()
        reader.rollback()


def _kill_the_import_workers(worker: list[Any]) -> None:
    children = psutil.Process(worker[0].pid).children()
    assert children, "the imports worker has no pool processes to kill"
    for child in children:
        child.send_signal(signal.SIGKILL)


def _sweep() -> None:
    """What an imports worker's sweep does every few seconds (the session's workers do
    it seldom): the task redelivered after the kill mostly comes while PostgreSQL has
    yet to end the dead worker's backend, finds the claim still held and does nothing."""
    recovery.requeue_stalled()


def _wait_until_gone(pids: list[int], within: float = 60) -> None:
    """Until PostgreSQL has ended these backends (their client was killed)."""
    alive = text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)")
    deadline = time.monotonic() + within
    with sync_engine().connect() as observer:
        while observer.execute(alive, {"pids": pids}).scalar_one():
            assert time.monotonic() < deadline, f"backends {pids} outlived their client"
            observer.rollback()
            time.sleep(0.02)


def _assert_all_or_nothing(before: list[dict], final: dict, renamed: dict[str, str]) -> None:
    """The catalog is exactly as it was, or exactly as the whole file makes it (the
    import completed): never part of the file applied."""
    assert final["status"] in ("completed", "failed"), final  # retried or ended, not running
    after = catalog()
    if final["status"] == "failed":
        assert final["error"]
        assert after == before
        return
    assert final["updated"] == len(renamed) and final["created"] == 0, final
    assert [row["id"] for row in after] == [row["id"] for row in before]
    changed_at = set()
    for old, new in zip(before, after, strict=True):
        if old["sku"] not in renamed:
            assert new == old
            continue
        assert new["name"] == renamed[old["sku"]]
        assert {**new, "name": old["name"], "updated_at": old["updated_at"]} == old
        changed_at.add(new["updated_at"])
    assert len(changed_at) == 1 and changed_at.pop() > before[0]["updated_at"]


async def test_a_worker_killed_mid_merge_leaves_nothing_half_applied(client, worker):
    """Killed while its row-by-row merge waits for a product's row (past its first batch
    of 50,000 winners): what it had merged is undone with its transaction, and the
    import is run again or ends failed with a reason."""
    skus = seed_products(50_200)  # a rebuild would not pay for the 202 changes
    content, renamed = _renaming(skus, every=250)
    before = catalog()
    with _row_locked(skus[-1]) as holder:
        import_id = (await upload(client, content)).json()["id"]
        merging = _wait_until_blocked_by(holder, within=120)
        _kill_the_import_workers(worker)
        _wait_until_gone(merging)
    _sweep()
    final = await wait_final(client, import_id)
    _assert_all_or_nothing(before, final, renamed)
    assert staging_tables() == []


async def test_a_worker_killed_while_its_rebuild_waits_to_swap_leaves_nothing_half_applied(
    client, worker
):
    """Killed while its rebuilt catalog waits to replace `products` (a reader holds it)."""
    skus = seed_products(1_000)
    content, renamed = _renaming(skus, every=1)  # every product: a rebuild pays
    before = catalog()
    with _table_read() as reader:
        import_id = (await upload(client, content)).json()["id"]
        swapping = _wait_until_blocked_by(reader, within=120)
        _kill_the_import_workers(worker)
        _wait_until_gone(swapping)
    _sweep()
    final = await wait_final(client, import_id)
    _assert_all_or_nothing(before, final, renamed)
    assert staging_tables() == []


def test_the_same_import_delivered_twice_runs_once():
    import_id = stored_import(csv_bytes("sku,name", "D-1,Once"))
    assert runner.run_import(import_id) == "completed"
    assert runner.run_import(import_id) == "skipped"
    assert len(products()) == 1


def test_a_delivery_while_another_worker_holds_the_import_does_nothing():
    import_id = stored_import(csv_bytes("sku,name", "D-2,Held"))
    with sync_engine().connect() as holder:
        holder.execute(text(CLAIM_HELD_BY_ANOTHER_WORKER), {"id": str(import_id)})
        assert runner.run_import(import_id) == "skipped"
        holder.execute(text("SELECT pg_advisory_unlock_all()"))
        holder.commit()
    assert products() == {}
    assert runner.run_import(import_id) == "completed"


async def _sse_events(response: httpx.Response) -> Any:
    """(event, id) of each event of a Server-Sent Events response, as it arrives."""
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line:
            name, _, value = line.partition(": ")
            fields[name] = value
        elif "event" in fields:
            yield fields["event"], fields["id"]
            fields = {}


async def test_sse_gives_progress_then_the_final_event(client, live_api, worker):
    with MergeGate() as gate:
        import_id = (await upload(client, _big_file(5_000))).json()["id"]
        await _wait_for_phase(client, import_id, "waiting for other imports")
        url = f"{live_api}/api/v1/imports/{import_id}/events"
        async with httpx.AsyncClient(timeout=60) as http, http.stream("GET", url) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            events = []
            async for event, _ in _sse_events(response):
                events.append(event)
                gate.open()  # once the stream is under way
    assert events[0] == "progress" and events[-1] == "completed"
    assert events.count("completed") == 1

    late = await client.get(f"/api/v1/imports/{import_id}/events")
    lines = late.text.splitlines()
    assert [x for x in lines if x.startswith("event: ")] == ["event: completed"]
    assert any(x.startswith("id: completed-5000-100.0-completed") for x in lines)


async def test_progress_is_published_on_the_import_s_channel(client, worker):
    """What makes live viewers prompt (the stream falls back to polling without it)."""
    listener = aioredis.from_url(get_settings().redis_url_or_local)
    subscription = listener.pubsub()
    with MergeGate() as gate:
        import_id = (await upload(client, _big_file(5_000))).json()["id"]
        await _wait_for_phase(client, import_id, "waiting for other imports")
        await subscription.subscribe(channel(import_id))
        gate.open()
        published = []
        deadline = time.monotonic() + 120
        while not published or published[-1]["event"] == "progress":
            assert time.monotonic() < deadline, published
            message = await subscription.get_message(ignore_subscribe_messages=True, timeout=1)
            if message is not None:
                published.append(json.loads(message["data"]))
    await subscription.aclose()
    await listener.aclose()
    progress = [m["data"]["progress"] for m in published if m["event"] == "progress"]
    assert progress, published
    assert progress == sorted(progress)
    assert [m["event"] for m in published if m["event"] in FINAL] == ["completed"]


async def _until_subscribed(listener: aioredis.Redis, name: str) -> None:
    for _ in range(3000):
        if (await listener.pubsub_numsub(name))[0][1]:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"nobody subscribed to {name}")


async def test_a_resumed_stream_leaves_out_the_state_the_viewer_has(client, live_api, worker):
    """Last-Event-ID names the state a reconnecting viewer last got: the stream goes on
    from the next one."""
    listener = aioredis.from_url(get_settings().redis_url_or_local)
    with MergeGate():
        import_id = (await upload(client, _big_file(100))).json()["id"]
        await _wait_for_phase(client, import_id, "waiting for other imports")
        seen = live.event_id(
            ImportRead.model_validate((await client.get(f"/api/v1/imports/{import_id}")).json())
        )
        url = f"{live_api}/api/v1/imports/{import_id}/events"
        headers = {"Last-Event-ID": seen}
        async with (
            httpx.AsyncClient(timeout=60) as http,
            http.stream("GET", url, headers=headers) as response,
        ):
            # Subscribed, the stream reads the state, the one the viewer has: then the
            # cancel (seen within half a second) gives it the next one.
            await _until_subscribed(listener, channel(import_id))
            await client.post(f"/api/v1/imports/{import_id}/cancel")
            first = await anext(_sse_events(response))
    await listener.aclose()
    assert first[1] != seen
    assert first[0] == "cancelled"


def test_a_cancel_seen_while_reading_the_file_ends_cancelled():
    seed_products(1_000, "R")
    before = catalog()
    rows = [f"R-{i:05d},Name {i}" for i in range(20_000)]
    import_id = stored_import(csv_bytes("sku,name", *rows))
    set_import(import_id, cancel_requested=True)
    assert runner.run_import(import_id) == "cancelled"
    assert catalog() == before
    assert completed_events(import_id) == 0
    assert staging_tables() == []


def _stored_chunks(import_id: uuid.UUID | str) -> int:
    with sync_engine().connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM import_file_chunks WHERE import_id = :id"), {"id": import_id}
        ).scalar_one()


async def test_a_failed_import_keeps_no_copy_of_its_file(client, worker):
    import_id = (
        await upload(client, csv_bytes("sku,name", "F-1,Fine", '"F-2,never closed'))
    ).json()["id"]
    final = await wait_final(client, import_id)
    assert final["status"] == "failed"
    assert _stored_chunks(import_id) == 0


async def test_an_import_cancelled_while_queued_keeps_no_copy_of_its_file(client):
    hook = {"url": "http://127.0.0.1:9/hook", "events": ["import.cancelled"]}
    assert (await client.post("/api/v1/webhooks", json=hook)).status_code == 201
    import_id = stored_import(csv_bytes("sku,name", "Q-1,Queued"))
    response = await client.post(f"/api/v1/imports/{import_id}/cancel")
    assert response.json()["status"] == "cancelled"
    assert _stored_chunks(import_id) == 0
    assert _events() == [("import.cancelled", str(import_id), "cancelled")]


async def test_a_cancel_ends_at_once_a_running_import_that_lost_its_worker(client):
    """Nobody holds its claim: no worker would see the request until one restarted it
    (the catalog's delete-all refused meanwhile), so it ends cancelled at once, as a
    queued import does; a worker that claims it afterwards leaves it so."""
    import_id = stored_import(csv_bytes("sku,name", "L-1,Lost"))
    set_import(import_id, status="running", attempts=1, heartbeat_at=datetime.now(UTC))
    response = await client.post(f"/api/v1/imports/{import_id}/cancel")
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["finished_at"] is None) == (
        "cancelled",
        False,
    )
    assert _stored_chunks(import_id) == 0
    assert _events() == [("import.cancelled", str(import_id), "cancelled")]
    assert runner.run_import(import_id) == "skipped"
    assert stored_record(import_id).status == "cancelled"
    assert products() == {}


async def test_a_cancel_of_a_running_import_whose_worker_is_alive_is_asked_for(client):
    import_id = stored_import(csv_bytes("sku,name", "A-1,Alive"))
    set_import(import_id, status="running", attempts=1, heartbeat_at=datetime.now(UTC))
    with sync_engine().connect() as worker:
        worker.execute(text(claims.TAKE), {"id": str(import_id)})
        worker.commit()
        response = await client.post(f"/api/v1/imports/{import_id}/cancel")
        worker.execute(text(claims.RELEASE), {"id": str(import_id)})
        worker.commit()
    assert (response.json()["status"], response.json()["cancel_requested"]) == ("running", True)
    assert _events() == []


def _events() -> list[tuple[str, str, str]]:
    """(type, import id, import status) of the events in the outbox."""
    with sync_engine().connect() as conn:
        rows = conn.execute(text("SELECT type, payload FROM webhook_events ORDER BY id")).all()
    return [(r.type, r.payload["data"]["id"], r.payload["data"]["status"]) for r in rows]


def _wait_until_blocked_by(holder: int, within: float = 120) -> list[int]:
    """Until a session waits for a lock that the backend `holder` holds; the waiting
    backends' pids."""
    # Another session: pg_stat_activity stays the same within one transaction.
    blocked = text("SELECT pid FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))")
    deadline = time.monotonic() + within
    with sync_engine().connect() as observer:
        while not (pids := list(observer.execute(blocked, {"holder": holder}).scalars())):
            assert time.monotonic() < deadline, "nobody waited for the lock"
            observer.rollback()
            time.sleep(0.02)
    return pids


def test_a_cancel_committed_while_a_worker_claims_the_import_wins():
    """The worker read the import as queued; the cancel commits before it sets it
    running: the import stays cancelled and nothing is applied."""
    import_id = stored_import(csv_bytes("sku,name", "R-1,Raced"))
    outcome: list[str] = []
    with sync_engine().connect() as api:
        api.execute(repository.cancel_now(import_id))  # holds the row until committed
        claim = threading.Thread(target=lambda: outcome.append(runner.run_import(import_id)))
        claim.start()
        _wait_until_blocked_by(api.execute(text("SELECT pg_backend_pid()")).scalar_one())
        api.commit()
    claim.join(30)
    assert outcome == ["skipped"]
    assert stored_record(import_id).status == "cancelled"
    assert products() == {}


def test_a_lost_import_the_api_cancels_is_not_ended_again_by_a_worker_restarting_it():
    """The API ends a running import that lost its worker, its last attempt spent; a
    task sent again arriving meanwhile must not write its own end (failed) over the
    cancel: the API holds the claim until it commits, so the worker leaves it alone."""
    import_id = stored_import(csv_bytes("sku,name", "L-1,Lost"))
    set_import(import_id, status="running", attempts=99, heartbeat_at=datetime.now(UTC))
    outcome: list[str] = []
    with sync_engine().connect() as api:  # the cancel's statements, as the API runs them
        assert api.execute(repository.lock_status(import_id)).scalar_one() == "running"
        assert api.execute(repository.take_claim_for_transaction(import_id)).scalar()
        api.execute(repository.cancel_now(import_id))
        restart = threading.Thread(target=lambda: outcome.append(runner.run_import(import_id)))
        restart.start()
        restart.join(30)  # at once: the claim is the API's
        api.commit()
    restart.join(30)
    assert outcome == ["skipped"]
    assert stored_record(import_id).status == "cancelled"
    assert completed_events(import_id) == 0
    assert _events() == []


@pytest.mark.parametrize(("cancel_requested", "status"), [(False, "failed"), (True, "cancelled")])
def test_an_import_whose_workers_kept_dying_ends_with_its_event(cancel_requested, status):
    """Its last attempt's worker died too: it ends failed, or cancelled when a cancel was
    asked for meanwhile, with the matching event, and applies nothing."""
    import_id = stored_import(csv_bytes("sku,name", "D-1,Died"))
    set_import(import_id, status="running", attempts=99, cancel_requested=cancel_requested)
    assert runner.run_import(import_id) == "skipped"
    assert stored_record(import_id).status == status
    assert _events() == [(f"import.{status}", str(import_id), status)]
    assert products() == {}
