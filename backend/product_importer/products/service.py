"""Product changes: create, update, delete one, delete all.

Each change records its webhook event in the same transaction (outbox) and asks
for a dispatch once that transaction commits. Services only flush; the request's
session commits.
"""

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from product_importer.core.pg_errors import (
    DEADLOCK_DETECTED,
    LOCK_NOT_AVAILABLE,
    UNIQUE_VIOLATION,
    constraint_name,
    sqlstate,
)
from product_importer.core.table_locks import lock_in_attempts_async
from product_importer.imports import repository as imports_repository
from product_importer.products import repository as repo
from product_importer.products.errors import CatalogBusy, SkuTaken
from product_importer.products.schemas import ProductCreate, ProductRead
from product_importer.security import audit
from product_importer.webhooks.events import record_event
from product_importer.webhooks.wakeup import dispatch_after_commit

# A change waits this long for a lock an import holds (a rebuilding import holds the
# table for seconds, a merging one its rows until it commits), then answers 409: within
# the 5 s many HTTP clients wait by default (one waiting 5 s saw its own timeout, never
# the 409 and its Retry-After).
EDIT_WAIT_SECONDS = 4.0
# Delete-all keeps asking for the table lock this long (in short attempts, so that
# requests arriving meanwhile never queue behind its wait for long).
DELETE_ALL_LOCK_SECONDS = 1.0
# What a 409 refused for an import's sake tells a client to wait (`Retry-After`): about
# the time a 500,000-row import takes.
IMPORT_RETRY_AFTER_SECONDS = 10


@contextmanager
def _yield_to_imports() -> Iterator[None]:
    """A change that deadlocks with a running import's merge (each waiting on a row the
    other holds) is the one PostgreSQL aborts, and one that waits for an import longer
    than `EDIT_WAIT_SECONDS` gives up: say so, instead of failing with a 500."""
    try:
        yield
    except DBAPIError as exc:
        if sqlstate(exc) == DEADLOCK_DETECTED:
            raise CatalogBusy(
                "a running import changed the same products at the same time; nothing "
                "was changed, try again",
                retry_after=1,
            ) from None
        if sqlstate(exc) == LOCK_NOT_AVAILABLE:
            raise CatalogBusy(
                "a running import is writing the catalog; nothing was changed, try again "
                f"when it has finished (waited {EDIT_WAIT_SECONDS:g} s)",
                retry_after=IMPORT_RETRY_AFTER_SECONDS,
            ) from None
        raise


async def _record(session: AsyncSession, event_type: str, data: dict[str, Any]) -> None:
    await session.execute(record_event(event_type, data))
    dispatch_after_commit(session)


@asynccontextmanager
async def _changing(session: AsyncSession) -> AsyncIterator[None]:
    """The first change of a request's transaction: every lock it waits for from here
    on is waited for at most `EDIT_WAIT_SECONDS`."""
    await session.execute(repo.limit_lock_waits(EDIT_WAIT_SECONDS))
    with _yield_to_imports():
        yield


async def get_product(session: AsyncSession, product_id: int) -> ProductRead | None:
    row = (await session.execute(repo.select_product(product_id))).first()
    return ProductRead.model_validate(row._mapping) if row else None


async def lock_product_for_change(session: AsyncSession, product_id: int) -> ProductRead | None:
    """The product, locked until the request's transaction ends, for an edit or a delete:
    the request's first change, so its lock waits are bounded from here on."""
    async with _changing(session):
        await session.execute(repo.lock_for_row_changes())
        row = (await session.execute(repo.select_product(product_id, for_update=True))).first()
    return ProductRead.model_validate(row._mapping) if row else None


async def _sku_taken(
    session: AsyncSession, sku: str, other_than: int | None = None
) -> SkuTaken | None:
    """The clash with the product that has `sku` in any letter case, named as it is
    stored (the person may have typed another case), if there is one."""
    row = (await session.execute(repo.sku_holder(sku, other_than))).first()
    return SkuTaken(row.sku, row.id) if row else None


async def create_product(session: AsyncSession, data: ProductCreate) -> ProductRead:
    async with _changing(session):
        row = (await session.execute(repo.insert_product(data.model_dump()))).first()
    if row is None:
        raise await _sku_taken(session, data.sku) or SkuTaken(data.sku)
    product = ProductRead.model_validate(row._mapping)
    await _record(session, "product.created", product.model_dump(mode="json"))
    return product


async def update_product(
    session: AsyncSession, product: ProductRead, changes: dict[str, Any]
) -> ProductRead:
    """Apply `changes` to a product loaded (and locked) by the caller. Values equal to
    the current ones change nothing: no write, no event, `updated_at` kept."""
    if not changes:
        return product
    # Looked up first (only for a new SKU): after the unique index refuses it, the
    # transaction is aborted and the product that has it cannot be named.
    sku = changes.get("sku")
    if sku is not None and sku.lower() != product.sku.lower():
        taken = await _sku_taken(session, sku, other_than=product.id)
        if taken:
            raise taken
    try:
        with _yield_to_imports():
            row = (await session.execute(repo.update_product(product.id, changes))).first()
    except IntegrityError as exc:
        if sqlstate(exc) == UNIQUE_VIOLATION and constraint_name(exc) in (repo.SKU_INDEX, None):
            raise SkuTaken(changes["sku"]) from None
        raise
    if row is None:
        return product
    updated = ProductRead.model_validate(row._mapping)
    await _record(session, "product.updated", updated.model_dump(mode="json"))
    return updated


async def delete_product(session: AsyncSession, product: ProductRead) -> None:
    with _yield_to_imports():
        row = (await session.execute(repo.delete_product(product.id))).first()
    deleted = ProductRead.model_validate(row._mapping) if row else product
    # For a merge under way (see `product_deletions`): only while an import may run one.
    any_import = imports_repository.any_active().scalar_subquery()
    await session.execute(repo.record_deletion(deleted.sku, when=any_import))
    await _record(session, "product.deleted", deleted.model_dump(mode="json"))
    await audit.record(session, "product.deleted", f"product {product.id}", {"sku": product.sku})


async def _refuse_during_import(session: AsyncSession) -> None:
    if (await session.execute(imports_repository.any_active())).scalar_one():
        raise CatalogBusy(
            "an import is queued or running; delete all products once it has finished "
            "or after cancelling it",
            retry_after=IMPORT_RETRY_AFTER_SECONDS,
        )


async def delete_all_products(session: AsyncSession) -> int:
    """TRUNCATE every product and return how many there were.

    Refused while an import is queued or running, or when the table lock is not
    granted by the attempts that start within `DELETE_ALL_LOCK_SECONDS` (the last one
    may run past it: 50 + 100 + 200 + 400 + 800 ms and pauses, ~1.75 s; ~2.3 s when an
    autovacuum in the way gets a 1.25 s attempt).
    """
    await _refuse_during_import(session)
    asked_at = time.monotonic()
    if not await lock_in_attempts_async(
        session, "products", "ACCESS EXCLUSIVE", DELETE_ALL_LOCK_SECONDS
    ):
        raise CatalogBusy(
            "the products table stayed in use (by an export's or an import's reading, or "
            "by many changes at once); nothing was deleted, try again "
            f"(waited {time.monotonic() - asked_at:.1f} s)",
            retry_after=2,
        )
    await _refuse_during_import(session)  # queued while the lock was awaited
    deleted = int((await session.execute(repo.product_total())).scalar_one())
    await session.execute(repo.truncate_products())
    await _record(session, "products.deleted_all", {"deleted": deleted})
    await audit.record(session, "products.deleted_all", "products", {"deleted": deleted})
    return deleted
