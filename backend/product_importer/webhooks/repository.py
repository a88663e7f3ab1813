"""SQL for webhooks, as Core statements that the API's async session and the workers'
sync session both execute."""

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeAlias

from sqlalchemy import (
    Delete,
    Float,
    Insert,
    Select,
    Text,
    Update,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.sql.dml import ReturningDelete
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from product_importer.webhooks.events import TEST_EVENT_TYPE
from product_importer.webhooks.models import OutboxEvent, Webhook, WebhookDelivery, WebhookJob

AnySelect: TypeAlias = Select[*tuple[Any, ...]]

PENDING, DELIVERED, FAILED, CANCELLED = "pending", "delivered", "failed", "cancelled"


def seconds(value: float) -> ColumnElement[Any]:
    return func.make_interval(0, 0, 0, 0, 0, 0, literal(float(value), Float))


# --- endpoints ---------------------------------------------------------------------


def _last_delivery() -> Any:
    latest = (
        select(
            WebhookDelivery.url,
            WebhookDelivery.created_at.label("last_delivery_at"),
            WebhookDelivery.status_code.label("last_delivery_status_code"),
            WebhookDelivery.error.label("last_delivery_error"),
        )
        # Real events only: a test send that passes says nothing of how they fare.
        .where(
            WebhookDelivery.webhook_id == Webhook.id,
            WebhookDelivery.event_type != TEST_EVENT_TYPE,
        )
        .order_by(WebhookDelivery.id.desc())
        .limit(1)
    )
    return latest.lateral("last_delivery")


def select_webhooks(webhook_id: int | None = None) -> AnySelect:
    """Endpoints with their latest attempt (the list's "last delivery" column), if it
    was sent to the endpoint's URL: none since it was given a new one."""
    last = _last_delivery()
    to_this_url = last.c.url.is_(None) | (last.c.url == Webhook.url)
    statement = (
        select(
            Webhook,
            *(
                case((to_this_url, column), else_=None).label(column.name)
                for column in (
                    last.c.last_delivery_at,
                    last.c.last_delivery_status_code,
                    last.c.last_delivery_error,
                )
            ),
        )
        .outerjoin(last, true())
        .order_by(Webhook.id)
    )
    if webhook_id is not None:
        statement = statement.where(Webhook.id == webhook_id)
    return statement


def insert_webhook(values: dict[str, Any]) -> Insert:
    return insert(Webhook).values(**values).returning(Webhook.id)


def _differs(field: str, value: Any) -> ColumnElement[bool]:
    """Whether the stored `field` differs from `value`; the events as a set (the same
    events in another order, as a form that unticks and ticks one sends, are no change)."""
    if field == "events":
        return ~(Webhook.events.contains(value) & Webhook.events.contained_by(value))
    return getattr(Webhook, field).is_distinct_from(value)


def update_webhook(webhook_id: int, values: dict[str, Any]) -> Update:
    """Applies `values` and bumps `updated_at` (the endpoint's version), or returns no
    row when nothing would change: the same values sent again are no new version."""
    changed = or_(*(_differs(field, value) for field, value in values.items()))
    return (
        update(Webhook)
        .where(Webhook.id == webhook_id, changed)
        .values(**values, updated_at=func.now())
        .returning(Webhook.id)
    )


def delete_webhook(webhook_id: int) -> ReturningDelete[int]:
    return delete(Webhook).where(Webhook.id == webhook_id).returning(Webhook.id)


def _previous_secret() -> ColumnElement[str | None]:
    """The rotated-out secret while it is still signed with, else null."""
    still_valid = Webhook.previous_secret_expires_at > func.now()
    return case((still_valid, Webhook.previous_secret), else_=None).label("previous_secret")


def select_webhook_state(webhook_id: int) -> AnySelect:
    return select(
        Webhook.url, Webhook.enabled, Webhook.secret, _previous_secret(), Webhook.updated_at
    ).where(Webhook.id == webhook_id)


def rotate_secret(webhook_id: int, secret: str, keep_previous_seconds: int) -> Update:
    """A new secret; the current one is signed with too for `keep_previous_seconds`. One
    rotation that keeps a secret at a time: while an older one still signs, no row is
    updated (the secret the receiver holds may be that one, not the current one)."""
    kept = keep_previous_seconds > 0
    one_at_a_time = (
        func.coalesce(Webhook.previous_secret_expires_at <= func.now(), True) if kept else true()
    )
    return (
        update(Webhook)
        .where(Webhook.id == webhook_id, one_at_a_time)
        .values(
            secret=secret,
            previous_secret=Webhook.secret if kept else None,
            previous_secret_expires_at=(
                func.now() + seconds(keep_previous_seconds) if kept else None
            ),
            updated_at=func.now(),
        )
        .returning(Webhook.id)
    )


def _slow_since(slow: bool) -> Any:
    """`slow_since` after an attempt that took `SLOW_ANSWER_SECONDS` or more (`slow`), or
    less: the endpoint's pace is its last attempt's, whether it succeeded or not."""
    return func.coalesce(Webhook.slow_since, func.now()) if slow else None


def mark_failing(webhook_id: int, disable_after_seconds: float, slow: bool) -> Update:
    """Continue the endpoint's failing streak (no delivery has succeeded since it began),
    or start one, and mark its pace (a quick refusal is a quick answer); RETURNING says
    whether the streak has lasted long enough to disable the endpoint."""
    return (
        update(Webhook)
        .where(Webhook.id == webhook_id)
        .values(
            failing_since=func.coalesce(Webhook.failing_since, func.now()),
            slow_since=_slow_since(slow),
        )
        .returning(
            Webhook.failing_since,
            (func.now() - Webhook.failing_since >= seconds(disable_after_seconds)).label("expired"),
        )
    )


def mark_healthy(webhook_id: int, slow: bool = False) -> Update:
    """A delivery succeeded, in `SLOW_ANSWER_SECONDS` or more when `slow`; the row is
    written only when that changes something."""
    slow_changes = Webhook.slow_since.is_(None) if slow else Webhook.slow_since.is_not(None)
    return (
        update(Webhook)
        .where(Webhook.id == webhook_id, Webhook.failing_since.is_not(None) | slow_changes)
        .values(failing_since=None, slow_since=_slow_since(slow))
    )


def disable_webhook(webhook_id: int, reason: str) -> Update:
    return (
        update(Webhook)
        .where(Webhook.id == webhook_id)
        .values(enabled=False, disabled_reason=reason, updated_at=func.now())
    )


# --- delivery log ------------------------------------------------------------------


def select_deliveries(webhook_id: int, limit: int, offset: int) -> AnySelect:
    return (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
        .offset(offset)
    )


def count_deliveries(webhook_id: int) -> AnySelect:
    return select(func.count()).where(WebhookDelivery.webhook_id == webhook_id)


def select_delivery(delivery_id: int) -> AnySelect:
    return select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)


def insert_delivery(values: dict[str, Any]) -> Insert:
    return insert(WebhookDelivery).values(**values)


# --- outbox ------------------------------------------------------------------------


def lock_undispatched(limit: int) -> AnySelect:
    """The oldest events nobody has dispatched, skipping those another dispatcher holds."""
    return (
        select(OutboxEvent.id)
        .where(OutboxEvent.dispatched_at.is_(None))
        .order_by(OutboxEvent.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


def endpoints_of_events(event_ids: Sequence[str]) -> AnySelect:
    """(event, endpoint) for each enabled endpoint subscribed to the event's type that
    was receiving events when it was recorded."""
    matches = select(OutboxEvent.id, Webhook.id).join(
        Webhook,
        and_(
            Webhook.enabled.is_(True),
            OutboxEvent.type == Webhook.events.any_(),
            OutboxEvent.created_at >= Webhook.receives_since,
        ),
    )
    return matches.where(OutboxEvent.id.in_(event_ids))


def insert_jobs_for_events(event_ids: Sequence[str]) -> Insert:
    """One job per event and endpoint of it (`endpoints_of_events`)."""
    return (
        pg_insert(WebhookJob)
        .from_select(["event_id", "webhook_id"], endpoints_of_events(event_ids))
        .on_conflict_do_nothing(index_elements=["event_id", "webhook_id"])
        .returning(WebhookJob.webhook_id)
    )


def mark_dispatched(event_ids: Sequence[str]) -> Update:
    return update(OutboxEvent).where(OutboxEvent.id.in_(event_ids)).values(dispatched_at=func.now())


def select_event(event_id: str) -> AnySelect:
    return select(OutboxEvent.id, OutboxEvent.payload).where(OutboxEvent.id == event_id)


def delete_old_events(days: int) -> Delete:
    cutoff = func.now() - seconds(days * 86400)
    return delete(OutboxEvent).where(
        OutboxEvent.created_at < cutoff,
        OutboxEvent.dispatched_at.is_not(None),
        ~select(WebhookJob.id)
        .where(WebhookJob.event_id == OutboxEvent.id, WebhookJob.status == PENDING)
        .exists(),
    )


def delete_old_deliveries(days: int) -> Delete:
    cutoff = func.now() - seconds(days * 86400)
    return delete(WebhookDelivery).where(WebhookDelivery.created_at < cutoff)


# --- jobs --------------------------------------------------------------------------


def _unlocked() -> ColumnElement[bool]:
    return or_(WebhookJob.locked_until.is_(None), WebhookJob.locked_until <= func.now())


@lru_cache
def schedule_jobs(
    *, per_endpoint: int, per_failing_endpoint: int, horizon_seconds: float, grace_seconds: float
) -> Update:
    """Hand out pending jobs that are due (or due within the horizon) to new tasks.

    Each picked job gets a fresh token, which the queued task must present, and a
    lock covering its wait in the queue. An endpoint never has more than
    `per_endpoint` jobs queued or sending, and `per_failing_endpoint` while it is
    failing (no delivery has succeeded since one failed) or slow (its latest delivery
    took long), so hanging or slow endpoints hold few worker threads and everyone
    else's deliveries keep flowing. Run it after
    `lock_webhooks(webhook_ids)` so that the count of busy jobs cannot change under it.

    Execute with `{"webhook_ids": [...]}`; the statement is built once (it runs after
    every attempt, and building it costs more than running it).
    """
    webhook_ids: BindParameter[list[int]] = bindparam("webhook_ids", expanding=True)
    busy = (
        select(WebhookJob.webhook_id, func.count().label("n"))
        .where(
            WebhookJob.status == PENDING,
            WebhookJob.locked_until > func.now(),
            WebhookJob.webhook_id.in_(webhook_ids),
        )
        .group_by(WebhookJob.webhook_id)
        .cte("busy")
    )
    # Each endpoint's first due jobs, read off the pending index in order and no
    # further (a constant LIMIT, which the planner can count on), so the cost does not
    # grow with the endpoint's backlog; the busy ones' share is cut off after.
    first_due = (
        select(
            WebhookJob.id,
            func.row_number()
            .over(order_by=(WebhookJob.next_attempt_at, WebhookJob.id))
            .label("rn"),
        )
        .where(
            WebhookJob.webhook_id == Webhook.id,
            WebhookJob.status == PENDING,
            WebhookJob.next_attempt_at <= func.now() + seconds(horizon_seconds),
            _unlocked(),
        )
        .order_by(WebhookJob.next_attempt_at, WebhookJob.id)
        .limit(per_endpoint)
        .lateral("first_due")
    )
    picked = (
        select(first_due.c.id)
        .select_from(Webhook)
        .join(first_due, true())
        .outerjoin(busy, busy.c.webhook_id == Webhook.id)
        .where(
            Webhook.id.in_(webhook_ids),
            first_due.c.rn
            <= case(
                (Webhook.failing_since.is_(None) & Webhook.slow_since.is_(None), per_endpoint),
                else_=per_failing_endpoint,
            )
            - func.coalesce(busy.c.n, 0),
        )
        .cte("picked")
        # Materialized: update the few picked rows by primary key.
        .prefix_with("MATERIALIZED")
    )
    delay = func.greatest(func.extract("epoch", WebhookJob.next_attempt_at - func.now()), 0)
    return (
        update(WebhookJob)
        .where(WebhookJob.id == picked.c.id, WebhookJob.status == PENDING, _unlocked())
        .values(
            token=cast(func.gen_random_uuid(), Text),
            locked_until=func.greatest(WebhookJob.next_attempt_at, func.now())
            + seconds(grace_seconds),
        )
        .returning(WebhookJob.id, WebhookJob.token, delay.label("delay"))
    )


def due_webhook_ids(horizon_seconds: float) -> AnySelect:
    """Endpoints with jobs that could be handed out now (what a global sweep locks):
    one probe of the pending index per endpoint, whatever its backlog."""
    due = select(WebhookJob.id).where(
        WebhookJob.webhook_id == Webhook.id,
        WebhookJob.status == PENDING,
        WebhookJob.next_attempt_at <= func.now() + seconds(horizon_seconds),
        _unlocked(),
    )
    return select(Webhook.id).where(due.exists())


def lock_webhook(webhook_id: int) -> AnySelect:
    """The endpoint's `enabled` and `url`, its row locked as `lock_webhooks` does.
    Whoever plans or replaces a retry holds this lock, and so does whoever disables the
    endpoint while cancelling its pending jobs: a retry is never planned for a disabled
    one."""
    return (
        select(Webhook.enabled, Webhook.url)
        .where(Webhook.id == webhook_id)
        .with_for_update(key_share=True)
    )


def lock_webhooks(webhook_ids: Sequence[int]) -> AnySelect:
    """Serialize schedulers per endpoint, in id order so two never deadlock. NO KEY
    UPDATE does not block the FK checks of concurrent job inserts."""
    return (
        select(Webhook.id)
        .where(Webhook.id.in_(list(webhook_ids)))
        .order_by(Webhook.id)
        .with_for_update(key_share=True)
    )


def claim_job(job_id: int, token: str, lease_seconds: float) -> Update:
    """Take the job for one attempt if the token is still the current one, and return
    everything the attempt needs."""
    return (
        update(WebhookJob)
        .where(
            WebhookJob.id == job_id,
            WebhookJob.token == token,
            WebhookJob.status == PENDING,
            WebhookJob.webhook_id == Webhook.id,
            WebhookJob.event_id == OutboxEvent.id,
        )
        .values(locked_until=func.now() + seconds(lease_seconds), updated_at=func.now())
        .returning(
            WebhookJob.webhook_id,
            WebhookJob.event_id,
            WebhookJob.attempts,
            WebhookJob.failures,
            Webhook.url,
            Webhook.secret,
            _previous_secret(),
            Webhook.enabled,
            OutboxEvent.type.label("event_type"),
            OutboxEvent.payload,
        )
    )


def finish_job(job_id: int, token: str, status: str) -> Update:
    return (
        update(WebhookJob)
        .where(WebhookJob.id == job_id, WebhookJob.token == token)
        .values(
            status=status,
            attempts=WebhookJob.attempts + 1,
            token=None,
            locked_until=None,
            updated_at=func.now(),
        )
    )


def retry_job(job_id: int, token: str, delay_seconds: float, failed: bool = True) -> Update:
    """The job's next try in `delay_seconds`; an attempt that says nothing of the endpoint
    (not `failed`: sent to a URL it no longer has) does not move its retry schedule on."""
    return (
        update(WebhookJob)
        .where(WebhookJob.id == job_id, WebhookJob.token == token)
        .values(
            attempts=WebhookJob.attempts + 1,
            failures=WebhookJob.failures + (1 if failed else 0),
            next_attempt_at=func.now() + seconds(delay_seconds),
            token=None,
            locked_until=None,
            updated_at=func.now(),
        )
        .returning(WebhookJob.next_attempt_at)
    )


def _withdraw_retries(webhook_id: int, jobs: Any) -> Update:
    """Clear `next_retry_at` on the attempts that announced these jobs' next try (the
    `event_id` and `next_attempt_at` columns of `jobs`)."""
    return (
        update(WebhookDelivery)
        .where(
            WebhookDelivery.webhook_id == webhook_id,
            WebhookDelivery.event_id == jobs.c.event_id,
            WebhookDelivery.next_retry_at == jobs.c.next_attempt_at,
        )
        .values(next_retry_at=None)
    )


def cancel_pending_jobs(webhook_id: int) -> Update:
    """Cancel the endpoint's pending jobs and withdraw the retries the log announced.
    Run it after locking the endpoint's row (by disabling it)."""
    cancelled = (
        update(WebhookJob)
        .where(WebhookJob.webhook_id == webhook_id, WebhookJob.status == PENDING)
        .values(status=CANCELLED, token=None, locked_until=None, updated_at=func.now())
        .returning(WebhookJob.event_id, WebhookJob.next_attempt_at)
        .cte("cancelled")
    )
    return _withdraw_retries(webhook_id, cancelled)


def withdraw_retry(event_id: str, webhook_id: int) -> Update:
    """Before a redelivery replaces the event's retry chain: its announced retry is off."""
    pending = (
        select(WebhookJob.event_id, WebhookJob.next_attempt_at)
        .where(
            WebhookJob.event_id == event_id,
            WebhookJob.webhook_id == webhook_id,
            WebhookJob.status == PENDING,
        )
        .cte("pending")
    )
    return _withdraw_retries(webhook_id, pending)


def cancel_job(job_id: int) -> Update:
    return (
        update(WebhookJob)
        .where(WebhookJob.id == job_id)
        .values(status=CANCELLED, token=None, locked_until=None, updated_at=func.now())
    )


def requeue_job(event_id: str, webhook_id: int) -> Insert:
    """Redelivery: the job comes back as pending and due now with a fresh retry cycle
    (created if an older event never had a job for this endpoint). Dropping the token
    turns a task still waiting for a retry into a no-op, so the event goes out now."""
    statement = pg_insert(WebhookJob).values(event_id=event_id, webhook_id=webhook_id)
    return statement.on_conflict_do_update(
        index_elements=["event_id", "webhook_id"],
        set_={
            "status": PENDING,
            "failures": 0,
            "next_attempt_at": func.now(),
            "token": None,
            "locked_until": None,
            "updated_at": func.now(),
        },
    ).returning(WebhookJob.id)
