"""Celery tasks for webhook delivery: thin shells around the dispatcher and delivery.

Both run on the `webhooks` queue (a threads pool): `dispatch_outbox` only fans
out (it never sends), and each `deliver` task sends one attempt to one endpoint,
so a slow endpoint holds one thread, not the others' deliveries.
"""

from typing import Any

from celery.signals import worker_ready, worker_shutdown

from product_importer.webhooks.delivery import deliver_job
from product_importer.webhooks.dispatcher import DELIVER_TASK, dispatch_all
from product_importer.webhooks.sweeper import start_sweeper, stop_sweeper
from product_importer.webhooks.wakeup import DISPATCH_TASK
from product_importer.worker import WEBHOOKS_QUEUE, celery_app, consumes


@celery_app.task(name=DISPATCH_TASK, ignore_result=True)
def dispatch_outbox() -> None:
    dispatch_all()


# acks_late: a message taken by a worker that dies is redelivered by the broker;
# the job's lease makes the sweep re-send it sooner anyway.
@celery_app.task(name=DELIVER_TASK, ignore_result=True, acks_late=True)
def deliver(job_id: int, token: str) -> None:
    deliver_job(job_id, token)


@worker_ready.connect
def _start_sweeper(sender: Any = None, **_: Any) -> None:
    if consumes(sender, WEBHOOKS_QUEUE):
        start_sweeper()


@worker_shutdown.connect
def _stop_sweeper(**_: Any) -> None:
    stop_sweeper()
