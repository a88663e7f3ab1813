"""The harness itself: a test that leaves the tables locked (a process it did not stop)
fails the next test's set-up, rather than hanging the whole run."""

import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from tests import conftest


def test_a_lock_left_behind_is_reported_and_ended(monkeypatch):
    monkeypatch.setattr(conftest, "TABLES_LOCK_WAIT", "1s")
    left_behind = sync_engine().connect()
    left_behind.execute(text("LOCK TABLE products IN ACCESS SHARE MODE"))
    pid = left_behind.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with pytest.raises(RuntimeError, match=rf"still locked after 1s.*\({pid}, "):
        conftest.truncate_all()
    conftest.truncate_all()  # the holder was ended: the next test starts
    left_behind.invalidate()
