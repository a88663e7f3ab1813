"""Progress of a running import: persisted on its row and published for live viewers.

Runs on its own autocommit connection, so viewers see progress while the import's
own transaction is still open; answers whether a cancel was requested.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, replace
from typing import Any

import redis
from sqlalchemy import Connection, func

from product_importer.config import get_settings
from product_importer.imports import repository
from product_importer.imports.models import Import
from product_importer.imports.outcomes import ImportCancelled
from product_importer.imports.progress_channel import channel, progress_message
from product_importer.imports.schemas import WAITING_PHASE, ImportRead

logger = logging.getLogger(__name__)
MIN_INTERVAL_SECONDS = 0.25
# Redis only makes viewers prompter: one that stops answering must not hold the import
# (nor, at its end, its claim) for longer than this.
PUBLISH_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Costs:
    """How long each part of an import takes, in units of the time reading its file does."""

    read: float
    check: float  # validate, de-duplicate, and in a catalog that has products, compare
    apply: float  # the rebuild or the row-by-row merge

    @property
    def total(self) -> float:
        return self.read + self.check + self.apply


# Measured on 500,000 rows on two cores (reading 1.2-3 s); a re-import compares every
# row with the catalog (check) and writes the new table and builds its indexes on
# fewer cores than a first load. REBUILD is a catalog no larger than the file.
FIRST_LOAD = Costs(read=1.0, check=0.1, apply=4.0)
REBUILD = Costs(read=1.0, check=1.6, apply=5.5)


def rebuild_costs(catalog_rows: int, file_rows: int) -> Costs:
    """A rebuild writes and indexes the whole catalog, so its share grows with the
    catalog's size against the file's (400,000 changed rows into 1,000,000 products:
    applying took 12.6 reading times, against REBUILD's 5.5, and the time left shown
    for the first half of the import was a third of the truth)."""
    return replace(REBUILD, apply=REBUILD.apply * max(1.0, catalog_rows / max(file_rows, 1)))


def merge_costs(changed_share: float) -> Costs:
    """A row-by-row merge: a product it creates or changes (its index entries written)
    costs ~40 times one it leaves unchanged (500,000 rows, none changed: ~0.8 reading
    times; a tenth changed: ~3)."""
    return Costs(read=1.0, check=1.6, apply=0.8 + 25 * changed_share)


class Bar:
    """The progress bar's shares follow the time each part of the import takes on its
    path (`Costs`), so that progress is roughly the share of the time done, and time
    left (`ImportRead.eta_seconds`) is projected from it linearly. Reading a file is a
    fifth of a first load's time but up to a third of a merge's: fixed shares made the ETA
    2-5 times too short while reading and writing the new table.

    Until the file is compared with the catalog, an import into a catalog that has
    products assumes the costliest path it can take (`pipeline._first_costs`), so the
    bar never shows more done than is true; a cheaper path then jumps ahead to where it
    stands. Within a rebuild, each
    index's share is weighed by its kind (`rebuild.GIN_COST`)."""

    def __init__(self, costs: Costs) -> None:
        self.costs = costs
        self._read_from = 0.0
        self._apply_from: float | None = None

    def reading(self, fraction: float) -> float:
        end = self.reading_end
        return self._read_from + (end - self._read_from) * fraction

    @property
    def reading_end(self) -> float:
        return 100 * self.costs.read / self.costs.total

    def read_again(self, shown: float) -> None:
        """The file is read again from its start (by the careful path): reading goes on
        from what is shown (the bar never goes back)."""
        self._read_from = min(shown, self.reading_end)

    def checking(self, fraction: float) -> float:
        return 100 * (self.costs.read + self.costs.check * fraction) / self.costs.total

    def applying(self, fraction: float) -> float:
        start = self.checking(1.0) if self._apply_from is None else self._apply_from
        return start + (100 - start) * fraction

    def take(self, costs: Costs, shown: float) -> None:
        """The import now knows its path (or a rebuild fell back to the merge): applying
        goes from where that path stands, or from what is shown if that is further (the
        bar never goes back)."""
        self.costs = costs
        self._apply_from = max(shown, self.checking(1.0))


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
        self._redis = redis.Redis.from_url(
            get_settings().redis_url_or_local,
            socket_timeout=PUBLISH_TIMEOUT_SECONDS,
            socket_connect_timeout=PUBLISH_TIMEOUT_SECONDS,
        )
        self._unpublished = False

    def update(self, phase: str, progress: float, processed_rows: int, *, force: bool = False,
               rows_counted: bool = False, **values: Any) -> None:  # fmt: skip
        """Record progress (throttled); raise ImportCancelled if a cancel was requested.

        Never shows less done than before, unless the rows are `rows_counted` (the
        file's records, where reading counted its lines)."""
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
        if not rows_counted:
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
    def phase(self) -> str:
        return self._phase

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
