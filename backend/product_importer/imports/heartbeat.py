"""The heartbeat of a running import, through statements that run for minutes.

Progress reports stamp `heartbeat_at` between steps, but one step may be a single long
statement (an index build on millions of rows, a wait for another import's merge).
While the pipeline runs, a thread of the worker's stamps it every `BEAT_SECONDS`. A
worker that is frozen (stopped by a signal, a paused machine) keeps its connections,
and so its claim, but stops beating: the recovery sweep ends the claim holder's session
once the heartbeat is `import_frozen_after_seconds` old (`recovery.end_frozen`).
"""

from __future__ import annotations

import uuid
from types import TracebackType

from sqlalchemy import text

from product_importer.core.periodic import Periodic
from product_importer.db import sync_engine

BEAT_SECONDS = 5.0
# A beat that waits (a loaded server) gives up in time, and the next one tries again.
BEAT_TIMEOUT = text("SET LOCAL statement_timeout = 2000")
BEAT = text("UPDATE imports SET heartbeat_at = now() WHERE id = :id AND status = 'running'")


def _beat(import_id: uuid.UUID) -> None:
    with sync_engine().begin() as conn:
        conn.execute(BEAT_TIMEOUT)
        conn.execute(BEAT, {"id": import_id})


class Heartbeat:
    """Beats while in the block (a failed beat is logged, the next comes on time)."""

    def __init__(self, import_id: uuid.UUID) -> None:
        self._beats = Periodic(
            f"heartbeat of import {import_id}", lambda: _beat(import_id), BEAT_SECONDS
        )

    def __enter__(self) -> Heartbeat:
        self._beats.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self._beats.stop()
