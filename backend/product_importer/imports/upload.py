"""Accept an upload: store the CSV as it streams in (its header checked on the way)
and queue it, all in the request's transaction, so a refused or abandoned upload
leaves nothing behind. Each upload holds one of the API's database connections until
its last byte arrives: at most `uploads_max` are received at once."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
import unicodedata
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Protocol

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from product_importer.config import Settings
from product_importer.db import after_commit
from product_importer.imports.csv_rules import HeaderReader
from product_importer.imports.models import Import
from product_importer.imports.queue import enqueue_import
from product_importer.imports.schemas import ImportRead
from product_importer.imports.storage import store_chunk

# What an upload sends at least in each `upload_idle_timeout_seconds` (about 1 KB/s over
# the default minute), or it is given up.
UPLOAD_MIN_BYTES = 64 * 1024


class UploadedFile(Protocol):
    """An upload as this service reads it (the router's is a multipart body): its bytes
    as they arrive, then the name its client gave it."""

    @property
    def filename(self) -> str | None: ...

    def chunks(self) -> AsyncIterator[bytes]: ...


class UploadTooLarge(ValueError):
    pass


class UploadStalled(Exception):
    """Too little of the upload arrived in `upload_idle_timeout_seconds`."""


class UploadsBusy(Exception):
    """As many uploads as the settings allow are arriving already."""


class _Arriving:
    """Uploads being received by this process. (A plain count: the API process runs
    one event loop.)"""

    count = 0


@contextlib.contextmanager
def upload_slot(settings: Settings) -> Iterator[None]:
    """One of the `uploads_max` uploads received at once, for as long as it arrives;
    `UploadsBusy` when none is free."""
    if _Arriving.count >= settings.uploads_max:
        raise UploadsBusy(
            f"As many uploads as this server receives at once (UPLOADS_MAX, "
            f"{settings.uploads_max}) are arriving already; try again in a few seconds."
        )
    _Arriving.count += 1
    try:
        yield
    finally:
        _Arriving.count -= 1


class _ChunkedWriter:
    """Buffers the upload into fixed-size chunks, each stored while the next one arrives
    (constant memory: one chunk in flight, one filling)."""

    def __init__(self, session: AsyncSession, import_id: uuid.UUID, chunk_bytes: int) -> None:
        self.session = session
        self.import_id = import_id
        self.chunk_bytes = chunk_bytes
        self.buffer = bytearray()
        self.seq = 0
        self.size = 0
        self._in_flight: asyncio.Future[None] | None = None

    async def write(self, data: bytes) -> None:
        self.buffer += data
        self.size += len(data)
        while len(self.buffer) >= self.chunk_bytes:
            await self._store(bytes(self.buffer[: self.chunk_bytes]))
            del self.buffer[: self.chunk_bytes]

    async def close(self) -> None:
        if self.buffer:
            await self._store(bytes(self.buffer))
            self.buffer.clear()
        await self.settle()

    async def settle(self) -> None:
        """Wait for the chunk in flight (raising its error, if any)."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            await in_flight

    async def _store(self, data: bytes) -> None:
        await self.settle()
        self._in_flight = asyncio.ensure_future(
            store_chunk(self.session, self.import_id, self.seq, data)
        )
        self.seq += 1


async def create_from_upload(
    session: AsyncSession, upload: UploadedFile, settings: Settings
) -> ImportRead:
    """Store the uploaded CSV and queue it. Raises FileRejected / UploadTooLarge, after
    which the caller's transaction rolls back and nothing is kept."""
    record = Import(filename="upload.csv", status="queued", phase="uploading")
    session.add(record)
    await session.flush()
    writer = _ChunkedWriter(session, record.id, settings.upload_chunk_bytes)
    header_reader = HeaderReader()
    header = None
    try:
        async for data in _arriving(upload.chunks(), settings.upload_idle_timeout_seconds):
            if writer.size + len(data) > settings.max_upload_bytes:
                raise UploadTooLarge(_too_large(settings.max_upload_bytes))
            if header is None:
                header = header_reader.feed(data)
            await writer.write(data)
        if header is None:
            header = header_reader.end()
    except BaseException:
        with contextlib.suppress(Exception):
            await writer.settle()  # the session must be idle before it rolls back
        raise
    await writer.close()
    record.filename = _label(upload.filename)
    # Created once uploaded (until then no one sees it): its place in the order imports
    # apply in, after any uploaded meanwhile, whichever began first.
    record.created_at = func.clock_timestamp()
    record.file_size = writer.size
    record.phase = "queued"
    record.warnings = header.warnings
    await session.flush()
    await session.refresh(record)
    after_commit(session, lambda: enqueue_import(record.id))
    return ImportRead.model_validate(record)


async def _arriving(chunks: AsyncIterator[bytes], idle_seconds: float) -> AsyncIterator[bytes]:
    """The upload's bytes as they arrive; `UploadStalled` once fewer than
    `UPLOAD_MIN_BYTES` came in `idle_seconds` (none at all, or a byte now and then: a
    trickle would hold its connection as long)."""
    # Only the time spent waiting for the client counts, not the time its bytes take to
    # be stored meanwhile.
    waited, received = 0.0, 0
    while True:
        asked = time.monotonic()
        try:
            async with asyncio.timeout(idle_seconds):
                data = await anext(chunks)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise UploadStalled(_stalled(idle_seconds)) from None
        waited += time.monotonic() - asked
        received += len(data)
        if waited >= idle_seconds:
            if received < UPLOAD_MIN_BYTES:
                raise UploadStalled(_stalled(idle_seconds))
            waited, received = 0.0, 0
        yield data


def _stalled(idle_seconds: float) -> str:
    return (
        f"Less than {UPLOAD_MIN_BYTES // 1024} KiB of the upload arrived in {idle_seconds:g} s "
        "(UPLOAD_IDLE_TIMEOUT_SECONDS); nothing was kept."
    )


def _label(filename: str | None) -> str:
    """The client's filename as the import's label: its last part, as browsers send it
    (`../../a.csv` and `C:\\b\\a.csv` are `a.csv`), without control characters (text in
    PostgreSQL cannot hold a NUL byte), at most 255 characters."""
    parts = [part for part in re.split(r"[\\/]", filename or "") if part]
    name = parts[-1] if parts else ""
    label = "".join(char for char in name if unicodedata.category(char) != "Cc")
    return label[:255] or "upload.csv"


def _too_large(limit: int) -> str:
    return f"The file is larger than the limit of {limit:,} bytes (MAX_UPLOAD_BYTES)."


def reject_declared_size(content_length: str | None, settings: Settings) -> None:
    declared = int(content_length) if content_length and content_length.isdigit() else 0
    if declared > settings.max_upload_bytes + 64 * 1024:  # room for the multipart framing
        raise UploadTooLarge(_too_large(settings.max_upload_bytes))
