"""An import's progress never goes back, even when its rebuild cannot swap the new
catalog in and it merges row by row instead."""

import json
import threading

import redis
from sqlalchemy import text

from product_importer.config import get_settings
from product_importer.core import table_locks
from product_importer.db import sync_engine
from product_importer.imports import rebuild, runner
from product_importer.imports.progress_channel import channel
from tests.imports.helpers import csv_bytes, products, stored_import
from tests.settings_helpers import settings_env


def test_progress_goes_on_when_the_rebuild_falls_back_to_merging(monkeypatch):
    monkeypatch.setattr(rebuild, "SWAP_LOCK_SECONDS", 1.0)
    monkeypatch.setattr(table_locks, "LONGEST_ATTEMPT_MS", 200)
    import_id = stored_import(csv_bytes("sku,name", *[f"P-{i},Name {i}" for i in range(40)]))
    listener = redis.Redis.from_url(get_settings().redis_url_or_local).pubsub()
    listener.subscribe(channel(import_id))
    with settings_env(IMPORT_BATCH_ROWS="10"), sync_engine().connect() as long_reader:
        long_reader.execute(text("SELECT count(*) FROM products"))  # the swap cannot happen
        outcome: list[str] = []
        running = threading.Thread(target=lambda: outcome.append(runner.run_import(import_id)))
        running.start()
        running.join()
        long_reader.rollback()
    assert outcome == ["completed"] and len(products()) == 40
    shown = []
    while (message := listener.get_message(timeout=1.0)) is not None:  # all published
        if message["type"] == "message":
            data = json.loads(message["data"])["data"]
            shown.append((data["progress"], data["phase"]))
    listener.close()
    assert any(phase.startswith("rebuilding") for _, phase in shown), shown
    assert any(phase == "merging" for _, phase in shown), shown
    progress = [value for value, _ in shown]
    assert progress == sorted(progress), shown
