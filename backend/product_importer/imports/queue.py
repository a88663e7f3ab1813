"""Queue an import for the workers."""

import logging
import uuid

logger = logging.getLogger(__name__)

RUN_IMPORT_TASK = "product_importer.imports.tasks.run_import"


def enqueue_import(import_id: uuid.UUID, countdown: float | None = None) -> bool:
    """Ask a worker to run the import (`countdown` seconds from now); whether the broker
    took the task. Called once the import is committed: if the broker cannot take it,
    the import stays queued and the workers' sweep sends it again, so the upload still
    succeeds."""
    from product_importer.worker import IMPORTS_QUEUE, celery_app

    try:
        celery_app.send_task(
            RUN_IMPORT_TASK, args=[str(import_id)], queue=IMPORTS_QUEUE, countdown=countdown
        )
    except Exception as exc:  # a line: with Redis away, every upload would log a traceback
        message = "could not queue import %s (the sweep sends it again): %s: %s"
        logger.warning(message, import_id, type(exc).__name__, exc)
        return False
    return True
