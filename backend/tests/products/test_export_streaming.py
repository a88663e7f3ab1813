"""An export sends its rows as they are written, to a client at any pace; the files its
downloads hold are capped; a client that leaves stops its export and frees what it
held; an export that fails reaches the client as a download cut off, never as a
complete (short) file. The API runs as its own process: what a real client sees."""

from __future__ import annotations

import csv
import io
import resource
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from tests.imports.helpers import api_process
from tests.products.helpers import API
from tests.products.test_export_unread import (
    ROWS,
    big_catalog,
    export_backends,
    temporary_files,
    unread_export,
    wait_until_closed,
    wait_until_written,
)

URL = f"{API}/export.csv"
HEADER_LINE = b"created_at,updated_at\r\n"


@contextmanager
def table_locked(table: str) -> Iterator[None]:
    """Every reader of `table` waits until the block ends."""
    with sync_engine().connect() as conn, conn.begin():
        conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        yield


def waiting_for_lock(query_start: str, within: float = 60) -> int:
    """The backend whose query starts so, once it waits for a lock."""
    statement = text(
        "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND pid <> pg_backend_pid() AND query LIKE :start"
    )
    deadline = time.monotonic() + within
    while True:
        with sync_engine().connect() as conn:
            pids = conn.execute(statement, {"start": query_start + "%"}).scalars().all()
        if pids:
            return pids[0]
        assert time.monotonic() < deadline, f"no query {query_start!r} waits for a lock"
        time.sleep(0.05)


def terminate(pid: int) -> None:
    with sync_engine().connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()


def rows_of(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))[1:]


def assert_cut_off(url: str, query_start: str, locked: str) -> None:
    """The download at `url` starts; its query, kept waiting on `locked`, loses its
    connection: the client sees the download break off after what was sent. The lock is
    taken before the request: taken after the answer's start, the query could have run
    to its end first (nothing would wait for it)."""
    with httpx.Client(timeout=60) as client:
        with table_locked(locked):
            response = client.send(client.build_request("GET", url), stream=True)
            assert response.status_code == 200
            chunks = response.iter_bytes()
            assert next(chunks)  # the header, sent at once
            terminate(waiting_for_lock(query_start))
        with pytest.raises(httpx.RemoteProtocolError, match="incomplete chunked read"):
            for _ in chunks:
                pass
        response.close()


def test_an_export_that_fails_while_writing_is_cut_off(monkeypatch, tmp_path):
    """Not a complete CSV with the header only (which reads as "nothing matched"): the
    download breaks off. The export's place and file are free again after it."""
    big_catalog()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("EXPORT_WRITING_MAX", "1")
    monkeypatch.setenv("EXPORT_FILES_MAX", "1")
    with api_process() as (url, server):
        assert_cut_off(f"{url}{URL}", "COPY (SELECT products.id,", "products")
        wait_until_closed(server.pid, tmp_path)
        again = httpx.get(f"{url}{URL}", timeout=60)
        assert again.status_code == 200 and len(rows_of(again.content)) == ROWS


@contextmanager
def files_limited_to(size: int) -> Iterator[None]:
    """Processes started in the block cannot grow a file past `size` bytes: a write past
    it fails (EFBIG; Python ignores the signal that would kill them), as on a full disk."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def test_rows_are_sent_as_written_and_a_write_that_fails_midway_cuts_the_download_off(
    monkeypatch, tmp_path
):
    """The temporary file cannot grow past 9 MB of the 12 MB export: the client still
    gets the rows written before (it did not wait for the whole write), then the
    download breaks off."""
    big_catalog()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    with ExitStack() as stack:
        with files_limited_to(9 * 1024 * 1024):
            url, server = stack.enter_context(api_process())
        with httpx.stream("GET", f"{url}{URL}", timeout=60) as response:
            assert response.status_code == 200
            body = b""
            with pytest.raises(httpx.RemoteProtocolError, match="incomplete chunked read"):
                for chunk in response.iter_bytes():
                    body += chunk
        skus = [row[1] for row in rows_of(body)]
        assert 0 < len(skus) < ROWS
        assert skus == [f"BIG-{i:05d}" for i in range(len(skus))]
        wait_until_closed(server.pid, tmp_path)


def test_a_client_that_leaves_while_rows_are_written_frees_its_place_file_and_connection(
    monkeypatch, tmp_path
):
    """The writing stops (its query is cancelled) as soon as its client goes: a client
    that leaves keeps no place, no file and no connection (two in all here)."""
    big_catalog()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("EXPORT_WRITING_MAX", "1")
    monkeypatch.setenv("EXPORT_FILES_MAX", "1")
    monkeypatch.setenv("DB_POOL_SIZE", "1")
    with api_process() as (url, server):
        with table_locked("products"):
            for _ in range(3):  # each time, the place was free again
                with unread_export(url, until=HEADER_LINE):
                    waiting_for_lock("COPY (SELECT products.id,")
                    assert len(temporary_files(server.pid, tmp_path)) == 1
                deadline = time.monotonic() + 60
                while [backend for backend in export_backends() if backend[2] == "Lock"]:
                    assert time.monotonic() < deadline, export_backends()
                    time.sleep(0.05)
                wait_until_closed(server.pid, tmp_path)
        # Every connection came back: the list and an export have one each.
        listed = httpx.get(f"{url}{API}?page_size=1", timeout=20)
        assert listed.status_code == 200 and listed.json()["total"] == ROWS
        again = httpx.get(f"{url}{URL}", timeout=60)
        assert again.status_code == 200 and len(rows_of(again.content)) == ROWS


def test_the_files_held_by_downloads_are_capped(monkeypatch, tmp_path):
    """Unread downloads keep their files; past `EXPORT_FILES_MAX` an export is refused
    (503 and `Retry-After`) until one of them ends."""
    big_catalog()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("EXPORT_WRITING_MAX", "2")
    monkeypatch.setenv("EXPORT_FILES_MAX", "3")
    with api_process() as (url, server), ExitStack() as downloads:
        unread = []
        for count in (2, 1):  # two written at once at most
            for _ in range(count):
                unread.append(downloads.enter_context(unread_export(url)))
            wait_until_written()
        assert len(temporary_files(server.pid, tmp_path)) == 3
        refused = httpx.get(f"{url}{URL}", timeout=30)
        assert refused.status_code == 503, refused.text[:300]
        assert refused.headers["retry-after"].isdigit()
        assert "3 downloads (exports, error reports) are being" in refused.json()["detail"]
        unread[0].close()  # its client goes away
        wait_until_closed(server.pid, tmp_path, left=2)
        again = httpx.get(f"{url}{URL}", timeout=60)
        assert again.status_code == 200 and len(rows_of(again.content)) == ROWS


def test_a_slow_client_gets_every_byte(monkeypatch, tmp_path):
    """A download read a little at a time, paused until the rows are all written, then
    read on, is the same file as one read at once."""
    big_catalog()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    with api_process() as (url, _server):
        at_once = httpx.get(f"{url}{URL}", timeout=60).content
        assert len(rows_of(at_once)) == ROWS
        with httpx.stream("GET", f"{url}{URL}", timeout=60) as response:
            chunks = response.iter_bytes(4096)
            body = next(chunks)
            wait_until_written()
            for chunk in chunks:
                body += chunk
    assert body == at_once
