"""A download of a query's rows (the products export, an import's error report), sent
as it is written.

The answer starts at once with its first bytes (a CSV header). A task of its own
writes the rows to an unnamed temporary file (from a server-side cursor, so memory
stays flat at any size), and the download sends that file from its start as the rows
are written: the client gets bytes all along at its own pace, and the database never
waits for it. So a connection, a transaction and the tables' locks are held only
while the query runs, not while the client downloads: a paused download keeps
neither delete-all nor an import's rebuild waiting for a table, nor other requests
from a connection, nor vacuum behind its snapshot.

Two caps, from the settings, shared by every such download: `export_writing_max`
are written at once (each holds a connection meanwhile), and `export_files_max` hold
a file, from the request until the download ends or its client goes away (a paused
download keeps its file: about the download's size in the system's temporary
directory, `TMPDIR`). Beyond either, `DownloadsBusy`. A client that goes away stops
the writing too.

A download that fails (the database lost, the disk full) raises from the body after
what was already sent: the server cuts it off, never ends it as if complete.
"""

import asyncio
import csv
import io
import os
import tempfile
import weakref
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import IO, Any

import anyio
import anyio.to_thread
from sqlalchemy import Executable, text

from product_importer.config import get_settings
from product_importer.db import async_engine

BATCH_ROWS = 2_000
SEND_BYTES = 256 * 1024
# A writer stopped mid-query closes its connection, which PostgreSQL notices only when it
# next sends a row: told to look every second, it also ends a query that waits for a lock
# or still sorts (a client gone keeps no backend busy, nor its place in a lock's queue).
LEAVE_WITH_ITS_CLIENT = text("SET LOCAL client_connection_check_interval = 1000")

# The bytes of a batch of the query's rows.
Encoder = Callable[[Sequence[Any]], bytes]


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """`rows` as CSV (RFC 4180 quoting, CRLF line ends) in UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


class DownloadsBusy(Exception):
    """A download refused: as many as the settings allow are being written, or are
    being downloaded (each holding its temporary file)."""


class Place:
    """A download's share of the caps, taken with the request: its writing place comes
    back once its rows are written, its file's once the download ends. (Plain counts:
    the API process runs one event loop.)"""

    files = 0
    writing = 0

    def __init__(self) -> None:
        Place.check_room()
        Place.files += 1
        Place.writing += 1
        self._writing = self._file = True
        self.started = False

    @staticmethod
    def check_room() -> None:
        """Raises `DownloadsBusy` when a download would be refused now."""
        settings = get_settings()
        if Place.files >= settings.export_files_max:
            raise DownloadsBusy(
                f"{settings.export_files_max} downloads (exports, error reports) are being "
                "downloaded already (each keeps its temporary file until its download "
                "ends); try again in a few seconds."
            )
        if Place.writing >= settings.export_writing_max:
            raise DownloadsBusy(
                f"{settings.export_writing_max} downloads (exports, error reports) are being "
                "written already; try again in a few seconds."
            )

    def written(self) -> None:
        if self._writing:
            self._writing = False
            Place.writing -= 1

    def give_back(self) -> None:
        self.written()
        if self._file:
            self._file = False
            Place.files -= 1

    def give_back_unless_started(self) -> None:
        if not self.started:
            self.give_back()


class _Spool:
    """The rows written so far to an unnamed temporary file (closing it removes it): the
    writer appends, the download reads at its own offset up to `size`."""

    def __init__(self, file: IO[bytes], encode: Encoder) -> None:
        self.file = file
        self.size = 0
        self.stop = anyio.CancelScope()
        self._encode = encode
        self._grown = anyio.Event()

    def _append(self, rows: Sequence[Any]) -> int:
        data = self._encode(rows)
        self.file.write(data)
        self.file.flush()  # before `size` says the bytes are there
        return len(data)

    def wake(self) -> None:
        self._grown.set()
        self._grown = anyio.Event()

    async def grown(self) -> None:
        await self._grown.wait()

    async def write_rows(self, query: Executable, place: Place) -> None:
        try:
            with self.stop:
                async with async_engine().connect() as conn:
                    await conn.execute(LEAVE_WITH_ITS_CLIENT)
                    result = await conn.stream(query.execution_options(yield_per=BATCH_ROWS))
                    async for batch in result.partitions(BATCH_ROWS):
                        # In a thread: making the CSV is most of a download's time, and the
                        # event loop must keep answering other requests meanwhile.
                        self.size += await anyio.to_thread.run_sync(self._append, batch)
                        self.wake()
        finally:
            place.written()

    async def read(self, offset: int) -> bytes:
        size = min(SEND_BYTES, self.size - offset)
        return await anyio.to_thread.run_sync(os.pread, self.file.fileno(), size, offset)


async def _stopped(writer: asyncio.Task[None], spool: _Spool) -> None:
    """Stop the writer, if still writing, and wait for it to let go of its connection
    and of the file."""
    spool.stop.cancel()
    with anyio.CancelScope(shield=True):  # the download may be being cancelled
        await asyncio.wait([writer])
    if not writer.cancelled():
        writer.exception()  # raised to the client already, or of no interest once it left


async def _spooled(
    head: bytes, query: Executable, encode: Encoder, place: Place
) -> AsyncIterator[bytes]:
    place.started = True
    try:
        yield head
        spool = _Spool(await anyio.to_thread.run_sync(tempfile.TemporaryFile), encode)
        writer = asyncio.create_task(spool.write_rows(query, place))
        writer.add_done_callback(lambda _: spool.wake())
        try:
            sent = 0
            while sent < spool.size or not writer.done():
                if sent < spool.size:
                    chunk = await spool.read(sent)
                    sent += len(chunk)
                    yield chunk
                else:
                    await spool.grown()
            writer.result()  # the writer's error cuts the download off
        finally:
            await _stopped(writer, spool)
            spool.file.close()
    finally:
        place.give_back()


def spooled_download(head: bytes, query: Executable, encode: Encoder) -> AsyncIterator[bytes]:
    """`head`, then the rows of `query`, a batch at a time through `encode`. Raises
    `DownloadsBusy` while as many downloads as the settings allow are being written,
    or hold their file."""
    place = Place()
    body = _spooled(head, query, encode, place)
    # An answer dropped before it began (its client left at once) never runs `body`:
    # the place comes back when `body` is collected. One dropped once begun is closed by
    # the event loop later, which stops its writer first: its place comes back then.
    weakref.finalize(body, place.give_back_unless_started)
    return body
