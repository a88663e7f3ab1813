"""`product-importer` command line: serve | worker | migrate | services | import FILE | tokens."""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import urlsplit

from product_importer.exit_codes import EXIT_CONFIG, EXIT_USAGE

if TYPE_CHECKING:
    from pydantic import ValidationError

    from product_importer.config import Settings
    from product_importer.embedded import EmbeddedServices


# serve's own lines, in the server log with uvicorn's.
log = logging.getLogger("uvicorn.error")
SUPERVISE_EVERY_SECONDS = 1.0
STEADY_WORKER_SECONDS = 60.0  # a worker that dies after this long is started again at once
MAX_RESTART_PAUSE_SECONDS = 60.0


def get_settings() -> Settings:
    # Imported when a command needs it, not with this module: loading pydantic takes
    # ~0.3 s, and a Ctrl-C then must end as one (130), not as a traceback.
    from product_importer.config import get_settings as settings

    return settings()


def reload_settings() -> None:
    from product_importer.config import reload_settings as reload

    reload()


def _fail(message: str, code: int = 1) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)


def _ensure_port_free(host: str, port: int) -> None:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:  # a name that does not resolve, not ours, ...
                reason = exc.strerror or str(exc)
                _fail(f"cannot listen on {host}:{port} (HOST, PORT): {reason}.", EXIT_CONFIG)
            _fail(
                f"port {port} on {host} is already in use. Stop what is using it, or choose "
                f"another port with PORT={port + 1} (or `--port {port + 1}`).",
                EXIT_CONFIG,
            )


def _port(value: str) -> int:
    """A `--port`, checked as the PORT setting is."""
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1 to 65535)")
    return int(value)


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}:{parts.port or ''}{parts.path}"


def _wait_for_database(url: str, timeout: float) -> None:
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
                _fail(f"cannot connect to PostgreSQL at {_safe_url(url)} (DATABASE_URL): {reason}")
            time.sleep(0.5)


def _start_services() -> tuple[EmbeddedServices, str, str]:
    """Start the embedded servers the environment does not provide; export their URLs."""
    from product_importer.embedded import EmbeddedServerError, EmbeddedServices

    settings = get_settings()
    services = EmbeddedServices(settings.data_dir, settings.database_url, settings.redis_url)
    try:
        database_url, redis_url = services.start()
    except EmbeddedServerError as exc:
        _fail(str(exc))
    os.environ["DATABASE_URL"] = database_url
    os.environ["REDIS_URL"] = redis_url
    reload_settings()
    _wait_for_database(database_url, timeout=float(settings.db_connect_timeout_seconds))
    return services, database_url, redis_url


def _spawn_worker(queues: str, pool: str, concurrency: int) -> subprocess.Popen[bytes]:
    from product_importer.embedded import die_with_parent

    command = [sys.executable, "-m", "product_importer.cli", "worker", "--queues", queues]
    command += ["--pool", pool, "--concurrency", str(concurrency)]
    # A session of its own: `serve` stops the worker with its pool processes (its group).
    return subprocess.Popen(
        command, preexec_fn=die_with_parent(signal.SIGTERM), start_new_session=True
    )


class _Worker:
    """A worker `serve` runs, started again when it dies: at once after a steady run,
    after a pause that doubles (up to a minute) while it keeps dying soon after its start."""

    def __init__(self, queues: str, pool: str, concurrency: int) -> None:
        self.queues, self.pool, self.concurrency = queues, pool, concurrency
        self.quick_deaths = 0
        self.restart_at: float | None = None
        self._start()

    def _start(self) -> None:
        self.process = _spawn_worker(self.queues, self.pool, self.concurrency)
        self.started_at = time.monotonic()

    def _exited(self) -> bool:
        """Whether the worker has exited. Its pool processes (its group) are ended first,
        while it is not yet reaped: until then its pid cannot go to another process."""
        if self.process.returncode is not None:
            return True
        if not hasattr(os, "waitid"):  # macOS before Python 3.13
            return self.process.poll() is not None
        options = os.WEXITED | os.WNOHANG | os.WNOWAIT
        if os.waitid(os.P_PID, self.process.pid, options) is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        return True

    def check(self, now: float) -> None:
        if not self._exited():
            return
        code = self.process.returncode
        if self.restart_at is None:
            steady = now - self.started_at >= STEADY_WORKER_SECONDS
            self.quick_deaths = 0 if steady else self.quick_deaths + 1
            pause = min(2.0**self.quick_deaths - 1, MAX_RESTART_PAUSE_SECONDS)
            self.restart_at = now + pause
            log.warning(
                "The %s worker (pid %d) exited with code %d; starting it again%s.",
                self.queues, self.process.pid, code, f" in {pause:.0f} s" if pause else "",
            )  # fmt: skip
        if now >= self.restart_at:
            self.restart_at = None
            self._start()


class _Supervisor:
    """Watches what `serve` started, from a thread of its own: a worker that dies is
    started again; an embedded server that dies stops `serve` (every part needs it),
    which then says why."""

    def __init__(self, workers: list[_Worker], services: EmbeddedServices) -> None:
        self.workers, self.services = workers, services
        self.failure: str | None = None
        self._server: object = None
        self._stopped = threading.Event()
        self._lock = threading.Lock()

    def start(self, server: object) -> None:
        # A thread that lives as long as `serve`: a worker it starts is told to stop when
        # the thread that started it ends (`die_with_parent` works per thread).
        self._server = server
        threading.Thread(target=self._run, name="supervisor", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:  # a worker being started again has been
            pass

    def _run(self) -> None:
        while True:  # never returns: see `start`
            time.sleep(SUPERVISE_EVERY_SECONDS)
            with self._lock:
                if not self._stopped.is_set():
                    self._check()

    def _check(self) -> None:
        self.failure = self.services.exited()
        if self.failure is not None:
            self._stopped.set()
            self._server.should_exit = True  # type: ignore[attr-defined]
            return
        now = time.monotonic()
        for worker in self.workers:
            worker.check(now)


def _ignore_stop_signals() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)


def _stop_workers(workers: list[_Worker], timeout: float = 15) -> None:
    """Ask every worker at once to stop (a warm shutdown: running tasks may finish within
    `timeout`; an import cut short applies nothing and runs again on the next start), then
    end whatever is left of them, pool processes included, before the servers they use stop."""
    processes = [worker.process for worker in workers]
    for worker in processes:
        if worker.poll() is None:
            worker.terminate()
    deadline = time.monotonic() + timeout
    for worker in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.wait(timeout=max(deadline - time.monotonic(), 0))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def _announce_when_started(server: object, url: str) -> None:
    def wait() -> None:
        while not getattr(server, "started", False) and not getattr(server, "should_exit", True):
            time.sleep(0.05)
        if getattr(server, "started", False):
            print(f"Product Importer is running at {url}", flush=True)

    threading.Thread(target=wait, daemon=True).start()


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    settings = get_settings()
    host = args.host or settings.host
    port = args.port or settings.port
    _ensure_port_free(host, port)
    # SIGTERM as Ctrl-C: uvicorn raises the signal again once it has shut down, and its
    # default action would end `serve` before it stops the workers and then the servers.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    services, _, _ = _start_services()
    workers: list[_Worker] = []
    supervisor = _Supervisor(workers, services)
    try:
        from product_importer.migrations import upgrade_to_head

        upgrade_to_head()
        settings = get_settings()
        if settings.spawn_worker:
            workers.append(_Worker("imports", "prefork", settings.worker_concurrency))
            workers.append(_Worker("webhooks", "threads", 32))
        config = uvicorn.Config(
            "product_importer.app:create_app",
            factory=True,
            host=host,
            port=port,
            log_level=settings.log_level,
            timeout_graceful_shutdown=5,
        )
        server = uvicorn.Server(config)
        _announce_when_started(server, f"http://{host}:{port}")
        supervisor.start(server)
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl-C after shutdown
            server.run()
    finally:
        _ignore_stop_signals()  # a second Ctrl-C must not cut the stopping short
        supervisor.stop()
        _stop_workers(workers)
        services.stop()
    if supervisor.failure is not None:
        _fail(f"{supervisor.failure}; serve stopped.")


def cmd_worker(args: argparse.Namespace) -> None:
    settings = get_settings()
    if not settings.database_url or not settings.redis_url:
        _fail("a worker needs DATABASE_URL and REDIS_URL")
    from product_importer.worker import celery_app

    argv = ["worker", "--queues", args.queues, "--pool", args.pool, "--loglevel", "INFO"]
    argv += ["--concurrency", str(args.concurrency or settings.worker_concurrency)]
    argv += ["--hostname", f"{args.queues.replace(',', '+')}@%h-{os.getpid()}"]
    celery_app.worker_main(argv)


def cmd_migrate(args: argparse.Namespace) -> None:
    from product_importer.migrations import upgrade_to_head

    services = None
    if not get_settings().database_url:
        services, _, _ = _start_services()
    else:
        _wait_for_database(get_settings().database_url or "", timeout=5)
    try:
        upgrade_to_head()
        print("migrations applied")
    finally:
        if services is not None:
            services.stop()


def cmd_services(args: argparse.Namespace) -> None:
    services, database_url, redis_url = _start_services()
    print(f"DATABASE_URL={database_url}\nREDIS_URL={redis_url}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(SUPERVISE_EVERY_SECONDS):
            failure = services.exited()
            if failure is not None:
                _fail(f"{failure}; services stopped.")
    finally:
        services.stop()


def _import_exit_codes() -> str:
    """The import command's exit codes for its help, from the client's table of them."""
    from product_importer.imports.client import EXIT_CODE_MEANINGS

    lines = ["exit codes:"]
    for code, meaning in EXIT_CODE_MEANINGS.items():
        lines += textwrap.wrap(
            meaning, width=79, initial_indent=f"  {code:<5}", subsequent_indent=" " * 7
        )
    return "\n".join(lines) + "\n"


def cmd_import(args: argparse.Namespace) -> None:
    from product_importer.imports.client import run_import_command

    raise SystemExit(run_import_command(args.file, args.url, args.token))


def cmd_tokens(args: argparse.Namespace) -> None:
    from product_importer.security.token_cli import run

    raise SystemExit(run(args))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="product-importer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start the API, a worker and (if needed) embedded servers")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=_port, default=None)
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="start a Celery worker")
    worker.add_argument("--queues", default="imports,webhooks")
    worker.add_argument("--pool", default="prefork", choices=["prefork", "threads", "solo"])
    worker.add_argument("--concurrency", type=int, default=None)
    worker.set_defaults(func=cmd_worker)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser(
        "services", help="start only the embedded PostgreSQL and Redis and print their URLs"
    ).set_defaults(func=cmd_services)

    imp = sub.add_parser(
        "import",
        help="upload a CSV through the API and follow its progress",
        epilog=_import_exit_codes(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument("file", help="the CSV file to import")
    imp.add_argument(
        "--url",
        default="http://127.0.0.1:8000",
        help="where the API is: its root or its /api/v1 (default: %(default)s)",
    )
    imp.add_argument(
        "--token",
        default=os.environ.get("PRODUCT_IMPORTER_TOKEN"),
        help="API token, when the API requires one (default: $PRODUCT_IMPORTER_TOKEN)",
    )
    imp.set_defaults(func=cmd_import)

    from product_importer.security.token_cli import add_parser

    add_parser(sub)
    sub.choices["tokens"].set_defaults(func=cmd_tokens)
    return parser


def _invalid_settings(exc: ValidationError) -> str:
    """One line per setting that is not valid, named as in the environment (values are
    not repeated: a setting may hold a secret)."""
    problems = [
        f"{str(error['loc'][0]).upper() if error['loc'] else 'settings'}: {error['msg']}"
        for error in exc.errors()
    ]
    return "invalid settings (environment or .env):\n  " + "\n  ".join(problems)


def main(argv: Sequence[str] | None = None) -> None:
    try:
        _run(argv)
    except KeyboardInterrupt:  # Ctrl-C before a command's own handling starts
        raise SystemExit(130) from None


def _run(argv: Sequence[str] | None) -> None:
    args = build_parser().parse_args(argv)
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    try:
        args.func(args)
    except ValidationError as exc:
        if exc.title != "Settings":
            raise
        _fail(_invalid_settings(exc), EXIT_CONFIG)
    except SettingsError as exc:
        _fail(f"invalid settings (environment or .env): {exc}", EXIT_CONFIG)


if __name__ == "__main__":
    main()
