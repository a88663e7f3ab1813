"""Server-Sent Events for one import: progress, then the final event.

Subscribes to the worker's Redis channel before reading the current state, so no
update is missed; falls back to polling the database when the channel is quiet, and
for the rest of the stream once Redis cannot be reached (it only makes updates
prompter). A client that subscribes after the end gets the final event at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from product_importer.config import get_settings
from product_importer.db import async_session
from product_importer.imports import service
from product_importer.imports.progress_channel import channel, event_name, snapshot_of
from product_importer.imports.schemas import FINAL_STATUSES, ImportRead

logger = logging.getLogger(__name__)
POLL_SECONDS = 1.0
# A comment this often while nothing changes (a second or so later, after a poll): the UI
# takes 15 s of silence (two missed, and more) for a stream that stopped, and says its
# view may be out of date.
KEEPALIVE_SECONDS = 5.0


def event_id(snapshot: ImportRead) -> str:
    # The phase too: a wait that ends (or a rebuild that starts) keeps progress and rows;
    # the run too (when it started): a restarted import, or one that gave way and runs
    # again, can come back to the same rows and phase.
    progress = round(snapshot.progress, 1)
    state = f"{snapshot.status}-{snapshot.processed_rows}-{progress}-{snapshot.phase}"
    started = snapshot.started_at.timestamp() if snapshot.started_at else 0
    return f"{state}-{snapshot.attempts}-{started:.6f}"


def format_event(snapshot: ImportRead) -> str:
    data = json.dumps(snapshot.model_dump(mode="json"))
    return f"id: {event_id(snapshot)}\nevent: {event_name(snapshot)}\ndata: {data}\n\n"


async def _load(import_id: uuid.UUID) -> ImportRead:
    async with async_session() as session:
        return await service.get(session, import_id)


class _Channel:
    """The import's Redis channel while Redis answers; once it does not, nothing (the
    stream then polls the database)."""

    def __init__(self, import_id: uuid.UUID) -> None:
        self.import_id = import_id
        self._client: aioredis.Redis | None = aioredis.from_url(get_settings().redis_url_or_local)
        self._pubsub = self._client.pubsub()

    async def subscribe(self) -> None:
        try:
            await self._pubsub.subscribe(channel(self.import_id))
        except (RedisError, OSError):
            await self._lost()

    async def next_snapshot(self) -> ImportRead | None:
        """The next published state within POLL_SECONDS, or None."""
        if self._client is None:
            await asyncio.sleep(POLL_SECONDS)
            return None
        try:
            message = await self._pubsub.get_message(
                ignore_subscribe_messages=True, timeout=POLL_SECONDS
            )
        except (RedisError, OSError):
            await self._lost()
            return None
        if message is None:
            return None
        return snapshot_of(message["data"])

    async def _lost(self) -> None:
        logger.warning("import %s: Redis unreachable, events polled", self.import_id)
        await self.close()

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            await self._pubsub.aclose()
            await client.aclose()
        except (RedisError, OSError):
            pass


async def import_events(import_id: uuid.UUID, last_event_id: str | None) -> AsyncIterator[str]:
    updates = _Channel(import_id)
    try:
        await updates.subscribe()
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
            snapshot = await updates.next_snapshot() or await _load(import_id)
            if time.monotonic() - last_write > KEEPALIVE_SECONDS:
                yield ": keepalive\n\n"
                last_write = time.monotonic()
    finally:
        await asyncio.shield(updates.close())
