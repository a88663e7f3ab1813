"""Which tokens open the API: `API_TOKENS` plus the live rows of `api_tokens`.

The table is read at most every `API_TOKEN_CACHE_SECONDS` per process (so a token
made or revoked with the CLI takes effect within that time) instead of once per
request. A presented token is hashed once and compared with every known hash in
constant time.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from functools import lru_cache

from product_importer.config import Settings
from product_importer.db import async_engine
from product_importer.security import repository as repo
from product_importer.security.token_format import MAX_TOKEN_CHARS, hash_token, parse_api_tokens

log = logging.getLogger(__name__)


class TokensUnavailable(RuntimeError):
    """The token table could not be read and nothing is known from before."""


@lru_cache(maxsize=8)
def env_tokens(value: str) -> tuple[tuple[str, str], ...]:
    return tuple(parse_api_tokens(value))


def match(known: list[tuple[str, str]] | tuple[tuple[str, str], ...], digest: str) -> str | None:
    """The name whose hash equals `digest`, comparing with every entry (no early exit)."""
    found: str | None = None
    for name, known_digest in known:
        if hmac.compare_digest(known_digest, digest):
            found = name
    return found


class TokenRegistry:
    def __init__(self) -> None:
        self._table: list[tuple[str, str]] | None = None
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def _table_tokens(self, settings: Settings) -> list[tuple[str, str]]:
        fresh = time.monotonic() - self._loaded_at < settings.api_token_cache_seconds
        if self._table is not None and fresh:
            return self._table
        async with self._lock:
            if self._table is not None and (
                time.monotonic() - self._loaded_at < settings.api_token_cache_seconds
            ):
                return self._table
            try:
                async with async_engine().connect() as conn:
                    rows = (await conn.execute(repo.live_tokens())).all()
            except Exception as exc:
                if self._table is None:
                    raise TokensUnavailable(str(exc)) from exc
                log.warning("could not refresh API tokens, keeping the last ones: %s", exc)
                return self._table
            self._table = [(row.name, row.token_hash) for row in rows]
            self._loaded_at = time.monotonic()
            return self._table

    async def names(self, settings: Settings) -> list[str]:
        """Every configured token's name (environment first)."""
        table = await self._table_tokens(settings)
        return [name for name, _ in env_tokens(settings.api_tokens)] + [n for n, _ in table]

    async def enabled(self, settings: Settings) -> bool:
        """Whether any token is configured, i.e. whether the API is closed."""
        if env_tokens(settings.api_tokens):
            return True
        return bool(await self._table_tokens(settings))

    async def identify(self, settings: Settings, token: str) -> str | None:
        """The token's name, or None for an unknown (or absurdly long) token."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        return await self.name_of(settings, hash_token(token))

    async def name_of(self, settings: Settings, digest: str) -> str | None:
        """The name of the live token with this SHA-256, or None (unknown or revoked)."""
        from_env = match(env_tokens(settings.api_tokens), digest)
        from_table = match(await self._table_tokens(settings), digest)
        return from_env or from_table


async def revoked_name(token: str) -> str | None:
    """The name of a revoked token with this value (to say who tried), if any."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    async with async_engine().connect() as conn:
        row = (await conn.execute(repo.token_by_hash(hash_token(token)))).first()
    return row.name if row is not None and row.revoked_at is not None else None
