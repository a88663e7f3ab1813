"""Find imports whose work was lost and queue them again.

A queued import whose message vanished (a broker restart) or a running import
whose worker died is re-queued; the claim in `runner` makes a duplicate harmless.
"""

from __future__ import annotations

import logging
import threading
import uuid

from sqlalchemy import or_, select, text

from product_importer.config import get_settings
from product_importer.db import sync_engine
from product_importer.imports.models import Import
from product_importer.imports.queue import enqueue_import

logger = logging.getLogger(__name__)
SWEEP_EVERY_SECONDS = 30.0


def stalled_imports(stale_seconds: int) -> list[uuid.UUID]:
    age = text(f"now() - interval '{int(stale_seconds)} seconds'")
    statement = select(Import.id).where(
        or_(
            (Import.status == "queued") & (Import.created_at < age),
            (Import.status == "running") & (Import.heartbeat_at < age),
        )
    )
    with sync_engine().connect() as conn:
        return list(conn.execute(statement).scalars())


def requeue_stalled() -> int:
    ids = stalled_imports(get_settings().import_stale_after_seconds)
    for import_id in ids:
        enqueue_import(import_id)
    if ids:
        logger.info("re-queued %d stalled import(s)", len(ids))
    return len(ids)


def start_sweeper(stop: threading.Event) -> threading.Thread:
    def loop() -> None:
        while not stop.wait(SWEEP_EVERY_SECONDS):
            try:
                requeue_stalled()
            except Exception:
                logger.warning("stalled-import sweep failed", exc_info=True)

    thread = threading.Thread(target=loop, name="import-sweeper", daemon=True)
    thread.start()
    return thread
