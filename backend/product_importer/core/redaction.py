"""URLs fit for logs and records: without the parts that may hold a secret."""

from __future__ import annotations

import logging
from collections.abc import Collection
from urllib.parse import SplitResult, unquote_plus, urlsplit, urlunsplit

REDACTED = "[redacted]"
ACCESS_LOGGER = "uvicorn.access"


def _host(parts: SplitResult) -> str:
    """The host and port as written (an IPv6 address keeps its brackets), without a user
    or password."""
    return parts.netloc.rpartition("@")[2]


def url_without_credentials(url: str) -> str:
    """No user, password, query or fragment (they may hold secrets)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, _host(parts), parts.path, "", ""))


def url_origin(url: str) -> str:
    """Scheme and host only: for a URL whose path may hold a secret too (a chat
    service's webhook URL holds its token there)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{_host(parts)}"


def url_path_masked(url: str) -> str:
    """The origin, and `/…` for a path: kept where a URL outlives its secret (the audit
    log keeps a webhook URL replaced because it leaked)."""
    path = urlsplit(url).path
    return url_origin(url) + ("/…" if path.strip("/") else "/")


def query_redacted(target: str, secret_params: Collection[str]) -> str:
    """A request target (`/path?query`) with the values of `secret_params` (names in
    lower case) replaced: the rest of the query is left as sent."""
    path, sep, query = target.partition("?")
    if not sep:
        return target
    pairs = []
    for pair in query.split("&"):
        name, equals, _ = pair.partition("=")
        if equals and unquote_plus(name).strip().lower() in secret_params:
            pair = f"{name}={REDACTED}"
        pairs.append(pair)
    return f"{path}?{'&'.join(pairs)}"


class RedactedQueries(logging.Filter):
    """The access log's line without the secrets a query may carry: a token sent in the
    URL is refused, but the server's log would still have kept it."""

    def __init__(self, secret_params: Collection[str]) -> None:
        super().__init__()
        self.secret_params = frozenset(secret_params)

    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn's access record: (client, method, target, HTTP version, status).
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (*args[:2], query_redacted(args[2], self.secret_params), *args[3:])
        return True


def redact_access_log(secret_params: Collection[str]) -> None:
    """Installs `RedactedQueries` on the access log, once per process."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, RedactedQueries) for existing in logger.filters):
        logger.addFilter(RedactedQueries(secret_params))
