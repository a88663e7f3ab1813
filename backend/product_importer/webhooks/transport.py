"""Send one signed webhook request and describe what happened.

One attempt = one POST through the SSRF-guarded connection, no redirects followed,
one deadline for the whole exchange (name lookup included), and at most the first KB
of the answer read. Failures are values (`AttemptResult.error`), never exceptions, so
callers record every attempt the same way.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

import httpcore
import httpx

from product_importer import __version__
from product_importer.core.redaction import url_origin
from product_importer.webhooks.signing import signature_headers
from product_importer.webhooks.targets import (
    GuardedBackend,
    ResolutionFailed,
    TargetRefused,
    split_url,
)

logger = logging.getLogger(__name__)
# httpx logs every request's whole URL at INFO (a worker's log level): a webhook URL may
# hold a password, or a token in its path or query.
logging.getLogger("httpx").setLevel(logging.WARNING)

EXCERPT_BYTES = 1024
USER_AGENT = f"ProductImporter-Webhooks/{__version__}"
# zlib window bits per content coding, for the answers compressed though we ask for none.
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


@dataclass(frozen=True)
class AttemptResult:
    ok: bool
    status_code: int | None = None
    latency_ms: float | None = None
    error: str | None = None
    response_excerpt: str | None = None
    retry_after: float | None = None
    refused: bool = False  # the guard refused the target: retrying cannot help

    @property
    def gone(self) -> bool:
        return self.status_code == 410

    def log_values(self) -> dict[str, Any]:
        """The outcome as the delivery log and a test send show it."""
        return {
            "status_code": self.status_code,
            "latency_ms": self.latency_ms,
            "error": _storable(self.error),
            "response_excerpt": _storable(self.response_excerpt),
        }


def _storable(text: str | None) -> str | None:
    """`text` without NUL, which PostgreSQL text cannot hold and a receiver may send."""
    return None if text is None else text.replace("\x00", "\ufffd")


def event_body(payload: dict[str, Any]) -> bytes:
    """The envelope in the contract's key order (JSONB does not keep key order)."""
    envelope = {key: payload[key] for key in ("id", "type", "created_at", "data") if key in payload}
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


@lru_cache
def _ssl_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, allow_private: bool, deadline: float) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False)
        # Same pool httpx builds, but every connection goes through the guard.
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=1,
            network_backend=GuardedBackend(allow_private, deadline),
        )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: ASCII digits or an HTTP date; else None."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # str.isdigit alone also takes '²' and '٣'
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _read_excerpt(response: httpx.Response) -> str:
    """The first KB of the body; the status already decided the outcome, so a body
    that breaks off or outlasts the deadline just ends the excerpt."""
    sent = _read_sent_bytes(response, EXCERPT_BYTES)
    decoded = _decode(sent, response.headers.get("content-encoding", ""))
    return decoded[:EXCERPT_BYTES].decode("utf-8", errors="replace")


def _read_sent_bytes(response: httpx.Response, limit: int) -> bytes:
    """Up to `limit` bytes of the body as sent, before any content decoding, which
    httpx would apply a whole network chunk at a time, without limit."""
    data = b""
    try:
        for chunk in response.iter_raw():
            data += chunk
            if len(data) >= limit:
                break
    except httpx.HTTPError:
        pass
    return data[:limit]


def _decode(data: bytes, content_encoding: str) -> bytes:
    """Undo the receiver's gzip/deflate codings (the last applied first), each layer
    giving at most an excerpt's worth, so a small body cannot inflate into a large one.
    A coding this cannot undo leaves the bytes as sent."""
    codings = [coding.strip() for coding in content_encoding.lower().split(",")]
    decoded = data
    for coding in reversed(codings):
        if coding in ("", "identity"):
            continue
        if coding not in _WBITS:
            return data
        try:
            decoded = zlib.decompressobj(_WBITS[coding]).decompress(decoded, EXCERPT_BYTES)
        except zlib.error:
            return data
    return decoded


def _connect_error(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "refused" in text.lower():
        return "connection refused"
    return f"connection failed: {text}"


def _failure(started: float, error: str, refused: bool = False) -> AttemptResult:
    latency = round((time.monotonic() - started) * 1000, 1)
    return AttemptResult(ok=False, latency_ms=latency, error=error, refused=refused)


def post_event(
    url: str,
    secret: str,
    event_id: str,
    body: bytes,
    *,
    timeout: float,
    allow_private: bool,
    previous_secret: str | None = None,
) -> AttemptResult:
    """POST `body` to `url`, signed with `secret` (and `previous_secret`, while a rotation
    keeps it) under `event_id`."""
    started = time.monotonic()
    deadline = started + timeout
    try:
        split_url(url)
    except TargetRefused as exc:
        return _failure(started, f"blocked target: {exc}", refused=True)
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "accept-encoding": "identity",  # only the first KB is read: compression buys nothing
        **signature_headers(secret, event_id, body, previous_secret=previous_secret),
    }
    transport = _GuardedTransport(allow_private, deadline)
    try:
        with (
            httpx.Client(transport=transport, timeout=timeout, trust_env=False) as client,
            client.stream("POST", url, content=body, headers=headers) as response,
        ):
            latency = round((time.monotonic() - started) * 1000, 1)
            return _classify(response, latency, _read_excerpt(response))
    except TargetRefused as exc:
        return _failure(started, f"blocked target: {exc}", refused=True)
    except ResolutionFailed as exc:
        return _failure(started, f"DNS failure: {exc}")
    except httpx.TimeoutException:
        return _failure(started, f"timeout: no answer within {timeout:g} s")
    except httpx.ConnectError as exc:
        return _failure(started, _connect_error(exc))
    except httpx.HTTPError as exc:
        return _failure(started, f"request failed: {exc}")
    except Exception as exc:  # a failure nobody foresaw is still an attempt to record
        # Its host only, and no traceback: the path (a chat service's webhook URL holds
        # its token there) or an exception's text may hold a secret. The attempt's
        # record, which the webhook's owner reads, says what failed.
        logger.error(
            "webhook request to %s failed unexpectedly: %s", url_origin(url), type(exc).__name__
        )
        return _failure(started, f"request failed: {type(exc).__name__}: {exc}")


def _classify(response: httpx.Response, latency: float, excerpt: str) -> AttemptResult:
    status = response.status_code
    error: str | None = None
    if 300 <= status < 400:
        location = response.headers.get("location", "")
        error = f"redirect ({status}) to {location or 'an unnamed location'} was not followed"
    elif not 200 <= status < 300:
        error = f"HTTP {status} {response.reason_phrase}".rstrip()
    return AttemptResult(
        ok=error is None,
        status_code=status,
        latency_ms=latency,
        error=error,
        response_excerpt=excerpt,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )
