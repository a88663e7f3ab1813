"""Strong table locks taken in short attempts.

PostgreSQL queues lock requests: while a request for ACCESS EXCLUSIVE waits, every
later request on the table waits behind it, readers included. Asking in attempts,
with a pause between them in which queued requests get through, bounds how long
anyone waits behind the request: 50 ms at first. Attempts then double, so that
readers that keep overlapping cannot starve the lock forever, up to a little more than
PostgreSQL's `deadlock_timeout` (1 s by default): only a request that waits that long
makes PostgreSQL cancel an autovacuum in its way. When an autovacuum is what holds the
table, the next attempt is that long at once, so that an autovacuum (which starts on
its own, a minute after an import) does not make the lock fail.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Generator
from typing import Any

import psycopg2.errors
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from product_importer.core.pg_errors import LOCK_NOT_AVAILABLE, sqlstate

FIRST_ATTEMPT_MS = 50
LONGEST_ATTEMPT_MS = 1250
PAUSE_SECONDS = 0.05


class Schedule:
    """The lock timeout (ms) of each attempt that starts within `seconds`."""

    def __init__(self, seconds: float) -> None:
        self._deadline = time.monotonic() + seconds
        self.timeout_ms = FIRST_ATTEMPT_MS

    def next_attempt(self, autovacuum_in_the_way: bool) -> bool:
        """Move on to the next attempt; False when the time is up. Attempts never get
        shorter (an autovacuum that prevents wraparound is never cancelled)."""
        if time.monotonic() >= self._deadline:
            return False
        doubled = min(self.timeout_ms * 2, LONGEST_ATTEMPT_MS)
        self.timeout_ms = LONGEST_ATTEMPT_MS if autovacuum_in_the_way else doubled
        return True


def _lock(table: str, mode: str) -> str:
    return f"LOCK TABLE {table} IN {mode} MODE"


def _vacuum_holds(table: str) -> str:
    """SQL: whether another session holds `table` in SHARE UPDATE EXCLUSIVE, as an
    autovacuum does. `pg_locks` is read for the lock itself: a role that is not a
    superuser sees no `backend_type` of an autovacuum worker in `pg_stat_activity`. A
    manual VACUUM or ANALYZE matches too; a longer attempt costs it nothing."""
    return f"""
        SELECT EXISTS (
          SELECT 1 FROM pg_locks
          WHERE locktype = 'relation' AND relation = '{table}'::regclass
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND mode = 'ShareUpdateExclusiveLock' AND granted AND pid <> pg_backend_pid())"""


# The steps of one lock request in attempts, for a driver (psycopg2 or the API's async
# session) to carry out: run a statement; ask one (the driver sends back its first value);
# lock (the driver sends back whether the lock was granted in time); pause.
RUN, ASK, LOCK, PAUSE = "run", "ask", "lock", "pause"
Steps = Generator[tuple[str, str], object, bool]


def _attempts(table: str, mode: str, seconds: float) -> Steps:
    previous = yield ASK, "SELECT setting::int FROM pg_settings WHERE name = 'lock_timeout'"
    schedule = Schedule(seconds)
    while True:
        yield RUN, "SAVEPOINT lock_attempt"
        yield RUN, f"SET LOCAL lock_timeout = {schedule.timeout_ms}"
        if (yield LOCK, _lock(table, mode)):
            yield RUN, "RELEASE SAVEPOINT lock_attempt"
            yield RUN, f"SET LOCAL lock_timeout = {int(str(previous))}"
            return True
        yield RUN, "ROLLBACK TO SAVEPOINT lock_attempt"
        yield RUN, "RELEASE SAVEPOINT lock_attempt"
        if not schedule.next_attempt(bool((yield ASK, _vacuum_holds(table)))):
            return False
        yield PAUSE, ""


def lock_in_attempts(cur: Any, table: str, mode: str, seconds: float) -> bool:
    """Lock `table` in `mode` through a psycopg2 cursor, in attempts for up to `seconds`;
    False if it was never granted. The transaction stays usable either way."""
    steps = _attempts(table, mode, seconds)
    answer: object = None
    try:
        while True:
            kind, sql = steps.send(answer)
            answer = None
            if kind == PAUSE:
                time.sleep(PAUSE_SECONDS)
            elif kind == LOCK:
                try:
                    cur.execute(sql)
                    answer = True
                except psycopg2.errors.LockNotAvailable:
                    answer = False
            else:
                cur.execute(sql)
                answer = cur.fetchone()[0] if kind == ASK else None
    except StopIteration as done:
        return bool(done.value)


async def lock_in_attempts_async(session: AsyncSession, table: str, mode: str,
                                 seconds: float) -> bool:  # fmt: skip
    """`lock_in_attempts` for the API's async session."""
    steps = _attempts(table, mode, seconds)
    answer: object = None
    try:
        while True:
            kind, sql = steps.send(answer)
            answer = None
            if kind == PAUSE:
                await asyncio.sleep(PAUSE_SECONDS)
            elif kind == LOCK:
                try:
                    await session.execute(text(sql))
                    answer = True
                except DBAPIError as exc:
                    if sqlstate(exc) != LOCK_NOT_AVAILABLE:
                        raise
                    answer = False
            else:
                result = await session.execute(text(sql))
                answer = result.scalar_one() if kind == ASK else None
    except StopIteration as done:
        return bool(done.value)
