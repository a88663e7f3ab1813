"""Progress of a running import: persisted on its row and published for live viewers.

Runs on its own autocommit connection, so viewers see progress while the import's
own transaction is still open; answers whether a cancel was requested.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import redis
from sqlalchemy import Connection, func

from product_importer.config import get_settings
from product_importer.imports import repository
from product_importer.imports.models import Import
from product_importer.imports.queue import channel, progress_message
from product_importer.imports.schemas import WAITING_PHASE, ImportRead

logger = logging.getLogger(__name__)
MIN_INTERVAL_SECONDS = 0.25


class ImportCancelled(Exception):
    pass


class ProgressReporter:
    def __init__(self, conn: Connection, import_id: uuid.UUID) -> None:
        self.conn = conn
        self.import_id = import_id
        self.started = time.monotonic()
        self._last = 0.0
        self._phase = ""
        self._processed = 0
        self.progress = 0.0  # as last shown
        self._phase_started = self.started
        self._waited = 0.0  # in earlier turns of waiting for other imports
        self._redis = redis.Redis.from_url(get_settings().redis_url_or_local)
        self._unpublished = False

    def update(self, phase: str, progress: float, processed_rows: int, *, force: bool = False,
               restart: bool = False, **values: Any) -> None:  # fmt: skip
        """Record progress (throttled); raise ImportCancelled if a cancel was requested."""
        now = time.monotonic()
        if phase != self._phase:
            if self._phase:
                logger.info("import %s: %s took %.2f s", self.import_id, self._phase,
                            now - self._phase_started)  # fmt: skip
            if self._phase == WAITING_PHASE:
                self._waited += now - self._phase_started
            self._phase, self._phase_started = phase, now
        if not force and now - self._last < MIN_INTERVAL_SECONDS:
            return
        self._last = now
        if not restart:  # never show less done than before
            processed_rows = max(processed_rows, self._processed)
            progress = max(progress, self.progress)
        self._processed, self.progress = processed_rows, progress
        statement = (
            repository.set_values(
                self.import_id,
                phase=phase,
                progress=round(min(progress, 99.9), 1),
                processed_rows=processed_rows,
                rows_per_second=round(processed_rows / self.working_seconds, 1),
                waited_seconds=round(self.waited_seconds, 1),
                heartbeat_at=func.now(),
                **values,
            )
            .where(Import.status == "running")
            .returning(Import)
        )
        record = self.conn.execute(statement).one_or_none()
        if record is None:
            return
        snapshot = ImportRead.model_validate(record)
        self.publish(snapshot)
        if snapshot.cancel_requested:
            raise ImportCancelled()

    @property
    def waited_seconds(self) -> float:
        """Time spent waiting for other imports, which says nothing of this one's pace."""
        waiting_now = self._phase == WAITING_PHASE
        return self._waited + (time.monotonic() - self._phase_started if waiting_now else 0.0)

    @property
    def working_seconds(self) -> float:
        return max(time.monotonic() - self.started - self.waited_seconds, 1e-6)

    def publish(self, snapshot: ImportRead) -> None:
        try:
            self._redis.publish(channel(self.import_id), progress_message(snapshot))
        except redis.RedisError:
            if not self._unpublished:  # once while Redis is away, not at every update
                message = "import %s: could not publish progress (viewers poll meanwhile)"
                logger.warning(message, self.import_id, exc_info=True)
            self._unpublished = True
        else:
            if self._unpublished:
                logger.info("import %s: progress is published again", self.import_id)
            self._unpublished = False

    def close(self) -> None:
        self._redis.close()
