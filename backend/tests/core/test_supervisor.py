"""The workers `serve` runs, watched and stopped by its supervisor: with real processes
standing in for the Celery workers (whose start needs nothing from these tests)."""

import errno
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from product_importer import supervisor
from product_importer.embedded import EmbeddedServices, die_with_parent

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]


def _sleeper() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        SLEEPER, preexec_fn=die_with_parent(signal.SIGTERM), start_new_session=True
    )


class Starts:
    """The worker processes started, in order; `refuse_next` makes the next start fail as
    a fork does when memory is short (EAGAIN)."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []
        self.refuse_next = False

    def spawn(self, queues: str, pool: str, concurrency: int) -> subprocess.Popen[bytes]:
        if self.refuse_next:
            self.refuse_next = False
            raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
        self.processes.append(_sleeper())
        return self.processes[-1]


@pytest.fixture
def starts(monkeypatch) -> Iterator[Starts]:
    started = Starts()
    monkeypatch.setattr(supervisor, "spawn_worker", started.spawn)
    monkeypatch.setattr(supervisor, "SUPERVISE_EVERY_SECONDS", 0.05)
    yield started
    for process in started.processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def _wait_until(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@pytest.mark.timeout(120)
def test_a_worker_that_cannot_be_started_again_is_tried_again(starts, tmp_path, caplog):
    """A failed start (a fork refused right after the OOM killer took the worker) is a
    quick death: the supervisor keeps watching, and starts the worker after a pause."""
    services = EmbeddedServices(tmp_path, "postgresql://unused", "redis://unused")
    workers = [supervisor.Worker("imports", "prefork", 1)]
    watcher = supervisor.Supervisor(workers, services)
    caplog.set_level(logging.WARNING, logger="uvicorn.error")
    watcher.start(SimpleNamespace(should_exit=False))
    try:
        starts.refuse_next = True
        starts.processes[0].kill()
        _wait_until(lambda: len(starts.processes) == 2, "the worker was not started again")
        assert workers[0].process is starts.processes[1]
        assert workers[0].quick_deaths == 2  # its death, then the failed start
        assert "Cannot start the imports worker ([Errno 11] Resource" in caplog.text
    finally:
        watcher.stop()
        supervisor.stop_workers(workers)


def test_stopping_leaves_alone_the_pid_a_reaped_worker_had(starts):
    """A worker reaped while it waits to be started again keeps its pid in its record;
    that pid may since lead another process group, which stopping must not end."""
    running = supervisor.Worker("imports", "prefork", 1)
    waiting = supervisor.Worker("webhooks", "threads", 1)
    waiting.process.kill()
    os.waitid(os.P_PID, waiting.process.pid, os.WEXITED | os.WNOWAIT)  # dead, not reaped
    waiting.check(time.monotonic())  # reaped; started again after a pause
    assert waiting.process.returncode == -signal.SIGKILL and waiting.restart_at is not None
    bystander = _sleeper()
    try:
        waiting.process.pid = bystander.pid  # the pid gone to another group's leader
        supervisor.stop_workers([running, waiting])
        assert running.process.returncode == -signal.SIGTERM
    finally:
        bystander.terminate()  # its end says whether it was killed before
        bystander.wait()
    assert bystander.returncode == -signal.SIGTERM, "another process group was ended"
