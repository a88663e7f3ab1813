"""At least once, whatever goes wrong: lost wake-ups, crashed workers, hanging or
failing endpoints."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from product_importer.config import get_settings
from product_importer.db import sync_session
from product_importer.webhooks import targets
from product_importer.webhooks.delivery import claim, deliver_job, record, send
from product_importer.webhooks.dispatcher import MAX_IN_FLIGHT_PER_ENDPOINT
from product_importer.webhooks.models import Webhook
from tests.settings_helpers import settings_env
from tests.webhooks.helpers import (
    attempts,
    claimed_job,
    create_webhook,
    emit,
    job_of,
    make_job,
    wait_until,
    webhook_row,
)
from tests.webhooks.receiver import HANG, Receiver


async def test_an_event_whose_wake_up_was_lost_still_goes_out(client, worker, receiver):
    await create_webhook(client, receiver.url(), ["product.deleted"])

    event_id = emit("product.deleted", {"id": 9}, wake=False)

    (request,) = receiver.wait_for(1)
    assert request.headers["webhook-id"] == event_id


async def test_a_worker_dying_between_send_and_record_sends_again(
    client, worker, receiver: Receiver
):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    job_id, token, event_id = make_job(webhook["id"])
    settings = get_settings()

    # What a worker does up to the moment it dies: claim the job, send the request...
    with sync_session() as session:
        job = claim(session, job_id, token, settings)
    assert job is not None
    assert send(job, settings).ok
    # ...and never record it. Once the lease runs out, the sweep hands the job to
    # the real worker, which sends it again.
    requests = receiver.wait_for(2, timeout=60)

    assert [r.headers["webhook-id"] for r in requests] == [event_id, event_id]
    wait_until(lambda: job_of(webhook["id"])[0].status == "delivered", what="delivery")
    assert [a.attempt for a in attempts(webhook["id"])] == [1]


async def test_a_hanging_endpoint_holds_few_threads_and_others_get_everything(
    client, worker, receiver: Receiver
):
    hanging = await create_webhook(client, receiver.url("/hang"), ["product.updated"])
    healthy = await create_webhook(client, receiver.url("/ok"), ["product.updated"])
    receiver.script("/hang", *[HANG] * 100)
    events = 24  # more than the worker's 16 threads

    try:
        for number in range(events):
            emit("product.updated", {"id": number})
        received = receiver.wait_for(events, "/ok", timeout=60)

        assert len({r.headers["webhook-id"] for r in received}) == events
        assert receiver.max_open.get("/hang", 0) <= MAX_IN_FLIGHT_PER_ENDPOINT
        assert len(job_of(hanging["id"])) == events
        wait_until(
            lambda: all(job.status == "delivered" for job in job_of(healthy["id"])),
            what="the healthy endpoint's deliveries to be recorded",
        )
    finally:  # drop the hanging endpoint's backlog so it does not run into later tests
        await client.delete(f"/api/v1/webhooks/{hanging['id']}")


def _failing_since(webhook_id: int, since: timedelta) -> None:
    """No delivery to the endpoint has succeeded for `since`."""
    with sync_session() as session:
        session.execute(
            update(Webhook)
            .where(Webhook.id == webhook_id)
            .values(failing_since=datetime.now(UTC) - since)
        )


LONG_STREAK = {"WEBHOOK_DISABLE_AFTER_SECONDS": "3600"}


async def test_an_event_that_fails_for_good_disables_an_endpoint_failing_for_too_long(
    client, receiver: Receiver
):
    """A dead endpoint that gets few events: the one event it gets fails for good (here
    no retries are left) two hours into a one-hour limit."""
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", 500)
    _failing_since(webhook["id"], timedelta(hours=2))
    job_id, token, _ = make_job(webhook["id"])

    with settings_env(**LONG_STREAK, WEBHOOK_RETRY_SCHEDULE="[]"):
        deliver_job(job_id, token)

    row = webhook_row(webhook["id"])
    assert row.enabled is False
    assert "every delivery has failed since" in (row.disabled_reason or "")
    assert job_of(webhook["id"])[0].status == "failed"
    shown = (await client.get(f"/api/v1/webhooks/{webhook['id']}")).json()
    assert shown["enabled"] is False and shown["disabled_reason"] == row.disabled_reason


async def test_an_event_with_retries_left_is_retried_however_long_the_streak(
    client, receiver: Receiver
):
    """Failed on Monday, no events since, a passing 503 on Thursday: the event is retried
    (and the endpoint kept) rather than the endpoint disabled on one failure."""
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", 503)
    _failing_since(webhook["id"], timedelta(days=3))
    job_id, token, _ = make_job(webhook["id"])

    with settings_env(**LONG_STREAK, WEBHOOK_RETRY_SCHEDULE="60,600"):
        deliver_job(job_id, token)

    row = webhook_row(webhook["id"])
    assert row.enabled is True and row.disabled_reason is None
    (attempt,) = attempts(webhook["id"])
    assert attempt.status_code == 503 and attempt.next_retry_at is not None
    assert [job.status for job in job_of(webhook["id"])] == ["pending"]


async def test_a_success_ends_the_failing_streak(client, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    with sync_session() as session:
        session.execute(
            update(Webhook)
            .where(Webhook.id == webhook["id"])
            .values(failing_since=datetime.now(UTC) - timedelta(minutes=5))
        )
    job_id, token, _ = make_job(webhook["id"])

    deliver_job(job_id, token)

    row = webhook_row(webhook["id"])
    assert row.enabled is True and row.failing_since is None


async def test_an_unforeseen_failure_of_the_send_is_an_attempt_retried_later(
    client, receiver: Receiver, monkeypatch
):
    def broken_resolver(host: str, port: int) -> list[str]:
        raise RuntimeError("resolver bug")

    monkeypatch.setattr(targets, "resolve", broken_resolver)
    webhook = await create_webhook(client, receiver.url(host="broken.example.test"))
    job = claimed_job(webhook["id"])
    settings = get_settings()

    with sync_session() as session:  # not queued: no worker (whose resolver works) retries it
        record(session, job, send(job, settings), settings)
    tested = await client.post(f"/api/v1/webhooks/{webhook['id']}/test")

    assert tested.status_code == 200, tested.text
    assert tested.json()["ok"] is False and tested.json()["status_code"] is None
    assert tested.json()["error"] == "request failed: RuntimeError: resolver bug"
    delivery, _test = attempts(webhook["id"])
    assert delivery.error == tested.json()["error"] and delivery.next_retry_at is not None
    assert [job.status for job in job_of(webhook["id"])] == ["pending"]


async def test_a_stale_task_does_nothing(client, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    job_id, _, _ = make_job(webhook["id"])

    deliver_job(job_id, "a-token-the-sweep-has-since-replaced")

    assert receiver.requests() == []
    assert attempts(webhook["id"]) == []


async def test_an_endpoint_deleted_while_its_event_is_sent_is_left_alone(
    client, receiver: Receiver
):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    job = claimed_job(webhook["id"])
    settings = get_settings()
    result = send(job, settings)

    assert (await client.delete(f"/api/v1/webhooks/{webhook['id']}")).status_code == 204
    with sync_session() as session:
        assert record(session, job, result, settings) == []

    assert attempts(webhook["id"]) == [] and job_of(webhook["id"]) == []


async def test_old_events_and_attempts_are_purged(client, receiver: Receiver):
    from sqlalchemy import func, select

    from product_importer.webhooks.dispatcher import purge_old
    from product_importer.webhooks.models import OutboxEvent, WebhookDelivery

    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    old_job, old_token, old_event = make_job(webhook["id"])
    deliver_job(old_job, old_token)
    _, _, pending_event = make_job(webhook["id"])  # still pending: kept whatever its age
    recent_job, recent_token, recent_event = make_job(webhook["id"])
    deliver_job(recent_job, recent_token)
    long_ago = datetime.now(UTC) - timedelta(days=40)
    with sync_session() as session:
        for model in (OutboxEvent, WebhookDelivery):
            session.execute(update(model).values(created_at=long_ago))
        session.execute(
            update(OutboxEvent).where(OutboxEvent.id == recent_event).values(created_at=func.now())
        )

    with sync_session() as session:
        purge_old(session, get_settings())

    with sync_session() as session:
        kept = set(session.execute(select(OutboxEvent.id)).scalars())
    assert kept == {pending_event, recent_event}
    assert old_event not in kept
    assert attempts(webhook["id"]) == []
