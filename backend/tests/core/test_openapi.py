"""The OpenAPI document describes the answers the API really gives."""

import re


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
