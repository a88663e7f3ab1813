"""The OpenAPI document describes the answers the API really gives."""

import re
from collections.abc import Iterator
from typing import Any


async def test_every_operation_on_one_resource_documents_its_404(client):
    schema = (await client.get("/openapi.json")).json()
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        if re.search(r"\{\w+\}", path)
        for method, operation in operations.items()
        if "404" not in operation["responses"]
    ]
    assert undocumented == []


async def test_every_operation_says_what_it_does_in_a_section_of_the_reference(client):
    """Swagger showed no description for the upload (nor its columns, encoding or rules)
    and eleven other operations; ReDoc listed the events, untagged, before the API."""
    schema = (await client.get("/openapi.json")).json()
    operations = [
        (f"{method.upper()} {path}", operation)
        for section in (schema["paths"], schema["webhooks"])
        for path, methods in section.items()
        for method, operation in methods.items()
    ]
    assert [where for where, operation in operations if not operation.get("description")] == []
    sections = [tag["name"] for tag in schema["tags"]]
    untagged = [where for where, op in operations if not set(op.get("tags", [])) & set(sections)]
    assert untagged == []
    assert sections.index("webhook events") > sections.index("webhooks") > 0
    upload = schema["paths"]["/api/v1/imports"]["post"]["description"]
    assert "`sku` 1-64 characters" in upload and "UTF-8" in upload


async def test_patch_documents_which_fields_may_be_null(client):
    """PATCH may leave out any field, but only `description` may be sent as null."""
    schema = (await client.get("/openapi.json")).json()
    fields = schema["components"]["schemas"]["ProductUpdate"]["properties"]
    nullable = {
        name for name, field in fields.items() if {"type": "null"} in field.get("anyOf", [])
    }
    assert nullable == {"description"}
    for name in ("sku", "name", "is_active"):
        answer = await client.post("/api/v1/products", json={"sku": f"N-{name}", "name": "n"})
        patched = await client.patch(f"/api/v1/products/{answer.json()['id']}", json={name: None})
        assert patched.status_code == 422, patched.text


def _api_operations(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each operation under /api/v1, named `METHOD /path`."""
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/"):
            for method, operation in operations.items():
                yield f"{method.upper()} {path}", operation


async def test_every_api_operation_documents_the_answers_any_request_may_get(client):
    """A refused token (401), a rate limit (429), the database or Redis away (503), and
    for a body, the 1 MiB limit (413)."""
    schema = (await client.get("/openapi.json")).json()
    missing = [
        f"{name}: {code}"
        for name, operation in _api_operations(schema)
        for code in ("401", "429", "503", *(["413"] if "requestBody" in operation else []))
        if code not in operation["responses"]
    ]
    assert missing == []
    body_limit = schema["paths"]["/api/v1/products"]["post"]["responses"]["413"]
    assert "1,048,576 bytes" in body_limit["description"]


async def test_every_error_answer_documents_its_body(client):
    """A generated client reads `{"detail": ...}` from every error, the routes' own
    (404, 409, 412, an upload's 422) as much as FastAPI's."""
    schema = (await client.get("/openapi.json")).json()
    bodiless = [
        f"{name}: {code}"
        for name, operation in _api_operations(schema)
        for code, answer in operation["responses"].items()
        if code[0] in "45" and "application/json" not in answer.get("content", {})
    ]
    assert bodiless == []
    upload = schema["paths"]["/api/v1/imports"]["post"]["responses"]["422"]
    detail = upload["content"]["application/json"]["schema"]["properties"]["detail"]
    assert detail == {"type": "string"}


async def test_swagger_sends_the_token_to_metrics(client):
    metrics = (await client.get("/openapi.json")).json()["paths"]["/metrics"]["get"]
    assert metrics["security"] == [{"HTTPBearer": []}] and "401" in metrics["responses"]


async def test_every_event_is_documented_with_its_payload_and_signature_headers(client):
    from product_importer.webhooks.events import EVENT_TYPES

    schema = (await client.get("/openapi.json")).json()
    assert set(schema["webhooks"]) == {*EVENT_TYPES, "webhook.test"}
    data_of = {}
    for event_type, operations in schema["webhooks"].items():
        operation = operations["post"]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        envelope = schema["components"]["schemas"][body.rsplit("/", 1)[1]]
        types = envelope["properties"]["type"]
        assert event_type in types.get("enum", [types.get("const")])
        data_of[event_type] = envelope["properties"]["data"]
    assert data_of["import.cancelled"] == {"$ref": "#/components/schemas/ImportRead"}
    assert data_of["product.deleted"] == {"$ref": "#/components/schemas/ProductRead"}
    test = schema["webhooks"]["webhook.test"]["post"]["description"]
    assert "never retried" in test and "sent again" not in test
    assert (
        "sent again (same `webhook-id`)"
        in schema["webhooks"]["import.failed"]["post"]["description"]
    )


async def test_answers_that_are_not_json_document_their_format(client):
    paths = (await client.get("/openapi.json")).json()["paths"]
    stream = paths["/api/v1/imports/{import_id}/events"]["get"]["responses"]["200"]
    assert "text/event-stream" in stream["content"]
    for event in ("progress", "completed", "failed", "cancelled", "Last-Event-ID"):
        assert event in stream["description"]
    metrics = paths["/metrics"]["get"]["responses"]["200"]
    assert "text/plain" in metrics["content"]
