"""The heartbeat of a running import, through statements that run for minutes.

Progress reports stamp `heartbeat_at` between steps, but one step may be a single long
statement (an index build on millions of rows, a wait for another import's merge).
While the pipeline runs, a thread of the worker's stamps it every `BEAT_SECONDS`. A
worker that is frozen (stopped by a signal, a paused machine) keeps its connections,
and so its claim, but stops beating: the recovery sweep ends the claim holder's session
once the heartbeat is `import_frozen_after_seconds` old (`recovery.end_frozen`).
"""

from __future__ import annotations

import logging
import threading
import uuid
from types import TracebackType

from sqlalchemy import text

from product_importer.db import sync_engine

logger = logging.getLogger(__name__)
BEAT_SECONDS = 5.0
# A beat that waits (a loaded server) gives up in time, and the next one tries again.
BEAT_TIMEOUT = text("SET LOCAL statement_timeout = 2000")
BEAT = text("UPDATE imports SET heartbeat_at = now() WHERE id = :id AND status = 'running'")


class Heartbeat:
    def __init__(self, import_id: uuid.UUID) -> None:
        self.import_id = import_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="import-heartbeat", daemon=True)

    def _beat(self) -> None:
        warned = False
        while not self._stop.wait(BEAT_SECONDS):
            try:
                with sync_engine().begin() as conn:
                    conn.execute(BEAT_TIMEOUT)
                    conn.execute(BEAT, {"id": self.import_id})
            except Exception:
                if not warned:  # once: a database away fails every beat until it is back
                    logger.warning("heartbeat of import %s failed; beating on",
                                   self.import_id, exc_info=True)  # fmt: skip
                    warned = True

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self._stop.set()
        # A beat under way ends within its timeout; the import need not wait for it.
        self._thread.join(timeout=BEAT_SECONDS)
