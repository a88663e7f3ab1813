"""Reading PostgreSQL error details from either driver (asyncpg in the API,
psycopg2 in workers)."""

from sqlalchemy.exc import DBAPIError

UNIQUE_VIOLATION = "23505"
LOCK_NOT_AVAILABLE = "55P03"
DEADLOCK_DETECTED = "40P01"


def sqlstate(exc: DBAPIError) -> str | None:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def constraint_name(exc: DBAPIError) -> str | None:
    orig = exc.orig
    for source in (orig, getattr(orig, "__cause__", None), getattr(orig, "diag", None)):
        name = getattr(source, "constraint_name", None)
        if name:
            return str(name)
    return None
