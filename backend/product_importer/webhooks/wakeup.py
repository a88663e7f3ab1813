"""Wake the webhook dispatcher after a transaction that recorded events has committed.

Services call `dispatch_after_commit(session)` next to `record_event(...)`; the
outbox row is the source of truth, so a lost wake-up only delays delivery until
the dispatcher's periodic sweep.
"""

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from product_importer.db import after_commit

logger = logging.getLogger(__name__)
DISPATCH_TASK = "product_importer.webhooks.tasks.dispatch_outbox"


def request_dispatch() -> None:
    from product_importer.worker import WEBHOOKS_QUEUE, celery_app

    try:
        celery_app.send_task(DISPATCH_TASK, queue=WEBHOOKS_QUEUE)
    except Exception as exc:  # a line: with Redis away, every change would log a traceback
        message = "could not queue the webhook dispatch (the sweep delivers the events): %s: %s"
        logger.warning(message, type(exc).__name__, exc)


def dispatch_after_commit(session: Session | AsyncSession) -> None:
    after_commit(session, request_dispatch)
