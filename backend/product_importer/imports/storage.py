"""Uploaded files live in PostgreSQL (`import_file_chunks`), so any worker that can
reach the database can read them: no shared disk between the API and workers."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Select, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from product_importer.imports.models import ImportFileChunk

if TYPE_CHECKING:
    from typing_extensions import Buffer


async def store_chunk(session: AsyncSession, import_id: uuid.UUID, seq: int, data: bytes) -> None:
    await session.execute(insert(ImportFileChunk).values(import_id=import_id, seq=seq, data=data))


def _chunk_statement(import_id: uuid.UUID, seq: int) -> Select[bytes]:
    return select(ImportFileChunk.data).where(
        ImportFileChunk.import_id == import_id, ImportFileChunk.seq == seq
    )


def iter_chunks(conn: Connection, import_id: uuid.UUID) -> Iterator[bytes]:
    """The stored file, one chunk at a time (constant memory)."""
    seq = 0
    while True:
        data = conn.execute(_chunk_statement(import_id, seq)).scalar_one_or_none()
        if data is None:
            return
        yield bytes(data)
        seq += 1


def estimated_rows(conn: Connection, import_id: uuid.UUID, file_size: int) -> int:
    """The stored file's rows, guessed from the lines of its first chunk (a record on
    several lines counts as several)."""
    first = conn.execute(_chunk_statement(import_id, 0)).scalar_one_or_none()
    if not first:
        return 0
    lines = bytes(first).count(b"\n")  # the header's among them
    return max(round(lines * file_size / len(first)) - 1, 0)


class ChunkReader(io.RawIOBase):
    """A binary file object over the stored chunks, for COPY and csv parsing.

    Strips a UTF-8 BOM and counts the bytes handed out (for progress).
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._buffer = b""
        self._pos = 0
        self._first = True
        self.bytes_read = 0

    def _next_chunk(self) -> bool:
        for data in self._chunks:
            if self._first:
                data = data.removeprefix(b"\xef\xbb\xbf")
                self._first = False
            if data:
                self._buffer, self._pos = data, 0
                return True
        return False

    def read(self, size: int | None = -1) -> bytes:
        if self._pos >= len(self._buffer) and not self._next_chunk():
            return b""
        end = len(self._buffer) if size is None or size < 0 else self._pos + size
        out = self._buffer[self._pos : end]
        self._pos += len(out)
        self.bytes_read += len(out)
        return out

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)
