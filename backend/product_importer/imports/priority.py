"""Background CPU priority for the PostgreSQL processes that run an import, and how
many cores it may take.

An import is CPU-bound, and PostgreSQL starts parallel workers for each index build
of a rebuild: on a small machine it can take every core from the queries the API
serves. When PostgreSQL runs on this host (the embedded server or a local one), the
import raises the `nice` value of its own backends and of their parallel workers, so
the kernel schedules the API's queries first while the import still uses every idle
cycle. Lowering `nice` again needs privileges, so the caller closes those connections
afterwards instead of returning reniced backends to the pool; a connection through a
pooler is left alone, since the pooler would hand its backend to other clients.

Where PostgreSQL runs elsewhere (another host or container) or there is no /proc,
nothing is reniced.

Priority alone does not protect the API: on two cores, a rebuild's parallel index
builds (a leader and two workers) tripled the p95 of API requests at any nice value,
while the same builds in one process left it at its idle figure. So an import into a
catalog people browse leaves a core free (`workers_beside_readers`); a first load,
into an empty catalog, uses every core.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import socket
import struct
import threading
from pathlib import Path
from types import TracebackType

from sqlalchemy import Connection

logger = logging.getLogger(__name__)

PROC = Path("/proc")
POLL_SECONDS = 0.05
FULL_PARALLELISM = 2  # parallel workers per statement when no reader needs a core
BACKEND_IDENTITY = "SELECT pg_backend_pid(), inet_client_port()"


def host_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def workers_beside_readers(configured: int | None = None) -> int:
    """Parallel workers per statement for an import into a catalog the API serves: as
    many as leave one core free beside the import's own backend (cores of this host,
    where PostgreSQL usually runs; `configured` overrides it)."""
    if configured is not None:
        return configured
    return max(0, min(FULL_PARALLELISM, host_cores() - 2))


def _cmdline(pid: int) -> bytes:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return b""


def _parent(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _children(pid: int) -> list[int]:
    children = PROC / str(pid) / "task" / str(pid) / "children"
    try:
        return [int(child) for child in children.read_text().split()]
    except OSError:  # a kernel without the children file: scan every process
        found = (int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit())
        return [child for child in found if _parent(child) == pid]


def _renice(pid: int, nice: int) -> bool:
    try:
        current = os.getpriority(os.PRIO_PROCESS, pid)
        if current < nice:
            os.setpriority(os.PRIO_PROCESS, pid, nice)
        return True
    except PermissionError:
        _say_not_permitted()
        return False
    except OSError:  # gone
        return False


@functools.cache
def _say_not_permitted() -> None:
    logger.warning(
        "IMPORT_NICE: not permitted to lower the priority of PostgreSQL's processes (this "
        "worker runs as another user): imports run at PostgreSQL's normal priority"
    )


def _direct_peer(conn: Connection, client_port: int | None, backend: int) -> bool:
    """Whether `conn`'s socket leads straight to `backend`, not through a pooler (which
    would hand the reniced backend to other clients)."""
    fileno = conn.connection.dbapi_connection.fileno()  # type: ignore[union-attr]
    with socket.socket(fileno=os.dup(fileno)) as sock:
        if sock.family == socket.AF_UNIX:  # the peer is the postmaster that forked it
            credentials = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
            peer_pid = struct.unpack("3i", credentials)[0]
            return peer_pid == _parent(backend)
        return bool(sock.getsockname()[1] == client_port)


def local_backend_pid(conn: Connection) -> int | None:
    """The pid of `conn`'s backend if that process runs on this host and `conn` speaks
    to it directly, else None.

    The pid alone could name an unrelated local process when PostgreSQL runs in another
    pid namespace, so the process title must also show this connection's client port.
    """
    pid, port = conn.exec_driver_sql(BACKEND_IDENTITY).one()
    title = _cmdline(pid)
    client = b"[local]" if port is None else f"({port})".encode()
    if title.startswith(b"postgres:") and client in title and _direct_peer(conn, port, pid):
        return int(pid)
    return None


class BackgroundPriority:
    """Renice the backends of `connections` and, while in the block, their parallel
    workers. `lowered` says whether any backend was reniced."""

    def __init__(self, nice: int, *connections: Connection) -> None:
        self.nice = nice
        self.connections = connections
        self.leaders: list[int] = []
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def lowered(self) -> bool:
        return bool(self.leaders)

    def __enter__(self) -> BackgroundPriority:
        if self.nice <= 0 or not PROC.is_dir():
            return self
        for conn in self.connections:
            pid = local_backend_pid(conn)
            if pid is not None and _renice(pid, self.nice):
                self.leaders.append(pid)
        postmaster = _parent(self.leaders[0]) if self.leaders else None
        if postmaster is not None:
            self._watcher = threading.Thread(
                target=self._renice_parallel_workers, args=(postmaster,), daemon=True
            )
            self._watcher.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:  # fmt: skip
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join()

    def _renice_parallel_workers(self, postmaster: int) -> None:
        # "postgres: [cluster_name: ]parallel worker for PID <leader> "
        leaders = "|".join(str(pid) for pid in self.leaders)
        title = re.compile(rf"^postgres: (?:.*: )?parallel worker for PID (?:{leaders}) ".encode())
        reniced: set[int] = set()
        while not self._stop.wait(POLL_SECONDS):
            children = set(_children(postmaster))
            reniced &= children  # forget exited workers: their pids may be reused
            for child in children - reniced:
                if title.match(_cmdline(child)) and _renice(child, self.nice):
                    reniced.add(child)
