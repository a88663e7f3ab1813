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


def lock_in_attempts(cur: Any, table: str, mode: str, seconds: float) -> bool:
    """Lock `table` in `mode` through a psycopg2 cursor, in attempts for up to `seconds`;
    False if it was never granted. The transaction stays usable either way."""
    cur.execute("SHOW lock_timeout")
    previous = cur.fetchone()[0]
    schedule = Schedule(seconds)
    while True:
        cur.execute("SAVEPOINT lock_attempt")
        cur.execute(f"SET LOCAL lock_timeout = '{schedule.timeout_ms}ms'")
        try:
            cur.execute(_lock(table, mode))
        except psycopg2.errors.LockNotAvailable:
            cur.execute("ROLLBACK TO SAVEPOINT lock_attempt")
            cur.execute("RELEASE SAVEPOINT lock_attempt")
            cur.execute(_vacuum_holds(table))
            if not schedule.next_attempt(cur.fetchone()[0]):
                return False
            time.sleep(PAUSE_SECONDS)
            continue
        cur.execute("RELEASE SAVEPOINT lock_attempt")
        cur.execute("SELECT set_config('lock_timeout', %s, true)", (previous,))
        return True


async def lock_in_attempts_async(session: AsyncSession, table: str, mode: str,
                                 seconds: float) -> bool:  # fmt: skip
    """`lock_in_attempts` for the API's async session."""
    previous = (await session.execute(text("SHOW lock_timeout"))).scalar_one()
    schedule = Schedule(seconds)
    while True:
        await session.execute(text("SAVEPOINT lock_attempt"))
        await session.execute(text(f"SET LOCAL lock_timeout = '{schedule.timeout_ms}ms'"))
        try:
            await session.execute(text(_lock(table, mode)))
        except DBAPIError as exc:
            if sqlstate(exc) != LOCK_NOT_AVAILABLE:
                raise
            await session.execute(text("ROLLBACK TO SAVEPOINT lock_attempt"))
            await session.execute(text("RELEASE SAVEPOINT lock_attempt"))
            in_the_way = await session.execute(text(_vacuum_holds(table)))
            if not schedule.next_attempt(in_the_way.scalar_one()):
                return False
            await asyncio.sleep(PAUSE_SECONDS)
            continue
        await session.execute(text("RELEASE SAVEPOINT lock_attempt"))
        await session.execute(
            text("SELECT set_config('lock_timeout', :value, true)"), {"value": previous}
        )
        return True
