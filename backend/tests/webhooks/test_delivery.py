"""Delivery through the real webhooks worker to real local receivers."""

from sqlalchemy import func, insert, select, text
from standardwebhooks.webhooks import Webhook as StandardWebhook

from product_importer.db import sync_session
from product_importer.imports import pipeline, runner
from product_importer.webhooks import repository as repo
from product_importer.webhooks.events import event_payload, new_event_id
from product_importer.webhooks.models import OutboxEvent, Webhook
from tests.imports.helpers import stored_import
from tests.webhooks.helpers import (
    attempts,
    create_webhook,
    emit,
    job_of,
    make_job,
    wait_until,
    webhook_row,
)
from tests.webhooks.receiver import Receiver, Reply

API = "/api/v1/webhooks"


def _finished(webhook_id: int) -> bool:
    jobs = job_of(webhook_id)
    return bool(jobs) and all(job.status != "pending" for job in jobs)


async def test_500_500_200_is_three_attempts_with_one_id(client, worker, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url(), ["import.completed"])
    receiver.script("/hook", 500, 500, 200)

    event_id = emit("import.completed", {"id": "imp-1", "status": "completed"})
    requests = receiver.wait_for(3)
    wait_until(lambda: _finished(webhook["id"]), what="the job to finish")

    assert len(receiver.requests()) == 3
    assert {request.headers["webhook-id"] for request in requests} == {event_id}
    for request in requests:  # each retry is signed afresh
        StandardWebhook(webhook["secret"]).verify(request.body, request.headers)
    log = attempts(webhook["id"])
    assert [(a.attempt, a.status_code) for a in log] == [(1, 500), (2, 500), (3, 200)]
    assert [a.next_retry_at is not None for a in log] == [True, True, False]
    assert all(a.event_id == event_id for a in log)
    assert job_of(webhook["id"])[0].status == "delivered"


async def test_delivery_log_lists_every_attempt_newest_first(client, worker, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url(), ["product.updated"])
    receiver.script("/hook", Reply(status=500, body=b"database on fire"), 200)
    event_id = emit("product.updated", {"id": 1})
    receiver.wait_for(2)
    wait_until(lambda: _finished(webhook["id"]), what="the job to finish")

    page = (await client.get(f"{API}/{webhook['id']}/deliveries?page_size=1")).json()
    full = (await client.get(f"{API}/{webhook['id']}/deliveries")).json()

    assert page["total"] == 2 and len(page["items"]) == 1 and page["page_size"] == 1
    newest, oldest = full["items"]
    assert newest["attempt"] == 2 and newest["ok"] is True and newest["status_code"] == 200
    assert oldest["attempt"] == 1 and oldest["ok"] is False
    assert oldest["error"] == "HTTP 500 Internal Server Error"
    assert oldest["response_excerpt"] == "database on fire"
    assert oldest["next_retry_at"] is not None
    for item in full["items"]:
        assert item["event_id"] == event_id and item["event_type"] == "product.updated"
        assert item["latency_ms"] is not None and item["created_at"]


async def test_a_redirect_is_not_followed(client, worker, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    moved = Reply(status=302, headers={"location": receiver.url("/elsewhere")})
    receiver.script("/hook", moved, moved, moved, moved)

    emit("product.created", {"id": 1})
    wait_until(lambda: _finished(webhook["id"]), what="the job to give up")

    assert receiver.requests("/elsewhere") == []
    log = attempts(webhook["id"])
    assert len(log) == 4  # the first try and the three retries of the test schedule
    assert all(a.status_code == 302 for a in log)
    assert "not followed" in (log[0].error or "")
    assert job_of(webhook["id"])[0].status == "failed"


async def test_a_hanging_receiver_times_out_and_is_retried(client, worker, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", Reply(hang=30), 200)

    emit("product.created", {"id": 1})
    receiver.wait_for(2)
    wait_until(lambda: _finished(webhook["id"]), what="the job to finish")

    first, second = attempts(webhook["id"])
    assert first.status_code is None and (first.error or "").startswith("timeout")
    assert second.status_code == 200


async def test_quick_failures_end_the_slow_mark_a_new_endpoint_starts_with(
    client, worker, receiver: Receiver
):
    """Slow is about the time an answer takes (a slow endpoint holds a worker's thread),
    not whether it succeeded: an endpoint refusing at once is failing, not slow (the
    Webhooks page called it "Slow to answer" once enabled again)."""
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    assert webhook_row(webhook["id"]).slow_since is not None
    receiver.script("/hook", 500, 500, 500, 500)

    emit("product.created", {"id": 1})
    wait_until(lambda: _finished(webhook["id"]), what="the job to give up")

    row = webhook_row(webhook["id"])
    assert row.failing_since is not None and row.slow_since is None


async def test_a_failure_that_takes_long_marks_the_endpoint_slow(
    client, worker, receiver: Receiver
):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", 500, 500, 500, Reply(hang=30))  # the last one times out

    emit("product.created", {"id": 1})
    wait_until(lambda: _finished(webhook["id"]), what="the job to give up")

    first, *_, timed_out = attempts(webhook["id"])
    assert timed_out.status_code is None
    assert webhook_row(webhook["id"]).slow_since > first.created_at  # marked again, then


async def test_410_disables_the_endpoint(client, worker, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url(), ["product.created", "product.deleted"])
    receiver.script("/hook", 410)

    emit("product.created", {"id": 1})
    wait_until(lambda: not webhook_row(webhook["id"]).enabled, what="the endpoint to be disabled")
    emit("product.deleted", {"id": 1})
    wait_until(lambda: _events_dispatched(), what="the second event to be dispatched")

    shown = (await client.get(f"{API}/{webhook['id']}")).json()
    assert shown["enabled"] is False
    assert "410" in shown["disabled_reason"]
    assert len(receiver.requests()) == 1
    assert len(attempts(webhook["id"])) == 1
    assert [job.status for job in job_of(webhook["id"])] == ["failed"]


def _events_dispatched() -> bool:
    with sync_session() as session:
        statement = select(func.count()).where(OutboxEvent.dispatched_at.is_(None))
        return session.execute(statement).scalar_one() == 0


async def test_disabled_endpoints_and_unselected_types_get_nothing(
    client, worker, receiver: Receiver
):
    disabled = await create_webhook(
        client, receiver.url("/disabled"), ["product.created"], enabled=False
    )
    other_type = await create_webhook(client, receiver.url("/other"), ["import.completed"])
    subscribed = await create_webhook(client, receiver.url("/subscribed"), ["product.created"])

    emit("product.created", {"id": 1})
    receiver.wait_for(1, "/subscribed")
    wait_until(_events_dispatched, what="dispatch")
    wait_until(lambda: _finished(subscribed["id"]), what="the delivery to be recorded")

    assert receiver.requests("/disabled") == [] and receiver.requests("/other") == []
    assert job_of(disabled["id"]) == [] and job_of(other_type["id"]) == []
    assert attempts(disabled["id"]) == [] and attempts(other_type["id"]) == []


def test_an_event_dispatched_late_goes_to_the_endpoints_receiving_when_it_was_recorded():
    """Dispatch may lag (its worker down, Redis away): an endpoint created, or enabled
    again, after an event was recorded does not get it."""
    event_id = new_event_id()
    with sync_session() as session:
        try:
            session.execute(
                insert(OutboxEvent).values(
                    id=event_id,
                    type="product.updated",
                    payload=event_payload(event_id, "product.updated", {"id": 1}),
                    created_at=text("now() - interval '1 minute'"),
                )
            )
            ids = {}
            for name, since in (("before", "2 minutes"), ("after", "0 minutes")):
                ids[name] = session.execute(
                    insert(Webhook)
                    .values(
                        url=f"https://hooks.example.com/{name}",
                        events=["product.updated"],
                        secret="whsec_" + "a" * 32,
                        receives_since=text(f"now() - interval '{since}'"),
                    )
                    .returning(Webhook.id)
                ).scalar_one()
            endpoints = session.execute(repo.endpoints_of_events([event_id])).all()
            assert [webhook_id for _, webhook_id in endpoints] == [ids["before"]]
        finally:
            session.rollback()


def test_an_endpoint_created_while_an_import_runs_gets_its_outcome(monkeypatch):
    """The import's transaction began before the endpoint existed, but its event is
    recorded as it ends: the endpoint was receiving events by then."""
    created: list[int] = []
    real_stage = pipeline.stage

    def stage_then_create_an_endpoint(*args, **kwargs):
        staged = real_stage(*args, **kwargs)
        with sync_session() as session:  # its own transaction, committed mid-import
            created.append(
                session.execute(
                    insert(Webhook)
                    .values(url="https://hooks.example.com/", events=["import.completed"],
                            secret="whsec_" + "a" * 32)
                    .returning(Webhook.id)
                ).scalar_one()
            )  # fmt: skip
        return staged

    monkeypatch.setattr(pipeline, "stage", stage_then_create_an_endpoint)
    import_id = stored_import(b"sku,name\nW-1,Watched\n")
    assert runner.run_import(import_id) == "completed"
    with sync_session() as session:
        event_id = session.execute(
            select(OutboxEvent.id).where(
                OutboxEvent.type == "import.completed",
                OutboxEvent.payload["data"]["id"].astext == str(import_id),
            )
        ).scalar_one()
        # Read, not dispatched here: a webhooks worker may be dispatching it.
        endpoints = session.execute(repo.endpoints_of_events([event_id])).all()
    assert [webhook_id for _, webhook_id in endpoints] == created


async def test_enabling_an_endpoint_again_starts_its_events_then(client):
    webhook = await create_webhook(client, "https://hooks.example.com/x", enabled=False)
    enabled = await client.patch(f"{API}/{webhook['id']}", json={"enabled": True})

    assert enabled.status_code == 200
    row = webhook_row(webhook["id"])
    assert row.receives_since == row.updated_at and row.receives_since > row.created_at


async def test_redeliver_sends_the_same_event_again(client, worker, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url(), ["import.failed"])
    event_id = emit("import.failed", {"id": "imp-2", "error": "bad header"})
    receiver.wait_for(1)
    wait_until(lambda: _finished(webhook["id"]), what="the first delivery")
    (first,) = (await client.get(f"{API}/{webhook['id']}/deliveries")).json()["items"]

    response = await client.post(f"{API}/deliveries/{first['id']}/redeliver")

    assert response.status_code == 202
    assert response.json() == {
        "delivery_id": first["id"],
        "webhook_id": webhook["id"],
        "event_id": event_id,
        "status": "queued",
    }
    requests = receiver.wait_for(2)
    assert [r.headers["webhook-id"] for r in requests] == [event_id, event_id]
    assert requests[0].body == requests[1].body
    wait_until(lambda: len(attempts(webhook["id"])) == 2, what="the second attempt")
    assert [a.attempt for a in attempts(webhook["id"])] == [1, 2]


async def test_redeliver_refuses_test_events_and_disabled_endpoints(
    client, worker, receiver: Receiver
):
    webhook = await create_webhook(client, receiver.url(), ["import.failed"])
    await client.post(f"{API}/{webhook['id']}/test")
    emit("import.failed", {"id": "imp-3"})
    wait_until(lambda: _finished(webhook["id"]), what="the delivery")
    items = (await client.get(f"{API}/{webhook['id']}/deliveries")).json()["items"]
    real = next(item for item in items if item["event_type"] == "import.failed")
    test = next(item for item in items if item["event_type"] == "webhook.test")

    refused_test = await client.post(f"{API}/deliveries/{test['id']}/redeliver")
    await client.patch(f"{API}/{webhook['id']}", json={"enabled": False})
    refused_disabled = await client.post(f"{API}/deliveries/{real['id']}/redeliver")

    assert refused_test.status_code == 409 and "test" in refused_test.json()["detail"]
    assert refused_disabled.status_code == 409
    assert "disabled" in refused_disabled.json()["detail"]


async def test_retry_after_is_honoured(client, worker, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", Reply(status=503, headers={"retry-after": "2"}), 200)

    emit("product.created", {"id": 1})
    receiver.wait_for(2)
    wait_until(lambda: _finished(webhook["id"]), what="the job to finish")

    first, second = attempts(webhook["id"])
    assert first.next_retry_at is not None
    # The test schedule would retry after 0.2 s; the receiver asked for 2 s.
    assert (first.next_retry_at - first.created_at).total_seconds() >= 1.9
    assert second.created_at >= first.next_retry_at


async def test_metrics_count_deliveries_waiting(client):
    webhook = await create_webhook(client, "https://hooks.example.com/in", ["product.created"])
    make_job(webhook["id"])

    metrics = (await client.get("/metrics")).text

    assert "webhook_deliveries_pending 1.0" in metrics


async def test_redeliver_during_a_long_backoff_sends_now(client, worker, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", Reply(status=503, headers={"retry-after": "3600"}))
    event_id = emit("product.created", {"id": 1})
    receiver.wait_for(1)
    wait_until(lambda: len(attempts(webhook["id"])) == 1, what="the failed attempt")
    (failed,) = attempts(webhook["id"])
    assert failed.next_retry_at is not None  # an hour away

    response = await client.post(f"{API}/deliveries/{failed.id}/redeliver")

    assert response.status_code == 202
    second = receiver.wait_for(2)[1]
    assert second.headers["webhook-id"] == event_id
    wait_until(lambda: _finished(webhook["id"]), what="the redelivery to be recorded")
    assert job_of(webhook["id"])[0].status == "delivered"
