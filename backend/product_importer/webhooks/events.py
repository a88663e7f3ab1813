"""The outbox: events are recorded in the same transaction as the change.

`record_event` builds one Core INSERT that the API's async session and a worker's
sync session both execute, so the change and its event commit (or not) together.
"""

import uuid
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from sqlalchemy import Insert, func, insert

from product_importer.webhooks.models import OutboxEvent

EventType = Literal[
    "import.completed",
    "import.failed",
    "import.cancelled",
    "product.created",
    "product.updated",
    "product.deleted",
    "products.deleted_all",
]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
TEST_EVENT_TYPE = "webhook.test"


def new_event_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def event_payload(event_id: str, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """The contract's envelope: `{id, type, created_at, data}`."""
    return {
        "id": event_id,
        "type": event_type,
        # As pydantic writes the timestamps in `data`: `Z`, not `+00:00`.
        "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "data": data,
    }


def record_event(event_type: str, data: dict[str, Any]) -> Insert:
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    event_id = new_event_id()
    return insert(OutboxEvent).values(
        id=event_id,
        type=event_type,
        payload=event_payload(event_id, event_type, data),
        # When it is written, just before its change commits, not when that transaction
        # began (an import's, minutes before): endpoints created or enabled meanwhile
        # receive it (`Webhook.receives_since`).
        created_at=func.clock_timestamp(),
    )
