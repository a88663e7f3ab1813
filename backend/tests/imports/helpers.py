"""Upload files through the API and wait for the real worker to finish them, or store
an import for a test to run in-process; run the API and the import command as their
own processes; hold an import before it merges."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import httpx
from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.embedded import free_port
from product_importer.imports import repository
from product_importer.imports.staging_sql import MERGE_LOCK_KEYS
from tests.conftest import stop_process

FINAL = ("completed", "failed", "cancelled")
MERGE_LOCK = f"SELECT pg_advisory_lock({MERGE_LOCK_KEYS})"
MERGE_UNLOCK = f"SELECT pg_advisory_unlock({MERGE_LOCK_KEYS})"
CLI = [sys.executable, "-m", "product_importer.cli", "import"]


async def upload(client: Any, content: bytes, filename: str = "products.csv") -> Any:
    return await client.post("/api/v1/imports", files={"file": (filename, content, "text/csv")})


async def wait_final(client: Any, import_id: str, within: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        body = (await client.get(f"/api/v1/imports/{import_id}")).json()
        if body["status"] in FINAL:
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"import {import_id} did not finish: {body}")


async def import_file(
    client: Any, content: bytes, filename: str = "products.csv"
) -> dict[str, Any]:
    response = await upload(client, content, filename)
    assert response.status_code == 202, response.text
    return await wait_final(client, response.json()["id"])


def products() -> dict[str, tuple[str, str, str | None, bool]]:
    """lower(sku) → (sku, name, description, is_active)."""
    with sync_engine().connect() as conn:
        rows = conn.execute(text("SELECT sku, name, description, is_active FROM products"))
        return {r.sku.lower(): (r.sku, r.name, r.description, r.is_active) for r in rows}


def catalog() -> list[dict[str, Any]]:
    """Every column of every product, by id: what an import that applies nothing leaves
    exactly as it was (timestamps included)."""
    with sync_engine().connect() as conn:
        rows = conn.execute(text("SELECT * FROM products ORDER BY id")).mappings()
        return [dict(row) for row in rows]


def seed_products(count: int, prefix: str = "K") -> list[str]:
    """`count` products, SKUs `{prefix}-00000`… (numbered so that lower(sku) keeps their
    order), some inactive, created a day ago; their SKUs in that order."""
    with sync_engine().begin() as conn:
        conn.execute(
            text(
                "INSERT INTO products (sku, name, description, is_active, created_at, updated_at)"
                " SELECT :prefix || '-' || lpad(i::text, 5, '0'), 'Seeded ' || i, 'Desc ' || i,"
                "        i % 7 <> 0, now() - interval '1 day', now() - interval '1 day'"
                " FROM generate_series(0, :last) AS i"
            ),
            {"prefix": prefix, "last": count - 1},
        )
    return [f"{prefix}-{i:05d}" for i in range(count)]


def completed_events(import_id: str | uuid.UUID | None = None) -> int:
    """import.completed events recorded for the import (for any import: None)."""
    with sync_engine().connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM webhook_events WHERE type = 'import.completed'"
                " AND (CAST(:id AS text) IS NULL OR payload->'data'->>'id' = :id)"
            ),
            {"id": None if import_id is None else str(import_id)},
        ).scalar_one()


def csv_bytes(*lines: str, newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode("utf-8")


def late_failing_csv(third_column: str) -> bytes:
    """2,000 good rows (over the header probe), then one that is not UTF-8: a file the API
    accepts and the worker fails."""
    rows = "".join(f"B-{i},Name {i},{'x' * 60}\n" for i in range(2000))
    return f"sku,name,{third_column}\n{rows}".encode() + b"B-X,\xff\n"


def stored_import(content: bytes) -> uuid.UUID:
    """An import row and its file, stored without queueing a task."""
    with sync_engine().begin() as conn:
        import_id = conn.execute(
            text("INSERT INTO imports (filename, file_size) VALUES ('d.csv', :n) RETURNING id"),
            {"n": len(content)},
        ).scalar_one()
        conn.execute(
            text("INSERT INTO import_file_chunks (import_id, seq, data) VALUES (:i, 0, :d)"),
            {"i": import_id, "d": content},
        )
    return import_id


def import_with_errors(count: int, description: str = "") -> str:
    """A completed import whose `count` skipped rows (lines 2 to `count` + 1) each carry
    `description`."""
    with sync_engine().begin() as conn:
        statement = text(
            "INSERT INTO imports (filename, status) VALUES ('products.csv', 'completed') "
            "RETURNING id"
        )
        import_id = conn.execute(statement).scalar_one()
        conn.execute(
            text(
                "INSERT INTO import_errors (import_id, line, reason, sku, description) "
                "SELECT :id, n, 'missing name', 'E-' || n, :description "
                "FROM generate_series(2, :last) n"
            ),
            {"id": import_id, "last": count + 1, "description": description},
        )
    return str(import_id)


def stored_record(import_id: uuid.UUID) -> Any:
    """An import's row as it stands (its columns as attributes)."""
    with sync_engine().connect() as conn:
        return conn.execute(repository.by_id(import_id)).one()


def set_import(import_id: uuid.UUID, **values: Any) -> None:
    """Set columns of an import's row (as a worker or the API would have), committed."""
    with sync_engine().begin() as conn:
        conn.execute(repository.set_values(import_id, **values))


def staging_tables() -> list[str]:
    """Staging tables left in the database (an import drops its own before it ends)."""
    with sync_engine().connect() as conn:
        found = text(r"SELECT relname FROM pg_class WHERE relname LIKE 'import\_rows\_%'")
        rows = conn.execute(found)
        return list(rows.scalars())


class MergeGate:
    """Holds the merge lock so an import waits just before it would change products."""

    def __enter__(self) -> MergeGate:
        self.conn = sync_engine().connect()
        self.conn.execute(text(MERGE_LOCK))
        self.conn.commit()
        return self

    def open(self) -> None:
        if self.conn is not None:
            self.conn.execute(text(MERGE_UNLOCK))
            self.conn.commit()
            self.conn.close()
            self.conn = None

    def __exit__(self, *_: object) -> None:
        self.open()


@contextmanager
def api_process(
    port: int | None = None, log_level: str = "warning", output: IO[bytes] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The API as its own process (the tests' event loop owns this process's engine),
    on a free port unless told which: its URL, and the process for a test that stops it.
    It takes its settings from the environment; what it prints goes to `output` if given."""
    port = port or free_port()
    command = [sys.executable, "-m", "uvicorn", "product_importer.app:create_app", "--factory"]
    command += ["--timeout-graceful-shutdown", "5"]  # as `serve` runs it
    command += ["--port", str(port), "--log-level", log_level]
    server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT if output else None)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the API exited with {server.returncode} before it answered")
            try:
                if httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
            if time.monotonic() > deadline:
                raise RuntimeError(f"the API at {url} never answered")
        yield url, server
    finally:
        # Killed if need be: left running, it could hold the tables' locks from the next test.
        if not stop_process(server):
            raise AssertionError("the API did not stop within 20 s of SIGTERM (it was killed)")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`product-importer import …` run to its end."""
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)


def _interruptible() -> None:
    # A shell's background jobs start with SIGINT ignored, and Python then leaves it
    # ignored: restore the default so that Ctrl-C (SIGINT) reaches the command.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def cli_process(*args: str) -> Iterator[subprocess.Popen[bytes]]:
    """`product-importer import …` started, for a test to interact with as it runs (and
    killed if the test leaves it running). Its output is unbuffered bytes: text mode
    would turn the progress line's carriage returns into newlines, and `communicate()`
    reads past what a buffered reader had already taken from the pipe."""
    process = subprocess.Popen(
        [*CLI, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
        preexec_fn=_interruptible,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
