"""An export whose download stops being read (paused, or a slow client) holds neither a
connection nor the products table once its rows are written: delete-all and the list
still answer. The API runs as its own process so that a client can really stop
reading."""

from __future__ import annotations

import asyncio
import gc
import os
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import text

from product_importer.config import Settings, get_settings
from product_importer.core.spooled_download import SEND_SLICE_BYTES, Place, _slices
from product_importer.db import sync_engine
from product_importer.products import export
from product_importer.products.filters import ProductFilters, ProductSort
from tests.imports.helpers import api_process
from tests.products.helpers import API, copy_products

ROWS = 6_000
# ~12 MB of CSV: far more than the socket buffers between the API and a client that
# does not read, so the API cannot finish sending before the client reads again.
DESCRIPTION = "d" * 2_000
FIRST_ROW = b"\r\n1,BIG-00000,"


def big_catalog() -> None:
    copy_products([(f"BIG-{i:05d}", f"Big {i:05d}", DESCRIPTION, True) for i in range(ROWS)])


@contextmanager
def unread_export(
    url: str, until: bytes = FIRST_ROW, path: str = f"{API}/export.csv"
) -> Iterator[socket.socket]:
    """An export (or the download at `path`) whose client reads as far as `until` (the
    first product), then stops reading. Refused because others are still being
    written (503: PostgreSQL may be done with their rows a moment before the API is),
    it is asked for again, as a client told to retry would."""
    deadline = time.monotonic() + 60
    while True:
        sock, received = _requested(url, path, until)
        if not received.startswith(b"HTTP/1.1 503") or time.monotonic() > deadline:
            break
        sock.close()
        time.sleep(0.1)
    try:
        assert received.startswith(b"HTTP/1.1 200"), received[:300]
        yield sock
    finally:
        sock.close()


def _requested(url: str, path: str, until: bytes) -> tuple[socket.socket, bytes]:
    """A socket that asked for `path`, and what it read: as far as `until` in a 200,
    else the answer's head."""
    address = urlsplit(url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting: no growth
    sock.settimeout(60)
    try:
        sock.connect((address.hostname, address.port))
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
        received = b""
        while until not in received:
            if b"\r\n\r\n" in received and not received.startswith(b"HTTP/1.1 200"):
                break
            chunk = sock.recv(4096)
            assert chunk, f"the export ended early: {received[:300]!r}"
            received += chunk
    except BaseException:
        sock.close()
        raise
    return sock, received


def temporary_files(pid: int, directory: Path) -> list[str]:
    """The files in `directory` that the process `pid` holds open."""
    fds = Path(f"/proc/{pid}/fd")
    targets = []
    for fd in fds.iterdir():
        try:
            targets.append(os.readlink(fd))
        except FileNotFoundError:  # closed meanwhile
            continue
    return [target for target in targets if target.startswith(str(directory))]


def wait_until_closed(pid: int, directory: Path, within: float = 60, left: int = 0) -> None:
    """Until the process `pid` holds only `left` files open in `directory`."""
    deadline = time.monotonic() + within
    while len(temporary_files(pid, directory)) > left:
        assert time.monotonic() < deadline, temporary_files(pid, directory)
        time.sleep(0.1)


EXPORT_QUERY = "COPY (SELECT products.id,"
# The backends of the downloads' queries (not this test's own statements).
DOWNLOAD_BACKENDS = text(
    "SELECT pid, state, wait_event_type FROM pg_stat_activity "
    "WHERE pid <> pg_backend_pid() AND query LIKE :start"
)


def export_backends(query_start: str = EXPORT_QUERY) -> list[tuple[int, str, str | None]]:
    with sync_engine().connect() as conn:
        rows = conn.execute(DOWNLOAD_BACKENDS, {"start": query_start + "%"})
        return [tuple(row) for row in rows]


def wait_until_written(within: float = 60, query_start: str = EXPORT_QUERY) -> None:
    """Until no export's (or no query starting `query_start`'s) query is running: every
    download started has its rows written (one that has begun shows that its query has
    started)."""
    deadline = time.monotonic() + within
    while busy := [b for b in export_backends(query_start) if b[1] != "idle"]:
        assert time.monotonic() < deadline, busy
        time.sleep(0.1)


def test_unread_exports_do_not_keep_delete_all_from_the_table(monkeypatch, tmp_path):
    big_catalog()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    writing_max = get_settings().export_writing_max
    with api_process() as (url, server), ExitStack() as downloads:
        for _ in range(writing_max):
            downloads.enter_context(unread_export(url))
        wait_until_written()
        # each export waits on disk for its client: the database is done with it
        assert len(temporary_files(server.pid, tmp_path)) == writing_max
        response = httpx.delete(f"{url}{API}/all", timeout=30)
        assert response.status_code == 200, response.text
        assert response.json() == {"deleted": ROWS}
        downloads.close()  # the clients go away: their files go too
        wait_until_closed(server.pid, tmp_path)


def test_more_unread_exports_than_connections_leave_the_list_answering(monkeypatch):
    """Two connections in all (a pool of one, and one more): unread exports holding them
    would leave every other request waiting for one."""
    big_catalog()
    monkeypatch.setenv("DB_POOL_SIZE", "1")
    with api_process() as (url, _server), ExitStack() as downloads:
        for _ in range(2):
            downloads.enter_context(unread_export(url))
        wait_until_written()
        downloads.enter_context(unread_export(url, until=b"\r\n\r\n"))  # its answer began
        response = httpx.get(f"{url}{API}?page_size=1", timeout=15)
        assert response.status_code == 200, response.text
        assert response.json()["total"] == ROWS


async def test_exports_beyond_the_limit_are_refused_until_one_is_written(client):
    """While `export_writing_max` exports are being written, another is refused with 503
    and `Retry-After`; once one is written, exports run again."""
    copy_products([("A-1", "One", None, True)])
    places = [Place() for _ in range(get_settings().export_writing_max)]
    for place in places:
        place.written()  # written, still downloading: they keep their files only
    places += [Place() for _ in range(get_settings().export_writing_max)]
    response = await client.get(f"{API}/export.csv")
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert "downloads (exports, error reports) are being written" in response.json()["detail"]
    places[-1].written()
    again = await client.get(f"{API}/export.csv")
    for place in places:
        place.give_back()
    assert again.status_code == 200 and "A-1" in again.text


def test_the_files_cap_is_at_least_the_writing_cap():
    """Every export being written holds its file: fewer files would lower the other cap."""
    with pytest.raises(ValidationError, match="EXPORT_FILES_MAX must be at least"):
        Settings(export_writing_max=3, export_files_max=2)


async def test_every_place_is_given_back(client):
    """After exports read in full, and one whose answer was dropped before it began
    (its client left at once), every place is free."""
    copy_products([("A-1", "One", None, True)])
    for _ in range(get_settings().export_files_max + 1):
        assert (await client.get(f"{API}/export.csv")).status_code == 200
    dropped = export.export_csv(ProductFilters(), ProductSort.ID)
    assert (Place.files, Place.writing) == (1, 1)
    del dropped
    gc.collect()
    assert (Place.files, Place.writing) == (0, 0)


async def test_a_download_dropped_once_begun_keeps_its_place_until_its_writer_stops(client):
    """Collected while paused (its client stopped reading, then left), the answer is
    closed by the event loop a moment later: until its writer has stopped, its place is
    still taken, so no export beyond the caps is let in meanwhile."""
    copy_products([(f"D-{i}", "Dropped", None, True) for i in range(20_000)])
    rows = export.export_csv(ProductFilters(), ProductSort.ID)
    await rows.__anext__()  # the header
    await rows.__anext__()  # rows: the writer runs
    del rows
    gc.collect()
    assert (Place.files, Place.writing) != (0, 0)
    deadline = time.monotonic() + 60
    while (Place.files, Place.writing) != (0, 0):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)  # the loop closes it, stopping the writer, then gives it back
    assert (Place.files, Place.writing) == (0, 0)


def test_a_download_left_unread_is_given_up_and_frees_its_place(monkeypatch, tmp_path):
    """Paused clients kept their places (and files) for good: six of them had every
    other export and error report refused with 503 for as long as they stayed."""
    big_catalog()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("DOWNLOAD_IDLE_TIMEOUT_SECONDS", "1")
    for cap in ("EXPORT_WRITING_MAX", "EXPORT_FILES_MAX"):  # another only once it is freed
        monkeypatch.setenv(cap, "1")
    with api_process() as (url, server), unread_export(url) as paused:
        wait_until_written()
        wait_until_closed(server.pid, tmp_path)  # its file is gone, its client still there
        paused.settimeout(30)
        while paused.recv(1 << 16):  # what was sent before, then the end: closed
            pass
        response = httpx.get(f"{url}{API}/export.csv", timeout=60)
        assert response.status_code == 200
        assert response.text.count("\r\n") == ROWS + 1


def test_a_download_is_sent_in_slices_a_slow_client_takes_in_time():
    """The server holds back a send until its buffer has room: a whole 256 KiB piece at
    once would need a client reading ~4 KB/s to take it within the minute."""
    body = bytes(range(256)) * 1024 * 2  # 512 KiB
    slices = _slices({"type": "http.response.body", "body": body, "more_body": True})
    assert [len(part["body"]) for part in slices] == [SEND_SLICE_BYTES] * 32
    assert b"".join(part["body"] for part in slices) == body
    last = _slices({"type": "http.response.body", "body": body[:20_000], "more_body": False})
    assert [(len(p["body"]), p["more_body"]) for p in last] == [(16_384, True), (3_616, False)]
    start = {"type": "http.response.start", "status": 200, "headers": []}
    assert _slices(start) == [start]
