"""SQL for imports, as Core statements that the API and the workers both execute."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Delete,
    Select,
    TextClause,
    Update,
    delete,
    func,
    select,
    text,
    update,
)

from product_importer.imports import claims
from product_importer.imports.models import Import, ImportFileChunk, SkippedRow
from product_importer.imports.schemas import ACTIVE_STATUSES


def by_id(import_id: uuid.UUID) -> Select[Import]:
    return select(Import).where(Import.id == import_id)


def _in_statuses(statement: Select[Any], statuses: Sequence[str] | None) -> Select[Any]:
    return statement if not statuses else statement.where(Import.status.in_(statuses))


def newest_first(offset: int, limit: int, statuses: Sequence[str] | None = None) -> Select[Any]:
    ordered = select(Import).order_by(Import.created_at.desc(), Import.id)
    return _in_statuses(ordered, statuses).offset(offset).limit(limit)


def count_all(statuses: Sequence[str] | None = None) -> Select[Any]:
    return _in_statuses(select(func.count()).select_from(Import), statuses)


def count_running() -> Select[int]:
    return select(func.count()).select_from(Import).where(Import.status == "running")


def any_active() -> Select[bool]:
    return select(select(Import.id).where(Import.status.in_(ACTIVE_STATUSES)).exists())


def lock_status(import_id: uuid.UUID) -> Select[Any]:
    """The import's status, its row locked as an update of it would lock it: not against
    a running import's skipped rows, whose foreign key holds the row (KEY SHARE) until
    the import ends."""
    return select(Import.status).where(Import.id == import_id).with_for_update(key_share=True)


def cancel_now(import_id: uuid.UUID) -> Update:
    """Cancelled at once: queued, or running with no worker holding its claim (lost
    with its worker, which would apply nothing of it)."""
    return (
        update(Import)
        .where(Import.id == import_id, Import.status.in_(ACTIVE_STATUSES))
        .values(status="cancelled", phase="cancelled", finished_at=func.clock_timestamp())
    )


def take_claim_for_transaction(import_id: uuid.UUID) -> TextClause:
    """Whether the import's claim was free, and is now this transaction's: no worker
    runs the import, nor can start to before the transaction ends."""
    return text(claims.TAKE_FOR_TRANSACTION).bindparams(id=str(import_id))


def delete_file(import_id: uuid.UUID) -> Delete:
    """The import's stored upload, no longer needed once it has ended."""
    return delete(ImportFileChunk).where(ImportFileChunk.import_id == import_id)


def request_cancel(import_id: uuid.UUID) -> Update:
    return (
        update(Import)
        .where(Import.id == import_id, Import.status == "running")
        .values(cancel_requested=True)
    )


def set_values(import_id: uuid.UUID, **values: Any) -> Update:
    return update(Import).where(Import.id == import_id).values(**values)


def errors_of(import_id: uuid.UUID, columns: Sequence[ColumnElement[Any]]) -> Select[Any]:
    return (
        select(*columns)
        .where(SkippedRow.import_id == import_id)
        .order_by(SkippedRow.line, SkippedRow.id)
    )
