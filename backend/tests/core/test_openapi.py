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
