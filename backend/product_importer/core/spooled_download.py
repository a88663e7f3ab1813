"""A download of a query's rows (the products export, an import's error report), sent
as it is written.

The answer starts at once with its first bytes (a CSV header). A task of its own
has PostgreSQL write the query's rows as CSV (`COPY (query) TO STDOUT`: the cells are
made in SQL, and memory stays flat at any size) to an unnamed temporary file, and the
download sends that file from its start as the rows are written: the client gets
bytes all along at its own pace, and the database never waits for it. So a
connection, a transaction and the tables' locks are held only while the query runs,
not while the client downloads: a paused download keeps neither delete-all nor an
import's rebuild waiting for a table, nor other requests from a connection, nor
vacuum behind its snapshot.

Two caps, from the settings, shared by every such download: `export_writing_max`
are written at once (each holds a connection meanwhile), and `export_files_max` hold
a file, from the request until the download ends or its client goes away (a paused
download keeps its file: about the download's size in the system's temporary
directory, `TMPDIR`). Beyond either, `DownloadsBusy`. A client that goes away stops
the writing too.

A download that fails (the database lost, the disk full) raises from the body after
what was already sent: the server cuts it off, never ends it as if complete. So is one
whose client reads nothing for `download_idle_timeout_seconds` (`DownloadResponse`):
paused for good, it would keep its place under the caps, and its file, for good.
"""

import asyncio
import csv
import io
import logging
import os
import tempfile
import uuid
import weakref
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import IO, Any

import anyio
import anyio.to_thread
from sqlalchemy import ColumnElement, Dialect, Select, literal_column, text
from starlette.responses import StreamingResponse
from starlette.types import Message, Send

from product_importer.config import get_settings
from product_importer.db import async_engine

logger = logging.getLogger(__name__)
BOM = "\ufeff".encode()
SEND_BYTES = 256 * 1024
SEND_SLICE_BYTES = 16 * 1024
# A writer stopped mid-query asks PostgreSQL to cancel it, or, if that request is lost,
# closes its connection, which PostgreSQL notices only when it next sends a row: told to
# look every second, it also ends a query that waits for a lock or still sorts (a client
# gone keeps no backend busy, nor its place in a lock's queue).
LEAVE_WITH_ITS_CLIENT = text("SET LOCAL client_connection_check_interval = 1000")


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """`rows` as CSV (RFC 4180 quoting, CRLF line ends) in UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def csv_text_cell(value: str) -> ColumnElement[Any]:
    """A column of the SQL text expression `value` (not NULL), written as Python's csv
    would: COPY writes an empty value as `""`, NULL as nothing."""
    return literal_column(f"nullif({value}, '')")


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


class CrlfRowEnds:
    """COPY ends a row with LF; the files end rows with CRLF (RFC 4180), and keep an LF
    within a quoted value as it is. An LF is within a quoted value when an odd number of
    quotes came before it (every quoted value has an even number). Fed COPY's output in
    pieces, in order."""

    def __init__(self) -> None:
        self._quoted = False

    def __call__(self, data: bytes) -> bytes:
        lines = data.split(b"\n")
        odd_quotes = [line.count(b'"') & 1 for line in lines]
        if not self._quoted and not any(odd_quotes):
            return b"\r\n".join(lines)
        parts: list[bytes] = []
        for line, odd in zip(lines, odd_quotes, strict=True):
            self._quoted ^= bool(odd)
            parts += (line, b"\n" if self._quoted else b"\r\n")
        return b"".join(parts[:-1])  # no line end after the last piece


class _Spool:
    """The rows written so far to an unnamed temporary file (closing it removes it): the
    writer appends, the download reads at its own offset up to `size`."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.size = 0
        self.stop = anyio.CancelScope()
        self._row_ends = CrlfRowEnds()
        self._grown = anyio.Event()

    def _write(self, copied: bytes) -> int:
        data = self._row_ends(copied)
        self.file.write(data)
        self.file.flush()  # before `size` says the bytes are there
        return len(data)

    async def _append(self, copied: bytes) -> None:
        # In a thread (one call at a time, in order): the event loop keeps answering
        # other requests while a chunk's row ends are turned and it is written.
        self.size += await anyio.to_thread.run_sync(self._write, copied)
        self.wake()

    def wake(self) -> None:
        self._grown.set()
        self._grown = anyio.Event()

    async def grown(self) -> None:
        await self._grown.wait()

    async def write_rows(self, query: Select[Any], place: Place) -> None:
        try:
            with self.stop:
                async with async_engine().connect() as conn:
                    await conn.execute(LEAVE_WITH_ITS_CLIENT)
                    statement, args = _statement_and_args(query, conn.dialect)
                    driver: Any = (await conn.get_raw_connection()).driver_connection
                    await driver.copy_from_query(
                        statement, *args, output=self._append, format="csv"
                    )
        finally:
            place.written()

    async def read(self, offset: int) -> bytes:
        size = min(SEND_BYTES, self.size - offset)
        return await anyio.to_thread.run_sync(os.pread, self.file.fileno(), size, offset)


# The arguments the driver writes into a COPY as literals as they are: a value that
# SQLAlchemy would first convert (a type of its own) is not passed this way.
PLAIN_ARGUMENTS = (str, int, float, bool, uuid.UUID)


def _statement_and_args(query: Select[Any], dialect: Dialect) -> tuple[str, list[Any]]:
    """`query` as the driver's SQL (`$1`…) and its arguments (`PLAIN_ARGUMENTS`)."""
    compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    args = [compiled.params[name] for name in compiled.positiontup or ()]
    if not all(isinstance(arg, PLAIN_ARGUMENTS) for arg in args):
        raise TypeError(f"a download's query takes plain arguments only: {args!r}")
    return str(compiled), args


async def _stopped(writer: asyncio.Task[None], spool: _Spool) -> None:
    """Stop the writer, if still writing, and wait for it to let go of its connection
    and of the file."""
    spool.stop.cancel()
    with anyio.CancelScope(shield=True):  # the download may be being cancelled
        await asyncio.wait([writer])
    if not writer.cancelled():
        writer.exception()  # raised to the client already, or of no interest once it left


async def _spooled(head: bytes, query: Select[Any], place: Place) -> AsyncIterator[bytes]:
    place.started = True
    try:
        yield head
        spool = _Spool(await anyio.to_thread.run_sync(tempfile.TemporaryFile))
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


def spooled_download(head: bytes, query: Select[Any]) -> AsyncIterator[bytes]:
    """`head`, then the rows of `query` as CSV (CRLF line ends, no header). Raises
    `DownloadsBusy` while as many downloads as the settings allow are being written,
    or hold their file."""
    place = Place()
    body = _spooled(head, query, place)
    # An answer dropped before it began (its client left at once) never runs `body`:
    # the place comes back when `body` is collected. One dropped once begun is closed by
    # the event loop later, which stops its writer first: its place comes back then.
    weakref.finalize(body, place.give_back_unless_started)
    return body


def csv_download(header: Sequence[str], query: Select[Any]) -> AsyncIterator[bytes]:
    """A CSV file for people: UTF-8 with a BOM (spreadsheets then read it as UTF-8),
    `header`, then the rows of `query` (see `spooled_download`)."""
    return spooled_download(BOM + csv_bytes([header]), query)


class DownloadResponse(StreamingResponse):
    """A download's answer, given up (the connection closed) when its client has taken
    none of it for `download_idle_timeout_seconds`. Sent in slices of `SEND_SLICE_BYTES`:
    the server holds back a send until its buffer has room, so a slow client that keeps
    reading always has a slice taken within the time."""

    async def stream_response(self, send: Send) -> None:
        idle_seconds = get_settings().download_idle_timeout_seconds

        async def send_unless_idle(message: Message) -> None:
            for part in _slices(message):
                with anyio.move_on_after(idle_seconds) as waited:
                    await send(part)
                if waited.cancelled_caught:
                    raise _ClientIdle()

        try:
            await super().stream_response(send_unless_idle)
        except _ClientIdle:
            message = "a download was given up: its client took nothing for %g s"
            logger.warning(message, idle_seconds)
            close = getattr(self.body_iterator, "aclose", None)
            if close is not None:
                await close()  # its place and file come back now


class _ClientIdle(Exception):
    """The client took no part of the download for `download_idle_timeout_seconds`."""


def _slices(message: Message) -> list[Message]:
    body = message.get("body", b"")
    if message["type"] != "http.response.body" or len(body) <= SEND_SLICE_BYTES:
        return [message]
    starts = range(0, len(body), SEND_SLICE_BYTES)
    parts: list[Message] = [
        {**message, "body": body[i : i + SEND_SLICE_BYTES], "more_body": True} for i in starts
    ]
    parts[-1]["more_body"] = message.get("more_body", False)
    return parts
