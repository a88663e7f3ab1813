"""The OpenAPI `webhooks` section: titles in plain text, markdown in descriptions."""

from __future__ import annotations

from typing import Any

from product_importer.webhooks.event_docs import ENVELOPES, MEANINGS


def _plain_text_fields(node: Any, where: str = "") -> list[tuple[str, str]]:
    """(where, text) of every `summary` and `title`: shown as plain text (ReDoc's
    titles), where markdown's marks would show as they are."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("summary", "title") and isinstance(value, str):
                found.append((f"{where}/{key}", value))
            else:
                found += _plain_text_fields(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _plain_text_fields(value, f"{where}/{index}")
    return found


async def test_event_titles_are_plain_text_and_descriptions_keep_the_markdown(client):
    schema = (await client.get("/openapi.json")).json()
    events = schema["webhooks"]
    assert set(events) == set(MEANINGS)
    marked = [(where, text) for where, text in _plain_text_fields(schema) if "`" in text]
    assert marked == []
    completed = events["import.completed"]["post"]
    assert completed["summary"] == "import.completed"  # found by its name in ReDoc's menu
    assert completed["tags"] == ["webhook events"]
    assert completed["description"].startswith(MEANINGS["import.completed"] + "\n\n")
    assert "`webhook-signature`" in completed["description"]


async def test_each_event_s_example_is_a_body_it_could_have(client):
    """An example from the schema alone showed a completed import as `queued`."""
    events = (await client.get("/openapi.json")).json()["webhooks"]
    for event_type, operations in events.items():
        example = operations["post"]["requestBody"]["content"]["application/json"]["example"]
        envelope = next(m for prefix, m in ENVELOPES.items() if event_type.startswith(prefix))
        assert envelope.model_validate(example).type == event_type
        if event_type.startswith("import."):
            assert example["data"]["status"] == event_type.removeprefix("import.")
