"""Real checks of the parts the product depends on."""

import asyncio
from typing import Literal

import redis.asyncio as aioredis
from pydantic import BaseModel
from sqlalchemy import text

from product_importer.config import get_settings
from product_importer.db import async_engine
from product_importer.worker import celery_app

CHECK_TIMEOUT_SECONDS = 2.0


class HealthRead(BaseModel):
    status: Literal["ok", "degraded", "down"]
    database: str
    redis: str
    workers: int


async def _database() -> str:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), async_engine().connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        return f"error: {exc.__class__.__name__}: {exc}"[:300]
    return "ok"


async def _redis() -> str:
    client = aioredis.from_url(
        get_settings().redis_url_or_local,
        socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
        socket_timeout=CHECK_TIMEOUT_SECONDS,
    )
    try:
        await client.ping()
    except Exception as exc:
        return f"error: {exc.__class__.__name__}: {exc}"[:300]
    finally:
        await client.aclose()
    return "ok"


def _ping_workers() -> int:
    try:
        replies = celery_app.control.ping(timeout=1.0) or []
    except Exception:
        return 0
    return len(replies)


async def _workers() -> int:
    """Workers answering a ping through the broker, within the checks' time limit (a lost
    broker is retried by the client for several seconds: the thread finishes on its own)."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            return await asyncio.to_thread(_ping_workers)
    except TimeoutError:
        return 0


async def check_health() -> HealthRead:
    pinging = asyncio.create_task(_workers())
    database, redis_status = await asyncio.gather(_database(), _redis())
    if redis_status == "ok":
        workers = await pinging
    else:  # Redis is the broker: without it no worker can answer
        pinging.cancel()
        workers = 0
    if database != "ok" or redis_status != "ok":
        status: Literal["ok", "degraded", "down"] = "down"
    else:
        status = "ok" if workers > 0 else "degraded"
    return HealthRead(status=status, database=database, redis=redis_status, workers=workers)
