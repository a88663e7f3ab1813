"""The access guard: API tokens and rate limits, before any route runs.

A pure ASGI middleware, so a request without a valid token is answered before its
body is read. Paths:

- `/api/...`: a token when any is configured; rate limited.
- `/metrics`, the docs (`/docs`, `/redoc`, `/openapi.json`, their assets): a token
  when configured AND `METRICS_REQUIRE_TOKEN` / `DOCS_REQUIRE_TOKEN` say so.
- everything else (`/health`, the web UI and its assets): open, so the UI can load
  and ask for a token.

Only `Authorization: Bearer <token>` is read; a token in the query string is never
accepted (URLs end up in logs and browser history). A download link may instead carry
a single-use ticket to its own URL (`download_tickets`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from product_importer.config import Settings, get_settings
from product_importer.core.http_middleware import HttpMiddleware
from product_importer.core.paths import app_path
from product_importer.core.redoc import BUNDLE_PATH, REDOC_PATH
from product_importer.db import async_session
from product_importer.security import audit
from product_importer.security import repository as repo
from product_importer.security.download_tickets import DownloadTickets, has_ticket
from product_importer.security.ratelimit import (
    Exceeded,
    RateLimiter,
    buckets_for,
    limit_of,
    limits_on,
)
from product_importer.security.tokens import TokenRegistry, TokensUnavailable, revoked_name

log = logging.getLogger(__name__)

Kind = Literal["open", "api", "docs", "metrics"]
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/openapi.json", REDOC_PATH, BUNDLE_PATH})
DOCS_ASSETS_PREFIX = "/static-offline-docs/"
# Query parameters that look like a credential: refused with a clear reason.
TOKEN_LIKE_PARAMS = frozenset(
    {"access_token", "token", "api_token", "api_key", "apikey", "key", "auth", "bearer"}
)
CHALLENGE = 'Bearer realm="product-importer"'


class SecurityState:
    """Per-application state: the token registry and the rate limiter."""

    def __init__(self) -> None:
        self.tokens = TokenRegistry()
        self.limiter = RateLimiter()
        self.tickets = DownloadTickets()


def security_state(app: FastAPI) -> SecurityState:
    state: SecurityState | None = getattr(app.state, "security", None)
    if state is None:
        state = app.state.security = SecurityState()
    return state


def classify(path: str) -> Kind:
    if path == "/api" or path.startswith("/api/"):
        return "api"
    if path == "/metrics":
        return "metrics"
    if path in DOCS_PATHS or path.startswith(DOCS_ASSETS_PREFIX):
        return "docs"
    return "open"


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _needs_token(kind: Kind, settings: Settings) -> bool:
    if kind == "docs":
        return settings.docs_require_token
    if kind == "metrics":
        return settings.metrics_require_token
    return kind == "api"


def _token_in_query(query: str) -> bool:
    return any(key.lower() in TOKEN_LIKE_PARAMS for key, _ in parse_qsl(query))


def _answer(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _too_many(exceeded: Exceeded) -> JSONResponse:
    return _answer(429, exceeded.message, {"Retry-After": str(exceeded.retry_after)})


async def _audit_failure(
    reason: str, actor: str | None, address: str, method: str, path: str
) -> None:
    caller = audit.Caller(actor=actor, address=address)
    values = audit.entry("auth.failed", path, {"reason": reason, "method": method}, caller=caller)
    try:
        async with async_session() as session:
            await session.execute(repo.insert_audit(values))
    except Exception as exc:  # the 401 matters more than its log entry
        log.warning("could not write the audit entry for a failed token: %s", exc)


@dataclass(frozen=True)
class _Caller:
    """What the checks of one request need to know about it."""

    scope: Scope
    path: str
    address: str
    settings: Settings
    state: SecurityState
    limited: bool

    async def over_limit(self, bucket: str) -> JSONResponse | None:
        """429 when this request puts its address over `bucket`'s limit."""
        if not self.limited:
            return None
        buckets = [(bucket, limit_of(self.settings, bucket))]
        exceeded = await self.state.limiter.hit(self.settings, self.address, buckets)
        return _too_many(exceeded) if exceeded is not None else None


class AccessGuard(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        address = client_address(scope)
        path = app_path(scope)
        kind = classify(path)
        actor: str | None = None
        if kind != "open":
            app: FastAPI = scope["app"]
            settings = get_settings()
            state = security_state(app)
            try:
                closed = await state.tokens.enabled(settings)
            except TokensUnavailable:
                log.exception("cannot read the API tokens")
                detail = "Cannot check API tokens: the database is unavailable."
                await _answer(503, detail)(scope, receive, send)
                return
            # Refused credentials count wherever a token is asked for; requests that pass
            # count only on the API.
            limited = limits_on(settings, closed)
            if closed and _needs_token(kind, settings):
                caller = _Caller(scope, path, address, settings, state, limited)
                outcome = await _authenticate(caller)
                if isinstance(outcome, JSONResponse):
                    await outcome(scope, receive, send)
                    return
                actor = outcome
            if limited and kind == "api":
                buckets = buckets_for(scope["method"], path, settings)
                exceeded = await state.limiter.hit(settings, actor or address, buckets)
                if exceeded is not None:
                    await _too_many(exceeded)(scope, receive, send)
                    return
        reset = audit.set_caller(audit.Caller(actor=actor, address=address))
        try:
            await self.app(scope, receive, send)
        finally:
            audit.reset_caller(reset)


def bearer_token(headers: Headers) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None for any other."""
    scheme, _, token = (headers.get("authorization") or "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


async def _authenticate(caller: _Caller) -> str | JSONResponse:
    """The token's name, or the answer to send (401, or 429 for a flood of failures)."""
    headers = Headers(scope=caller.scope)
    header = headers.get("authorization")
    query = caller.scope.get("query_string", b"").decode("latin-1")
    if header is None and caller.scope["method"] == "GET" and has_ticket(query):
        return await _redeem(caller, query)
    if header is None and not _token_in_query(query):
        flood = await caller.over_limit("general")
        if flood is not None:
            return flood
        detail = "Authentication required: send the header Authorization: Bearer <token>."
        return _answer(401, detail, {"WWW-Authenticate": CHALLENGE})
    actor: str | None = None
    token = bearer_token(headers)
    if header is None:
        reason = "token in the query string (only the Authorization header is read)"
    elif token is None:
        reason = "not a Bearer token"
    else:
        name = await caller.state.tokens.identify(caller.settings, token)
        if name is not None:
            return name
        actor = await revoked_name(token)
        reason = "revoked token" if actor else "unknown token"
    return await _refuse(caller, reason, actor)


async def _redeem(caller: _Caller, query: str) -> str | JSONResponse:
    """The name of the token that asked for the request's download ticket, if that token
    is still live, or the answer to send."""
    ticket = await caller.state.tickets.redeem(caller.settings, caller.path, query)
    if ticket is None:
        reason = "download ticket unknown, already used, expired or for another URL"
        return await _refuse(caller, reason, None)
    digest = ticket.token_digest
    if digest is None or await caller.state.tokens.name_of(caller.settings, digest) is None:
        return await _refuse(caller, "the download ticket's token was revoked", ticket.actor)
    return ticket.actor


async def _refuse(caller: _Caller, reason: str, actor: str | None) -> JSONResponse:
    """401 for credentials that did not pass (429 for a flood of them), audited."""
    flood = await caller.over_limit("auth_failures")
    if flood is not None:
        return flood
    await _audit_failure(reason, actor, caller.address, caller.scope["method"], caller.path)
    challenge = f'{CHALLENGE}, error="invalid_token"'
    return _answer(401, f"Invalid credentials: {reason}.", {"WWW-Authenticate": challenge})
