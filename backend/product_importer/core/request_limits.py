"""Bounds on what a request may make the API hold, and on what its 422 repeats.

A request body (but an upload's, which `MAX_UPLOAD_BYTES` bounds) may be at most
`MAX_BODY_BYTES`, whatever its Content-Type says: the largest valid one (a product
with a 10,000-character description) is a few tens of KB, and the API would otherwise
read any size into memory before validating it. Validation errors repeat a value the
client sent only in part, and as valid text: a 300 MB field came back as a 300 MB
answer, and a lone UTF-16 surrogate made the answer itself fail (a 500).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from product_importer.core.paths import app_path

MAX_BODY_BYTES = 1024 * 1024
UPLOADS = frozenset({("POST", "/api/v1/imports"), ("POST", "/api/v1/upload")})
MAX_ECHOED_CHARS = 200
TOO_LARGE = f"The request body is larger than {MAX_BODY_BYTES:,} bytes."


class BodyLimit:
    """413 for a body over `MAX_BODY_BYTES`: at once when its `Content-Length` says so,
    else as soon as that much has arrived (a chunked body)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], app_path(scope)) in UPLOADS:
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            await JSONResponse({"detail": TOO_LARGE}, status_code=413)(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY_BYTES:
                # An HTTPException: the body's reader passes it on as it is.
                raise HTTPException(413, TOO_LARGE)
            return message

        await self.app(scope, counting_receive, send)


def _echoable(value: Any) -> Any:
    """`value` as a validation error may repeat it: short, and text that encodes."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        if len(value) > MAX_ECHOED_CHARS:
            value = f"{value[:MAX_ECHOED_CHARS]}… ({len(value):,} characters)"
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {key: _echoable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_echoable(item) for item in value]
    return value


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Shortened first: the encoder would decode bytes strictly (a 500 on invalid UTF-8).
    return JSONResponse({"detail": jsonable_encoder(_echoable(exc.errors()))}, status_code=422)


def add_validation_errors(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
