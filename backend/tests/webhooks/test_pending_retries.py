"""The delivery log never announces a retry that will not happen: disabling an
endpoint (by hand or on 410 Gone) cancels its pending retries, a redelivery replaces
the event's retry chain, and either withdraws the `next_retry_at` it had announced."""

import asyncio
import time

from sqlalchemy import delete, text, update
from sqlalchemy.orm import Session

from product_importer.config import get_settings
from product_importer.db import sync_session
from product_importer.webhooks.delivery import Claim, record, send
from product_importer.webhooks.models import Webhook
from tests.webhooks.helpers import (
    attempts,
    claimed_job,
    create_webhook,
    emit,
    job_of,
    wait_until,
    webhook_row,
)
from tests.webhooks.receiver import Receiver, Reply

API = "/api/v1/webhooks"
RETRY_IN_AN_HOUR = Reply(status=503, headers={"retry-after": "3600"})


async def _log(client, webhook_id: int) -> list[dict]:
    response = await client.get(f"{API}/{webhook_id}/deliveries")
    assert response.status_code == 200, response.text
    return list(reversed(response.json()["items"]))


def _announced(webhook_id: int) -> bool:
    return any(a.next_retry_at is not None for a in attempts(webhook_id))


def _send_and_record(job: Claim) -> None:
    """One attempt, as a worker makes it: the request, then its outcome recorded."""
    settings = get_settings()
    result = send(job, settings)
    with sync_session() as session:
        record(session, job, result, settings)


def _logged_without_retry(webhook_id: int, status_code: int) -> None:
    """One attempt in the log, announcing no retry, and its job cancelled."""
    (attempt,) = attempts(webhook_id)
    assert attempt.status_code == status_code and attempt.next_retry_at is None
    assert [j.status for j in job_of(webhook_id)] == ["cancelled"]


async def test_disabling_cancels_pending_retries_and_the_log_stops_announcing_them(
    client, worker, receiver: Receiver
):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", RETRY_IN_AN_HOUR)
    emit("product.created", {"id": 1})
    wait_until(lambda: _announced(webhook["id"]), what="the failed attempt and its retry")

    disabled = await client.patch(f"{API}/{webhook['id']}", json={"enabled": False})

    assert disabled.status_code == 200
    (attempt,) = await _log(client, webhook["id"])
    assert attempt["status_code"] == 503 and attempt["next_retry_at"] is None
    assert [job.status for job in job_of(webhook["id"])] == ["cancelled"]

    # Enabling it again resends nothing by itself; Redeliver does.
    await client.patch(f"{API}/{webhook['id']}", json={"enabled": True})
    await asyncio.sleep(1.5)  # three sweeps
    assert len(receiver.requests()) == 1
    redelivered = await client.post(f"{API}/deliveries/{attempt['id']}/redeliver")
    assert redelivered.status_code == 202
    receiver.wait_for(2)
    wait_until(lambda: job_of(webhook["id"])[0].status == "delivered", what="the redelivery")


async def test_410_withdraws_the_retries_of_the_endpoints_other_events(
    client, worker, receiver: Receiver
):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", RETRY_IN_AN_HOUR, 410)
    emit("product.created", {"id": 1})
    wait_until(lambda: _announced(webhook["id"]), what="the first event's retry")

    emit("product.created", {"id": 2})
    wait_until(lambda: len(attempts(webhook["id"])) == 2, what="the 410")

    first, gone = await _log(client, webhook["id"])
    assert first["status_code"] == 503 and first["next_retry_at"] is None
    assert gone["status_code"] == 410 and gone["next_retry_at"] is None
    assert [job.status for job in job_of(webhook["id"])] == ["cancelled", "failed"]
    assert (await client.get(f"{API}/{webhook['id']}")).json()["enabled"] is False


async def test_redeliver_withdraws_the_retry_it_replaces(client, worker, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", RETRY_IN_AN_HOUR)
    emit("product.created", {"id": 1})
    wait_until(lambda: _announced(webhook["id"]), what="the retry an hour away")
    (failed,) = attempts(webhook["id"])

    response = await client.post(f"{API}/deliveries/{failed.id}/redeliver")

    assert response.status_code == 202
    receiver.wait_for(2)
    wait_until(lambda: job_of(webhook["id"])[0].status == "delivered", what="the redelivery")
    replaced, redelivered = await _log(client, webhook["id"])
    assert replaced["id"] == failed.id and replaced["next_retry_at"] is None
    assert redelivered["ok"] is True and redelivered["next_retry_at"] is None


async def test_an_attempt_out_while_the_endpoint_is_disabled_plans_no_retry(
    client, receiver: Receiver
):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", 500)
    job = claimed_job(webhook["id"])

    await client.patch(f"{API}/{webhook['id']}", json={"enabled": False})
    _send_and_record(job)

    _logged_without_retry(webhook["id"], 500)


async def test_disabling_while_an_attempt_is_recorded_withdraws_its_retry(
    client, receiver: Receiver
):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", RETRY_IN_AN_HOUR)
    settings = get_settings()
    job = claimed_job(webhook["id"])
    result = send(job, settings)

    with sync_session() as session:
        record(session, job, result, settings)
        disabling = asyncio.create_task(
            client.patch(f"{API}/{webhook['id']}", json={"enabled": False})
        )
        await _until_a_session_waits_for(session)  # the endpoint's row
        assert not disabling.done()
    response = await disabling

    assert response.status_code == 200
    _logged_without_retry(webhook["id"], 503)


async def test_a_job_dispatched_as_its_endpoint_is_disabled_plans_no_retry(
    client, receiver: Receiver
):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", 500)
    job = claimed_job(webhook["id"])
    # The endpoint is disabled after its pending jobs were cancelled: a dispatch that
    # still saw it enabled adds this job, which the cancel did not see.
    with sync_session() as session:
        session.execute(update(Webhook).where(Webhook.id == webhook["id"]).values(enabled=False))

    _send_and_record(job)

    _logged_without_retry(webhook["id"], 500)


async def test_redeliver_while_the_endpoint_is_deleted_is_404(client, receiver: Receiver):
    """The endpoint's deletion commits while the redelivery waits for its row: 404, as
    for a delivery that is gone, not an error."""
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", 500)
    _send_and_record(claimed_job(webhook["id"]))
    (attempt,) = attempts(webhook["id"])
    with sync_session() as deleting:
        deleting.execute(delete(Webhook).where(Webhook.id == webhook["id"]))
        redelivery = asyncio.create_task(client.post(f"{API}/deliveries/{attempt.id}/redeliver"))
        await _until_a_session_waits_for(deleting)  # the endpoint's row, the delivery read
        assert not redelivery.done()
        deleting.commit()
    response = await redelivery
    assert response.status_code == 404, response.text


async def _until_a_session_waits_for(holder: Session, within: float = 120.0) -> None:
    """Until another session waits for a lock that `holder`'s transaction holds."""
    pid = holder.execute(text("SELECT pg_backend_pid()")).scalar_one()
    blocked = text("SELECT count(*) FROM pg_locks WHERE :pid = ANY(pg_blocking_pids(pid))")
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with sync_session() as session:
            if session.execute(blocked, {"pid": pid}).scalar_one():
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no session waited for a lock of session {pid} in {within:.0f} s")


async def test_an_answer_from_the_url_an_endpoint_had_says_nothing_of_its_new_one(
    client, receiver: Receiver
):
    """An attempt out while the endpoint is given a new URL: its failure (a 410 Gone, a
    timeout) neither disables the endpoint nor marks it failing or slow; it is logged
    with the URL it went to, and the event goes to the new URL at once, its retries
    untouched."""
    webhook = await create_webhook(client, receiver.url("/old"), ["product.created"])
    receiver.script("/old", 410)
    # The new URL counts as slow until its first quick answer: one from the old URL is not.
    await client.patch(f"{API}/{webhook['id']}", json={"url": receiver.url("/hook")})
    job = claimed_job(webhook["id"])
    old = Claim(**{**job.__dict__, "url": receiver.url("/old")})

    _send_and_record(old)

    row = webhook_row(webhook["id"])
    assert row.enabled and row.failing_since is None and row.slow_since is not None
    (attempt,) = attempts(webhook["id"])
    assert attempt.status_code == 410 and attempt.url == receiver.url("/old")
    assert attempt.next_retry_at is not None
    (pending,) = job_of(webhook["id"])
    assert pending.status == "pending" and pending.failures == 0 and pending.attempts == 1
    assert pending.next_attempt_at <= attempt.created_at
