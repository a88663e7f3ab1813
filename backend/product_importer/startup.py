"""What a command makes sure of before it runs: the embedded servers started where no
URL is given, PostgreSQL and Redis answering, `serve`'s port and data dir free. A
problem ends the command with a message naming the setting at fault (`fail`)."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from product_importer.core.redaction import url_without_credentials
from product_importer.exit_codes import EXIT_CONFIG

if TYPE_CHECKING:
    import redis

    from product_importer.config import Settings
    from product_importer.embedded import EmbeddedServices

# In DATA_DIR while `serve` runs its embedded servers: its pid and URL, so that another
# `serve` on the same data dir can say where this one is.
SERVE_RECORD = "serve.url"


def current_settings() -> Settings:
    # Config is imported when a command runs, not with the CLI: loading pydantic takes
    # ~0.3 s, and a Ctrl-C then must end as one (130), not as a traceback.
    from product_importer.config import get_settings

    return get_settings()


def fail(message: str, code: int = 1) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)


def ensure_port_free(host: str, port: int) -> None:
    """Bind what the server will bind, as asyncio does: every address `host` has (both
    families for a name like localhost; an IPv6 one such as :: or ::1)."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:  # a name that does not resolve
        fail(f"cannot listen on {host}:{port} (HOST, PORT): {exc.strerror}.", EXIT_CONFIG)
    with contextlib.ExitStack() as bound:
        for family, kind, proto, _, address in addresses:
            sock = bound.enter_context(socket.socket(family, kind, proto))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:  # an address not of this host, ...
                    reason = exc.strerror or str(exc)
                    fail(f"cannot listen on {host}:{port} (HOST, PORT): {reason}.", EXIT_CONFIG)
                fail(
                    f"port {port} on {host} is already in use. Stop what is using it, or "
                    f"choose another port with PORT={port + 1} (or `--port {port + 1}`).",
                    EXIT_CONFIG,
                )


def ensure_data_dir_free(settings: Settings) -> None:
    """Another `serve` (or command) running the embedded servers of DATA_DIR is named,
    with where it serves if it said: checked before the port, which it may hold too."""
    from product_importer.embedded import DataDirLock, DataDirUnusable, EmbeddedServerError

    lock = DataDirLock(settings.data_dir)
    if (settings.database_url and settings.redis_url) or not lock.path.exists():
        return  # nothing embedded to start, or never started here
    try:
        lock.acquire()
    except DataDirUnusable as exc:  # not another process's: this one may not use it
        fail(str(exc), EXIT_CONFIG)
    except EmbeddedServerError:
        holder = lock.path.read_text().strip() or "unknown"
        recorded = _recorded_serve(settings.data_dir)
        at = f", at {recorded[1]}" if recorded and recorded[0] == holder else ""
        fail(
            f"product-importer (pid {holder}) is already running for DATA_DIR "
            f"{settings.data_dir}{at}: stop it first, or give this one another DATA_DIR "
            "(or DATABASE_URL and REDIS_URL).",
            EXIT_CONFIG,
        )
    lock.release()


def _recorded_serve(data_dir: Path) -> tuple[str, str] | None:
    """The pid and URL of the `serve` that runs the embedded servers of `data_dir`, as it
    recorded them (a `serve` killed leaves its record: its pid then no longer holds the
    data dir's lock)."""
    try:
        pid, url = (data_dir / SERVE_RECORD).read_text().split()
    except (OSError, ValueError):
        return None
    return pid, url


def record_serve(data_dir: Path, url: str) -> Callable[[], None]:
    """Record this `serve`'s pid and URL in `data_dir`; returns what removes the record."""
    record = data_dir / SERVE_RECORD
    record.write_text(f"{os.getpid()} {url}\n")

    def remove() -> None:
        if _recorded_serve(data_dir) == (str(os.getpid()), url):
            record.unlink(missing_ok=True)

    return remove


def start_services() -> tuple[EmbeddedServices, str, str]:
    """Start the embedded servers the environment does not provide; export their URLs."""
    from product_importer.config import reload_settings
    from product_importer.embedded import DataDirUnusable, EmbeddedServerError, EmbeddedServices

    settings = current_settings()
    services = EmbeddedServices(settings.data_dir, settings.database_url, settings.redis_url)
    try:
        database_url, redis_url = services.start()
    except DataDirUnusable as exc:
        fail(str(exc), EXIT_CONFIG)
    except EmbeddedServerError as exc:
        fail(str(exc))
    os.environ["DATABASE_URL"] = database_url
    os.environ["REDIS_URL"] = redis_url
    reload_settings()
    wait_for_database(database_url, timeout=float(settings.db_connect_timeout_seconds))
    return services, database_url, redis_url


def wait_for_database(url: str, timeout: float) -> None:
    import psycopg2

    from product_importer.db import libpq_url

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg2.connect(libpq_url(url), connect_timeout=max(1, int(timeout))).close()
            return
        except psycopg2.OperationalError as exc:
            if time.monotonic() >= deadline:
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "no answer"
                shown = url_without_credentials(url)
                fail(f"cannot connect to PostgreSQL at {shown} (DATABASE_URL): {reason}")
            time.sleep(0.5)


def redis_client(url: str, timeout: float) -> redis.Redis:
    """A client of the Redis at `url` (not yet connected); `fail` when it is not a Redis URL."""
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    except ValueError as exc:  # not a Redis URL; its text does not repeat the URL
        fail(f"REDIS_URL is not valid: {exc}", EXIT_CONFIG)


def wait_for_redis(url: str, timeout: float) -> None:
    import redis

    deadline = time.monotonic() + timeout
    while True:
        client = redis_client(url, timeout)
        try:
            client.ping()
            return
        except redis.RedisError as exc:
            if time.monotonic() >= deadline:
                shown = url_without_credentials(url)
                fail(f"cannot connect to Redis at {shown} (REDIS_URL): {exc}")
            time.sleep(0.5)
        finally:
            client.close()


def answer_to_loopback_names_only(settings: Settings, host: str) -> Settings:
    """Listening on loopback only, with no `ALLOWED_HOSTS` given: the API answers to
    loopback's own names only (see `security.allowed_hosts`). The settings then."""
    from product_importer.config import reload_settings
    from product_importer.security.allowed_hosts import LOOPBACK_NAMES, listens_on_loopback_only

    if settings.allowed_hosts or not listens_on_loopback_only(host):
        return settings
    os.environ["ALLOWED_HOSTS"] = ",".join(LOOPBACK_NAMES)
    reload_settings()
    return current_settings()
