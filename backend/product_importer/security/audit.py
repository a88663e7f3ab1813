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
from urllib.parse import SplitResult, urlsplit, urlunsplit

from pydantic_core import to_jsonable_python
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from product_importer.core.pagination import Page, PageParams
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


def _host(parts: SplitResult) -> str:
    """The host and port as written (an IPv6 address keeps its brackets), without a user
    or password."""
    return parts.netloc.rpartition("@")[2]


def safe_url(url: str) -> str:
    """A URL fit for the log: no user, password, query or fragment (they may hold secrets)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, _host(parts), parts.path, "", ""))


def url_origin(url: str) -> str:
    """Scheme and host only: for a URL whose path may hold a secret too (a chat
    service's webhook URL holds its token there)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{_host(parts)}"


WEBHOOK_FIELDS = ("url", "events", "enabled", "description")


def webhook(values: dict[str, Any]) -> dict[str, Any]:
    """What the log keeps of a webhook's fields: never the secret; the URL without
    credentials or query."""
    kept = {key: values[key] for key in WEBHOOK_FIELDS if key in values}
    if kept.get("url"):
        kept["url"] = safe_url(str(kept["url"]))
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
    rows = (await session.execute(repo.select_audit(page.page_size, page.offset))).scalars()
    total = (await session.execute(repo.count_audit())).scalar_one()
    return Page(
        items=[AuditEntryRead.model_validate(row) for row in rows],
        total=total,
        page=page.page,
        page_size=page.page_size,
    )
