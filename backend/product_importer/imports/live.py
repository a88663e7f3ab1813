"""Server-Sent Events for one import: progress, then the final event.

Subscribes to the worker's Redis channel before reading the current state, so no
update is missed; falls back to polling the database when the channel is quiet.
A client that subscribes after the end gets the final event at once.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator

import redis.asyncio as aioredis

from product_importer.config import get_settings
from product_importer.db import async_session
from product_importer.imports import service
from product_importer.imports.queue import channel, event_name
from product_importer.imports.schemas import FINAL_STATUSES, ImportRead

POLL_SECONDS = 1.0
KEEPALIVE_SECONDS = 15.0


def event_id(snapshot: ImportRead) -> str:
    return f"{snapshot.status}-{snapshot.processed_rows}-{round(snapshot.progress, 1)}"


def format_event(snapshot: ImportRead) -> str:
    data = json.dumps(snapshot.model_dump(mode="json"))
    return f"id: {event_id(snapshot)}\nevent: {event_name(snapshot)}\ndata: {data}\n\n"


async def _load(import_id: uuid.UUID) -> ImportRead:
    async with async_session() as session:
        return await service.get(session, import_id)


async def import_events(import_id: uuid.UUID, last_event_id: str | None) -> AsyncIterator[str]:
    client = aioredis.from_url(get_settings().redis_url_or_local)
    pubsub = client.pubsub()
    await pubsub.subscribe(channel(import_id))
    try:
        snapshot = await _load(import_id)
        sent = last_event_id
        last_write = time.monotonic()
        while True:
            if event_id(snapshot) != sent or snapshot.status in FINAL_STATUSES:
                yield format_event(snapshot)
                sent = event_id(snapshot)
                last_write = time.monotonic()
            if snapshot.status in FINAL_STATUSES:
                return
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=POLL_SECONDS)
            if message is not None:
                snapshot = ImportRead.model_validate(json.loads(message["data"])["data"])
            else:
                snapshot = await _load(import_id)
            if time.monotonic() - last_write > KEEPALIVE_SECONDS:
                yield ": keepalive\n\n"
                last_write = time.monotonic()
    finally:
        await asyncio.shield(_close(pubsub, client))


async def _close(pubsub: aioredis.client.PubSub, client: aioredis.Redis) -> None:
    await pubsub.unsubscribe()
    await pubsub.aclose()
    await client.aclose()
