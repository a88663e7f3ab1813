"""The OpenAPI document: the answers any endpoint may give besides its own (no token or
a refused one, a rate limit, a body over the limit, a database or Redis out of reach),
described once here instead of on every route."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from product_importer.core.request_limits import TOO_LARGE

EVENTS_TAG = "webhook events"
# The sections of the reference, in this order (ReDoc's menu follows it).
TAGS = [
    {"name": "products", "description": "The catalog: list, search, read, change, export."},
    {"name": "imports", "description": "CSV imports: upload, follow, cancel, skipped rows."},
    {"name": "webhooks", "description": "Endpoints that hear of imports and product changes."},
    {
        "name": EVENTS_TAG,
        "description": "What an endpoint receives: one signed `POST` per event.",
    },
    {"name": "audit", "description": "Who deleted or changed what, and refused tokens."},
    {"name": "downloads", "description": "Single-use links to downloads, for browsers."},
    {"name": "operations", "description": "Health and metrics, for monitoring."},
]
ERROR = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        }
    }
}
REFUSED_TOKEN = "No API token, or not a valid one (only while tokens are configured)."
EVERY_API_ANSWER = {
    "401": REFUSED_TOKEN,
    "429": "Too many requests from this token or address; `Retry-After` says when to retry.",
    "503": "The database or Redis cannot be reached just now; `Retry-After` says when to retry.",
}
BUSY_DOWNLOAD = {
    "description": "As many downloads (exports, error reports) as allowed are being "
    "written, or downloaded, just now (or the database or Redis cannot be reached); "
    "`Retry-After` says when to retry.",
    **ERROR,
}
# The header of an answer that made a resource (201) or took a job (202).
LOCATION = {"Location": {"description": "The path of what was made", "schema": {"type": "string"}}}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds after which trying again may succeed",
        "schema": {"type": "integer"},
    }
}
BODY_ANSWER = {"413": f"{TOO_LARGE} Nothing was changed."}
WRITE_ANSWER = {
    "403": "Sent by a browser from a page on another site (its `Origin`), neither this "
    "server's nor one of CORS_ORIGINS; nothing was changed."
}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
BEARER = "HTTPBearer"  # the scheme `app.bearer` declares


Extension = Callable[[dict[str, Any]], None]


def _add_answers(operation: dict[str, Any], answers: dict[str, str]) -> None:
    responses = operation.setdefault("responses", {})
    for code, description in answers.items():
        responses.setdefault(code, {"description": description, **ERROR})


def _error_bodies(operation: dict[str, Any]) -> None:
    """A route's own error answers (404, 409, 412, an upload's 422…) declared by their
    description alone: their body is the contract's `{"detail": "…"}`."""
    for code, response in operation.get("responses", {}).items():
        if code[0] in "45" and "content" not in response:
            response.update(ERROR)


def common_answers(api_prefix: str, metrics_need_token: bool) -> Extension:
    """Every API operation's 401, 429 and 503 (and 413 with a body, 403 for a write),
    the body of every error answer; `/metrics`' token."""

    def document(schema: dict[str, Any]) -> None:
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                if path.startswith(api_prefix):
                    _add_answers(operation, EVERY_API_ANSWER)
                    if method in WRITE_METHODS:
                        _add_answers(operation, WRITE_ANSWER)
                    if "requestBody" in operation:
                        _add_answers(operation, BODY_ANSWER)
                    _error_bodies(operation)
                elif path == "/metrics" and metrics_need_token:
                    operation["security"] = [{BEARER: []}]
                    _add_answers(operation, {"401": REFUSED_TOKEN})

    return document


def extend_openapi(app: FastAPI, *extensions: Extension) -> None:
    """`app`'s OpenAPI document, as FastAPI builds it, then changed by `extensions`."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()  # FastAPI keeps it as `app.openapi_schema`
            for extend in extensions:
                extend(schema)
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]
