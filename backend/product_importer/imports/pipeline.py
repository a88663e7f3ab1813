"""The worker's import pipeline: stage (parse, validate: `staging`) → wait for its
turn → apply (a rebuild or a merge), in the caller's transaction, in constant memory.
Validation, last-wins de-duplication and the merge are set-based SQL.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from product_importer.imports import rebuild, repository, storage
from product_importer.imports import staging_sql as q
from product_importer.imports.outcomes import OWED_GRACE_SECONDS, GivesWay
from product_importer.imports.priority import FULL_PARALLELISM
from product_importer.imports.progress import (
    FIRST_LOAD,
    Bar,
    Costs,
    ProgressReporter,
    merge_costs,
    rebuild_costs,
)
from product_importer.imports.schemas import WAITING_PHASE
from product_importer.imports.staging import record_errors, stage
from product_importer.imports.staging_sql import StagingSql

# How often an import waiting for earlier ones looks whether they have ended (and
# whether it was cancelled).
EARLIER_IMPORTS_POLL_SECONDS = 0.5


@dataclass
class ImportCounts:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    duplicates_in_file: int = 0

    def as_values(self) -> dict[str, int]:
        return dict(self.__dict__)


def _wait_for_earlier_imports(aux: Connection, import_id: uuid.UUID, counts: ImportCounts,
                              reporter: ProgressReporter) -> bool:  # fmt: skip
    """Imports apply in upload order: wait while one uploaded before this one is
    running; whether it waited. Looked for on `aux` (nothing read here holds a lock an
    earlier import could need) rather than waited for on its claim's lock: holding
    that, even briefly, turns away a worker that claims it again after a restart.
    Each look reports progress, which sees a cancel.

    One owed its turn (lost with its worker, or queued again after giving way) is
    waited for until a worker claims it, for up to `OWED_GRACE_SECONDS`: then
    `GivesWay`, since this wait may hold the worker slot it needs."""
    params = {"import_id": str(import_id)}
    waited = False
    owed_since: float | None = None
    while True:
        running, owed = aux.execute(text(q.EARLIER_IMPORTS), params).one()
        if not running and not owed:
            return waited
        now = time.monotonic()
        owed_since = (owed_since or now) if owed else None
        if owed_since is not None and now - owed_since >= OWED_GRACE_SECONDS:
            raise GivesWay()
        reporter.update(WAITING_PHASE, reporter.progress, counts.total_rows, force=True)
        waited = True
        time.sleep(EARLIER_IMPORTS_POLL_SECONDS)


def _take_merge_lock(cur: Any, aux: Connection, import_id: uuid.UUID, counts: ImportCounts,
                     reporter: ProgressReporter) -> None:  # fmt: skip
    waited = _wait_for_earlier_imports(aux, import_id, counts, reporter)
    cur.execute(q.TRY_MERGE_LOCK)
    if not cur.fetchone()[0]:
        if not waited:
            reporter.update(WAITING_PHASE, reporter.progress, counts.total_rows, force=True)
        cur.execute(q.MERGE_LOCK)
        waited = True
    if waited:
        # The wait ends here: what comes before the merge's first report is work.
        reporter.update("merging", reporter.progress, counts.total_rows, force=True)


def _rebuild(cur: Any, counts: ImportCounts, reporter: ProgressReporter, bar: Bar,
             costs: Costs, winners: str = "import_winners", first_load: bool = False,
             imported: tuple[str, ...] = q.IMPORTED) -> bool:  # fmt: skip
    bar.take(costs, reporter.progress)

    def step(phase: str, fraction: float) -> None:
        reporter.update(phase, bar.applying(fraction),
                        int(counts.total_rows * fraction), force=True)  # fmt: skip

    result = rebuild.rebuild(cur, step, winners, first_load, imported)
    if result is None:
        return False
    counts.created, counts.updated = result
    return True


def _merge(cur: Any, counts: ImportCounts, winners: int, batch_rows: int,
           reporter: ProgressReporter, bar: Bar, merge_batch: str) -> None:  # fmt: skip
    cur.execute(q.INDEX_WINNERS)
    applied_at = q.merge_stamp(cur)
    for after in range(0, winners, batch_rows):
        upto = min(after + batch_rows, winners)
        cur.execute(merge_batch, {"after": after, "upto": upto, "applied_at": applied_at})
        created, updated = cur.fetchone()
        counts.created += created
        counts.updated += updated
        done = upto / winners
        reporter.update("merging", bar.applying(done), int(counts.total_rows * done), force=True)
    cur.execute(q.UNDO_DELETED, {"applied_at": applied_at})
    counts.created -= cur.rowcount


def _scalar(cur: Any, statement: str) -> int:
    cur.execute(statement)
    row = cur.fetchone()
    return int(row[0]) if row else 0


def _apply(cur: Any, sql: StagingSql, counts: ImportCounts, reporter: ProgressReporter,
           bar: Bar, batch_rows: int, workers_beside_readers: int) -> int:  # fmt: skip
    """Apply the staged rows' last-wins winners to the catalog, under the merge lock: a
    rebuild when that is cheaper, else a merge in batches. How many winners there were."""
    first_load = bool(_scalar(cur, q.CATALOG_IS_EMPTY))
    workers = FULL_PARALLELISM if first_load else workers_beside_readers
    cur.execute(q.PARALLEL_WORKERS, {"workers": str(workers)})
    if first_load and _rebuild(
        cur, counts, reporter, bar, FIRST_LOAD, sql.last_wins, first_load=True
    ):
        # A first load: build the catalog straight from the file's last-wins rows.
        return counts.created
    cur.execute(sql.create_winners)
    winners = _scalar(cur, q.COUNT_WINNERS)
    # About half of the check: comparing the winners with the catalog is the rest.
    reporter.update(reporter.phase, bar.checking(0.5), counts.total_rows, force=True)
    imported = sql.imported
    changes = rebuild.count_changes(cur, winners, imported)
    existing = _scalar(cur, rebuild.EXISTING)
    costs = rebuild_costs(existing, winners)
    if not (
        rebuild.worth_rebuilding(existing, changes)
        and _rebuild(cur, counts, reporter, bar, costs, imported=imported)
    ):
        bar.take(merge_costs(changes / max(winners, 1)), reporter.progress)
        _merge(cur, counts, winners, batch_rows, reporter, bar, sql.merge_batch)
    return winners


def _first_costs(catalog_rows: int, file_rows: int) -> Costs:
    """The bar's costs until the import knows its path: the costliest it can take. A
    rebuild only if the file has rows enough to make one worth it (a small file into a
    large catalog is merged: a rebuild's share, scaled by the catalog, held the bar near
    0 % for the whole read); the file's rows are an estimate."""
    if not catalog_rows:
        return FIRST_LOAD
    if rebuild.worth_rebuilding(catalog_rows, file_rows):
        return rebuild_costs(catalog_rows, file_rows)
    return merge_costs(1.0)


def run_pipeline(main: Connection, aux: Connection, import_id: uuid.UUID, file_size: int,
                 reporter: ProgressReporter, batch_rows: int,
                 workers_beside_readers: int) -> ImportCounts:  # fmt: skip
    """Stage, validate and merge the import's file inside `main`'s open transaction.
    Into a catalog that has products, statements use at most `workers_beside_readers`
    parallel workers, so that its readers keep a core."""
    cur = main.connection.cursor()
    cur.execute("SET LOCAL work_mem = '256MB'")
    # Waiting its turn leaves the transaction idle, which some servers are set to end.
    cur.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
    # Asked on `aux` (autocommit): a read of `products` in the import's transaction
    # before it takes the merge lock would hold a lock a rebuilding import's swap waits
    # for, while that import holds the merge lock this one then waits for.
    catalog_rows = aux.execute(text(rebuild.EXISTING)).scalar_one()
    file_rows = storage.estimated_rows(aux, import_id, file_size)
    bar = Bar(_first_costs(catalog_rows, file_rows))
    sql, parsed_by_copy = stage(cur, aux, import_id, file_size, reporter, bar)

    # Once staged, the file is not needed: deleting it here keeps that work (seconds for a
    # large file's TOAST rows) out of a rebuild's exclusive swap, and a rollback keeps it.
    main.execute(repository.delete_file(import_id))
    counts = ImportCounts()
    counts.total_rows = _scalar(cur, sql.count_staged)
    reporter.update("validating", bar.checking(0.0), counts.total_rows, force=True,
                    rows_counted=True, total_rows=counts.total_rows)  # fmt: skip

    counts.skipped = record_errors(cur, sql, import_id, parsed_by_copy)
    _take_merge_lock(cur, aux, import_id, counts, reporter)
    winners = _apply(cur, sql, counts, reporter, bar, batch_rows, workers_beside_readers)
    cur.execute(q.FORGET_DELETIONS)
    cur.execute(sql.drop_table)
    counts.duplicates_in_file = counts.total_rows - counts.skipped - winners
    counts.unchanged = winners - counts.created - counts.updated
    cur.close()
    return counts
