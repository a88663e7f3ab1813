"""The Celery workers `serve` runs: started again when they die, stopped with `serve`."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING

from product_importer.embedded import die_with_parent

if TYPE_CHECKING:
    from product_importer.embedded import EmbeddedServices

# serve's own lines, in the server log with uvicorn's.
log = logging.getLogger("uvicorn.error")
SUPERVISE_EVERY_SECONDS = 1.0
STEADY_WORKER_SECONDS = 60.0  # a worker that dies after this long is started again at once
MAX_RESTART_PAUSE_SECONDS = 60.0
STOP_WORKERS_SECONDS = 15.0  # how long `serve`, stopping, waits for running tasks


def spawn_worker(queues: str, pool: str, concurrency: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "product_importer.cli", "worker", "--queues", queues]
    command += ["--pool", pool, "--concurrency", str(concurrency)]
    # A session of its own: `serve` stops the worker with its pool processes (its group).
    return subprocess.Popen(
        command, preexec_fn=die_with_parent(signal.SIGTERM), start_new_session=True
    )


class Worker:
    """A worker `serve` runs, started again when it dies: at once after a steady run,
    after a pause that doubles (up to a minute) while it keeps dying soon after its start
    or cannot be started (a fork refused while memory is short)."""

    def __init__(self, queues: str, pool: str, concurrency: int) -> None:
        self.queues, self.pool, self.concurrency = queues, pool, concurrency
        self.quick_deaths = 0
        self.restart_at: float | None = None
        self.process = spawn_worker(queues, pool, concurrency)
        self.started_at = time.monotonic()

    def exited(self) -> bool:
        """Whether the worker has exited. Its pool processes (its group) are ended first,
        while it is not yet reaped: until then its pid cannot go to another process."""
        if self.process.returncode is not None:
            return True
        if not hasattr(os, "waitid"):  # macOS before Python 3.13
            return self.process.poll() is not None
        options = os.WEXITED | os.WNOHANG | os.WNOWAIT
        if os.waitid(os.P_PID, self.process.pid, options) is None:
            return False
        self.end()
        return True

    def end(self) -> None:
        """End the worker's group (its pool processes, and it if still running), then
        reap it: only then may its pid go to another process."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def _pause(self, now: float, quick: bool) -> float:
        self.quick_deaths = self.quick_deaths + 1 if quick else 0
        pause = min(2.0**self.quick_deaths - 1, MAX_RESTART_PAUSE_SECONDS)
        self.restart_at = now + pause
        return pause

    def check(self, now: float) -> None:
        if self.restart_at is None:
            if not self.exited():
                return
            pause = self._pause(now, quick=now - self.started_at < STEADY_WORKER_SECONDS)
            log.warning(
                "The %s worker (pid %d) exited with code %d; starting it again%s.",
                self.queues, self.process.pid, self.process.returncode,
                f" in {pause:.0f} s" if pause else "",
            )  # fmt: skip
        if self.restart_at is not None and now < self.restart_at:
            return
        try:
            process = spawn_worker(self.queues, self.pool, self.concurrency)
        except Exception as exc:
            pause = self._pause(now, quick=True)
            log.error(
                "Cannot start the %s worker (%s); trying again in %.0f s.", self.queues, exc, pause
            )
            return
        self.process, self.started_at, self.restart_at = process, now, None


class Supervisor:
    """Watches what `serve` started, from a thread of its own: a worker that dies is
    started again; an embedded server that dies stops `serve` (every part needs it),
    which then says why."""

    def __init__(self, workers: list[Worker], services: EmbeddedServices) -> None:
        self.workers, self.services = workers, services
        self.failure: str | None = None
        self._server: object = None
        self._stopped = threading.Event()
        self._lock = threading.Lock()

    def start(self, server: object) -> None:
        # A thread that lives as long as `serve`: a worker it starts is told to stop when
        # the thread that started it ends (`die_with_parent` works per thread).
        self._server = server
        threading.Thread(target=self._run, name="supervisor", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:  # a worker being started again has been
            pass

    def _run(self) -> None:
        while True:  # never returns: see `start`
            time.sleep(SUPERVISE_EVERY_SECONDS)
            with self._lock:
                if not self._stopped.is_set():
                    self._check()

    def _check(self) -> None:
        try:
            self.failure = self.services.exited()
        except Exception:
            log.exception("Cannot check the embedded servers")
        if self.failure is not None:
            self._stopped.set()
            self._server.should_exit = True  # type: ignore[attr-defined]
            return
        now = time.monotonic()
        for worker in self.workers:
            try:
                worker.check(now)
            except Exception:
                log.exception("Cannot check the %s worker", worker.queues)


def stop_workers(workers: list[Worker], timeout: float = STOP_WORKERS_SECONDS) -> None:
    """Ask every running worker at once to stop (a warm shutdown: running tasks may finish
    within `timeout`; an import cut short applies nothing and runs again on the next
    start), then end whatever is left of them, pool processes included, before the servers
    they use stop. A worker reaped earlier (waiting to be started again) is not signalled:
    its pid may since have gone to another process."""
    running = [worker for worker in workers if worker.process.returncode is None]
    for worker in running:
        # Not `Popen.terminate`: it would reap a worker that has exited before its group
        # is ended. Unreaped, the pid is still the worker's.
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for worker in running:
        while not worker.exited() and time.monotonic() < deadline:
            time.sleep(0.05)
        if worker.process.returncode is None:
            worker.end()
