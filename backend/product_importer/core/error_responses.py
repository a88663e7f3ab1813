"""Errors no endpoint handles, answered as the contract's errors are: JSON `{"detail"}`.

A database or Redis that cannot be reached is a 503 (with `Retry-After`: the client
may try again shortly), anything else a 500 without internals.
"""

import errno
import logging
import socket

import redis.exceptions
from fastapi import FastAPI, HTTPException, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import Message, Receive, Scope, Send

from product_importer.core.http_middleware import HttpMiddleware
from product_importer.core.pg_errors import sqlstate

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "The database or Redis cannot be reached just now; try again shortly."
# A connection refused, reset, timed out or not made (name or route unknown), or no
# connection free in the pool.
UNREACHABLE = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    PoolTimeout,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
UNREACHABLE_ERRNOS = frozenset({errno.EHOSTUNREACH, errno.ENETUNREACH})
# PostgreSQL that cannot take a session: connection exceptions (class 08), shutting
# down or starting up (57P01-57P03), too many connections (53300).
UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})


def invalid_field(location: tuple[str, str], message: str) -> HTTPException:
    """A 422 shaped as FastAPI's own validation errors: `location` is where the value
    was (`("query", "cursor")`, `("body", "url")`), so clients handle both alike."""
    detail = [{"type": "value_error", "loc": list(location), "msg": message}]
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail)


def try_again_later(detail: str) -> HTTPException:
    """A 503 for something busy just now (not out of reach): `Retry-After` says when."""
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail, retry)


def conflict_for_now(detail: str, retry_after: int) -> HTTPException:
    """A 409 that passes: the resource is busy, and `Retry-After` says when to retry."""
    retry = {"Retry-After": str(retry_after)}
    return HTTPException(status.HTTP_409_CONFLICT, detail, retry)


def _server_state(exc: BaseException) -> str:
    state = sqlstate(exc) if isinstance(exc, DBAPIError) else getattr(exc, "sqlstate", None)
    return state or ""


def is_unreachable(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated or (exc.orig is not None and is_unreachable(exc.orig)):
            return True
    elif isinstance(exc, UNREACHABLE):
        return True
    elif isinstance(exc, OSError):
        return exc.errno in UNREACHABLE_ERRNOS
    state = _server_state(exc)
    return state.startswith("08") or state in UNAVAILABLE_STATES


def _answer(exc: BaseException) -> JSONResponse:
    if is_unreachable(exc):
        return JSONResponse(
            {"detail": UNAVAILABLE},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return JSONResponse({"detail": "Internal server error."}, status_code=500)


def _log(method: str, path: str, exc: BaseException) -> None:
    if is_unreachable(exc):  # an outage, not a bug
        logger.warning("%s %s: %s", method, path, UNAVAILABLE, exc_info=exc)
    else:
        logger.error("%s %s failed", method, path, exc_info=exc)


async def _answer_endpoint_error(request: Request, exc: Exception) -> JSONResponse:
    """A server or connection error raised in an endpoint: answered and logged here."""
    _log(request.method, request.url.path, exc)
    return _answer(exc)


class UnexpectedErrors(HttpMiddleware):
    """Answers any other error raised inside it, before the response has started, and
    logs it. Starlette's own last resort answers outside every middleware: its 500 had
    no security headers and the metrics never counted it."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except Exception as exc:
            if started:  # nothing left to answer with: the server logs it
                raise
            _log(scope["method"], scope["path"], exc)
            await _answer(exc)(scope, receive, send)


async def _answer_unhandled_error(request: Request, exc: Exception) -> JSONResponse:
    """An error in the middleware outside `UnexpectedErrors`: Starlette raises it again
    after this answer, and the server logs it."""
    return _answer(exc)


def add_error_responses(app: FastAPI) -> None:
    for error in (*UNREACHABLE, OSError, DBAPIError):
        app.add_exception_handler(error, _answer_endpoint_error)
    app.add_exception_handler(Exception, _answer_unhandled_error)
