"""Celery tasks for imports: thin shells around the import runner."""

import uuid
from typing import Any

from celery import Task
from celery.signals import worker_ready, worker_shutdown

from product_importer.imports import recovery, runner
from product_importer.imports.queue import RUN_IMPORT_TASK
from product_importer.worker import IMPORTS_QUEUE, celery_app, consumes


@celery_app.task(
    bind=True,
    name=RUN_IMPORT_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def run_import(self: Task, import_id: str) -> str:
    return runner.run_import(uuid.UUID(import_id), worker=self.request.hostname or "worker")


@worker_ready.connect
def _start_import_sweeper(sender: Any = None, **_: Any) -> None:
    if consumes(sender, IMPORTS_QUEUE):
        recovery.start_sweeper()


@worker_shutdown.connect
def _stop_import_sweeper(**_: Any) -> None:
    recovery.stop_sweeper()
