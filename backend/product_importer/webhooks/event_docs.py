"""The events an endpoint receives, in the OpenAPI document's `webhooks` section: one
signed `POST` per event, its body the contract's envelope `{id, type, created_at, data}`."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from product_importer.core.openapi import EVENTS_TAG
from product_importer.imports.schemas import ImportRead
from product_importer.products.schemas import ProductRead
from product_importer.webhooks.events import EVENT_TYPES, TEST_EVENT_TYPE

SIGNED = (
    "Signed as the Standard Webhooks specification says: `webhook-signature` is `v1,` and the "
    "base64 HMAC-SHA256 "
    "of `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded part of the "
    "endpoint's `secret` after `whsec_`; after a secret rotation it holds one such signature "
    "per secret, space-separated, and any one that verifies will do. Any Standard Webhooks "
    "library verifies it."
)
ANSWER = (
    "Answer 2xx within `WEBHOOK_TIMEOUT_SECONDS` (10 s by default), else the event is sent "
    "again (same `webhook-id`)."
)
TEST_ANSWER = "Sent once, never retried: its answer is shown to whoever sent the test."
MEANINGS = {
    "import.completed": "An import completed; `data` is the import with its counts.",
    "import.failed": "An import failed and applied nothing; `data.error` says why.",
    "import.cancelled": "An import was cancelled and applied nothing.",
    "product.created": "A product was created through the API; `data` is the product.",
    "product.updated": "A product was changed through the API; `data` is the product after.",
    "product.deleted": "A product was deleted through the API; `data` is the product before "
    "(its `updated_at` is the one its last change had: when ordering a product's events by "
    "it, a delete wins a tie).",
    "products.deleted_all": "Every product was deleted; `data.deleted` says how many.",
    TEST_EVENT_TYPE: "A test sent from the API or the UI (`POST /webhooks/{id}/test`).",
}


class _Envelope(BaseModel):
    id: str = Field(description="The event's id, the same on every retry: drop duplicates by it")
    created_at: datetime


class ImportEvent(_Envelope):
    type: Literal["import.completed", "import.failed", "import.cancelled"]
    data: ImportRead


class ProductEvent(_Envelope):
    type: Literal["product.created", "product.updated", "product.deleted"]
    data: ProductRead


class DeletedAll(BaseModel):
    deleted: int


class DeletedAllEvent(_Envelope):
    type: Literal["products.deleted_all"]
    data: DeletedAll


class TestEvent(_Envelope):
    type: Literal["webhook.test"]
    data: dict[str, Any]


ENVELOPES: dict[str, type[_Envelope]] = {
    "import.": ImportEvent,
    "product.": ProductEvent,
    "products.": DeletedAllEvent,
    "webhook.": TestEvent,
}
HEADERS = [
    {
        "name": name,
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": text,
    }
    for name, text in (
        ("webhook-id", "The event's id"),
        ("webhook-timestamp", "When it was signed, in Unix seconds"),
        ("webhook-signature", "`v1,<base64 signature>`, one per secret, space-separated"),
    )
]
SCHEMAS = "#/components/schemas/"


# Each event's example body, made of the models the API answers with, so that it is one
# they could send (a sample from the schema alone showed a completed import "queued").
_AT = datetime(2026, 12, 7, 9, 30, 4, 512000, tzinfo=UTC)
_COMPLETED = ImportRead(
    id=uuid.UUID("0b7e4f6c-5d1a-4c1e-9a43-2f0d8c6b1e57"), filename="products.csv",
    status="completed", phase="completed", file_size=53_406_543, total_rows=500_000,
    processed_rows=500_000, created=475_021, updated=0, unchanged=0, skipped=0,
    duplicates_in_file=24_979, progress=100, rows_per_second=126_342.1, waited_seconds=0,
    error=None, warnings=[], cancel_requested=False, attempts=1,
    created_at=_AT - timedelta(seconds=4.3), started_at=_AT - timedelta(seconds=4.0),
    finished_at=_AT,
)  # fmt: skip
_UNAPPLIED = {"created": 0, "duplicates_in_file": 0, "progress": 31.4, "rows_per_second": None}
_PRODUCT = ProductRead(
    id=1042, sku="ABC-12345-XY", name="Stainless Kettle", description="1.7 l, auto shut-off",
    is_active=True, created_at=_AT - timedelta(days=3), updated_at=_AT,
)  # fmt: skip
_FAILED = _COMPLETED.model_copy(
    update={
        **_UNAPPLIED, "status": "failed", "phase": "failed", "processed_rows": 300_000,
        "total_rows": None, "error_kind": "file",
        "error": "The file is not UTF-8 text: invalid byte 0xE9 at byte 32071210 (line "
        "300001). Save it as UTF-8 and upload it again.",
    }
)  # fmt: skip
_CANCELLED = _COMPLETED.model_copy(
    update={
        **_UNAPPLIED, "status": "cancelled", "phase": "cancelled", "processed_rows": 157_000,
        "total_rows": None, "cancel_requested": True,
    }
)  # fmt: skip
EXAMPLE_DATA: dict[str, Any] = {
    "import.completed": _COMPLETED,
    "import.failed": _FAILED,
    "import.cancelled": _CANCELLED,
    "product.created": _PRODUCT.model_copy(update={"created_at": _AT}),
    "product.updated": _PRODUCT,
    "product.deleted": _PRODUCT,
    "products.deleted_all": DeletedAll(deleted=475_021),
    TEST_EVENT_TYPE: {"webhook_id": 3, "message": "This is a test event."},
}


def _example(event_type: str) -> dict[str, Any]:
    data = EXAMPLE_DATA[event_type]
    return {
        "id": "msg_5f0c1c2e9d8b4a7f8e6d5c4b3a291807",
        "type": event_type,
        "created_at": _AT.isoformat().replace("+00:00", "Z"),
        "data": data.model_dump(mode="json") if isinstance(data, BaseModel) else data,
    }


def _envelope_of(event_type: str) -> type[_Envelope]:
    return next(model for prefix, model in ENVELOPES.items() if event_type.startswith(prefix))


def document_events(schema: dict[str, Any]) -> None:
    """Add the `webhooks` section, and the envelopes' schemas as the API answers them (a
    product in an event is the product of `GET /products/{id}`)."""
    _, definitions = models_json_schema(
        [(model, "serialization") for model in ENVELOPES.values()],
        ref_template=SCHEMAS + "{model}",
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in definitions["$defs"].items():
        components.setdefault(name, definition)
    schema["webhooks"] = {
        event_type: {
            "post": {
                "summary": event_type,
                "tags": [EVENTS_TAG],
                "description": f"{MEANINGS[event_type]}\n\n{SIGNED} "
                + (TEST_ANSWER if event_type == TEST_EVENT_TYPE else ANSWER),
                "operationId": f"event_{event_type.replace('.', '_')}",
                "parameters": HEADERS,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": SCHEMAS + _envelope_of(event_type).__name__},
                            "example": _example(event_type),
                        }
                    },
                },
                "responses": {"200": {"description": "Received (any 2xx will do)"}},
            }
        }
        for event_type in (*EVENT_TYPES, TEST_EVENT_TYPE)
    }
