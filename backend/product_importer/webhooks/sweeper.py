"""The webhooks' periodic sweep (`core/periodic`), in every worker that consumes the
webhooks queue: delivery jobs due or lost, and now and then the purge of old history.
Several workers' sweeps are harmless: dispatch skips rows another holds, and a job is
handed out only by the scheduler that wins its row lock."""

from __future__ import annotations

import time

from product_importer.config import get_settings
from product_importer.core import periodic
from product_importer.db import sync_session
from product_importer.webhooks.dispatcher import purge_old, sweep

SWEEPER = "webhook-sweeper"
PURGE_EVERY_SECONDS = 3600.0
_last_purge = -PURGE_EVERY_SECONDS


def sweep_and_purge() -> None:
    global _last_purge
    sweep()
    if time.monotonic() - _last_purge < PURGE_EVERY_SECONDS:
        return
    _last_purge = time.monotonic()
    with sync_session() as session:
        purge_old(session, get_settings())


def start_sweeper() -> None:
    periodic.start(SWEEPER, sweep_and_purge, get_settings().webhook_sweep_seconds)


def stop_sweeper() -> None:
    periodic.stop(SWEEPER)
