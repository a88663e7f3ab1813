"""The progress bar's shares follow the time each part of an import takes on its path,
so that the time left projected from it holds (`progress.Bar`)."""

from __future__ import annotations

import hashlib
import itertools

import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.imports import build_progress, pipeline, rebuild, runner, storage
from product_importer.imports.progress import (
    FIRST_LOAD,
    REBUILD,
    Bar,
    ProgressReporter,
    merge_costs,
    rebuild_costs,
)
from tests.imports.helpers import csv_bytes, seed_products, stored_import


@pytest.fixture
def reported(monkeypatch) -> list[tuple[str, float]]:
    """(phase, progress) of every report the import makes, as it asks for them."""
    shown: list[tuple[str, float]] = []
    real_update = ProgressReporter.update

    def recording_update(self, phase, progress, processed_rows, **kwargs):
        shown.append((phase, progress))
        return real_update(self, phase, progress, processed_rows, **kwargs)

    monkeypatch.setattr(ProgressReporter, "update", recording_update)
    return shown


def _first(reported: list[tuple[str, float]], phase: str) -> float:
    return next(progress for shown, progress in reported if shown.startswith(phase))


REBUILD_STEPS = ("rebuilding: b", "rebuilding: s")  # its index builds, then its swap


def _firsts(reported: list[tuple[str, float]]) -> dict[str, float]:
    """The first progress of each of the rebuild's steps, in their order."""
    firsts: dict[str, float] = {}
    for phase, progress in reported:
        if phase.startswith(REBUILD_STEPS):
            firsts.setdefault(phase, progress)
    return firsts


def _gin_indexes() -> list[bool]:
    """Whether each index is a trigram GIN one, in the order the rebuild builds them."""
    with sync_engine().connect() as conn:
        return [" USING gin " in row[1] for row in conn.execute(text(rebuild.INDEXES))]


def test_a_first_load_gives_reading_its_share_of_the_time_and_gin_indexes_theirs(reported):
    """Reading the file is about a fifth of a first load's time (not 40 % of the bar);
    a trigram GIN index takes six times a btree's share of the index builds."""
    import_id = stored_import(csv_bytes("sku,name", *[f"F-{i},Row {i}" for i in range(100)]))
    assert runner.run_import(import_id) == "completed"
    assert _first(reported, "validating") == pytest.approx(100 / FIRST_LOAD.total)
    gin = _gin_indexes()
    steps = list(_firsts(reported).values())
    shares = [after - before for before, after in itertools.pairwise(steps)]
    btree = min(shares)
    expected = [rebuild.GIN_COST * btree if is_gin else btree for is_gin in gin]
    assert sum(gin) == 2 and shares == pytest.approx(expected)


def test_a_first_load_reports_progress_within_each_trigram_index_build(reported, monkeypatch):
    """An index build is one statement, seconds long on a large catalog: the bar moves
    within it (`build_progress`), between where the build starts and the next one."""
    monkeypatch.setattr(build_progress, "POLL_SECONDS", 0.005)
    lines = [f"W-{i},{hashlib.sha1(str(i).encode()).hexdigest()}" for i in range(40_000)]
    assert runner.run_import(stored_import(csv_bytes("sku,name", *lines))) == "completed"
    firsts = _firsts(reported)
    steps = list(firsts)
    inside = {
        phase: progress
        for phase, progress in reported
        if phase.startswith("rebuilding: building") and progress > firsts[phase]
    }
    gin_builds = [step for step, is_gin in zip(steps, _gin_indexes(), strict=False) if is_gin]
    assert set(gin_builds) <= set(inside), reported
    for phase, progress in inside.items():
        assert progress < firsts[steps[steps.index(phase) + 1]]


def test_a_merge_into_a_large_catalog_jumps_to_where_it_stands(reported):
    """Until the file is compared with the catalog the bar assumes a rebuild; a merge of
    a few changes then stands further on, and the bar jumps there."""
    skus = seed_products(200)
    lines = [f"{sku},{'Renamed' if i == 0 else f'Seeded {i}'}" for i, sku in enumerate(skus)]
    import_id = stored_import(csv_bytes("sku,name", *lines))
    assert runner.run_import(import_id) == "completed"
    assert _first(reported, "validating") == pytest.approx(100 / REBUILD.total)
    costs = merge_costs(1 / 200)
    assert _first(reported, "merging") > 100 * (costs.read + costs.check) / costs.total
    progress = [progress for _, progress in reported]
    assert progress == sorted(progress)


def test_a_rebuild_into_a_larger_catalog_gives_applying_its_larger_share(reported):
    """A rebuild writes and indexes the whole catalog: into one several times the file's
    size, applying takes that much longer, and reading the file a smaller share of the
    bar, from the first report on (else the time left shown is a fraction of the truth)."""
    skus = seed_products(400)
    changed = [f"{sku},Renamed {i}" for i, sku in enumerate(skus[:120])]
    import_id = stored_import(csv_bytes("sku,name", *changed))
    assert runner.run_import(import_id) == "completed"
    costs = rebuild_costs(400, 120)
    assert costs.apply == pytest.approx(REBUILD.apply * 400 / 120)
    assert _first(reported, "validating") == pytest.approx(100 / costs.total)
    progress = [progress for _, progress in reported]
    assert progress == sorted(progress)


def test_until_the_path_is_known_the_bar_assumes_the_costliest_one_the_file_can_take():
    """A rebuild only when the file could change enough of the catalog to make one worth
    it: 1,000 rows into 1,000,000 products are merged, and a rebuild's share (scaled by
    the catalog) held the bar at 0 % while the file was read."""
    assert pipeline._first_costs(0, 500_000) == FIRST_LOAD
    assert pipeline._first_costs(1_000_000, 400_000) == rebuild_costs(1_000_000, 400_000)
    assert pipeline._first_costs(1_000_000, 1_000) == merge_costs(1.0)
    assert pipeline._first_costs(1_000_000, 0) == merge_costs(1.0)  # no line end seen


def test_a_catalog_no_larger_than_the_file_keeps_the_measured_rebuild_costs():
    assert rebuild_costs(0, 500) == rebuild_costs(500, 500) == REBUILD


def test_the_file_s_rows_are_estimated_from_its_first_chunk():
    rows = [f"E-{i:04d},Row {i:04d}" for i in range(1_000)]
    content = csv_bytes("sku,name", *rows)
    first = content[: len(content) // 4]
    with sync_engine().begin() as conn:
        import_id = conn.execute(
            text("INSERT INTO imports (filename, file_size) VALUES ('e.csv', :n) RETURNING id"),
            {"n": len(content)},
        ).scalar_one()
        for seq, data in enumerate((first, content[len(first) :])):
            conn.execute(
                text("INSERT INTO import_file_chunks (import_id, seq, data) VALUES (:i, :s, :d)"),
                {"i": import_id, "s": seq, "d": data},
            )
        estimate = storage.estimated_rows(conn, import_id, len(content))
    assert estimate == pytest.approx(1_000, rel=0.02)


def test_the_bar_never_goes_back_when_the_path_changes():
    bar = Bar(REBUILD)
    checked = bar.checking(1.0)
    bar.take(merge_costs(0.0), shown=checked)
    assert bar.applying(0.0) > checked  # a cheaper path: ahead
    bar.take(REBUILD, shown=95.0)  # a rebuild that fell back to the merge
    assert bar.applying(0.0) == 95.0 and bar.applying(1.0) == 100.0


def test_the_careful_path_says_so_until_the_file_is_read(reported):
    """A file COPY cannot read (here an inch mark) is read row by row, slower: the phase
    says so from then on, not only in the first report."""
    rows = ['I-0,Monitor 27" wide', *[f"I-{i},Row {i}" for i in range(1, 100)]]
    import_id = stored_import(csv_bytes("sku,name", *rows))
    assert runner.run_import(import_id) == "completed"
    phases = [phase for phase, _ in reported]
    careful = phases.index("reading (checking each row)")
    assert phases[careful:].count("reading") == 0, phases
    assert phases[careful + 1 :] and phases[careful + 1] == "reading (checking each row)"
    progress = [progress for _, progress in reported]
    assert progress == sorted(progress)  # reading again goes on from what was shown


def test_reading_again_goes_on_from_what_is_shown_to_the_end_of_reading():
    bar = Bar(FIRST_LOAD)
    shown = bar.reading(0.5)
    bar.read_again(shown)
    assert bar.reading(0.0) == shown and bar.reading(1.0) == bar.reading_end


def test_rows_processed_are_the_file_s_records_once_counted(monkeypatch):
    """While the file is read, rows are its lines (a record may span several); once it
    is staged they are its records, never more than the total."""
    shown: list[tuple[str, int, int | None]] = []
    real_update = ProgressReporter.update

    def recording_update(self, phase, progress, processed_rows, **kwargs):
        real_update(self, phase, progress, processed_rows, **kwargs)
        with sync_engine().connect() as conn:
            row = conn.execute(
                text("SELECT processed_rows, total_rows FROM imports WHERE id = :id"),
                {"id": str(self.import_id)},
            ).one()
        shown.append((phase, row.processed_rows, row.total_rows))

    monkeypatch.setattr(ProgressReporter, "update", recording_update)
    rows = [f'M-{i},"Name {i}\non two lines"' for i in range(3)]
    import_id = stored_import(csv_bytes("sku,name", *rows))
    assert runner.run_import(import_id) == "completed"
    counted = shown[[phase for phase, _, _ in shown].index("validating") :]
    assert counted and all(processed == total == 3 for _, processed, total in counted), shown
