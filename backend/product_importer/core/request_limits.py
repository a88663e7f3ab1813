"""Bounds on what a request may make the API hold, and on what its 422 repeats.

A request body (but an upload's, which `MAX_UPLOAD_BYTES` bounds) may be at most
`MAX_BODY_BYTES`, whatever its Content-Type says: the largest valid one (a product
with a 10,000-character description) is a few tens of KB, and the API would otherwise
read any size into memory before validating it. Validation errors repeat a value the
client sent only in part, and as valid text: a 300 MB field came back as a 300 MB
answer, and a lone UTF-16 surrogate made the answer itself fail (a 500). Where the
validator's message would not say what to change (a field the body does not take, a
JSON body sent without saying it is JSON, or not in UTF-8), the 422 says it.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive, Scope, Send

from product_importer.core.http_middleware import HttpMiddleware
from product_importer.core.paths import API_PREFIX, app_path
from product_importer.core.request_bodies import UNKNOWN_FIELD, UNKNOWN_FIELD_MESSAGE

MAX_BODY_BYTES = 1024 * 1024
UPLOADS = frozenset({("POST", f"{API_PREFIX}/imports"), ("POST", f"{API_PREFIX}/upload")})
MAX_ECHOED_CHARS = 200
MAX_ERRORS = 20
TOO_LARGE = f"The request body is larger than {MAX_BODY_BYTES:,} bytes."


class BodyLimit(HttpMiddleware):
    """413 for a body over `MAX_BODY_BYTES`: at once when its `Content-Length` says so,
    else as soon as that much has arrived (a chunked body)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["method"], app_path(scope)) in UPLOADS:
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


def _text(value: str) -> str:
    """At most `MAX_ECHOED_CHARS` of `value`, as text that encodes."""
    if len(value) > MAX_ECHOED_CHARS:
        value = f"{value[:MAX_ECHOED_CHARS]}… ({len(value):,} characters)"
    return value.encode("utf-8", "replace").decode("utf-8")


def _is_json(value: Any) -> bool:
    """False for NaN and Infinity (at any depth), which Python's parser takes from a
    body but JSON has not: an answer repeating them could not be written."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


def _echoable(value: Any) -> Any:
    """What a validation error may repeat of a value the client sent: a string, bytes or
    a container (as its JSON text) shortened to `MAX_ECHOED_CHARS`; NaN or Infinity as
    the text that was sent."""
    if isinstance(value, bytes):
        return _text(value[: MAX_ECHOED_CHARS * 4].decode("utf-8", "replace"))
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, dict | list | tuple):
        plain = jsonable_encoder(value, custom_encoder={bytes: repr})
        encoded = json.dumps(plain)
        return value if len(encoded) <= MAX_ECHOED_CHARS and _is_json(plain) else _text(encoded)
    return value if _is_json(value) else json.dumps(value)


def _explained(error: dict[str, Any], request: Request) -> dict[str, Any]:
    """The error, with a message that says what to change where the validator's would
    not: an unknown field, a JSON body sent without saying it is JSON."""
    if error.get("type") == UNKNOWN_FIELD:
        return {**error, "msg": UNKNOWN_FIELD_MESSAGE}
    content_type = request.headers.get("content-type", "")
    if tuple(error.get("loc", ())) == ("body",) and "json" not in content_type.lower():
        said = f"it said {content_type!r}" if content_type else "it had none"
        msg = f"The body must be JSON, sent with Content-Type: application/json ({said})"
        return {**error, "msg": msg}
    return error


def _error(error: dict[str, Any]) -> dict[str, Any]:
    shortened = {
        key: _echoable(item) if key in ("input", "ctx") else item for key, item in error.items()
    }
    return jsonable_encoder(shortened)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Shortened before encoding: the encoder would decode bytes strictly (a 500 on invalid
    # UTF-8). A list of invalid items gives an error per item: the first ones say enough.
    errors = list(exc.errors())
    detail = [_error(_explained(error, request)) for error in errors[:MAX_ERRORS]]
    if len(errors) > MAX_ERRORS:
        detail.append(
            {
                "type": "too_many_errors",
                "loc": [],
                "msg": f"and {len(errors) - MAX_ERRORS:,} more errors",
            }
        )
    return JSONResponse({"detail": detail}, status_code=422)


async def _body_not_read(request: Request, exc: Exception) -> Response:
    """FastAPI answers a JSON body that is not UTF-8, or nested past the parser's depth,
    with a bare 400 ("There was an error parsing the body"): a 422 that says why (and
    where), as for JSON that does not parse."""
    assert isinstance(exc, HTTPException)
    cause = exc.__cause__
    if exc.status_code != 400:
        return await http_exception_handler(request, exc)
    if isinstance(cause, UnicodeDecodeError):
        msg = f"The body is not UTF-8 text (at byte offset {cause.start}): send JSON in UTF-8"
        loc: list[str | int] = ["body", cause.start]
    elif isinstance(cause, RecursionError):
        msg, loc = "The JSON body is nested too deeply to read", ["body"]
    else:
        return await http_exception_handler(request, exc)
    detail = [{"type": "json_invalid", "loc": loc, "msg": msg}]
    return JSONResponse({"detail": detail}, status_code=422)


def add_validation_errors(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _body_not_read)
