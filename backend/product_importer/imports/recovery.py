"""Find imports whose work was lost and queue them again.

A queued import whose message vanished (a broker restart) or a running import
whose worker died is re-queued; the claim in `runner` makes a duplicate harmless.
A running import's worker holds the claim's advisory lock until the import ends,
and loses it with its connection: a running import whose lock nobody holds was
lost (its worker, or the database, restarted) and is queued again at once. One
whose worker still holds it but stopped reporting is queued after
`import_stale_after_seconds`, in case that worker's connection is gone too.
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
from product_importer.imports.runner import CLAIM_LOCK_KEY

logger = logging.getLogger(__name__)
SWEEP_EVERY_SECONDS = 5.0
# pg_locks shows a two-key advisory lock's keys as classid and objid (objsubid 2).
CLAIM_NOT_HELD = text(f"""NOT EXISTS (
    SELECT FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = {CLAIM_LOCK_KEY} AND l.objid = hashtext(imports.id::text)::oid)""")


def stalled_imports(stale_seconds: int) -> list[uuid.UUID]:
    age = text(f"now() - interval '{int(stale_seconds)} seconds'")
    statement = select(Import.id).where(
        or_(
            (Import.status == "queued") & (Import.created_at < age),
            (Import.status == "running")
            & or_(Import.heartbeat_at < age, Import.heartbeat_at.is_not(None) & CLAIM_NOT_HELD),
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
