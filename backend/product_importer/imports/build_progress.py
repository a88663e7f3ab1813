"""Progress within one index build, which is a single statement: the bar moved only
when a build ended, so it stood still for seconds (tens of seconds on millions of rows)
while the time left it projects climbed.

While a rebuild builds an index, a thread of the worker's reads PostgreSQL's own report
of the build (`pg_stat_progress_create_index`) every `POLL_SECONDS` and reports how far
it is, from 0 to 1. A build's phases take shares of its time that differ by the kind of
index (measured on 500,000 rows: a trigram GIN index spends about four fifths of its
time scanning the table, a btree as much sorting and loading as scanning); within a
phase, the blocks or tuples done say how far it is.

The report runs in the watch's thread while the caller waits for the statement, and
the watch has ended, its last report done, before the caller goes on: the report may
use a connection of the caller's (the import's progress connection).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, text

from product_importer.db import sync_engine
from product_importer.imports.outcomes import ImportCancelled

logger = logging.getLogger(__name__)
POLL_SECONDS = 0.25  # as often as progress is reported at most
LOOK_TIMEOUT = text("SET LOCAL statement_timeout = 1000")
LOOK = text("""
    SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total
    FROM pg_stat_progress_create_index WHERE pid = :pid""")

# Where each phase of a build starts and ends, as shares of the build's time, and what
# PostgreSQL counts as it goes (in a phase that counts nothing, what the last one did
# stays in the report).
BLOCKS, TUPLES = "blocks", "tuples"
BTREE_PHASES = {
    "building index: scanning table": (0.0, 0.4, BLOCKS),
    "building index: sorting live tuples": (0.4, 0.6, None),
    "building index: sorting dead tuples": (0.6, 0.6, None),
    "building index: loading tuples in tree": (0.6, 1.0, TUPLES),
}
GIN_PHASES = {
    "building index": (0.0, 0.9, BLOCKS),  # before PostgreSQL 18, a GIN build's only phase
    "building index: scanning table": (0.0, 0.8, BLOCKS),
    "building index: sorting tuples (workers)": (0.8, 0.8, None),
    "building index: merging tuples (workers)": (0.8, 0.8, None),
    "building index: sorting tuples": (0.8, 0.8, None),
    "building index: merging tuples": (0.8, 1.0, TUPLES),
}


def build_fraction(gin: bool, phase: str, blocks_done: int, blocks_total: int,
                   tuples_done: int, tuples_total: int) -> float | None:  # fmt: skip
    """How far a build is (0-1) by PostgreSQL's report of it; None in a phase that says
    nothing of it (initializing, waiting for other transactions)."""
    known = (GIN_PHASES if gin else BTREE_PHASES).get(phase)
    if known is None:
        return None
    start, end, counted = known
    if counted == BLOCKS:
        done, total = blocks_done, blocks_total
    elif counted == TUPLES:
        done, total = tuples_done, tuples_total
    else:
        done, total = 0, 0
    within = min(done / total, 1.0) if total else 0.0
    return start + (end - start) * within


class _LookFailed(Exception):
    pass


class BuildProgress:
    """Calls `report(fraction)` as the build that backend `pid` runs goes on."""

    def __init__(self, pid: int, gin: bool, report: Callable[[float], None]) -> None:
        self.pid = pid
        self.gin = gin
        self.report = report
        self.failed: Exception | None = None  # a report's, raised in the caller's thread
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="index-build-progress",
                                        daemon=True)  # fmt: skip

    def _watch(self) -> None:
        try:
            with sync_engine().connect() as conn:
                while not self._stop.wait(POLL_SECONDS):
                    fraction = self._look(conn)
                    if fraction is not None and not self._stop.is_set():
                        self.report(fraction)
        except ImportCancelled:
            pass  # the cancel watch stops the build
        except _LookFailed:
            # The build goes on without reports in between; its end is reported.
            logger.warning("progress of an index build could not be read", exc_info=True)
        except Exception as exc:  # a report's (its connection lost?): the import's to handle
            self.failed = exc

    def _look(self, conn: Connection) -> float | None:
        try:
            with conn.begin():
                conn.execute(LOOK_TIMEOUT)
                row = conn.execute(LOOK, {"pid": self.pid}).first()
        except Exception as exc:
            raise _LookFailed() from exc
        return build_fraction(self.gin, *row) if row else None

    def __enter__(self) -> BuildProgress:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self._stop.set()
        # Without a timeout: a report under way may use a connection of the caller's,
        # which the caller must not use until it is done (a look gives up within 1 s).
        self._thread.join()
        if self.failed is not None and exc is None:
            raise self.failed


def backend_pid_of(cur: Any) -> int:
    """The server process that runs `cur`'s statements (behind any pooler), whose builds
    a `BuildProgress` watches: asked once for all of a rebuild's builds."""
    cur.execute("SELECT pg_backend_pid()")
    return int(cur.fetchone()[0])
