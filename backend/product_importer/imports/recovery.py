"""Find imports whose work was lost and queue them again.

A running import's worker holds the claim's advisory lock (`runner`) until the import
ends, and loses it with its connection: a running import whose lock nobody holds was
lost (its worker, or the database, restarted) and is queued again at once. A queued
import whose message may have vanished (a broker restart) is queued again once it has
waited `import_stale_after_seconds`. The claim makes a duplicate harmless; each sweeper
sends an import again at most once in that time, so that duplicates do not pile up
while every worker is busy.
"""

from __future__ import annotations

import logging
import time
import uuid

from sqlalchemy import func, or_, select, text

from product_importer.config import get_settings
from product_importer.core import periodic
from product_importer.db import sync_engine
from product_importer.imports.claims import claim_held
from product_importer.imports.models import Import
from product_importer.imports.queue import enqueue_import
from product_importer.imports.staging_sql import FORGET_UNNEEDED_DELETIONS

logger = logging.getLogger(__name__)
CLAIM_NOT_HELD = text(f"NOT {claim_held('imports.id')}")
SWEEPER = "import-sweeper"


def stalled_imports(stale_seconds: int) -> list[uuid.UUID]:
    age = text(f"now() - interval '{int(stale_seconds)} seconds'")
    # Queued since its upload, or since it gave way to an earlier import.
    queued_since = func.coalesce(Import.heartbeat_at, Import.created_at)
    statement = select(Import.id).where(
        or_(
            (Import.status == "queued") & (queued_since < age),
            # A heartbeat: a worker claimed it (and set it running).
            (Import.status == "running") & Import.heartbeat_at.is_not(None) & CLAIM_NOT_HELD,
        )
    )
    with sync_engine().connect() as conn:
        return list(conn.execute(statement).scalars())


_sent_again_at: dict[uuid.UUID, float] = {}


def requeue_stalled() -> int:
    stale_seconds = get_settings().import_stale_after_seconds
    now = time.monotonic()
    stalled = stalled_imports(stale_seconds)
    for import_id in list(_sent_again_at):
        if import_id not in stalled or now - _sent_again_at[import_id] >= stale_seconds:
            del _sent_again_at[import_id]
    sent = [
        import_id
        for import_id in stalled
        if import_id not in _sent_again_at and enqueue_import(import_id)
    ]
    for import_id in sent:  # one the broker refused is tried again at the next sweep
        _sent_again_at[import_id] = now
    if sent:
        logger.info("re-queued %d stalled import(s): %s", len(sent), ", ".join(map(str, sent)))
    return len(sent)


def forget_unneeded_deletions() -> int:
    with sync_engine().begin() as conn:
        return conn.execute(text(FORGET_UNNEEDED_DELETIONS)).rowcount


def sweep() -> None:
    requeue_stalled()
    forget_unneeded_deletions()


def start_sweeper() -> None:
    """Looks for lost imports now and every `import_sweep_seconds` in this worker."""
    periodic.start(SWEEPER, sweep, get_settings().import_sweep_seconds)


def stop_sweeper() -> None:
    periodic.stop(SWEEPER)
