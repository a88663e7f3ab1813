"""Cancel, a killed worker, and duplicate deliveries: nothing is ever half applied."""

import asyncio
import signal
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import psutil
import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.imports import repository, runner
from product_importer.imports.progress import ProgressReporter
from product_importer.imports.schemas import ImportRead
from tests.imports.helpers import (
    MergeGate,
    csv_bytes,
    products,
    staging_tables,
    stored_import,
    upload,
    wait_final,
)

CLAIM_HELD_BY_ANOTHER_WORKER = f"SELECT pg_advisory_lock({runner.CLAIM_LOCK_KEY}, hashtext(:id))"


def _big_file(rows: int = 20_000) -> bytes:
    return csv_bytes("sku,name,description", *[f"F-{i},Name {i},Desc {i}" for i in range(rows)])


async def _wait_for_phase(client, import_id: str, phase: str, within: float = 60) -> None:
    for _ in range(int(within / 0.05)):
        body = (await client.get(f"/api/v1/imports/{import_id}")).json()
        if body["phase"] == phase:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"import never reached phase {phase!r}: {body}")


async def test_cancel_while_running_applies_nothing(client, worker):
    with MergeGate() as gate:
        import_id = (await upload(client, _big_file())).json()["id"]
        await _wait_for_phase(client, import_id, "waiting for other imports")
        response = await client.post(f"/api/v1/imports/{import_id}/cancel")
        assert response.status_code == 200
        assert response.json()["cancel_requested"] is True
        gate.open()
        final = await wait_final(client, import_id)
    assert final["status"] == "cancelled"
    assert products() == {}
    assert staging_tables() == []
    again = await client.post(f"/api/v1/imports/{import_id}/cancel")
    assert again.status_code == 200 and again.json()["status"] == "cancelled"
    assert _events() == [("import.cancelled", import_id, "cancelled")]


async def test_a_cancel_stops_a_long_statement_at_once(client, worker):
    """Waiting for the merge lock is one statement, as long as the other import's merge:
    a cancel ends it there, without waiting for it to end."""
    with MergeGate():
        import_id = (await upload(client, _big_file(100))).json()["id"]
        await _wait_for_phase(client, import_id, "waiting for other imports")
        await client.post(f"/api/v1/imports/{import_id}/cancel")
        final = await wait_final(client, import_id, within=15)  # the gate is still closed
    assert final["status"] == "cancelled"
    assert products() == {}
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
        for _ in range(200):
            if "waiting for other imports" in phases:
                break
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
    assert snapshot.eta_seconds == pytest.approx(2.0, abs=0.2)


async def test_a_worker_killed_mid_import_leaves_nothing_half_applied(client, worker):
    pool = psutil.Process(worker[0].pid)
    with MergeGate() as gate:
        import_id = (await upload(client, _big_file())).json()["id"]
        await _wait_for_phase(client, import_id, "waiting for other imports")
        for child in pool.children():
            child.send_signal(signal.SIGKILL)
        await asyncio.sleep(2.5)  # the dead backend notices its client is gone
        gate.open()
        final = await wait_final(client, import_id)
    assert final["status"] in ("completed", "failed")
    catalog = products()
    assert len(catalog) in (0, 20_000)
    if final["status"] == "completed":
        assert final["created"] == 20_000 and final["total_rows"] == 20_000
    else:
        assert catalog == {} and final["error"]
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


async def test_sse_gives_progress_then_the_final_event(client, worker):
    with MergeGate() as gate:
        import_id = (await upload(client, _big_file(5_000))).json()["id"]
        await _wait_for_phase(client, import_id, "waiting for other imports")
        stream = asyncio.create_task(client.get(f"/api/v1/imports/{import_id}/events"))
        await asyncio.sleep(1.0)
        gate.open()
        response = await asyncio.wait_for(stream, timeout=60)
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [
        line.removeprefix("event: ")
        for line in response.text.splitlines()
        if line.startswith("event: ")
    ]
    assert events[0] == "progress" and events[-1] == "completed"
    assert events.count("completed") == 1

    late = await client.get(f"/api/v1/imports/{import_id}/events")
    lines = late.text.splitlines()
    assert [x for x in lines if x.startswith("event: ")] == ["event: completed"]
    assert any(x.startswith("id: completed-5000") for x in lines)
    resumed = await client.get(
        f"/api/v1/imports/{import_id}/events", headers={"Last-Event-ID": "progress-0-0"}
    )
    assert "event: completed" in resumed.text


def test_a_cancel_seen_while_reading_the_file_ends_cancelled():
    rows = [f"R-{i},Name {i}" for i in range(20_000)]
    import_id = stored_import(csv_bytes("sku,name", *rows))
    with sync_engine().begin() as conn:
        conn.execute(
            text("UPDATE imports SET cancel_requested = true WHERE id = :id"), {"id": import_id}
        )
    assert runner.run_import(import_id) == "cancelled"
    assert products() == {}
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


def _events() -> list[tuple[str, str, str]]:
    """(type, import id, import status) of the events in the outbox."""
    with sync_engine().connect() as conn:
        rows = conn.execute(text("SELECT type, payload FROM webhook_events ORDER BY id")).all()
    return [(r.type, r.payload["data"]["id"], r.payload["data"]["status"]) for r in rows]


def _wait_until_blocked_by(holder: int, within: float = 10) -> None:
    """Until a session waits for a lock that the backend `holder` holds."""
    # Another session: pg_stat_activity stays the same within one transaction.
    blocked = text(
        "SELECT count(*) FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))"
    )
    deadline = time.monotonic() + within
    with sync_engine().connect() as observer:
        while observer.execute(blocked, {"holder": holder}).scalar_one() == 0:
            assert time.monotonic() < deadline, "nobody waited for the lock"
            observer.rollback()
            time.sleep(0.02)


def test_a_cancel_committed_while_a_worker_claims_the_import_wins():
    """The worker read the import as queued; the cancel commits before it sets it
    running: the import stays cancelled and nothing is applied."""
    import_id = stored_import(csv_bytes("sku,name", "R-1,Raced"))
    outcome: list[str] = []
    with sync_engine().connect() as api:
        api.execute(repository.cancel_queued(import_id))  # holds the row until committed
        claim = threading.Thread(target=lambda: outcome.append(runner.run_import(import_id)))
        claim.start()
        _wait_until_blocked_by(api.execute(text("SELECT pg_backend_pid()")).scalar_one())
        api.commit()
    claim.join(30)
    assert outcome == ["skipped"]
    with sync_engine().connect() as conn:
        status = conn.execute(
            text("SELECT status FROM imports WHERE id = :id"), {"id": import_id}
        ).scalar_one()
    assert status == "cancelled"
    assert products() == {}


@pytest.mark.parametrize(("cancel_requested", "status"), [(False, "failed"), (True, "cancelled")])
def test_an_import_whose_workers_kept_dying_ends_with_its_event(cancel_requested, status):
    """Its last attempt's worker died too: it ends failed, or cancelled when a cancel was
    asked for meanwhile, with the matching event, and applies nothing."""
    import_id = stored_import(csv_bytes("sku,name", "D-1,Died"))
    with sync_engine().begin() as conn:
        conn.execute(
            text(
                "UPDATE imports SET status = 'running', attempts = 99,"
                " cancel_requested = :cancel WHERE id = :id"
            ),
            {"cancel": cancel_requested, "id": import_id},
        )
    assert runner.run_import(import_id) == "skipped"
    with sync_engine().connect() as conn:
        assert (
            conn.execute(
                text("SELECT status FROM imports WHERE id = :id"), {"id": import_id}
            ).scalar_one()
            == status
        )
    assert _events() == [(f"import.{status}", str(import_id), status)]
    assert products() == {}
