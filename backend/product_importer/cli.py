"""`product-importer` command line: serve | worker | migrate | services | import FILE | tokens."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from product_importer import startup
from product_importer.exit_codes import EXIT_CONFIG, EXIT_USAGE

if TYPE_CHECKING:
    from pathlib import Path

    import uvicorn
    from pydantic import ValidationError

    from product_importer.config import Settings
    from product_importer.embedded import EmbeddedServices
    from product_importer.supervisor import Worker


SERVICES_CHECK_SECONDS = 1.0
DEFAULT_API_URL = "http://127.0.0.1:8000"


def _port(value: str) -> int:
    """A `--port`, checked as the PORT setting is."""
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1 to 65535)")
    return int(value)


def _concurrency(value: str) -> int:
    """A worker's `--concurrency`: 0 would have meant "the default" unseen."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of tasks (1 or more)")
    return int(value)


# The queues tasks are sent to (`worker.IMPORTS_QUEUE`, `WEBHOOKS_QUEUE`; not imported
# here: Celery takes a while to load, and a wrong command line answers at once).
WORKER_QUEUES = ("imports", "webhooks")
QUEUES_ARE = f"the queues are {', '.join(WORKER_QUEUES)}"


def _queues(value: str) -> str:
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"no queue given: {QUEUES_ARE}")
    return ",".join(names)


def _ignore_stop_signals() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)


def _announce_when_started(server: object, url: str) -> None:
    def wait() -> None:
        while not getattr(server, "started", False) and not getattr(server, "should_exit", True):
            time.sleep(0.05)
        if getattr(server, "started", False):
            print(f"Product Importer is running at {url}", flush=True)

    threading.Thread(target=wait, daemon=True).start()


def _say_where_embedded_servers_are(
    services: EmbeddedServices, database_url: str, redis_url: str, data_dir: Path
) -> None:
    """Their ports are chosen at each start: the log names them, for psql or redis-cli."""
    from product_importer.core.redaction import url_without_credentials

    started = [
        f"{name} at {url_without_credentials(url)}"
        for name, server, url in (
            ("PostgreSQL", services.postgres, database_url),
            ("Redis", services.redis, redis_url),
        )
        if server is not None
    ]
    if started:
        print(f"Embedded {' and '.join(started)} (data in {data_dir})", flush=True)


def _running_imports() -> int:
    from product_importer.db import sync_engine
    from product_importer.imports import repository

    try:
        with sync_engine().connect() as conn:
            return int(conn.execute(repository.count_running()).scalar_one())
    finally:
        sync_engine().dispose()  # before the database stops


def _say_imports_are_waited_for(workers: list[Worker]) -> None:
    """Stopping may wait for running imports: say so, and what becomes of one cut off."""
    from sqlalchemy.exc import SQLAlchemyError

    from product_importer.supervisor import STOP_WORKERS_SECONDS

    if not any(w.queues == "imports" and w.process.returncode is None for w in workers):
        return
    try:
        running = _running_imports()
    except SQLAlchemyError:
        return
    if running:
        imports = "1 running import" if running == 1 else f"{running} running imports"
        print(
            f"Waiting up to {STOP_WORKERS_SECONDS:.0f} s for {imports} to finish; an import "
            "cut off starts over on the next run.",
            file=sys.stderr,
            flush=True,
        )


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    settings = startup.current_settings()
    host = args.host or settings.host
    port = args.port or settings.port
    url = f"http://{host}:{port}"
    startup.ensure_data_dir_free(settings)
    startup.ensure_port_free(host, port)
    settings = startup.answer_to_loopback_names_only(settings, host)
    # SIGTERM as Ctrl-C: uvicorn raises the signal again once it has shut down, and its
    # default action would end `serve` before it stops the workers and then the servers.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    services, database_url, redis_url = startup.start_services()
    embedded = services.postgres is not None or services.redis is not None
    _say_where_embedded_servers_are(services, database_url, redis_url, settings.data_dir)
    unrecord = startup.record_serve(settings.data_dir, url) if embedded else lambda: None
    from product_importer.supervisor import Supervisor, Worker, stop_workers

    workers: list[Worker] = []
    supervisor = Supervisor(workers, services)
    try:
        startup.wait_for_redis(redis_url, timeout=float(settings.db_connect_timeout_seconds))
        from product_importer.migrations import upgrade_to_head

        upgrade_to_head()
        settings = startup.current_settings()
        if settings.spawn_worker:
            workers.append(Worker("imports", "prefork", settings.worker_concurrency))
            workers.append(Worker("webhooks", "threads", 32))
        server = uvicorn.Server(server_config(settings, host, port))
        _announce_when_started(server, url)
        supervisor.start(server)
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl-C after shutdown
            server.run()
    finally:
        _ignore_stop_signals()  # a second Ctrl-C must not cut the stopping short
        supervisor.stop()
        if supervisor.failure is None:  # else the database may be what stopped
            _say_imports_are_waited_for(workers)
        stop_workers(workers)
        unrecord()  # while the data dir is still this serve's
        services.stop()
    if supervisor.failure is not None:
        startup.fail(f"{supervisor.failure}; serve stopped.")


def server_config(settings: Settings, host: str, port: int) -> uvicorn.Config:
    import uvicorn

    return uvicorn.Config(
        "product_importer.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_level=settings.log_level,
        timeout_graceful_shutdown=5,
        ws="none",  # no WebSocket routes: a handshake is then plain HTTP, logged redacted
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


def cmd_worker(args: argparse.Namespace) -> None:
    settings = startup.current_settings()
    if not settings.database_url or not settings.redis_url:
        startup.fail(
            "a worker needs DATABASE_URL and REDIS_URL (it starts no embedded server)", EXIT_CONFIG
        )
    # Checked, not waited for: a worker may start before its servers are up.
    startup.redis_client(settings.redis_url, float(settings.db_connect_timeout_seconds)).close()
    unknown = [name for name in args.queues.split(",") if name not in WORKER_QUEUES]
    if unknown:  # allowed (a queue of one's own), but nothing sends to it: said, not silent
        print(
            f"warning: no task is sent to queue {', '.join(map(repr, unknown))}; {QUEUES_ARE}",
            file=sys.stderr,
        )
    from product_importer.worker import celery_app, consume_patiently

    # LOG_LEVEL is uvicorn's: its `trace` is more than Celery's DEBUG shows.
    log_level = "DEBUG" if settings.log_level == "trace" else settings.log_level.upper()
    argv = ["worker", "--queues", args.queues, "--pool", args.pool, "--loglevel", log_level]
    concurrency = settings.worker_concurrency if args.concurrency is None else args.concurrency
    argv += ["--concurrency", str(concurrency)]
    argv += ["--hostname", f"{args.queues.replace(',', '+')}@%h-{os.getpid()}"]
    consume_patiently(celery_app)
    celery_app.worker_main(argv)


def cmd_migrate(args: argparse.Namespace) -> None:
    from product_importer.migrations import upgrade_to_head

    services = None
    if not startup.current_settings().database_url:
        services, _, _ = startup.start_services()
    else:
        settings = startup.current_settings()
        timeout = float(settings.db_connect_timeout_seconds)
        startup.wait_for_database(settings.database_url or "", timeout=timeout)
    try:
        upgrade_to_head()
        print("migrations applied")
    finally:
        if services is not None:
            services.stop()


def cmd_services(args: argparse.Namespace) -> None:
    services, database_url, redis_url = startup.start_services()
    print(f"DATABASE_URL={database_url}\nREDIS_URL={redis_url}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(SERVICES_CHECK_SECONDS):
            failure = services.exited()
            if failure is not None:
                startup.fail(f"{failure}; services stopped.")
    finally:
        services.stop()


def _import_exit_codes() -> str:
    """The import command's exit codes for its help, from the client's table of them."""
    from product_importer.imports.import_command import EXIT_CODE_MEANINGS

    lines = ["exit codes:"]
    for code, meaning in EXIT_CODE_MEANINGS.items():
        lines += textwrap.wrap(
            meaning, width=79, initial_indent=f"  {code:<5}", subsequent_indent=" " * 7
        )
    return "\n".join(lines) + "\n"


def cmd_import(args: argparse.Namespace) -> None:
    from product_importer.imports.import_command import run_import_command

    from_environment = os.environ.get("PRODUCT_IMPORTER_URL")
    if args.url is None and from_environment:
        url, named = from_environment, "PRODUCT_IMPORTER_URL"
    else:
        url, named = DEFAULT_API_URL if args.url is None else args.url, "--url"
    raise SystemExit(run_import_command(args.file, url, args.token, named))


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
    serve.add_argument("--host", default=None, help="address to listen on (default: $HOST)")
    serve.add_argument("--port", type=_port, default=None, help="port (default: $PORT)")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="start a Celery worker")
    worker.add_argument(
        "--queues",
        type=_queues,
        default="imports,webhooks",
        help="comma-separated queues to take tasks from (default: %(default)s)",
    )
    worker.add_argument(
        "--pool",
        default="prefork",
        choices=["prefork", "threads", "solo"],
        help="how tasks run side by side: processes, threads or one at a time "
        "(default: %(default)s)",
    )
    worker.add_argument(
        "--concurrency",
        type=_concurrency,
        default=None,
        help="tasks run at once (default: $WORKER_CONCURRENCY)",
    )
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
        default=None,
        help="where the API is: its root or its /api/v1 "
        f"(default: $PRODUCT_IMPORTER_URL, else {DEFAULT_API_URL})",
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
        startup.fail(_invalid_settings(exc), EXIT_CONFIG)
    except SettingsError as exc:
        startup.fail(f"invalid settings (environment or .env): {exc}", EXIT_CONFIG)


if __name__ == "__main__":
    main()
