"""Errors no endpoint handles are JSON like the contract's: 503 while the database
cannot be reached (a client may retry), 500 without internals otherwise."""

import errno
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import redis.asyncio
from sqlalchemy.exc import DBAPIError
from starlette.types import Receive, Scope, Send

from product_importer import db
from product_importer.app import create_app
from product_importer.core import metrics
from product_importer.core.error_responses import UNAVAILABLE, UnexpectedErrors, is_unreachable
from product_importer.embedded import free_port
from product_importer.products import list_service
from product_importer.security.headers import APP_CSP
from tests.settings_helpers import settings_env


@asynccontextmanager
async def _client() -> AsyncIterator[httpx.AsyncClient]:
    # Errors raised outside endpoints are re-raised after their answer, for the server's log.
    transport = httpx.ASGITransport(app=create_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_a_database_lost_while_serving_is_a_json_503():
    nobody = f"postgresql://catalog@127.0.0.1:{free_port()}/catalog"
    async with _client() as http:
        assert (await http.get("/api/v1/products")).status_code == 200  # tokens checked
        await db.dispose_engines()
        try:
            with settings_env(DATABASE_URL=nobody, DB_CONNECT_TIMEOUT_SECONDS="2"):
                answers = [await http.get(path) for path in ("/api/v1/products", "/api/v1/imports")]
                await db.dispose_engines()
        finally:
            await db.dispose_engines()
    for answer in answers:
        assert answer.status_code == 503, answer.text
        assert answer.json() == {"detail": UNAVAILABLE}
        assert answer.headers["retry-after"] == "5"


async def test_an_unexpected_error_is_a_json_500_without_internals(monkeypatch):
    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(list_service, "list_products", broken)
    async with _client() as http:
        answer = await http.get("/api/v1/products")
    assert answer.status_code == 500
    assert answer.json() == {"detail": "Internal server error."}


async def test_a_500_carries_the_security_headers_and_is_counted(monkeypatch):
    """The answer to an unexpected error passes through the same middleware as any
    other: it has the security headers, and the metrics count it."""

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals")

    def served_500s() -> float:
        labels = {"method": "GET", "route": "/api/v1/products", "status": "500"}
        return metrics.registry.get_sample_value("http_requests_total", labels) or 0.0

    monkeypatch.setattr(list_service, "list_products", broken)
    before = served_500s()
    async with _client() as http:
        answer = await http.get("/api/v1/products")
    assert answer.status_code == 500
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-security-policy"] == APP_CSP
    assert served_500s() == before + 1


async def test_health_documents_its_503(client):
    schema = (await client.get("/openapi.json")).json()
    assert set(schema["paths"]["/health"]["get"]["responses"]) >= {"200", "503"}


def test_only_lost_connections_and_unavailable_servers_count_as_unreachable():
    class ServerError(Exception):
        def __init__(self, state: str) -> None:
            self.sqlstate = state

    def wrapped(orig: Exception) -> DBAPIError:
        return DBAPIError("SELECT 1", None, orig)

    unreachable = [
        ConnectionRefusedError(),
        TimeoutError(),
        OSError(errno.EHOSTUNREACH, "no route"),
        wrapped(ConnectionResetError()),
        wrapped(ServerError("57P03")),  # starting up
        wrapped(ServerError("08006")),  # connection failure
        ServerError("53300"),  # too many connections, raised while connecting
    ]
    reachable = [
        FileNotFoundError(),
        PermissionError(),
        OSError(errno.ENOSPC, "disk full"),
        wrapped(ServerError("23505")),  # a unique violation
        RuntimeError(),
    ]
    assert [is_unreachable(exc) for exc in unreachable] == [True] * len(unreachable)
    assert [is_unreachable(exc) for exc in reachable] == [False] * len(reachable)


async def test_an_outage_raised_in_a_middleware_is_logged_as_an_endpoints_is(caplog):
    """Redis (or the database) out, seen by a middleware: the same 503 as in an endpoint,
    logged as the same warning, not as an error of the application."""

    async def needs_redis(scope: Scope, receive: Receive, send: Send) -> None:
        client = redis.asyncio.Redis(port=free_port(), socket_connect_timeout=2)
        try:
            await client.ping()
        finally:
            await client.aclose()

    caplog.set_level(logging.WARNING, logger="product_importer.core.error_responses")
    transport = httpx.ASGITransport(app=UnexpectedErrors(needs_redis))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        answer = await http.get("/api/v1/products")
    assert answer.status_code == 503
    assert answer.json() == {"detail": UNAVAILABLE}
    logged = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert logged == [("WARNING", f"GET /api/v1/products: {UNAVAILABLE}")]
