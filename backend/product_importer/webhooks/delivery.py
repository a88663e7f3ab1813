"""One delivery attempt of one job: claim it, send it, record it, plan what comes next.

The attempt is recorded only after the request went out; a worker that dies in
between leaves the job locked until its lease ends, after which the sweep hands
it to another task, which sends it again (at least once: a duplicate is possible,
a loss is not). The database is never held open while a request is in flight.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from product_importer.config import Settings, get_settings
from product_importer.db import sync_session
from product_importer.webhooks import repository as repo
from product_importer.webhooks.dispatcher import (
    SLOW_ANSWER_SECONDS,
    Scheduled,
    enqueue,
    schedule,
)
from product_importer.webhooks.transport import AttemptResult, event_body, post_event

logger = logging.getLogger(__name__)

JITTER = 0.2  # each retry waits its scheduled delay ± 20 %
MAX_RETRY_AFTER_SECONDS = 24 * 3600
LEASE_MARGIN_SECONDS = 5.0  # recording time on top of the request's own deadline
# What the log shows of an attempt whose outcome it could not hold (the worker's log
# says why); the job moves on all the same.
UNLOGGABLE = {
    "status_code": None,
    "error": "the outcome of this attempt could not be logged",
    "response_excerpt": None,
}


@dataclass(frozen=True)
class Claim:
    job_id: int
    token: str
    webhook_id: int
    event_id: str
    event_type: str
    attempt: int
    failures: int
    url: str
    secret: str
    previous_secret: str | None
    payload: dict[str, Any]


def claim(session: Session, job_id: int, token: str, settings: Settings) -> Claim | None:
    """The job's details if this task may send it now; None when the task is stale
    (the job finished, or the sweep gave it to another task)."""
    lease = settings.webhook_timeout_seconds + LEASE_MARGIN_SECONDS
    row = session.execute(repo.claim_job(job_id, token, lease)).one_or_none()
    if row is None:
        return None
    if not row.enabled:
        session.execute(repo.cancel_job(job_id))
        return None
    return Claim(
        job_id=job_id,
        token=token,
        webhook_id=row.webhook_id,
        event_id=row.event_id,
        event_type=row.event_type,
        attempt=row.attempts + 1,
        failures=row.failures,
        url=row.url,
        secret=row.secret,
        previous_secret=row.previous_secret,
        payload=row.payload,
    )


def send(job: Claim, settings: Settings) -> AttemptResult:
    return post_event(
        job.url,
        job.secret,
        job.event_id,
        event_body(job.payload),
        timeout=settings.webhook_timeout_seconds,
        allow_private=settings.webhook_allow_private_targets,
        previous_secret=job.previous_secret,
    )


def retry_delay(failures: int, result: AttemptResult, settings: Settings) -> float | None:
    """Seconds until the next try, or None when the schedule is used up."""
    schedule_ = settings.webhook_retry_schedule
    if failures >= len(schedule_):
        return None
    delay = schedule_[failures] * random.uniform(1 - JITTER, 1 + JITTER)
    if result.retry_after is not None:
        delay = max(delay, min(result.retry_after, MAX_RETRY_AFTER_SECONDS))
    return delay


def _disable(session: Session, webhook_id: int, reason: str) -> None:
    session.execute(repo.disable_webhook(webhook_id, reason))
    session.execute(repo.cancel_pending_jobs(webhook_id))


def _after_failure(session: Session, job: Claim, result: AttemptResult, settings: Settings,
                   slow: bool, moved: bool) -> datetime | None:  # fmt: skip
    """Retry the job, or give up on it; returns when the retry is due. An event that has
    used up its retries also gives up on the endpoint when no delivery has succeeded for
    too long: an event with retries left is always retried (a passing failure after a
    quiet spell does not disable an endpoint), and a dead endpoint that gets one event a
    day is still disabled once that event has failed for good. An attempt sent to the
    URL the endpoint had before (`moved`) says nothing of it: the event goes to the new
    URL now, its retries untouched."""
    if moved:
        now = repo.retry_job(job.job_id, job.token, 0, failed=False)
        return session.execute(now).scalar_one_or_none()
    failing = repo.mark_failing(job.webhook_id, settings.webhook_disable_after_seconds, slow)
    streak = session.execute(failing).one()
    delay = None if result.refused else retry_delay(job.failures, result, settings)
    if delay is not None:
        return session.execute(repo.retry_job(job.job_id, job.token, delay)).scalar_one_or_none()
    session.execute(repo.finish_job(job.job_id, job.token, repo.FAILED))
    if streak.expired:
        since = streak.failing_since.isoformat(timespec="seconds")
        _disable(
            session,
            job.webhook_id,
            f"every delivery has failed since {since} "
            f"(over {settings.webhook_disable_after_seconds} s)",
        )
    return None


def _move_on(session: Session, job: Claim, result: AttemptResult, settings: Settings,
             enabled: bool, url: str) -> datetime | None:  # fmt: skip
    """Finish or retry the job and update the endpoint's health; returns when the
    retry is due. A stale token (the job was cancelled or redelivered while the request
    was out) leaves the job as it is, so no retry is planned. The endpoint's health is
    its `url`'s: an attempt sent before it was given that URL leaves it as it is (a
    retry goes to the new one)."""
    slow = (result.latency_ms or 0) >= SLOW_ANSWER_SECONDS * 1000
    moved = url != job.url
    if result.ok:
        session.execute(repo.finish_job(job.job_id, job.token, repo.DELIVERED))
        if not moved:
            session.execute(repo.mark_healthy(job.webhook_id, slow))
        return None
    if not enabled:  # disabled meanwhile, even if this job was dispatched after the cancel
        session.execute(repo.finish_job(job.job_id, job.token, repo.CANCELLED))
        return None
    if result.gone and not moved:
        session.execute(repo.finish_job(job.job_id, job.token, repo.FAILED))
        _disable(session, job.webhook_id, "the endpoint answered 410 Gone")
        return None
    return _after_failure(session, job, result, settings, slow, moved)


def record(
    session: Session, job: Claim, result: AttemptResult, settings: Settings
) -> list[Scheduled]:
    """Log the attempt, move the job on, update the endpoint's health; returns the
    endpoint's jobs that may be queued now."""
    # The endpoint's row first, as disabling takes it before the jobs': the two never
    # deadlock, and a disable waits for this retry to commit, then withdraws it.
    endpoint = session.execute(repo.lock_webhook(job.webhook_id)).one_or_none()
    if endpoint is None:
        logger.info("webhook %s was deleted while event %s was sent", job.webhook_id, job.event_id)
        return []
    next_retry_at = _move_on(session, job, result, settings, endpoint.enabled, endpoint.url)
    _log_attempt(session, job, result, next_retry_at)
    if not result.ok:
        retry = f"retry at {next_retry_at:%Y-%m-%d %H:%M:%S %Z}" if next_retry_at else "no retry"
        logger.info(
            "webhook %s: %s %s, attempt %d failed (%s); %s",
            job.webhook_id, job.event_type, job.event_id, job.attempt, _failure(result), retry,
        )  # fmt: skip
    return schedule(session, [job.webhook_id])


def _failure(result: AttemptResult) -> str:
    """What failed, for the server's log: the status, or the kind of error without its
    text (which may quote the URL, whose path can hold the receiver's token)."""
    if result.status_code is not None:
        return f"HTTP {result.status_code}"
    return (result.error or "no answer").split(":", 1)[0]


def _log_attempt(
    session: Session, job: Claim, result: AttemptResult, next_retry_at: datetime | None
) -> None:
    """Add the attempt to the delivery log. A row that cannot be written must not undo
    the job's move (the sweep would send the job again and again, unlogged), so it
    is written again with only what this code produced."""
    row = {
        "webhook_id": job.webhook_id,
        "event_id": job.event_id,
        "event_type": job.event_type,
        "attempt": job.attempt,
        "url": job.url,
        "next_retry_at": next_retry_at,
    }
    try:
        with session.begin_nested():
            session.execute(repo.insert_delivery({**row, **result.log_values()}))
    except (SQLAlchemyError, ValueError):  # psycopg2 refuses some text with a ValueError
        logger.exception("attempt %d of event %s could not be logged", job.attempt, job.event_id)
        session.execute(repo.insert_delivery({**row, **result.log_values(), **UNLOGGABLE}))


def deliver_job(job_id: int, token: str) -> None:
    """The whole attempt, as the `deliver` task runs it."""
    settings = get_settings()
    with sync_session() as session:
        job = claim(session, job_id, token, settings)
    if job is None:
        return
    result = send(job, settings)
    with sync_session() as session:
        follow_up = record(session, job, result, settings)
    enqueue(follow_up)
