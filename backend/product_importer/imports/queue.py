"""Queue an import for the workers and publish its progress for live viewers."""

import json
import uuid

from product_importer.imports.schemas import ImportRead

RUN_IMPORT_TASK = "product_importer.imports.tasks.run_import"


def channel(import_id: uuid.UUID | str) -> str:
    return f"imports:{import_id}"


def enqueue_import(import_id: uuid.UUID) -> None:
    from product_importer.worker import IMPORTS_QUEUE, celery_app

    celery_app.send_task(RUN_IMPORT_TASK, args=[str(import_id)], queue=IMPORTS_QUEUE)


def progress_message(snapshot: ImportRead) -> str:
    return json.dumps({"event": event_name(snapshot), "data": snapshot.model_dump(mode="json")})


def event_name(snapshot: ImportRead) -> str:
    return (
        snapshot.status if snapshot.status in ("completed", "failed", "cancelled") else "progress"
    )
