"""The cancel watch stops a long statement of a cancelled import, even when one of its
looks fails: a lost connection must not leave the cancel waiting for the statement."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from product_importer.db import sync_engine
from product_importer.imports import cancel_watch
from product_importer.imports.cancel_watch import CancelWatch, backend_pid
from product_importer.imports.outcomes import ImportCancelled
from tests.imports.helpers import set_import, stored_import

LONG_STATEMENT = text("SELECT pg_sleep(60)")  # far longer than the watch needs


class _FailingFirstConnect:
    """The engine, but its first connection is refused (the database restarting)."""

    def __init__(self) -> None:
        self.refused = 0

    def connect(self) -> Connection:
        if not self.refused:
            self.refused += 1
            raise OperationalError("connect", {}, Exception("connection refused"))
        return sync_engine().connect()


def _cancelled_import() -> uuid.UUID:
    import_id = stored_import(b"sku,name\nA-1,One\n")
    set_import(import_id, status="running", cancel_requested=True)
    return import_id


def test_a_cancel_stops_the_running_statement():
    import_id = _cancelled_import()
    with sync_engine().connect() as conn:
        watched = backend_pid(conn)
        with pytest.raises(ImportCancelled), CancelWatch(import_id, watched):
            conn.execute(LONG_STATEMENT)


def test_a_failed_look_does_not_end_the_watch(monkeypatch):
    engine = _FailingFirstConnect()
    monkeypatch.setattr(cancel_watch, "sync_engine", lambda: engine)
    import_id = _cancelled_import()
    with sync_engine().connect() as conn:
        watched = backend_pid(conn)
        with pytest.raises(ImportCancelled), CancelWatch(import_id, watched):
            conn.execute(LONG_STATEMENT)
    assert engine.refused == 1
