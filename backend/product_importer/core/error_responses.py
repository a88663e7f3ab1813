"""Errors no endpoint handles, answered as the contract's errors are: JSON `{"detail"}`.

A database or Redis that cannot be reached is a 503 (with `Retry-After`: the client
may try again shortly), anything else a 500 without internals.
"""

import logging

import redis.exceptions
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "The database or Redis cannot be reached just now; try again shortly."
# Connection failures: OSError covers refused, reset and timed-out connections.
UNREACHABLE = (OSError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def is_unreachable(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or isinstance(exc.orig, UNREACHABLE)
    return isinstance(exc, UNREACHABLE)


def _answer(exc: BaseException) -> JSONResponse:
    if is_unreachable(exc):
        return JSONResponse(
            {"detail": UNAVAILABLE},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return JSONResponse({"detail": "Internal server error."}, status_code=500)


async def _in_endpoint(request: Request, exc: Exception) -> JSONResponse:
    if is_unreachable(exc):
        logger.warning("%s %s: %s", request.method, request.url.path, UNAVAILABLE, exc_info=exc)
    else:
        logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return _answer(exc)


async def _anywhere(request: Request, exc: Exception) -> JSONResponse:
    # Starlette logs the exception itself after this answer.
    return _answer(exc)


def add_error_responses(app: FastAPI) -> None:
    for error in (*UNREACHABLE, DBAPIError):
        app.add_exception_handler(error, _in_endpoint)
    app.add_exception_handler(Exception, _anywhere)  # also errors raised in middleware
