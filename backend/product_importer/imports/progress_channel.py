"""The Redis channel on which a worker publishes an import's progress, and the format of
its messages, for the API's live viewers (`live`). Only a prompter: a viewer that
misses messages polls the database."""

import json
import uuid

from product_importer.imports.schemas import FINAL_STATUSES, ImportRead


def channel(import_id: uuid.UUID | str) -> str:
    return f"imports:{import_id}"


def event_name(snapshot: ImportRead) -> str:
    return snapshot.status if snapshot.status in FINAL_STATUSES else "progress"


def progress_message(snapshot: ImportRead) -> str:
    return json.dumps({"event": event_name(snapshot), "data": snapshot.model_dump(mode="json")})


def snapshot_of(message: str | bytes) -> ImportRead:
    return ImportRead.model_validate(json.loads(message)["data"])
