"""Strong table locks taken in short attempts.

PostgreSQL queues lock requests: while a request for ACCESS EXCLUSIVE waits, every
later request on the table waits behind it, readers included. Asking in attempts of
`ATTEMPT_MS`, with a pause between them, bounds how long anyone queues behind the
wait, while the caller itself keeps trying for as long as it chooses.
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

ATTEMPT_MS = 50
PAUSE_SECONDS = 0.05


def lock_in_attempts(cur: Any, statement: str, seconds: float) -> bool:
    """Run `statement` (a LOCK) on a psycopg2 cursor in attempts for up to `seconds`;
    False if it was never granted. The transaction stays usable either way."""
    cur.execute("SHOW lock_timeout")
    previous = cur.fetchone()[0]
    deadline = time.monotonic() + seconds
    while True:
        cur.execute("SAVEPOINT lock_attempt")
        cur.execute(f"SET LOCAL lock_timeout = '{ATTEMPT_MS}ms'")
        try:
            cur.execute(statement)
        except psycopg2.errors.LockNotAvailable:
            cur.execute("ROLLBACK TO SAVEPOINT lock_attempt")
            if time.monotonic() >= deadline:
                return False
            time.sleep(PAUSE_SECONDS)
            continue
        cur.execute("RELEASE SAVEPOINT lock_attempt")
        cur.execute("SELECT set_config('lock_timeout', %s, true)", (previous,))
        return True


async def lock_in_attempts_async(session: AsyncSession, statement: str, seconds: float) -> bool:
    """`lock_in_attempts` for the API's async session."""
    previous = (await session.execute(text("SHOW lock_timeout"))).scalar_one()
    deadline = time.monotonic() + seconds
    while True:
        try:
            async with session.begin_nested():
                await session.execute(text(f"SET LOCAL lock_timeout = '{ATTEMPT_MS}ms'"))
                await session.execute(text(statement))
        except DBAPIError as exc:
            if sqlstate(exc) != LOCK_NOT_AVAILABLE:
                raise
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(PAUSE_SECONDS)
            continue
        await session.execute(
            text("SELECT set_config('lock_timeout', :value, true)"), {"value": previous}
        )
        return True
