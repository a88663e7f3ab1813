"""Single-use download tickets: how a browser link downloads a file while API tokens
are on.

A link cannot send an `Authorization` header, and fetching the file into the page
first would hold all of it (an export of millions of products) in the tab. So the
web UI asks `POST /api/v1/downloads` for a ticket to one download URL and follows
the ticketed URL, which the browser streams to disk. A ticket is valid for that URL
alone, once, for `TICKET_SECONDS`, and stands for the token that asked for it; it
lives in Redis, so every API process can redeem it, and it dies with its token (a
revoked token's tickets are refused). Unlike a token in the query string (always
refused), a ticket in a log or the browser's history is spent.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import redis.asyncio as aioredis

from product_importer.config import Settings
from product_importer.core.paths import API_PREFIX

TICKET_PARAM = "download_ticket"
TICKET_SECONDS = 60
KEY_PREFIX = "download-ticket"
# The API's downloads: the products export and an import's error report.
DOWNLOADS = re.compile(rf"{API_PREFIX}/(products/export\.csv|imports/[^/?#]+/errors\.csv)")
REDIS_TIMEOUT_SECONDS = 2.0


class NotADownload(ValueError):
    pass


def _params(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def _without_ticket(query: str) -> str:
    return urlencode([(key, value) for key, value in _params(query) if key != TICKET_PARAM])


def split_target(target: str) -> tuple[str, str]:
    """(path, query) of a download URL given as `/api/v1/…?…`; NotADownload otherwise."""
    path, _, query = target.partition("?")
    if not DOWNLOADS.fullmatch(path):
        raise NotADownload(
            "Only the API's downloads take a ticket: /api/v1/products/export.csv and "
            "/api/v1/imports/{id}/errors.csv."
        )
    return path, _without_ticket(query)


def has_ticket(query: str) -> bool:
    return any(key == TICKET_PARAM for key, _ in _params(query))


@dataclass(frozen=True)
class Redeemed:
    actor: str
    token_digest: str | None  # None: issued while the API was open


class DownloadTickets:
    def __init__(self) -> None:
        self._client: aioredis.Redis | None = None

    def _redis(self, settings: Settings) -> aioredis.Redis:
        if self._client is None:
            self._client = aioredis.from_url(
                settings.redis_url_or_local,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
        return self._client

    async def issue(self, settings: Settings, path: str, query: str, actor: str | None,
                    token_digest: str | None) -> tuple[str, int]:  # fmt: skip
        """The ticketed URL of a download (as `split_target` gives it) for `actor`, whose
        token has this SHA-256, and the seconds it is valid."""
        ticket = secrets.token_urlsafe(24)
        value = json.dumps({"path": path, "query": query, "actor": actor, "token": token_digest})
        seconds = TICKET_SECONDS
        await self._redis(settings).set(f"{KEY_PREFIX}:{ticket}", value, ex=seconds)
        return f"{path}?{urlencode([*_params(query), (TICKET_PARAM, ticket)])}", seconds

    async def redeem(self, settings: Settings, path: str, query: str) -> Redeemed | None:
        """Spend the request's ticket: whom it stands for, or None when the ticket is
        unknown, spent, expired or for another URL."""
        tickets = [value for key, value in _params(query) if key == TICKET_PARAM]
        if len(tickets) != 1:
            return None
        stored = await self._redis(settings).getdel(f"{KEY_PREFIX}:{tickets[0]}")
        if stored is None:
            return None
        issued = json.loads(stored)
        if issued["path"] != path or issued["query"] != _without_ticket(query):
            return None
        return Redeemed(actor=str(issued["actor"] or "ticket"), token_digest=issued.get("token"))

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
