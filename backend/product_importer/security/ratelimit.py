"""Fixed-window request counters in Redis, shared by every API process.

Each (bucket, caller, window) has one counter that expires with its window; a request
counts in every bucket it belongs to (all API requests in `general`, uploads also in
`uploads`, ...). Redis trouble lets requests through (logged): the limits guard
against abuse, they are not the access control.
"""

from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass

import redis.asyncio as aioredis

from product_importer.config import Settings
from product_importer.core.paths import API_PREFIX

log = logging.getLogger(__name__)

KEY_PREFIX = "ratelimit"
REDIS_TIMEOUT_SECONDS = 1.0
WARN_EVERY_SECONDS = 60.0

# The tighter buckets, by method and path (an API request is always in `general` too).
TIGHT_BUCKETS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("POST", re.compile(rf"^{API_PREFIX}/(imports|upload)/?$"), "uploads"),
    ("POST", re.compile(rf"^{API_PREFIX}/webhooks/([^/]+/)?test/?$"), "webhook_tests"),
    ("DELETE", re.compile(rf"^{API_PREFIX}/products/all/?$"), "delete_all"),
)

BUCKET_NAMES = {
    "general": "requests",
    "uploads": "uploads",
    "webhook_tests": "webhook tests",
    "delete_all": "delete-all requests",
    "auth_failures": "failed authentications",
}


@dataclass(frozen=True)
class Exceeded:
    bucket: str
    limit: int
    window: int
    retry_after: int

    @property
    def message(self) -> str:
        what = BUCKET_NAMES.get(self.bucket, self.bucket)
        return (
            f"Too many {what}: the limit is {self.limit} per {self.window} s; "
            f"retry in {self.retry_after} s"
        )


def limit_of(settings: Settings, bucket: str) -> int:
    return int(getattr(settings, f"rate_limit_{bucket}"))


def buckets_for(method: str, path: str, settings: Settings) -> list[tuple[str, int]]:
    buckets = [("general", limit_of(settings, "general"))]
    for rule_method, pattern, bucket in TIGHT_BUCKETS:
        if method == rule_method and pattern.match(path):
            buckets.append((bucket, limit_of(settings, bucket)))
    return buckets


def limits_on(settings: Settings, tokens_configured: bool) -> bool:
    """`RATE_LIMIT_ENABLED=auto` (the default) limits when API tokens are configured."""
    if settings.rate_limit_enabled == "auto":
        return tokens_configured
    return bool(settings.rate_limit_enabled)


class RateLimiter:
    def __init__(self) -> None:
        self._client: aioredis.Redis | None = None
        self._url: str | None = None
        self._warned_at = -math.inf

    def _redis(self, url: str) -> aioredis.Redis:
        if self._client is None or self._url != url:
            self._client = aioredis.from_url(
                url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            self._url = url
        return self._client

    async def hit(
        self, settings: Settings, who: str, buckets: list[tuple[str, int]]
    ) -> Exceeded | None:
        """Count one request for `who` in each bucket; the first bucket over its limit."""
        window = settings.rate_limit_window_seconds
        now = time.time()
        start = int(now // window) * window
        keys = [f"{KEY_PREFIX}:{bucket}:{who}:{start}" for bucket, _ in buckets]
        try:
            pipe = self._redis(settings.redis_url_or_local).pipeline(transaction=False)
            for key in keys:
                pipe.incr(key)
                pipe.expire(key, window + 5)
            counts = (await pipe.execute())[0::2]
        except Exception as exc:
            if time.monotonic() - self._warned_at > WARN_EVERY_SECONDS:
                self._warned_at = time.monotonic()
                log.warning("rate limits are not applied, Redis failed: %s", exc)
            return None
        retry_after = max(1, math.ceil(start + window - now))
        for (bucket, limit), count in zip(buckets, counts, strict=True):
            if int(count) > limit:
                return Exceeded(bucket, limit, window, retry_after)
        return None

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
