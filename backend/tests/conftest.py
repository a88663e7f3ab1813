"""Test harness: real PostgreSQL, Redis and Celery workers.

The embedded servers start once per session in a temporary directory (or the
servers at `DATABASE_URL` / `REDIS_URL` are used), before any test module is
imported, so every module sees the right URLs. Each test starts from empty
tables.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

_services = None
_tmp_root: Path | None = None
# Emptied before each test, their ids starting again at 1 (a test expects product 1)...
TABLES = (
    "products",
    "product_deletions",
    "imports",
    "import_file_chunks",
    "import_errors",
    "api_tokens",
    "audit_log",
)
# ...but not the endpoints' ids: a delivery the last test's worker was still making, logged
# once this test has made its own endpoints, would be logged on one of them.
WEBHOOK_TABLES = ("webhooks", "webhook_events", "webhook_deliveries")


def pytest_configure(config: pytest.Config) -> None:
    global _services, _tmp_root
    if hasattr(config, "workerinput"):
        return
    from product_importer.embedded import EmbeddedServices

    _tmp_root = Path(tempfile.mkdtemp(prefix="pi-test-"))
    os.chmod(_tmp_root, 0o755)
    _services = EmbeddedServices(
        _tmp_root, os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    )
    database_url, redis_url = _services.start()
    os.environ.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DATA_DIR=str(_tmp_root / "data"),
        WEBHOOK_RETRY_SCHEDULE="[0.2, 0.4, 0.8]",
        WEBHOOK_TIMEOUT_SECONDS="2",
        WEBHOOK_SWEEP_SECONDS="0.5",
    )
    from product_importer.config import reload_settings
    from product_importer.migrations import upgrade_to_head

    reload_settings()
    upgrade_to_head()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _services is not None:
        _services.stop()
    if _tmp_root is not None:
        shutil.rmtree(_tmp_root, ignore_errors=True)


# How long a test's set-up waits for the tables: a lock held longer than this was left by
# an earlier test (a process it did not stop), and waiting on would hang the whole run,
# since the per-test timeout cannot interrupt a wait inside the database driver.
TABLES_LOCK_WAIT = "30s"
LOCK_HOLDERS = """
    SELECT DISTINCT activity.pid, activity.application_name, activity.state,
           left(activity.query, 200)
    FROM pg_locks
    JOIN pg_stat_activity AS activity USING (pid)
    JOIN pg_class ON pg_class.oid = pg_locks.relation
    JOIN pg_namespace ON pg_namespace.oid = pg_class.relnamespace
    WHERE pg_locks.granted AND pg_namespace.nspname = current_schema()
      AND pid <> pg_backend_pid()
"""


def truncate_all() -> None:
    from psycopg2.errors import LockNotAvailable
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from product_importer.db import sync_engine

    for attempt in range(1, 6):
        try:
            with sync_engine().begin() as conn:
                conn.execute(text(f"SET LOCAL lock_timeout = '{TABLES_LOCK_WAIT}'"))
                conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
                conn.execute(text(f"TRUNCATE {', '.join(WEBHOOK_TABLES)} CASCADE"))
            return
        except OperationalError as exc:
            if isinstance(exc.orig, LockNotAvailable):
                holders = end_lock_holders()
                raise RuntimeError(
                    f"the tables were still locked after {TABLES_LOCK_WAIT}, by sessions "
                    f"an earlier test left behind (now ended): {holders}"
                ) from exc
            # A worker still finishing the last test's work can lock the same tables in
            # another order; PostgreSQL then cancels one side, possibly this one.
            if attempt == 5 or "deadlock" not in str(exc):
                raise
            time.sleep(0.1 * attempt)


def end_lock_holders() -> list[tuple[object, ...]]:
    """Ends the sessions that hold a lock on a table (those the TRUNCATE reaches through
    CASCADE too): what they were, for the report."""
    from sqlalchemy import text

    from product_importer.db import sync_engine

    with sync_engine().begin() as conn:
        holders = [tuple(row) for row in conn.execute(text(LOCK_HOLDERS))]
        for holder in holders:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": holder[0]})
    return holders


@pytest.fixture(autouse=True)
def clean_tables() -> Iterator[None]:
    truncate_all()
    yield


@pytest.fixture
async def client() -> AsyncIterator[object]:
    import httpx

    from product_importer.app import create_app

    app = create_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


# The tests' workers look for lost imports when they start, and then only this seldom:
# a sweep every few seconds would take up an import that a test made lost (to look at
# it) before the test did. A test of the sweep starts a worker of its own.
TEST_WORKER_SWEEP_SECONDS = 3600.0


def _wait_for_workers(expected: int, timeout: float = 120.0) -> None:
    from product_importer.worker import celery_app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = celery_app.control.ping(timeout=0.5) or []
        if len(replies) >= expected:
            return
        time.sleep(0.2)
    raise RuntimeError(f"Celery workers did not answer a ping within {timeout:.0f} s")


def wait_for_worker(process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    """Until the worker that `process` runs answers a ping (its name ends with its pid)."""
    from product_importer.worker import celery_app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = celery_app.control.ping(timeout=0.5) or []
        if any(name.endswith(f"-{process.pid}") for reply in replies for name in reply):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the Celery worker did not answer a ping within {timeout:.0f} s")


def start_worker(
    queues: str, pool: str, concurrency: int, sweep_seconds: float = TEST_WORKER_SWEEP_SECONDS
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "product_importer.cli", "worker", "--queues", queues]
    command += ["--pool", pool, "--concurrency", str(concurrency)]
    env = {**os.environ, "IMPORT_SWEEP_SECONDS": str(sweep_seconds)}
    # A session of its own: stopping it by force ends its pool's processes too.
    return subprocess.Popen(command, env=env, start_new_session=True)


def stop_process(process: subprocess.Popen[bytes], grace: float = 20) -> bool:
    """Ends `process`: SIGTERM, then SIGKILL if it has not ended `grace` seconds later.
    Whether it ended on SIGTERM."""
    if process.poll() is not None:
        return True
    process.terminate()
    try:
        process.wait(timeout=grace)
        return True
    except subprocess.TimeoutExpired:
        if os.getpgid(process.pid) == process.pid:  # its group: a worker and its pool
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.wait()
        return False


@pytest.fixture(scope="session")
def worker() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Real Celery workers, as `serve` starts them: imports (prefork) and webhooks (threads)."""
    from product_importer.worker import celery_app

    celery_app.control.purge()
    processes = [start_worker("imports", "prefork", 2), start_worker("webhooks", "threads", 16)]
    try:
        _wait_for_workers(len(processes))
        yield processes
    finally:
        for process in processes:
            stop_process(process)
