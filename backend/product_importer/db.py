"""Engines and sessions: asyncpg for the API, psycopg2 for workers and the CLI.

One transaction boundary per unit of work: the API's session dependency and the
worker's `sync_session()` commit on success and roll back on error; services only
flush.
"""

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import anyio
import anyio.to_thread
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, sessionmaker

from product_importer.config import get_settings

logger = logging.getLogger(__name__)


def _with_driver(url: str, driver: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"postgresql+{driver}://{rest}" if scheme.startswith("postgres") else url


def async_url(url: str) -> str:
    """The asyncpg form. libpq's `?sslmode=` (as managed PostgreSQL services hand it
    out) becomes asyncpg's `?ssl=`, so one DATABASE_URL serves both drivers."""
    converted = _with_driver(url, "asyncpg")
    parts = urlsplit(converted)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any(key == "sslmode" for key, _ in query):
        return converted
    query = [("ssl" if key == "sslmode" else key, value) for key, value in query]
    return urlunsplit(parts._replace(query=urlencode(query)))


def sync_url(url: str) -> str:
    return _with_driver(url, "psycopg2")


def libpq_url(url: str) -> str:
    """The plain `postgresql://` form that psycopg2.connect and psql understand."""
    return "postgresql://" + url.split("://", 1)[1]


def _database_url() -> str:
    url = get_settings().database_url
    if not url:
        raise RuntimeError("DATABASE_URL is not set and no embedded PostgreSQL was started")
    return url


@lru_cache
def async_engine() -> AsyncEngine:
    settings = get_settings()
    return create_async_engine(
        async_url(_database_url()),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_pre_ping=True,
        connect_args={
            "timeout": settings.db_connect_timeout_seconds,
            # A large import may swap in a rebuilt products table; statements cached
            # against the old table would fail once on every pooled connection.
            "prepared_statement_cache_size": 0,
        },
    )


@lru_cache
def sync_engine() -> Engine:
    settings = get_settings()
    return create_engine(
        sync_url(_database_url()),
        pool_pre_ping=True,
        pool_size=2,
        connect_args={
            "connect_timeout": settings.db_connect_timeout_seconds,
            # A worker killed mid-import must not leave its backend holding locks while it
            # waits; an import's temporary tables (its winners) like a larger buffer. A
            # worker's host lost outright sends no FIN: the backend's TCP keepalives find
            # it gone within ~25 s (the system's default is 2 h), and the worker's own
            # find a lost database host as soon.
            "options": (
                "-c client_connection_check_interval=1000 -c temp_buffers=256MB "
                "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 "
                "-c tcp_keepalives_count=3"
            ),
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        },
    )


@lru_cache
def _async_sessions() -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(async_engine(), expire_on_commit=False)


@lru_cache
def _sync_sessions() -> sessionmaker[Session]:
    return sessionmaker(sync_engine(), expire_on_commit=False)


@asynccontextmanager
async def async_session() -> AsyncIterator[AsyncSession]:
    """One transaction: committed on success, rolled back on error. Its after-commit
    callbacks then run in a thread: they talk to the broker, which must not hold up the
    event loop (a broker that refuses connections takes most of a second to say so)."""
    async with _async_sessions()() as session:
        session.sync_session.info[ASYNC_SESSION_KEY] = True
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        finally:
            await _run_committed_callbacks(session)


@lru_cache
def _callback_threads() -> anyio.CapacityLimiter:
    """Threads of their own: a burst of slow webhook test sends (which hold anyio's shared
    threads for up to their timeout) must not hold up the answers to committed changes."""
    return anyio.CapacityLimiter(8)


async def _run_committed_callbacks(session: AsyncSession) -> None:
    committed = session.sync_session.info.pop(COMMITTED_KEY, [])
    if committed:
        with anyio.CancelScope(shield=True):  # the change has committed: say so
            await anyio.to_thread.run_sync(_run_callbacks, committed, limiter=_callback_threads())


async def get_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one transaction per request."""
    async with async_session() as session:
        yield session


@contextmanager
def sync_session() -> Iterator[Session]:
    """One transaction for a worker's unit of work."""
    with _sync_sessions()() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


async def dispose_engines() -> None:
    if async_engine.cache_info().currsize:
        await async_engine().dispose()
    if sync_engine.cache_info().currsize:
        sync_engine().dispose()
    for cached in (async_engine, sync_engine, _async_sessions, _sync_sessions):
        cached.cache_clear()


AFTER_COMMIT_KEY = "after_commit_callbacks"
# An async session's callbacks wait here from its commit until `async_session()` runs them.
COMMITTED_KEY = "committed_callbacks"
ASYNC_SESSION_KEY = "async"


def after_commit(session: Session | AsyncSession, callback: Callable[[], object]) -> None:
    """Run `callback` once the session's current transaction has committed (never on
    rollback): how a change queues work that must see it, e.g. webhook dispatch. A
    callback that fails is logged: the change it follows has committed all the same."""
    target = session.sync_session if isinstance(session, AsyncSession) else session
    target.info.setdefault(AFTER_COMMIT_KEY, []).append(callback)


def _run_callbacks(callbacks: list[Callable[[], object]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:
            logger.exception("an after-commit callback failed")


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop(AFTER_COMMIT_KEY, [])
    if session.info.get(ASYNC_SESSION_KEY):  # on the event loop's thread: not here
        session.info.setdefault(COMMITTED_KEY, []).extend(callbacks)
    else:
        _run_callbacks(callbacks)


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session: Session) -> None:
    session.info.pop(AFTER_COMMIT_KEY, None)
