"""A cancel that stops a long statement at once.

The pipeline sees a cancel when it next reports progress, which a single statement can
put off for a long time: a rebuild's new table or an index build (tens of seconds on
millions of rows), or the wait for another import's merge. While the pipeline runs, a
thread of the worker's looks every `POLL_SECONDS` whether a cancel was requested and,
if so, cancels the statement the import's backend is running (`pg_cancel_backend`,
which does nothing to a backend between statements; it is asked again at each look).
The watch ends before the import records its outcome and commits, so a late cancel
never lands on those. A look that fails (the watch's connection lost) is logged and
the watch goes on with a new connection: a cancel still stops the statement in time.
"""

from __future__ import annotations

import logging
import threading
import uuid
from types import TracebackType

import psycopg2.errors
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from product_importer.db import sync_engine
from product_importer.imports.outcomes import ImportCancelled

logger = logging.getLogger(__name__)
POLL_SECONDS = 0.5
JOIN_SECONDS = 4 * POLL_SECONDS
# A look that waits (a loaded server, a lock on the import's row) gives up in time: the
# import's exit waits for it at most `JOIN_SECONDS`, and a look still out then could
# cancel the statement that records the outcome.
LOOK_TIMEOUT = text("SET LOCAL statement_timeout = 1000")
CANCEL_IF_REQUESTED = text(
    "SELECT pg_cancel_backend(:pid) FROM imports WHERE id = :id AND cancel_requested"
)


def backend_pid(conn: Connection) -> int:
    """The server process running `conn`'s transaction (behind any pooler)."""
    return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _is_query_cancel(exc: BaseException | None) -> bool:
    if isinstance(exc, DBAPIError):
        exc = exc.orig
    return isinstance(exc, psycopg2.errors.QueryCanceled)


class CancelWatch:
    def __init__(self, import_id: uuid.UUID, pid: int) -> None:
        self.import_id = import_id
        self.pid = pid
        self.fired = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="import-cancel-watch", daemon=True)

    def _watch(self) -> None:
        warned = False
        while not self._stop.is_set():
            try:
                self._look_until_stopped()
            except Exception:
                if not warned:
                    logger.warning("cancel watch of import %s failed; looking again",
                                   self.import_id, exc_info=True)  # fmt: skip
                    warned = True
                self._stop.wait(POLL_SECONDS)

    def _look_until_stopped(self) -> None:
        with sync_engine().connect() as conn:
            while not self._stop.wait(POLL_SECONDS):
                params = {"pid": self.pid, "id": self.import_id}
                with conn.begin():
                    conn.execute(LOOK_TIMEOUT)
                    if conn.execute(CANCEL_IF_REQUESTED, params).first() is not None:
                        self.fired = True

    def __enter__(self) -> CancelWatch:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self._stop.set()
        # A look under way ends within its 1 s timeout; a reconnect to a database that is
        # down could take its connect timeout, which the import (failing then) need not
        # wait for: the thread ends on its own once it sees the stop.
        self._thread.join(timeout=JOIN_SECONDS)
        if self.fired and _is_query_cancel(exc):
            raise ImportCancelled() from exc
