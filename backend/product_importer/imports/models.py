"""Import jobs, their uploaded file (stored in PostgreSQL so any worker can read it)
and the rows they skipped."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from product_importer.models_base import Base, created_at_column

ZERO = text("0")


class Import(Base):
    __tablename__ = "imports"

    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    filename: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'queued'"))
    phase: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'uploading'"))
    file_size: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default=ZERO)
    total_rows: Mapped[int | None] = mapped_column(Integer, nullable=True)
    processed_rows: Mapped[int] = mapped_column(Integer, nullable=False, server_default=ZERO)
    progress: Mapped[float] = mapped_column(Float, nullable=False, server_default=ZERO)
    created: Mapped[int] = mapped_column(Integer, nullable=False, server_default=ZERO)
    updated: Mapped[int] = mapped_column(Integer, nullable=False, server_default=ZERO)
    unchanged: Mapped[int] = mapped_column(Integer, nullable=False, server_default=ZERO)
    skipped: Mapped[int] = mapped_column(Integer, nullable=False, server_default=ZERO)
    duplicates_in_file: Mapped[int] = mapped_column(Integer, nullable=False, server_default=ZERO)
    rows_per_second: Mapped[float | None] = mapped_column(Float, nullable=True)
    waited_seconds: Mapped[float] = mapped_column(Float, nullable=False, server_default=ZERO)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_kind: Mapped[str | None] = mapped_column(Text, nullable=True)  # file | system
    warnings: Mapped[list[Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'[]'::jsonb")
    )
    cancel_requested: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false")
    )
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default=ZERO)
    worker: Mapped[str | None] = mapped_column(Text, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ImportFileChunk(Base):
    """The uploaded CSV, in order, in chunks of `UPLOAD_CHUNK_BYTES`."""

    __tablename__ = "import_file_chunks"

    import_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("imports.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class SkippedRow(Base):
    """A skipped row: where it is in the file, why, and its original values."""

    __tablename__ = "import_errors"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    import_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("imports.id", ondelete="CASCADE"), index=True
    )
    line: Mapped[int] = mapped_column(Integer, nullable=False)
    column: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    sku: Mapped[str | None] = mapped_column(Text, nullable=True)
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
