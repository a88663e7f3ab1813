"""The multi-host claim, proved on one machine.

A worker host needs the image (here: the installed package), DATABASE_URL and
REDIS_URL, and nothing shared on disk. So: two import workers run as separate
processes, each in its own fresh working directory with its own HOME and
TMPDIR, with an environment holding only the two URLs (plus PATH, HOME and
TMPDIR). The API runs as a third process in a directory of its own. Several
imports are uploaded through the API while the workers hold back; then the API
is stopped, its directory and the source CSVs are deleted, and only then do the
workers start consuming. A second, fresh API instance reads the results: every
import completes with the counts the contract defines, and both workers took
part.

The stack uses its own database (created and migrated here with
`product-importer migrate`) and its own Redis database number, so the session's
`worker` fixture, or anything else in this test session, can neither see nor
take these imports; a Celery ping on that broker shows exactly the two workers.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg2
import pytest
import redis
from celery import Celery

from product_importer.db import libpq_url
from product_importer.embedded import free_port
from tests.deploy.helpers import ROOT

pytestmark = pytest.mark.timeout(600)

IMPORTS = 6  # the queue of imports the two workers share
SEEDED_PER_IMPORT = 20  # existing products each import meets: half change, half do not
DUPLICATES_PER_IMPORT = 5
INVALID_ROWS = [  # (sku, name, description): each breaks one row rule
    ("", "no sku", "x"),
    ("NO-NAME-{k}", "", "x"),
    ("X" * 65, "sku too long", "x"),
]
FINAL = {"completed", "failed", "cancelled"}
STARTUP_SECONDS = 90
PROCESSING_SECONDS = 240


# The isolated stack --------------------------------------------------------------


def _with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


@dataclass
class Stack:
    database_url: str
    redis_url: str
    root: Path

    def env(self, home: Path, **extra: str) -> dict[str, str]:
        """What a fresh host gets: the two URLs, and a home of its own. Nothing else."""
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        python_dir = str(Path(sys.executable).parent)
        return {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "PATH": f"{python_dir}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            "TMPDIR": str(home / "tmp"),
            **extra,
        }

    def host_dir(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True)
        return path


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    """A database of its own on the session's PostgreSQL, a Redis database of its own."""
    name = f"multi_host_{secrets.token_hex(4)}"
    admin = psycopg2.connect(libpq_url(_with_path(os.environ["DATABASE_URL"], "/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    redis_url = _with_path(os.environ["REDIS_URL"], "/9")
    redis.Redis.from_url(redis_url).flushdb()
    try:
        yield Stack(_with_path(os.environ["DATABASE_URL"], f"/{name}"), redis_url, tmp_path)
    finally:
        redis.Redis.from_url(redis_url).flushdb()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


class Processes:
    """Processes this test starts; each is stopped at the end whatever happens."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []
        self.logs: list[Any] = []

    def start(self, args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
        log = (cwd.parent / f"{cwd.name}.log").open("wb")
        self.logs.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "product_importer.cli", *args],
            env=env,
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started.append(process)
        return process

    @staticmethod
    def stop(process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop_all(self) -> None:
        for process in reversed(self.started):
            self.stop(process)
        for log in self.logs:
            log.close()


@pytest.fixture
def processes() -> Iterator[Processes]:
    started = Processes()
    try:
        yield started
    finally:
        started.stop_all()


def _wait(what: str, check: Callable[[], Any], seconds: float, log: Path | None = None) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    detail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"{what}: not reached\n{detail}")


def _start_api(
    stack: Stack, processes: Processes, name: str
) -> tuple[str, Path, subprocess.Popen[bytes]]:
    home = stack.host_dir(name)
    port = free_port()
    env = stack.env(home, SPAWN_WORKER="false", WEBHOOK_ALLOW_PRIVATE_TARGETS="false")
    process = processes.start(
        ["serve", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=home
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> dict[str, Any] | None:
        assert process.poll() is None, (home.parent / f"{name}.log").read_text()[-3000:]
        with contextlib.suppress(httpx.HTTPError):
            response = httpx.get(f"{base}/health", timeout=5)
            if response.status_code == 200:
                return dict(response.json())
        return None

    _wait(f"{name} healthy", healthy, STARTUP_SECONDS, home.parent / f"{name}.log")
    return base, home, process


# Celery, seen from the outside ---------------------------------------------------


def _control_app(redis_url: str) -> Celery:
    from product_importer.worker import celery_app

    app = Celery("multi-host-probe", broker=redis_url)
    app.conf.broker_transport_options = celery_app.conf.broker_transport_options
    return app


class TaskEvents:
    """Celery task events from the workers: which worker received which task."""

    def __init__(self, app: Celery) -> None:
        self.events: list[dict[str, Any]] = []
        self.ready = threading.Event()
        self._connection = app.connection_for_read()
        self._receiver = app.events.Receiver(
            self._connection, handlers={"task-received": self.events.append}
        )
        original = self._receiver.on_consume_ready

        def on_ready(*args: Any, **kwargs: Any) -> None:
            original(*args, **kwargs)
            self.ready.set()

        self._receiver.on_consume_ready = on_ready  # type: ignore[method-assign]
        self._thread = threading.Thread(
            target=self._receiver.capture, kwargs={"wakeup": False}, daemon=True
        )

    def __enter__(self) -> TaskEvents:
        self._thread.start()
        assert self.ready.wait(30), "event receiver did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self._receiver.should_stop = True
        self._thread.join(timeout=10)
        self._connection.release()

    def worker_of(self, import_id: str) -> set[str]:
        return {
            event["hostname"]
            for event in list(self.events)
            if import_id in f"{event.get('args', '')} {event.get('kwargs', '')}"
        }


# The imports ---------------------------------------------------------------------


def _csv(rows: list[tuple[str, str, str]]) -> bytes:
    def field(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value

    lines = ["sku,name,description"] + [",".join(field(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def _seed_rows() -> list[tuple[str, str, str]]:
    return [
        (f"SEED-{k}-{i}", f"Seeded product {k}-{i}", f"description {k}-{i}")
        for k in range(IMPORTS)
        for i in range(SEEDED_PER_IMPORT)
    ]


def _import_rows(k: int) -> tuple[list[tuple[str, str, str]], dict[str, int]]:
    """Import k touches only its own SKUs, so the counts do not depend on which
    worker runs it, or in which order the queue is drained."""
    new = 300 + 100 * k
    half = SEEDED_PER_IMPORT // 2
    rows = [(f"NEW-{k}-{i}", f"First name {k}-{i}", "") for i in range(new)]
    rows += [
        (f"SEED-{k}-{i}", f"Renamed product {k}-{i}", f"description {k}-{i}") for i in range(half)
    ]
    rows += [
        (f"SEED-{k}-{i}", f"Seeded product {k}-{i}", f"description {k}-{i}")
        for i in range(half, SEEDED_PER_IMPORT)
    ]
    rows += [(sku.format(k=k), name, desc) for sku, name, desc in INVALID_ROWS]
    # Later rows for the same SKUs win (one, in lower case: SKUs match case-insensitively).
    rows += [
        (f"NEW-{k}-{i}", f"Final name {k}-{i}", "last wins")
        for i in range(1, DUPLICATES_PER_IMPORT)
    ]
    rows += [(f"new-{k}-0", f"Final name {k}-0", "last wins")]
    expected = {
        "total_rows": len(rows),
        "created": new,
        "updated": half,
        "unchanged": SEEDED_PER_IMPORT - half,
        "skipped": len(INVALID_ROWS),
        "duplicates_in_file": DUPLICATES_PER_IMPORT,
    }
    return rows, expected


def _upload(base: str, path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        response = httpx.post(
            f"{base}/api/v1/imports",
            files={"file": (path.name, handle, "text/csv")},
            timeout=60,
        )
    assert response.status_code == 202, response.text
    return dict(response.json())


def _finished(base: str, import_id: str) -> dict[str, Any] | None:
    response = httpx.get(f"{base}/api/v1/imports/{import_id}", timeout=10)
    assert response.status_code == 200, response.text
    body = dict(response.json())
    return body if body["status"] in FINAL else None


def _assert_counts(body: dict[str, Any], expected: dict[str, int]) -> None:
    assert body["status"] == "completed", body
    assert body["error"] is None, body
    actual = {key: body[key] for key in expected}
    assert actual == expected, body["filename"]
    assert body["processed_rows"] == expected["total_rows"]
    assert body["progress"] == 100


def _query(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    conn = psycopg2.connect(libpq_url(database_url))
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall())
    finally:
        conn.close()


def _products(database_url: str) -> dict[str, tuple[str, str]]:
    """name and description by SKU (in upper case: SKUs are case-insensitive)."""
    rows = _query(database_url, "SELECT sku, name, description FROM products")
    return {sku.upper(): (name, description) for sku, name, description in rows}


# The test ------------------------------------------------------------------------


def test_two_workers_with_only_the_urls_drain_a_queue_of_imports(stack, processes, tmp_path):
    # A one-shot migrate, like the compose `migrate` service, from a directory of its own.
    migrate_home = stack.host_dir("migrate")
    result = subprocess.run(
        [sys.executable, "-m", "product_importer.cli", "migrate"],
        env=stack.env(migrate_home),
        cwd=migrate_home,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr

    # Two worker "hosts".
    workers = {}
    for name in ("worker-a", "worker-b"):
        home = stack.host_dir(name)
        process = processes.start(
            ["worker", "--queues", "imports", "--pool", "prefork", "--concurrency", "1"],
            env=stack.env(home),
            cwd=home,
        )
        workers[f"imports@{socket.gethostname()}-{process.pid}"] = (process, home)

    control = _control_app(stack.redis_url)

    def both_answer() -> set[str] | None:
        for process, _ in workers.values():
            assert process.poll() is None, "a worker exited"
        answered = {n for reply in control.control.ping(timeout=1.0) or [] for n in reply}
        return answered if set(workers) <= answered else None

    answered = _wait("both workers answer a ping", both_answer, STARTUP_SECONDS)
    assert answered == set(workers), "no other worker consumes this stack's queues"

    # The image's health check recognises these workers (and sees only this broker).
    probe = subprocess.run(
        [sys.executable, str(ROOT / "docker" / "healthcheck.py"), "worker"],
        env=stack.env(stack.host_dir("probe")),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stdout + probe.stderr

    api, api_home, api_process = _start_api(stack, processes, "api-1")
    # Degraded: this stack runs no webhooks worker, so no delivery would ever be sent.
    expected = {
        "status": "degraded",
        "database": "ok",
        "redis": "ok",
        "workers": 2,
        "queues": {"imports": 2, "webhooks": 0},
    }
    seen: list[Any] = []

    def both_counted() -> bool:
        # A census that was slow to answer counts no workers: the next request's may.
        seen.append(httpx.get(f"{api}/health", timeout=10).json())
        return bool(seen[-1] == expected)

    try:
        _wait("the API's census counts both workers", both_counted, STARTUP_SECONDS)
    except AssertionError:
        raise AssertionError(f"/health never counted both workers: {seen[-1]}") from None

    uploads = tmp_path / "uploads"
    uploads.mkdir()
    seed_file = uploads / "seed.csv"
    seed_file.write_bytes(_csv(_seed_rows()))

    with TaskEvents(control) as events:
        replies = control.control.enable_events(reply=True, timeout=5)
        assert {n for reply in replies for n in reply} == set(workers)

        # The seed import runs while the API is up: the products the queue will meet.
        seed = _upload(api, seed_file)
        seeded = _wait("seed import", lambda: _finished(api, seed["id"]), PROCESSING_SECONDS)
        _assert_counts(
            seeded,
            {
                "total_rows": IMPORTS * SEEDED_PER_IMPORT,
                "created": IMPORTS * SEEDED_PER_IMPORT,
                "updated": 0,
                "unchanged": 0,
                "skipped": 0,
                "duplicates_in_file": 0,
            },
        )

        # The workers hold back while the queue fills up.
        replies = control.control.cancel_consumer("imports", reply=True, timeout=5)
        assert len(replies) == 2, replies
        queued: dict[str, dict[str, int]] = {}
        for k in range(IMPORTS):
            rows, expected = _import_rows(k)
            path = uploads / f"batch-{k}.csv"
            path.write_bytes(_csv(rows))
            body = _upload(api, path)
            assert body["status"] == "queued", body
            queued[body["id"]] = expected

        # The API host goes away, with everything on its disk and the source files:
        # from here on the uploads exist only in PostgreSQL.
        processes.stop(api_process)
        shutil.rmtree(api_home)
        shutil.rmtree(uploads)

        replies = control.control.add_consumer("imports", reply=True, timeout=5)
        assert len(replies) == 2, replies

        # Any API instance can report on the imports: a fresh one on a fresh host.
        api, _, _ = _start_api(stack, processes, "api-2")
        results = {
            import_id: _wait(
                f"import {import_id} finished",
                lambda import_id=import_id: _finished(api, import_id),
                PROCESSING_SECONDS,
            )
            for import_id in queued
        }
        ran_on = {import_id: events.worker_of(import_id) for import_id in queued}

    for import_id, expected in queued.items():
        _assert_counts(results[import_id], expected)

    # Each import ran on one of the two workers, and both took part: as Celery's task
    # events tell, and as the workers recorded on the import rows themselves.
    assert all(hosts and hosts <= set(workers) for hosts in ran_on.values()), ran_on
    assert set().union(*ran_on.values()) == set(workers), ran_on
    recorded = dict(_query(stack.database_url, "SELECT id::text, worker FROM imports"))
    for import_id in queued:
        assert recorded[import_id] in ran_on[import_id], (recorded, ran_on)

    products = _products(stack.database_url)
    new_total = sum(300 + 100 * k for k in range(IMPORTS))
    assert len(products) == IMPORTS * SEEDED_PER_IMPORT + new_total
    assert products["SEED-0-0"] == ("Renamed product 0-0", "description 0-0")
    assert products["SEED-0-19"] == ("Seeded product 0-19", "description 0-19")
    assert products["NEW-1-1"] == ("Final name 1-1", "last wins")
    assert products["NEW-1-0"] == ("Final name 1-0", "last wins")
    assert products["NEW-1-5"][0] == "First name 1-5"

    for process, _ in workers.values():
        assert process.poll() is None, "the workers are still running after the queue drained"
