"""Progress within an index build: read from PostgreSQL's own report of the build while
the statement runs, so that the bar moves through the long builds of a rebuild."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.imports import build_progress
from product_importer.imports.build_progress import BuildProgress, backend_pid_of, build_fraction
from product_importer.imports.outcomes import ImportCancelled

SCANNING = "building index: scanning table"
ROWS = 150_000  # a trigram build of them lasts some tenths of a second, polled far faster


@pytest.mark.parametrize(
    ("gin", "phase", "counts", "expected"),
    [
        (True, SCANNING, (50, 100, 0, 0), 0.4),
        (True, "building index", (50, 100, 0, 0), 0.45),  # before PostgreSQL 18
        (True, "building index: merging tuples (workers)", (100, 100, 0, 0), 0.8),
        (True, "building index: merging tuples", (0, 0, 3, 4), 0.95),
        (False, SCANNING, (50, 100, 0, 0), 0.2),
        (False, SCANNING, (0, 0, 0, 0), 0.0),  # a parallel scan has not said its size yet
        (False, "building index: sorting live tuples", (100, 100, 0, 0), 0.4),  # counts: the scan's
        (False, "building index: loading tuples in tree", (0, 0, 50, 100), 0.8),
        (False, "building index: loading tuples in tree", (0, 0, 120, 100), 1.0),
    ],
)
def test_each_phase_takes_its_share_of_the_build(gin, phase, counts, expected):
    assert build_fraction(gin, phase, *counts) == pytest.approx(expected)


@pytest.mark.parametrize("phase", ["initializing", "waiting for writers before build"])
def test_a_phase_that_says_nothing_of_the_build_is_not_reported(phase):
    assert build_fraction(True, phase, 0, 0, 0, 0) is None


@pytest.fixture
def fast_polls(monkeypatch) -> None:
    monkeypatch.setattr(build_progress, "POLL_SECONDS", 0.005)


def _build_trigram_index(report) -> None:
    """A trigram GIN index on a temporary table of `ROWS` rows, watched."""
    with sync_engine().connect() as conn:
        cur = conn.connection.cursor()
        cur.execute(
            "CREATE TEMP TABLE names AS SELECT md5(i::text) || ' ' || md5((-i)::text) AS name "
            f"FROM generate_series(1, {ROWS}) i"
        )
        with BuildProgress(backend_pid_of(cur), True, report):
            cur.execute("CREATE INDEX ON names USING gin (name gin_trgm_ops)")
        conn.rollback()


def test_a_build_reports_how_far_it_is_while_it_runs(fast_polls):
    reported: list[float] = []
    _build_trigram_index(reported.append)
    assert any(0 < done < 1 for done in reported), reported
    assert reported == sorted(reported)


def test_a_cancelled_report_ends_the_watch_and_not_the_build(fast_polls):
    """A report that finds the import cancelled raises; the cancel watch stops the build,
    and this watch only stops reporting."""
    reported: list[float] = []

    def cancelled(done: float) -> None:
        reported.append(done)
        raise ImportCancelled()

    _build_trigram_index(cancelled)
    assert len(reported) == 1


def test_a_failed_look_leaves_the_build_to_end_unreported(fast_polls, monkeypatch, caplog):
    monkeypatch.setattr(build_progress, "LOOK", text("SELECT * FROM no_such_view"))
    reported: list[float] = []
    _build_trigram_index(reported.append)
    assert reported == []
    assert "progress of an index build could not be read" in caplog.text


def test_a_failed_report_is_raised_to_the_import_once_the_build_has_ended(fast_polls):
    """A report that fails (its connection lost) is the import's failure, raised in the
    import's own thread after the build, not lost in the watch's."""

    def lost(done: float) -> None:
        raise ConnectionError("the progress connection was lost")

    with pytest.raises(ConnectionError, match="progress connection"):
        _build_trigram_index(lost)
