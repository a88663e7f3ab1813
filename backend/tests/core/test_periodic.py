"""A worker's repeated work: one thread of a name, its failed rounds retried, stopped and
started again within one process (a worker that restarts)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from product_importer.core import periodic

NAME = "test-periodic"
WAIT_SECONDS = 10  # a bound for a stuck thread; rounds come every 10 ms


def _rounds(fail_first: bool = False) -> tuple[list[int], threading.Event, Callable[[], None]]:
    """Work that counts its rounds (failing the first, if told) and says when a second ran."""
    rounds: list[int] = []
    second = threading.Event()

    def work() -> None:
        rounds.append(len(rounds))
        if len(rounds) >= 2:
            second.set()
        if fail_first and len(rounds) == 1:
            raise RuntimeError("the database is starting up")

    return rounds, second, work


def test_a_failed_round_is_followed_by_the_next():
    _, second, work = _rounds(fail_first=True)
    periodic.start(NAME, work, 0.01)
    try:
        assert second.wait(WAIT_SECONDS)
    finally:
        periodic.stop(NAME)


def test_a_second_start_runs_no_second_thread_and_a_stop_then_start_runs_again():
    _, second, work = _rounds()
    periodic.start(NAME, work, 0.01)
    periodic.start(NAME, work, 0.01)
    try:
        assert second.wait(WAIT_SECONDS)
        assert [t.name for t in threading.enumerate()].count(NAME) == 1
    finally:
        periodic.stop(NAME)
    assert NAME not in [t.name for t in threading.enumerate()]
    _, again, work = _rounds()
    periodic.start(NAME, work, 0.01)
    try:
        assert again.wait(WAIT_SECONDS)
    finally:
        periodic.stop(NAME)


def test_failures_in_a_row_log_one_traceback_then_a_line_each(caplog):
    """A database out of reach for a while fails every round: one traceback says why, the
    next failures a line each, and the round that works again says so."""
    rounds: list[int] = []
    done = threading.Event()

    def work() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 5:
            done.set()
        if len(rounds) <= 3:
            raise ConnectionError("connection refused\nmore detail")

    with caplog.at_level("INFO", logger=periodic.__name__):
        periodic.start(NAME, work, 0.01)
        try:
            assert done.wait(WAIT_SECONDS)
        finally:
            periodic.stop(NAME)
    records = [r for r in caplog.records if r.name == periodic.__name__ and NAME in r.getMessage()]
    failures = [r for r in records if "failed" in r.getMessage()]
    assert len(failures) == 3
    assert failures[0].exc_info is not None
    assert [r.exc_info for r in failures[1:]] == [None, None]
    assert failures[1].getMessage().endswith(": ConnectionError: connection refused")
    assert sum("works again" in r.getMessage() for r in records) == 1
