"""URLs fit for logs and records: without the parts that may hold a secret."""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit, urlunsplit


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
