"""The audit log: who (token name), when, what and from where, for destructive and
security-relevant actions.

Services call `record(session, ...)` next to the change, so the entry commits or rolls
back with it. Who and from where come from the request (set by the access guard in a
context variable), so services stay free of HTTP.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from product_importer.core.pagination import Page, PageParams, read_page
from product_importer.core.redaction import url_path_masked
from product_importer.security import repository as repo
from product_importer.security.schemas import AuditEntryRead


@dataclass(frozen=True)
class Caller:
    """Who is making the current request: the token's name (None when the API is
    open) and the client's address."""

    actor: str | None = None
    address: str | None = None


CLI_ACTOR = "(cli)"
_caller: ContextVar[Caller | None] = ContextVar("caller", default=None)


def current_caller() -> Caller:
    return _caller.get() or Caller()


def set_caller(caller: Caller) -> object:
    return _caller.set(caller)


def reset_caller(token: object) -> None:
    _caller.reset(token)  # type: ignore[arg-type]


WEBHOOK_FIELDS = ("url", "events", "enabled", "description")


def webhook(values: dict[str, Any]) -> dict[str, Any]:
    """What the log keeps of a webhook's fields: never the secret; of the URL, its origin
    alone (its path may hold the receiver's token)."""
    kept = {key: values[key] for key in WEBHOOK_FIELDS if key in values}
    if kept.get("url"):
        kept["url"] = url_path_masked(str(kept["url"]))
    return dict(to_jsonable_python(kept))


def entry(
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    caller: Caller | None = None,
) -> dict[str, Any]:
    caller = caller or current_caller()
    return {
        "action": action,
        "target": target,
        "detail": detail or {},
        "actor": caller.actor,
        "client_address": caller.address,
    }


async def record(
    session: AsyncSession,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an entry to the session's transaction, attributed to the current caller."""
    await session.execute(repo.insert_audit(entry(action, target, detail)))


def record_sync(
    session: Session,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    caller: Caller | None = None,
) -> None:
    session.execute(repo.insert_audit(entry(action, target, detail, caller)))


async def list_page(session: AsyncSession, page: PageParams) -> Page[AuditEntryRead]:
    rows = repo.select_audit(page.page_size, page.offset)
    return await read_page(session, rows, repo.count_audit(), page, AuditEntryRead)
