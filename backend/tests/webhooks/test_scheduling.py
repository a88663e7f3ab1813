"""Handing jobs out: at most a few per endpoint at a time, whatever its backlog, and
at a cost that does not grow with it.

Each test builds its jobs in one transaction that it rolls back, so the sweep of a
webhooks worker left running by another test never sees them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select, text, update
from sqlalchemy.orm import Session

from product_importer.db import sync_session
from product_importer.webhooks import repository as repo
from product_importer.webhooks.dispatcher import (
    COUNTDOWN_HORIZON_SECONDS,
    DISPATCH_BATCH,
    MAX_IN_FLIGHT_PER_ENDPOINT,
    MAX_IN_FLIGHT_PER_FAILING_ENDPOINT,
    _schedule_statement,
    schedule,
)
from product_importer.webhooks.models import Webhook, WebhookJob

BACKLOG = 20_000


@contextmanager
def rolled_back() -> Iterator[Session]:
    with sync_session() as session:
        try:
            yield session
        finally:
            session.rollback()


def add_endpoints(session: Session, count: int, answered_quickly: bool = True) -> list[int]:
    """`count` endpoints; ones that have `answered_quickly` before, unless told (a new
    endpoint counts as slow until it has)."""
    rows = session.execute(
        text("""
            INSERT INTO webhooks (url, events, secret)
            SELECT 'https://hooks.example.com/' || g, ARRAY['product.updated'],
                   'whsec_' || md5(g::text)
            FROM generate_series(1, :count) g
            RETURNING id"""),
        {"count": count},
    )
    ids = sorted(rows.scalars())
    if answered_quickly:
        session.execute(update(Webhook).where(Webhook.id.in_(ids)).values(slow_since=None))
    return ids


def add_jobs(
    session: Session, webhook_id: int, count: int, status: str = "pending", due_in: float = -3600
) -> None:
    """`count` jobs due `due_in` seconds from now, as dispatching gives them: the jobs of
    one batch of events share their `next_attempt_at` (the batch's transaction's now())."""
    session.execute(
        text("""
            INSERT INTO webhook_events (id, type, payload, dispatched_at)
            SELECT 'msg_' || :webhook_id || '_' || :status || '_' || g, 'product.updated',
                   '{}', now()
            FROM generate_series(1, :count) g"""),
        {"webhook_id": webhook_id, "status": status, "count": count},
    )
    session.execute(
        text("""
            INSERT INTO webhook_jobs (webhook_id, event_id, status, next_attempt_at)
            SELECT :webhook_id, 'msg_' || :webhook_id || '_' || :status || '_' || g, :status,
                   now() + make_interval(secs => :due_in + (g / :batch) * 0.001)
            FROM generate_series(1, :count) g"""),
        {
            "webhook_id": webhook_id,
            "count": count,
            "status": status,
            "due_in": due_in,
            "batch": DISPATCH_BATCH,
        },
    )


def pending_in_order(session: Session, webhook_id: int) -> list[int]:
    statement = (
        select(WebhookJob.id)
        .where(WebhookJob.webhook_id == webhook_id, WebhookJob.status == "pending")
        .order_by(WebhookJob.next_attempt_at, WebhookJob.id)
    )
    return list(session.execute(statement).scalars())


def hold(session: Session, job_ids: list[int]) -> None:
    """These jobs are queued already (their task holds them)."""
    session.execute(
        update(WebhookJob)
        .where(WebhookJob.id.in_(job_ids))
        .values(token="queued", locked_until=text("now() + interval '1 minute'"))
    )


def test_an_endpoint_with_a_backlog_gets_at_most_four_jobs_at_a_time():
    with rolled_back() as session:
        backlogged, quiet, later = add_endpoints(session, 3)
        add_jobs(session, backlogged, 2 * DISPATCH_BATCH + 10)
        add_jobs(session, quiet, 2)
        add_jobs(session, later, 10, due_in=2 * COUNTDOWN_HORIZON_SECONDS)
        in_order = pending_in_order(session, backlogged)
        quiet_jobs = set(pending_in_order(session, quiet))
        hold(session, in_order[:1])

        first = {job.job_id for job in schedule(session, [backlogged, quiet, later])}
        again = schedule(session, [backlogged, quiet, later])
        swept = schedule(session, None)
        session.execute(
            update(WebhookJob)
            .where(WebhookJob.id == in_order[1])
            .values(status="delivered", token=None, locked_until=None)
        )
        after_one_finished = [job.job_id for job in schedule(session, [backlogged])]

    assert MAX_IN_FLIGHT_PER_ENDPOINT == 4
    # One already queued: the next three in due order, the quiet endpoint's two, and
    # nothing of the endpoint whose jobs are due later.
    assert first == set(in_order[1:4]) | quiet_jobs
    assert again == [] and swept == []
    assert after_one_finished == [in_order[4]]


def test_a_failing_endpoint_gets_one_job_at_a_time_until_a_delivery_succeeds():
    """Endpoints that hang until the timeout then hold one worker thread each."""
    with rolled_back() as session:
        failing, healthy = add_endpoints(session, 2)
        add_jobs(session, failing, 10)
        add_jobs(session, healthy, 10)
        failing_jobs = pending_in_order(session, failing)
        session.execute(
            update(Webhook).where(Webhook.id == failing).values(failing_since=text("now()"))
        )

        first = [job.job_id for job in schedule(session, [failing, healthy])]
        again = [job.job_id for job in schedule(session, [failing])]
        session.execute(repo.mark_healthy(failing))
        once_healthy = [job.job_id for job in schedule(session, [failing])]

    assert MAX_IN_FLIGHT_PER_FAILING_ENDPOINT == 1
    assert [job for job in first if job in failing_jobs] == failing_jobs[:1]
    assert len(first) == 1 + MAX_IN_FLIGHT_PER_ENDPOINT
    assert again == []
    assert sorted(once_healthy) == failing_jobs[1:4]


def test_an_endpoint_answering_slowly_gets_one_job_at_a_time_until_it_answers_quickly():
    """Endpoints that answer well but slowly would otherwise hold four threads each: eight
    answering in 9 s took every thread of a 32-thread worker."""
    with rolled_back() as session:
        slow, quick = add_endpoints(session, 2)
        add_jobs(session, slow, 10)
        add_jobs(session, quick, 10)
        slow_jobs = pending_in_order(session, slow)
        session.execute(repo.mark_healthy(slow, slow=True))
        since = session.execute(select(Webhook.slow_since).where(Webhook.id == slow)).scalar()

        first = [job.job_id for job in schedule(session, [slow, quick])]
        again = [job.job_id for job in schedule(session, [slow])]
        still_slow = session.execute(repo.mark_healthy(slow, slow=True)).rowcount
        session.execute(repo.mark_healthy(slow, slow=False))
        once_quick = [job.job_id for job in schedule(session, [slow])]
        cleared = session.execute(select(Webhook.slow_since).where(Webhook.id == slow)).scalar()

    assert since is not None and cleared is None
    assert still_slow == 0  # no write while nothing changes
    assert [job for job in first if job in slow_jobs] == slow_jobs[:1]
    assert len(first) == 1 + MAX_IN_FLIGHT_PER_ENDPOINT
    assert again == []
    assert sorted(once_quick) == slow_jobs[1:4]


def test_a_new_endpoint_gets_one_job_at_a_time_until_its_first_quick_answer():
    """Eight new endpoints answering in 9 s took every thread with their first
    deliveries, before any had answered slowly."""
    with rolled_back() as session:
        [new] = add_endpoints(session, 1, answered_quickly=False)
        add_jobs(session, new, 10)
        jobs = pending_in_order(session, new)
        first = [job.job_id for job in schedule(session, [new])]
        session.execute(repo.mark_healthy(new, slow=False))
        once_quick = [job.job_id for job in schedule(session, [new])]
    assert first == jobs[:1]
    assert sorted(once_quick) == jobs[1:4]


def nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += nodes(child)
    return found


def explain(session: Session, statement: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan of the SQL that `statement` sends with `params` (run once, undone)."""
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, sql: str, parameters: Any, *args: Any) -> None:
        sent.append((sql, parameters))

    connection = session.connection()
    with session.begin_nested() as savepoint:
        event.listen(connection, "before_cursor_execute", capture)
        try:
            session.execute(statement, params)
        finally:
            event.remove(connection, "before_cursor_execute", capture)
        savepoint.rollback()
    sql, parameters = sent[-1]
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", parameters).scalar_one()
    return nodes(plan[0]["Plan"])


def describe(plan: list[dict[str, Any]]) -> str:
    return " > ".join(
        f"{n['Node Type']}({n.get('Index Name', n.get('Relation Name', ''))})" for n in plan
    )


def reads_index_under_a_limit(plan: list[dict[str, Any]], index: str) -> bool:
    return any(
        node["Node Type"] == "Limit"
        and any(inner.get("Index Name") == index for inner in nodes(node))
        for node in plan
    )


def test_handing_out_jobs_reads_a_few_rows_of_the_pending_index_whatever_the_backlog():
    """The jobs picked are read off the pending index a few at a time. (Counting the
    endpoint's jobs in flight still reads its pending jobs: no index has `locked_until`.)"""
    with rolled_back() as session:
        backlogged, *others = add_endpoints(session, 20)
        add_jobs(session, backlogged, BACKLOG)
        for webhook_id in others:  # a month of delivered history, a few due now
            add_jobs(session, webhook_id, 2_000, status="delivered")
            add_jobs(session, webhook_id, 3)
        session.execute(text("ANALYZE webhooks, webhook_jobs"))

        picking = explain(session, _schedule_statement(), {"webhook_ids": [backlogged]})
        sweeping = explain(session, _schedule_statement(), {"webhook_ids": [backlogged, *others]})
        due = explain(session, repo.due_webhook_ids(COUNTDOWN_HORIZON_SECONDS), {})

    for plan in (picking, sweeping):
        # Each endpoint's first jobs off the pending index, then the picked rows by key.
        assert reads_index_under_a_limit(plan, "ix_webhook_jobs_pending"), describe(plan)
        assert any(node.get("Index Name") == "pk_webhook_jobs" for node in plan), describe(plan)
    # The sweep finds the endpoints with due jobs by one probe each.
    assert any(
        node.get("Index Name") == "ix_webhook_jobs_pending"
        and "webhooks.id" in node.get("Index Cond", "")
        for node in due
    ), describe(due)
