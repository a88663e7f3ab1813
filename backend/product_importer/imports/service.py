"""Import use cases for the API: read, list, cancel (an upload is accepted in `upload`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from product_importer.core.pagination import Page, PageParams, read_page
from product_importer.imports import repository
from product_importer.imports.models import Import
from product_importer.imports.schemas import ACTIVE_STATUSES, FINAL_STATUSES, ImportRead
from product_importer.webhooks.events import record_event
from product_importer.webhooks.wakeup import dispatch_after_commit


class ImportNotFound(LookupError):
    pass


class ImportAlreadyFinished(ValueError):
    pass


class ImportNotEnded(ValueError):
    pass


async def get(session: AsyncSession, import_id: uuid.UUID) -> ImportRead:
    record = (await session.execute(repository.by_id(import_id))).scalar_one_or_none()
    if record is None:
        raise ImportNotFound(f"import {import_id} not found")
    return ImportRead.model_validate(record)


async def ended(session: AsyncSession, import_id: uuid.UUID) -> ImportRead:
    """The import, once it has ended: its skipped rows are written when it commits, so
    its error report is complete only then."""
    record = await get(session, import_id)
    if record.status not in FINAL_STATUSES:
        raise ImportNotEnded(
            f"Import {import_id} is {record.status}: its error report is complete once it "
            "has ended."
        )
    return record


async def list_page(
    session: AsyncSession, page: PageParams, statuses: Sequence[str] | None = None
) -> Page[ImportRead]:
    """Imports newest first; only those in `statuses` when given."""
    rows = repository.newest_first(page.offset, page.page_size, statuses)
    return await read_page(session, rows, repository.count_all(statuses), page, ImportRead)


async def cancel(session: AsyncSession, import_id: uuid.UUID) -> ImportRead:
    """Queued, or running with its worker lost: cancelled at once. Running: the worker
    stops at its next batch and rolls back, then marks it cancelled; once it has begun
    to record its outcome, a cancel waits for that and is refused. Finished: unchanged
    (cancelled) or 409."""
    current = await get(session, import_id)
    if current.status not in FINAL_STATUSES:
        await _cancel_unfinished(session, import_id)
        session.expire_all()
        current = await get(session, import_id)
    if current.status in FINAL_STATUSES and current.status != "cancelled":
        raise ImportAlreadyFinished(f"Import {import_id} has already {current.status}.")
    return current


async def _cancel_unfinished(session: AsyncSession, import_id: uuid.UUID) -> None:
    # The row locked first: an import can go back from running to queued (giving way to
    # an earlier one), so its status may not change between reading it and acting on it.
    # A worker recording its outcome holds the row: this waits for it, then finds the
    # import ended.
    # A running import whose claim this transaction can take lost its worker: no worker
    # would see the request (until one restarted it), so it ends here, as a queued one
    # does; holding the claim until the commit, no worker restarts it meanwhile.
    status = (await session.execute(repository.lock_status(import_id))).scalar_one()
    claim_free = (await session.execute(repository.take_claim_for_transaction(import_id))).scalar()
    if status == "running" and not claim_free:
        await session.execute(repository.request_cancel(import_id))
    elif status in ACTIVE_STATUSES:
        cancelled = (
            await session.execute(repository.cancel_now(import_id).returning(Import))
        ).scalar_one()
        await session.execute(repository.delete_file(import_id))
        snapshot = ImportRead.model_validate(cancelled)
        await session.execute(record_event("import.cancelled", snapshot.model_dump(mode="json")))
        dispatch_after_commit(session)
