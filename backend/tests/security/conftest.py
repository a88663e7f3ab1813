"""Fixtures for access-control tests: apps running with other settings (tokens on,
tight limits), and rate-limit counters cleared between tests.

The application is imported inside the fixtures: this file may be loaded before the
root conftest has pointed the settings at the test servers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
import redis

ADMIN_TOKEN = "pi_admin-0123456789abcdefghijklmnop"
VIEWER_TOKEN = "pi_viewer-0123456789abcdefghijklmnop"
WRONG_TOKEN = "pi_wrong-0123456789abcdefghijklmnopq"
API_TOKENS = f"catalog-admin:{ADMIN_TOKEN},viewer:{VIEWER_TOKEN}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


ADMIN = bearer(ADMIN_TOKEN)
VIEWER = bearer(VIEWER_TOKEN)

MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture(autouse=True)
def clear_rate_limits() -> Iterator[None]:
    from product_importer.config import get_settings

    client = redis.Redis.from_url(get_settings().redis_url or "")
    try:
        for key in client.scan_iter("ratelimit:*"):
            client.delete(key)
        yield
    finally:
        client.close()


@pytest.fixture
async def make_client() -> AsyncIterator[MakeClient]:
    """`await make_client(api_tokens=..., rate_limit_general=3)`: an async client on the
    app, with those settings in this process until the test ends (the rest as before)."""
    from product_importer.app import create_app
    from product_importer.security import startup
    from tests.settings_helpers import settings_env

    opened: list[tuple[httpx.AsyncClient, Any]] = []
    with ExitStack() as settings:

        async def make(**overrides: Any) -> httpx.AsyncClient:
            values = {name.upper(): str(value) for name, value in overrides.items()}
            settings.enter_context(settings_env(**values))
            app = create_app()
            transport = httpx.ASGITransport(app=app)
            http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
            opened.append((http, app))
            return http

        yield make
        for http, app in opened:
            await http.aclose()
            await startup.close(app)


@pytest.fixture
async def closed(make_client: MakeClient) -> httpx.AsyncClient:
    """The API with two tokens configured (`catalog-admin`, `viewer`), default limits."""
    return await make_client(api_tokens=API_TOKENS)
