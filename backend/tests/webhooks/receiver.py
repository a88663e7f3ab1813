"""A real HTTP receiver for webhook tests: a threaded server on 127.0.0.1 that
records every request and answers from a per-path script (status, headers, body,
hang, or an answer dripped a byte at a time)."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    # Seconds to wait before answering: cut short when the server stops, when the client
    # hangs up (its timeout), or when `until` is set.
    hang: float = 0.0
    until: threading.Event | None = None
    drip: float = 0.0  # seconds between the bytes of the answer (its status line and headers too)
    drip_body_only: bool = False  # the status line and headers at once, then drip the body


HANG = Reply(hang=60.0)


def _answer(reply: Reply) -> tuple[bytes, bytes]:
    """The raw status line and headers, and the body, of a reply."""
    lines = [f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}"]
    lines += [f"{key}: {value}" for key, value in reply.headers.items()]
    lines.append(f"content-length: {len(reply.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode(), reply.body


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._scripts: dict[str, deque[Reply]] = {}
        self._received: list[Received] = []
        self._open: dict[str, list[socket.socket]] = {}
        self.max_open: dict[str, int] = {}
        self._closing = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                headers = {key.lower(): value for key, value in self.headers.items()}
                reply = receiver._arrived(Received(self.path, headers, body), self.connection)
                try:
                    if reply.hang and receiver._hang(self.connection, reply):
                        return  # the client gave up: nobody to answer
                    if reply.drip:
                        receiver._drip(self.wfile, reply)
                        return
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.send_header("content-length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except OSError:
                    pass  # the client gave up (timeout): that is the point of a hang
                finally:
                    receiver._left(self.path, self.connection)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def script(self, path: str, *replies: Reply | int) -> None:
        """Answer the next requests to `path` with these replies, then 200."""
        queue = self._scripts.setdefault(path, deque())
        for reply in replies:
            queue.append(Reply(status=reply) if isinstance(reply, int) else reply)

    @staticmethod
    def _gone(connection: socket.socket) -> bool:
        """Whether the client has hung up (its end of the connection is closed)."""
        try:
            return connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def _hang(self, connection: socket.socket, reply: Reply) -> bool:
        """Wait as `reply` says; True when it ended because the client hung up."""
        deadline = time.monotonic() + reply.hang
        while time.monotonic() < deadline and not (reply.until and reply.until.is_set()):
            if self._gone(connection):
                return True
            if self._closing.wait(0.05):
                break
        return False

    def _arrived(self, request: Received, connection: socket.socket) -> Reply:
        with self._lock:
            self._received.append(request)
            # A request whose client gave up (its timeout) is no longer in flight, even
            # while its hang goes on here.
            still = [c for c in self._open.get(request.path, []) if not self._gone(c)]
            self._open[request.path] = [*still, connection]
            self.max_open[request.path] = max(
                self.max_open.get(request.path, 0), len(self._open[request.path])
            )
            self._lock.notify_all()
            queue = self._scripts.get(request.path)
            return queue.popleft() if queue else Reply()

    def _drip(self, out: io.BufferedIOBase, reply: Reply) -> None:
        head, body = _answer(reply)
        if reply.drip_body_only:
            out.write(head)
            head = b""
        for byte in head + body:
            if self._closing.wait(reply.drip):
                return
            out.write(bytes([byte]))

    def _left(self, path: str, connection: socket.socket) -> None:
        with self._lock:
            if connection in self._open.get(path, []):
                self._open[path].remove(connection)

    def requests(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self._received if path is None or r.path == path]

    def wait_for(self, count: int, path: str | None = None, timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.requests(path)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    got = len(self.requests(path))
                    raise AssertionError(f"expected {count} requests to {path}, got {got}")
                self._lock.wait(remaining)
            return self.requests(path)

    def close(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
