"""The events an endpoint receives, in the OpenAPI document's `webhooks` section: one
signed `POST` per event, its body the contract's envelope `{id, type, created_at, data}`."""

from datetime import datetime
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
                            "schema": {"$ref": SCHEMAS + _envelope_of(event_type).__name__}
                        }
                    },
                },
                "responses": {"200": {"description": "Received (any 2xx will do)"}},
            }
        }
        for event_type in (*EVENT_TYPES, TEST_EVENT_TYPE)
    }
