"""From the outbox to queued deliveries.

`dispatch_batch` turns recorded events into one job per matching enabled endpoint;
`schedule` hands due jobs to `deliver` tasks (at most a few per endpoint at once, one
while it is failing or answering slowly); `sweep` is the safety net that runs every few
seconds in each webhooks worker: it dispatches events whose wake-up was lost and
re-queues jobs whose task was lost or whose worker died mid-attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Update
from sqlalchemy.orm import Session

from product_importer.config import Settings
from product_importer.db import sync_session
from product_importer.webhooks import repository as repo

logger = logging.getLogger(__name__)

DELIVER_TASK = "product_importer.webhooks.tasks.deliver"
DISPATCH_BATCH = 500
MAX_IN_FLIGHT_PER_ENDPOINT = 4
# An endpoint that is failing (its latest attempts timed out, were refused or answered
# with an error) is tried one delivery at a time until one succeeds: endpoints that
# hang until the timeout then hold one worker thread each, not four. So is one that
# answers slowly (its latest delivery took `SLOW_ANSWER_SECONDS` or more) until one is
# quick, so that a few slow endpoints cannot take every worker thread from the others.
MAX_IN_FLIGHT_PER_FAILING_ENDPOINT = 1
SLOW_ANSWER_SECONDS = 2.0
# Retries due within this window are queued right away with a countdown (precise
# timing); later ones wait in the database for the sweep.
COUNTDOWN_HORIZON_SECONDS = 60.0
# How long a queued task may wait for a worker before the sweep queues a new one
# (the old one then finds its token stale and does nothing).
QUEUE_GRACE_SECONDS = 60.0


@dataclass(frozen=True)
class Scheduled:
    job_id: int
    token: str
    delay: float


def _schedule_statement() -> Update:
    return repo.schedule_jobs(
        per_endpoint=MAX_IN_FLIGHT_PER_ENDPOINT,
        per_failing_endpoint=MAX_IN_FLIGHT_PER_FAILING_ENDPOINT,
        horizon_seconds=COUNTDOWN_HORIZON_SECONDS,
        grace_seconds=QUEUE_GRACE_SECONDS,
    )


def _scheduled(rows: Sequence[Row[Any]]) -> list[Scheduled]:
    return [Scheduled(row.id, row.token, float(row.delay)) for row in rows]


def schedule(session: Session, webhook_ids: Sequence[int] | None) -> list[Scheduled]:
    """Pick jobs of these endpoints (None: of every endpoint with due jobs) for
    `deliver` tasks; the caller queues them with `enqueue` after committing. The API
    runs it too, through `AsyncSession.run_sync`."""
    if webhook_ids is None:
        due = repo.due_webhook_ids(COUNTDOWN_HORIZON_SECONDS)
        webhook_ids = list(session.execute(due).scalars())
    if not webhook_ids:
        return []
    session.execute(repo.lock_webhooks(webhook_ids))
    rows = session.execute(_schedule_statement(), {"webhook_ids": list(webhook_ids)}).all()
    return _scheduled(rows)


def enqueue(jobs: Sequence[Scheduled]) -> None:
    """Queue one `deliver` task per job. A failure here loses nothing: the jobs stay
    locked until their grace ends, then the sweep queues them again."""
    if not jobs:
        return
    from product_importer.worker import WEBHOOKS_QUEUE, celery_app

    try:
        with celery_app.producer_or_acquire() as producer:
            for job in jobs:
                celery_app.send_task(
                    DELIVER_TASK,
                    args=(job.job_id, job.token),
                    queue=WEBHOOKS_QUEUE,
                    countdown=job.delay if job.delay > 0.001 else None,
                    producer=producer,
                )
    except Exception:
        logger.warning("could not queue %d webhook deliveries; the sweep will", len(jobs))


def dispatch_batch(session: Session, limit: int = DISPATCH_BATCH) -> tuple[int, list[Scheduled]]:
    """Fan out up to `limit` undispatched events; returns (events taken, jobs to queue)."""
    event_ids = list(session.execute(repo.lock_undispatched(limit)).scalars())
    if not event_ids:
        return 0, []
    webhook_ids = set(session.execute(repo.insert_jobs_for_events(event_ids)).scalars())
    session.execute(repo.mark_dispatched(event_ids))
    return len(event_ids), schedule(session, sorted(webhook_ids)) if webhook_ids else []


def purge_old(session: Session, settings: Settings) -> None:
    session.execute(repo.delete_old_deliveries(settings.webhook_retention_days))
    session.execute(repo.delete_old_events(settings.webhook_retention_days))


def dispatch_all() -> int:
    """Dispatch every undispatched event, one committed batch at a time."""
    total = 0
    while True:
        with sync_session() as session:
            taken, jobs = dispatch_batch(session)
        enqueue(jobs)
        total += taken
        if taken < DISPATCH_BATCH:
            return total


def sweep() -> None:
    """Catch up on whatever the wake-ups missed: events and due or orphaned jobs."""
    dispatch_all()
    with sync_session() as session:
        jobs = schedule(session, None)
    enqueue(jobs)
