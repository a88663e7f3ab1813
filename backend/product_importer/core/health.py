"""Real checks of the parts the product depends on."""

import asyncio
from typing import Literal

import redis.asyncio as aioredis
from pydantic import BaseModel, Field
from sqlalchemy import text

from product_importer.config import get_settings
from product_importer.db import async_engine
from product_importer.worker import IMPORTS_QUEUE, WEBHOOKS_QUEUE, celery_app

CHECK_TIMEOUT_SECONDS = 2.0


class HealthRead(BaseModel):
    status: Literal["ok", "degraded", "down"]
    database: str
    redis: str
    workers: int
    queues: dict[str, int] = Field(
        description="Workers taking tasks from each queue (`imports`, `webhooks`): "
        "`degraded` while one has none"
    )


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


def _ask_workers() -> dict[str, list[str]]:
    """Each worker that answered, with the queues it takes tasks from."""
    try:
        replies = celery_app.control.inspect(timeout=1.0).active_queues() or {}
    except Exception:
        return {}
    return {name: [queue["name"] for queue in queues or []] for name, queues in replies.items()}


async def _workers() -> dict[str, list[str]]:
    """The workers' answers through the broker, within the checks' time limit (a lost
    broker is retried by the client for several seconds: the thread finishes on its own)."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            return await asyncio.to_thread(_ask_workers)
    except TimeoutError:
        return {}


async def check_health() -> HealthRead:
    pinging = asyncio.create_task(_workers())
    database, redis_status = await asyncio.gather(_database(), _redis())
    if redis_status == "ok":
        workers = await pinging
    else:  # Redis is the broker: without it no worker can answer
        pinging.cancel()
        workers = {}
    queues = {
        queue: sum(queue in taken for taken in workers.values())
        for queue in (IMPORTS_QUEUE, WEBHOOKS_QUEUE)
    }
    if database != "ok" or redis_status != "ok":
        status: Literal["ok", "degraded", "down"] = "down"
    else:  # a queue nobody takes tasks from: its imports or deliveries wait for ever
        status = "ok" if all(queues.values()) else "degraded"
    return HealthRead(
        status=status, database=database, redis=redis_status, workers=len(workers), queues=queues
    )
