"""Webhook endpoints for the API: CRUD, test sends, the delivery log, redelivery.

Services flush and never commit (the request's session does); blocking work (DNS
for the save-time guard, the test POST) runs in a thread so the event loop never
waits on a remote server.
"""

from __future__ import annotations

from typing import Any

import anyio
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from product_importer.config import get_settings
from product_importer.core.pagination import Page, PageParams, read_page
from product_importer.core.versions import WEBHOOK
from product_importer.db import after_commit, async_session
from product_importer.security import audit
from product_importer.webhooks import repository as repo
from product_importer.webhooks.dispatcher import enqueue, schedule
from product_importer.webhooks.events import TEST_EVENT_TYPE, event_payload, new_event_id
from product_importer.webhooks.schemas import (
    DeliveryRead,
    RedeliveryRead,
    SecretRotation,
    WebhookCreate,
    WebhookRead,
    WebhookReplace,
    WebhookTestRequest,
    WebhookTestResult,
    WebhookUpdate,
)
from product_importer.webhooks.signing import new_secret
from product_importer.webhooks.targets import check_url
from product_importer.webhooks.transport import AttemptResult, event_body, post_event


class WebhookNotFound(LookupError):
    def __init__(self, webhook_id: int) -> None:
        super().__init__(f"webhook {webhook_id} not found")


class DeliveryNotFound(LookupError):
    def __init__(self, delivery_id: int) -> None:
        super().__init__(f"delivery {delivery_id} not found")


class WebhookChangedSince(Exception):
    """`If-Match` named a version the endpoint has moved on from (or no version)."""


class RotationUnderWay(Exception):
    """A rotation that keeps the old secret while an older one still signs."""


class RedeliveryRefused(Exception):
    """The attempt exists but its event cannot be sent again; the message says why."""


async def _check_target(url: str) -> None:
    """Raises `TargetRefused` when the SSRF guard refuses the URL."""
    settings = get_settings()
    await anyio.to_thread.run_sync(
        check_url, url, settings.webhook_allow_private_targets, settings.webhook_timeout_seconds
    )


def _read(row: Any) -> WebhookRead:
    webhook, last_at, last_status, last_error = row
    return WebhookRead.model_validate(webhook).model_copy(
        update={
            "last_delivery_at": last_at,
            "last_delivery_status_code": last_status,
            "last_delivery_error": last_error,
        }
    )


async def list_webhooks(session: AsyncSession) -> list[WebhookRead]:
    rows = (await session.execute(repo.select_webhooks())).all()
    return [_read(row) for row in rows]


async def get_webhook(session: AsyncSession, webhook_id: int) -> WebhookRead:
    row = (await session.execute(repo.select_webhooks(webhook_id))).one_or_none()
    if row is None:
        raise WebhookNotFound(webhook_id)
    return _read(row)


async def create_webhook(session: AsyncSession, data: WebhookCreate) -> WebhookRead:
    await _check_target(data.url)
    values = {**data.model_dump(), "secret": new_secret()}
    webhook_id = (await session.execute(repo.insert_webhook(values))).scalar_one()
    await audit.record(session, "webhook.created", f"webhook {webhook_id}", audit.webhook(values))
    return await get_webhook(session, webhook_id)


async def replace_webhook(
    session: AsyncSession, webhook_id: int, data: WebhookReplace, if_match: str | None = None
) -> WebhookRead:
    return await _apply(session, webhook_id, data.model_dump(), if_match)


async def update_webhook(
    session: AsyncSession, webhook_id: int, data: WebhookUpdate, if_match: str | None = None
) -> WebhookRead:
    return await _apply(session, webhook_id, data.model_dump(exclude_unset=True), if_match)


async def _locked_at_version(session: AsyncSession, webhook_id: int, if_match: str | None) -> Any:
    """The endpoint's state, its row locked until the transaction ends, if `if_match`
    (when sent) names its version."""
    # NO KEY UPDATE, as the repository's other locks of the row: it lets the FK checks of
    # jobs and attempts being recorded for the endpoint go on meanwhile.
    statement = repo.select_webhook_state(webhook_id).with_for_update(key_share=True)
    current = (await session.execute(statement)).one_or_none()
    if current is None:
        raise WebhookNotFound(webhook_id)
    refused = None if if_match is None else WEBHOOK.refusal(if_match, current.updated_at)
    if refused:
        raise WebhookChangedSince(refused)
    return current


async def _apply(
    session: AsyncSession, webhook_id: int, changes: dict[str, Any], if_match: str | None
) -> WebhookRead:
    if "url" in changes:  # first: its name lookup may take seconds, with no connection held
        await _check_target(changes["url"])
    current = await _locked_at_version(session, webhook_id, if_match)
    if "url" in changes and changes["url"] != current.url:
        # A new target: no failures yet, and slow until its first quick answer.
        changes["failing_since"], changes["slow_since"] = None, func.now()
    if "enabled" in changes and changes["enabled"] != current.enabled:
        # Switched by hand: an automatic reason no longer applies, and a re-enabled
        # endpoint starts with a clean failure streak.
        changes["disabled_reason"] = None
        changes["failing_since"] = None
        if changes["enabled"]:
            changes["receives_since"] = func.now()
    if changes and (await session.execute(repo.update_webhook(webhook_id, changes))).first():
        if changes.get("enabled") is False:
            # After the update, which holds the endpoint's row: an attempt being
            # recorded has committed (its retry is cancelled here), later ones find
            # the endpoint disabled and plan none.
            await session.execute(repo.cancel_pending_jobs(webhook_id))
        await audit.record(
            session, "webhook.updated", f"webhook {webhook_id}", audit.webhook(changes)
        )
    return await get_webhook(session, webhook_id)


async def rotate_secret(
    session: AsyncSession, webhook_id: int, data: SecretRotation
) -> WebhookRead:
    """A new signing secret; events are signed with the old one too for
    `keep_previous_seconds`, so receivers can switch without missing one."""
    rotated = await session.execute(
        repo.rotate_secret(webhook_id, new_secret(), data.keep_previous_seconds)
    )
    if rotated.scalar_one_or_none() is None:
        current = (await session.execute(repo.select_webhook_state(webhook_id))).one_or_none()
        if current is None:
            raise WebhookNotFound(webhook_id)
        raise RotationUnderWay(
            "the secret replaced by the last rotation still signs events; rotate again once "
            "it has expired (see previous_secret_expires_at), or with keep_previous_seconds "
            "0 to stop both old secrets now"
        )
    await audit.record(
        session,
        "webhook.secret_rotated",
        f"webhook {webhook_id}",
        {"keep_previous_seconds": data.keep_previous_seconds},
    )
    return await get_webhook(session, webhook_id)


async def delete_webhook(
    session: AsyncSession, webhook_id: int, if_match: str | None = None
) -> None:
    if if_match is not None:
        await _locked_at_version(session, webhook_id, if_match)
    if (await session.execute(repo.delete_webhook(webhook_id))).scalar_one_or_none() is None:
        raise WebhookNotFound(webhook_id)
    await audit.record(session, "webhook.deleted", f"webhook {webhook_id}")


async def _send_test(
    url: str, secret: str, data: dict[str, Any], previous_secret: str | None = None
) -> tuple[str, AttemptResult]:
    settings = get_settings()
    event_id = new_event_id()
    body = event_body(event_payload(event_id, TEST_EVENT_TYPE, data))

    def send() -> AttemptResult:
        return post_event(
            url,
            secret,
            event_id,
            body,
            timeout=settings.webhook_timeout_seconds,
            allow_private=settings.webhook_allow_private_targets,
            previous_secret=previous_secret,
        )

    return event_id, await anyio.to_thread.run_sync(send)


def _test_result(result: AttemptResult) -> WebhookTestResult:
    return WebhookTestResult(ok=result.ok, **result.log_values())


async def test_webhook(session: AsyncSession, webhook_id: int) -> WebhookTestResult:
    """Send a signed `webhook.test` event now; the attempt joins the delivery log.
    The webhook is read in a short session of its own, so that no database connection
    waits on the remote server (up to `WEBHOOK_TIMEOUT_SECONDS`)."""
    async with async_session() as reader:
        current = (await reader.execute(repo.select_webhook_state(webhook_id))).one_or_none()
    if current is None:
        raise WebhookNotFound(webhook_id)
    message = {"webhook_id": webhook_id, "message": "This is a test event."}
    event_id, result = await _send_test(
        current.url, current.secret, message, current.previous_secret
    )
    # Locked until the attempt is logged: a delete waits for it, or went first.
    if (await session.execute(repo.lock_webhook(webhook_id))).scalar_one_or_none() is None:
        raise WebhookNotFound(webhook_id)
    attempt = {"webhook_id": webhook_id, "event_id": event_id, "event_type": TEST_EVENT_TYPE,
               "attempt": 1, "url": current.url}  # fmt: skip
    await session.execute(repo.insert_delivery({**attempt, **result.log_values()}))
    return _test_result(result)


async def test_url(data: WebhookTestRequest) -> WebhookTestResult:
    """Send a signed `webhook.test` event to a URL that need not be saved yet."""
    message = {"webhook_id": None, "message": "This is a test event."}
    _, result = await _send_test(data.url, data.secret or new_secret(), message)
    return _test_result(result)


async def list_deliveries(
    session: AsyncSession, webhook_id: int, page: PageParams
) -> Page[DeliveryRead]:
    if (await session.execute(repo.select_webhook_state(webhook_id))).one_or_none() is None:
        raise WebhookNotFound(webhook_id)
    rows = repo.select_deliveries(webhook_id, page.page_size, page.offset)
    return await read_page(session, rows, repo.count_deliveries(webhook_id), page, DeliveryRead)


async def redeliver(session: AsyncSession, delivery_id: int) -> RedeliveryRead:
    """Send the attempt's event to its endpoint again, with a fresh retry cycle."""
    delivery = (await session.execute(repo.select_delivery(delivery_id))).scalar_one_or_none()
    if delivery is None:
        raise DeliveryNotFound(delivery_id)
    if delivery.event_type == TEST_EVENT_TYPE:
        raise RedeliveryRefused("a test event is not redelivered: send a new test instead")
    event = (await session.execute(repo.select_event(delivery.event_id))).one_or_none()
    if event is None:
        raise RedeliveryRefused(f"event {delivery.event_id} is no longer stored")
    enabled = (await session.execute(repo.lock_webhook(delivery.webhook_id))).scalar_one_or_none()
    if enabled is None:  # the endpoint, and its log with it, deleted meanwhile
        raise DeliveryNotFound(delivery_id)
    if not enabled:
        raise RedeliveryRefused(f"webhook {delivery.webhook_id} is disabled: enable it first")
    await session.execute(repo.withdraw_retry(delivery.event_id, delivery.webhook_id))
    await session.execute(repo.requeue_job(delivery.event_id, delivery.webhook_id))
    jobs = await session.run_sync(schedule, [delivery.webhook_id])
    after_commit(session, lambda: enqueue(jobs))
    return RedeliveryRead(
        delivery_id=delivery_id, webhook_id=delivery.webhook_id, event_id=delivery.event_id
    )
