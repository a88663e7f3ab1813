"""The periodic sweep, run by a thread inside every worker that consumes the
webhooks queue.

Why a thread and not Celery beat or a self-rescheduling task: beat is one more
process to run (and to run exactly once), and a self-rescheduling task chain
silently stops when one message is lost, or multiplies when workers restart. A
thread lives exactly as long as the worker that needs it. Several workers means
several sweepers, which is harmless: dispatch skips rows another holds, and a job
is handed out only by the scheduler that wins its row lock.
"""

from __future__ import annotations

import logging
import threading
import time

from product_importer.config import get_settings
from product_importer.db import sync_session
from product_importer.webhooks.dispatcher import purge_old, sweep

logger = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 3600.0


class Sweeper:
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-sweeper", daemon=True)
        self._last_purge = 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sweep()
                self._purge_now_and_then()
            except Exception:
                logger.exception("webhook sweep failed; retrying in %.1f s", self.interval)
            self._stop.wait(self.interval)

    def _purge_now_and_then(self) -> None:
        if time.monotonic() - self._last_purge < PURGE_EVERY_SECONDS:
            return
        self._last_purge = time.monotonic()
        with sync_session() as session:
            purge_old(session, get_settings())


_sweeper: Sweeper | None = None


def start_sweeper() -> None:
    global _sweeper
    if _sweeper is None:
        _sweeper = Sweeper(get_settings().webhook_sweep_seconds)
        _sweeper.start()
        logger.info("webhook sweep runs every %.1f s in this worker", _sweeper.interval)


def stop_sweeper() -> None:
    global _sweeper
    if _sweeper is not None:
        _sweeper.stop()
        _sweeper = None
