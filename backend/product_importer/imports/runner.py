"""Run one import from a worker: claim it, run the pipeline in one transaction,
then record how it ended (with its `import.*` event in the same transaction).

The claim is a PostgreSQL advisory lock held by the worker's connection for the
whole run: a second delivery of the same import finds it held and does nothing,
and a worker that dies releases it with its connection, so the redelivered task
can start over (nothing of the dead attempt was committed).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import Connection, Row, func, text

from product_importer.config import get_settings
from product_importer.db import sync_engine
from product_importer.imports import claims, repository
from product_importer.imports.cancel_watch import CancelWatch, backend_pid
from product_importer.imports.csv_rules import FileRejected
from product_importer.imports.models import Import
from product_importer.imports.outcomes import GIVE_WAY_SECONDS, GivesWay, ImportCancelled
from product_importer.imports.pipeline import ImportCounts, run_pipeline
from product_importer.imports.priority import BackgroundPriority, workers_beside_readers
from product_importer.imports.progress import ProgressReporter
from product_importer.imports.queue import enqueue_import
from product_importer.imports.schemas import ACTIVE_STATUSES, WAITING_PHASE, ImportRead
from product_importer.webhooks.events import record_event
from product_importer.webhooks.wakeup import request_dispatch

logger = logging.getLogger(__name__)


def _claim(main: Connection, aux: Connection, import_id: uuid.UUID, worker: str) -> Row[Any] | None:
    """Take the import if it still needs running and nobody alive is running it."""
    if not main.execute(text(claims.TAKE), {"id": str(import_id)}).scalar():
        main.commit()
        return None
    main.commit()
    record = aux.execute(repository.by_id(import_id)).one_or_none()
    if record is None or record.status not in ACTIVE_STATUSES:
        return None
    max_attempts = get_settings().import_max_attempts
    if record.status == "running" and record.attempts >= max_attempts:
        if record.cancel_requested:  # the worker died after the cancel: it is one
            _finish_unapplied(import_id, "cancelled")
            return None
        _finish_unapplied(
            import_id,
            "failed",
            error_kind="system",
            error=f"The worker running this import stopped unexpectedly {record.attempts} times; "
            "nothing was applied. Upload the file again to retry.",
        )
        return None
    # Only if still active: a cancel may have committed since the row was read.
    return aux.execute(
        repository.set_values(
            import_id,
            status="running",
            phase="reading",
            attempts=record.attempts + 1,
            started_at=func.now(),
            heartbeat_at=func.now(),
            worker=worker,
            progress=0,
            processed_rows=0,
            total_rows=None,
            rows_per_second=None,
        )
        .where(Import.status.in_(ACTIVE_STATUSES))
        .returning(Import)
    ).one_or_none()


def _release(main: Connection, import_id: uuid.UUID) -> None:
    try:
        main.execute(text(claims.RELEASE), {"id": str(import_id)})
        main.commit()
    except Exception:  # a broken connection has released it already
        logger.warning("could not release the import lock", exc_info=True)
        main.invalidate()


def _final_values(status: str, **values: Any) -> dict[str, Any]:
    # clock_timestamp(): now() is when the import's transaction began, not when it ended.
    return {"status": status, "phase": status, "finished_at": func.clock_timestamp(), **values}


def _complete(main: Connection, import_id: uuid.UUID, counts: ImportCounts,
              reporter: ProgressReporter) -> ImportRead:  # fmt: skip
    """Record the outcome in the import's transaction, unless a cancel was asked for
    before: then `ImportCancelled` (the transaction rolls back). The row stays locked
    until the commit, so a cancel asked for meanwhile waits and finds it ended."""
    record = main.execute(
        repository.set_values(
            import_id,
            **_final_values(
                "completed",
                progress=100,
                processed_rows=counts.total_rows,
                rows_per_second=round(counts.total_rows / reporter.working_seconds, 1),
                waited_seconds=round(reporter.waited_seconds, 1),
                **counts.as_values(),
            ),
        )
        .where(Import.cancel_requested.is_(False))
        .returning(Import)
    ).one_or_none()
    if record is None:
        raise ImportCancelled()
    snapshot = ImportRead.model_validate(record)
    main.execute(record_event("import.completed", snapshot.model_dump(mode="json")))
    return snapshot


def _finish_unapplied(import_id: uuid.UUID, status: str, **values: Any) -> ImportRead:
    """End an import that applied nothing (failed or cancelled): its final state, its
    event and the deletion of its stored file commit together."""
    with sync_engine().begin() as conn:
        conn.execute(repository.delete_file(import_id))
        record = conn.execute(
            repository.set_values(import_id, **_final_values(status, **values)).returning(Import)
        ).one()
        snapshot = ImportRead.model_validate(record)
        conn.execute(record_event(f"import.{status}", snapshot.model_dump(mode="json")))
    request_dispatch()
    return snapshot


def _back_to_the_queue(import_id: uuid.UUID) -> ImportRead:
    """Queued again as if this attempt had not begun (it applied nothing), unless a
    cancel was asked for meanwhile; in the waiting phase, which later imports wait for
    as they wait for one that is running."""
    # `heartbeat_at`: when it was queued again, which the sweep counts its wait from.
    unbegun = {"status": "queued", "phase": WAITING_PHASE, "attempts": Import.attempts - 1,
               "started_at": None, "heartbeat_at": func.now(), "worker": None, "progress": 0,
               "processed_rows": 0, "total_rows": None, "rows_per_second": None}  # fmt: skip
    with sync_engine().begin() as conn:
        record = conn.execute(
            repository.set_values(import_id, **unbegun)
            .where(Import.status == "running", Import.cancel_requested.is_(False))
            .returning(Import)
        ).one_or_none()
        if record is None:  # a cancel was asked for, or another worker ended it
            record = conn.execute(repository.by_id(import_id)).one()
    if record.status == "running":  # a cancel was asked for
        return _finish_unapplied(import_id, "cancelled")
    return ImportRead.model_validate(record)  # queued again, or ended by another worker


def _outcome(main: Connection, aux: Connection, import_id: uuid.UUID, file_size: int,
             reporter: ProgressReporter, priority: BackgroundPriority) -> ImportRead:  # fmt: skip
    """Run a claimed import to its end and record how it ended."""
    settings = get_settings()
    try:
        with main.begin(), priority:
            with CancelWatch(import_id, backend_pid(main)):
                counts = run_pipeline(
                    main, aux, import_id, file_size, reporter,
                    settings.import_batch_rows,
                    workers_beside_readers(settings.import_parallel_workers),
                )  # fmt: skip
            final = _complete(main, import_id, counts, reporter)
        request_dispatch()
    except ImportCancelled:
        final = _finish_unapplied(import_id, "cancelled")
    except GivesWay:
        final = _back_to_the_queue(import_id)
    except FileRejected as exc:
        final = _finish_unapplied(import_id, "failed", error_kind="file", error=str(exc))
    except Exception as exc:
        logger.exception("import %s failed", import_id)
        final = _finish_unapplied(
            import_id,
            "failed",
            error_kind="system",
            error=f"The import failed: {exc}".strip()[:2000],
        )
    return final


def _run_claimed(main: Connection, aux: Connection, import_id: uuid.UUID, file_size: int,
                 reporter: ProgressReporter) -> ImportRead:  # fmt: skip
    """Run a claimed import to its end, publish its final state, release the claim."""
    priority = BackgroundPriority(get_settings().import_nice, main, aux)
    try:
        final = _outcome(main, aux, import_id, file_size, reporter, priority)
        # Before the claim goes: a worker claiming the import next (one that gave way
        # runs again) publishes after this, never before.
        reporter.publish(final)
    finally:
        _release(main, import_id)
        if priority.lowered:  # never hand a reniced backend back to the pool
            main.invalidate()
            aux.invalidate()
    return final


def run_import(import_id: uuid.UUID, worker: str = "worker") -> str:
    """Run the import if it needs running; return how it ended (or why it was skipped)."""
    engine = sync_engine()
    with engine.connect() as main, engine.connect() as aux_conn:
        aux = aux_conn.execution_options(isolation_level="AUTOCOMMIT")
        try:
            record = _claim(main, aux, import_id, worker)
        except Exception:  # a pooled connection would keep the claim: nobody could retry it
            _release(main, import_id)
            raise
        if record is None:
            _release(main, import_id)
            return "skipped"
        reporter = ProgressReporter(aux, import_id)
        try:
            final = _run_claimed(main, aux, import_id, record.file_size, reporter)
        finally:
            reporter.close()
    if final.status == "queued":
        # Run again once the earlier import's restart has taken the slot this one left.
        enqueue_import(import_id, countdown=GIVE_WAY_SECONDS)
        logger.info(
            "import %s gives way to an earlier import waiting for a worker: queued again",
            import_id,
        )
        return "gave way"
    _log_outcome(final)
    return final.status


def _log_outcome(final: ImportRead) -> None:
    """How the import ended, by its id: Celery's own line names neither (only its task)."""
    if final.status == "failed":
        logger.warning("import %s failed (%s): %s", final.id, final.error_kind, final.error)
        return
    logger.info(
        "import %s %s: %d rows, %d created, %d updated, %d unchanged, %d skipped",
        final.id, final.status, final.processed_rows, final.created, final.updated,
        final.unchanged, final.skipped,
    )  # fmt: skip
