"""Real checks of the parts the product depends on."""

import asyncio
import logging
import math
import threading
import time
from concurrent.futures import Future
from typing import Literal

import redis.asyncio as aioredis
from pydantic import BaseModel, Field
from sqlalchemy import text

from product_importer.config import get_settings
from product_importer.db import async_engine
from product_importer.worker import IMPORTS_QUEUE, WEBHOOKS_QUEUE, celery_app

log = logging.getLogger("uvicorn.error")  # the server log, as the API's own messages

CHECK_TIMEOUT_SECONDS = 2.0
# The inspect waits this long for late answers, so asking the workers always takes it.
INSPECT_TIMEOUT_SECONDS = 1.0
BROKER_SOCKET_SECONDS = 3.0
# A request shows the workers' last census when it is at most this old (deployment.md).
CENSUS_MAX_AGE_SECONDS = 30.0
# A census still under way after this long waits on a broker that stopped answering (it
# can hang for minutes): the next request has a new one taken.
CENSUS_OVERDUE_SECONDS = 10.0
# The endpoint is open: what failed, and where (host names, users), goes to the log only.
UNAVAILABLE = "error: unavailable"


class HealthRead(BaseModel):
    status: Literal["ok", "degraded", "down"]
    database: str
    redis: str
    workers: int
    queues: dict[str, int] = Field(
        description="Workers taking tasks from each queue (`imports`, `webhooks`): "
        "`degraded` while one has none"
    )


def _failed(part: str, exc: Exception) -> str:
    log.warning("health check: %s unavailable: %s: %s", part, exc.__class__.__name__, exc)
    return UNAVAILABLE


async def _select_one() -> None:
    async with async_engine().connect() as conn:
        await conn.execute(text("SELECT 1"))


def _forget(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()  # seen: a failure after the answer was given is of no interest


async def _database() -> str:
    # Waited for apart from its cleanup: a server that stopped answering holds the
    # connection's release too (the answer took 4 s where 2 s are promised).
    check = asyncio.ensure_future(_select_one())
    check.add_done_callback(_forget)
    try:
        await asyncio.wait_for(asyncio.shield(check), CHECK_TIMEOUT_SECONDS)
    except Exception as exc:
        check.cancel()
        return _failed("database", exc)
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
        return _failed("Redis", exc)
    finally:
        await client.aclose()
    return "ok"


def _ask_workers() -> dict[str, list[str]]:
    """Each worker that answered, with the queues it takes tasks from."""
    try:
        # Socket time limits of its own: a broker that accepts and never answers would
        # hold the asking thread for good (the workers' connections wait on purpose).
        limits = {"socket_timeout": BROKER_SOCKET_SECONDS,
                  "socket_connect_timeout": BROKER_SOCKET_SECONDS}  # fmt: skip
        with celery_app.connection_for_write(transport_options=limits) as connection:
            inspect = celery_app.control.inspect(
                timeout=INSPECT_TIMEOUT_SECONDS, connection=connection
            )
            replies = inspect.active_queues() or {}
    except Exception:
        return {}
    return {name: [queue["name"] for queue in queues or []] for name, queues in replies.items()}


class WorkerCensus:
    """The workers' last answers, shared by the process's requests: asking takes the
    inspect's whole timeout, longer than a load balancer's probe may wait. So a request
    shows the last census while it is recent and has the next one taken, in a thread of
    its own (one at a time), for the requests after it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._taken_at = -math.inf
        self._workers: dict[str, list[str]] = {}
        self._asking: Future[dict[str, list[str]]] | None = None
        self._asked_at = -math.inf

    def _ask(self) -> Future[dict[str, list[str]]]:
        with self._lock:
            now = time.monotonic()
            if self._asking is None or now - self._asked_at > CENSUS_OVERDUE_SECONDS:
                self._asking, self._asked_at = Future(), now
                self._asking.set_running_or_notify_cancel()  # a request giving up leaves it
                threading.Thread(target=self._take, args=(self._asking,), daemon=True).start()
            return self._asking

    def _take(self, asking: Future[dict[str, list[str]]]) -> None:
        workers = _ask_workers()
        with self._lock:
            if self._asking is asking:  # not one given up on
                self._taken_at, self._workers, self._asking = time.monotonic(), workers, None
        asking.set_result(workers)

    async def workers(self) -> dict[str, list[str]]:
        """The last census if recent, else the one being taken, within the checks' time
        limit."""
        asking = self._ask()
        with self._lock:
            if time.monotonic() - self._taken_at <= CENSUS_MAX_AGE_SECONDS:
                return self._workers
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                return await asyncio.wrap_future(asking)
        except TimeoutError:
            return {}


census = WorkerCensus()


async def check_health() -> HealthRead:
    pinging = asyncio.create_task(census.workers())
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
