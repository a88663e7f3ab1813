"""The Celery app. Imports and webhooks run on separate queues so a slow webhook
endpoint never waits behind (or delays) an import."""

import os
import signal
import threading
import time
from typing import Any

from celery import Celery
from celery.signals import worker_process_init, worker_shutting_down

from product_importer.config import get_settings

IMPORTS_QUEUE = "imports"
WEBHOOKS_QUEUE = "webhooks"
BROKER_TIMEOUT_SECONDS = 1.0
# A worker told to stop that has not ended this long after is stuck: replying to a
# control message (the health check's census) just as Redis went away, Celery retries
# the reply for good. It was seen outliving a `serve` killed with SIGKILL. Longer than
# any graceful stop waits (serve 15 s, the unit files and compose files 120 s).
STOP_DEADLINE_SECONDS = 150.0
# A Redis that stops answering (paused, its host lost) must not hold up the API's
# answers, which send tasks once their change has committed. A worker waits for it
# instead (`consume_patiently`): a pause of a few seconds (a fork to save, a failover)
# would otherwise drop its consumer, and with it the tasks it holds for later.
SENDER_TIMEOUTS = {
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
}


def create_celery() -> Celery:
    settings = get_settings()
    app = Celery("product_importer", broker=settings.redis_url_or_local)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_backend=None,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        task_default_queue=IMPORTS_QUEUE,
        task_routes={
            "product_importer.imports.*": {"queue": IMPORTS_QUEUE},
            "product_importer.webhooks.*": {"queue": WEBHOOKS_QUEUE},
        },
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": 3600, **SENDER_TIMEOUTS},
        # Sent again once (on a new connection: the one kept may be to a Redis that
        # restarted), not three times: each try may wait out the timeout.
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0},
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        include=["product_importer.imports.tasks", "product_importer.webhooks.tasks"],
    )
    return app


celery_app = create_celery()


def consume_patiently(app: Celery) -> None:
    """A worker's broker connections without the senders' time limits."""
    options = app.conf.broker_transport_options
    app.conf.broker_transport_options = {
        name: value for name, value in options.items() if name not in SENDER_TIMEOUTS
    }


def consumes(sender: Any, queue: str) -> bool:
    """Whether the worker that sent a `worker_ready` signal takes tasks from `queue`."""
    return sender is not None and queue in sender.app.amqp.queues.consume_from


@worker_process_init.connect
def _fresh_connections_after_fork(**_: object) -> None:
    """A forked child must not share the parent's database connections."""
    from product_importer.db import sync_engine

    if sync_engine.cache_info().currsize:
        sync_engine().dispose(close=False)


@worker_shutting_down.connect
def _end_if_stuck(**_: object) -> None:
    """Told to stop: end for good at `STOP_DEADLINE_SECONDS`, whatever holds it up."""
    threading.Thread(target=_end_after, args=(STOP_DEADLINE_SECONDS,), daemon=True).start()


def _end_after(seconds: float) -> None:
    time.sleep(seconds)
    if os.getpgrp() == os.getpid():  # as `serve` starts it: its pool in its own group
        os.killpg(os.getpgrp(), signal.SIGKILL)
    os._exit(1)
