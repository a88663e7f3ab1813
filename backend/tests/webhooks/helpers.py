"""Helpers for webhook tests: settings switches, waiting, events, jobs and rows."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, insert, select

from product_importer.config import get_settings
from product_importer.db import sync_session
from product_importer.webhooks.delivery import Claim, claim
from product_importer.webhooks.events import event_payload, new_event_id, record_event
from product_importer.webhooks.models import OutboxEvent, Webhook, WebhookDelivery, WebhookJob
from product_importer.webhooks.repository import seconds
from product_importer.webhooks.wakeup import dispatch_after_commit

ALL_EVENTS = ["import.completed", "import.failed", "product.created", "product.updated"]


def wait_until(predicate: Callable[[], Any], timeout: float = 30, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


async def create_webhook(
    client: Any, url: str, events: list[str] | None = None, **extra: Any
) -> Any:
    body = {"url": url, "events": events or ALL_EVENTS, **extra}
    response = await client.post("/api/v1/webhooks", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def emit(event_type: str, data: dict[str, Any], wake: bool = True) -> str:
    """Record an event the way the products and imports services do."""
    with sync_session() as session:
        event_id: str = session.execute(
            record_event(event_type, data).returning(OutboxEvent.id)
        ).scalar_one()
        if wake:
            dispatch_after_commit(session)
    return event_id


def make_job(webhook_id: int, event_type: str = "product.created") -> tuple[int, str, str]:
    """An already dispatched event with a job held by the test (the sweep leaves it
    alone for ten minutes), to drive one attempt in this process."""
    event_id = new_event_id()
    token = f"test-{event_id}"
    with sync_session() as session:
        session.execute(
            insert(OutboxEvent).values(
                id=event_id,
                type=event_type,
                payload=event_payload(event_id, event_type, {"sku": "ABC-1"}),
                dispatched_at=func.now(),
            )
        )
        job_id: int = session.execute(
            insert(WebhookJob)
            .values(
                webhook_id=webhook_id,
                event_id=event_id,
                token=token,
                locked_until=func.now() + seconds(600),
            )
            .returning(WebhookJob.id)
        ).scalar_one()
    return job_id, token, event_id


def attempts(webhook_id: int) -> list[WebhookDelivery]:
    with sync_session() as session:
        statement = (
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook_id)
            .order_by(WebhookDelivery.id)
        )
        return list(session.execute(statement).scalars())


def job_of(webhook_id: int) -> list[WebhookJob]:
    with sync_session() as session:
        statement = select(WebhookJob).where(WebhookJob.webhook_id == webhook_id)
        return list(session.execute(statement.order_by(WebhookJob.id)).scalars())


def webhook_row(webhook_id: int) -> Webhook:
    with sync_session() as session:
        return session.execute(select(Webhook).where(Webhook.id == webhook_id)).scalar_one()


def claimed_job(webhook_id: int) -> Claim:
    """A job of `make_job`, claimed as a worker would before sending it."""
    job_id, token, _ = make_job(webhook_id)
    with sync_session() as session:
        job = claim(session, job_id, token, get_settings())
    assert job is not None
    return job
