"""Work a worker repeats while it runs: the imports' recovery sweep, the webhooks'
delivery sweep.

Why a thread and not Celery beat or a self-rescheduling task: beat is one more process
to run (and to run exactly once), and a self-rescheduling task chain silently stops when
one message is lost, or multiplies when workers restart. A thread lives exactly as long
as the worker that needs it. Several workers means several sweepers of a kind, which
each kind's work allows.

A round that fails (the database still starting, a moment without it) is logged and the
next comes on time: the first round runs in the thread too, so a worker that starts
before its database still sweeps once it is up. Only the first failure in a row is
logged with its traceback; the next ones are a line each, until a round works again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Periodic:
    def __init__(self, name: str, work: Callable[[], object], interval: float) -> None:
        self.name = name
        self.work = work
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)

    def _run(self) -> None:
        failing = False
        while not self._stop.is_set():
            try:
                self.work()
            except Exception as exc:
                message = "%s failed; trying again in %.1f s"
                if failing:
                    logger.warning(message + ": %s", self.name, self.interval, _first_line(exc))
                else:
                    logger.exception(message, self.name, self.interval)
                failing = True
            else:
                if failing:
                    logger.info("%s works again", self.name)
                failing = False
            self._stop.wait(self.interval)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


_running: dict[str, Periodic] = {}


def start(name: str, work: Callable[[], object], interval: float) -> None:
    """Runs `work` now and every `interval` seconds, in this process's one thread of that
    name (a second start while it runs does nothing)."""
    if name not in _running:
        _running[name] = periodic = Periodic(name, work, interval)
        periodic.start()
        logger.info("%s runs every %.1f s in this worker", name, interval)


def stop(name: str) -> None:
    periodic = _running.pop(name, None)
    if periodic is not None:
        periodic.stop()
