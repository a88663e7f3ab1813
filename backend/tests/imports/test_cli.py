"""`product-importer import FILE` when things go wrong: answers that are not the API's,
a connection lost while watching, Ctrl-C, an import's warnings; and its help."""

import asyncio
import http.server
import json
import os
import pty
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

import httpx
import pytest

from product_importer.cli import main
from product_importer.imports import import_command
from tests.imports.helpers import (
    CLI,
    MergeGate,
    api_process,
    cli_process,
    csv_bytes,
    late_failing_csv,
    run_cli,
    wait_final,
)

TOKEN = "pi_" + "k" * 43
FAKE_ID = "0b7e4f6c-5d1a-4c1e-9a43-2f0d8c6b1e57"
FAKE_QUEUED = {"id": FAKE_ID, "status": "queued", "phase": "queued", "progress": 0.0}
FAKE_COMPLETED = {
    **FAKE_QUEUED,
    "status": "completed",
    "phase": "completed",
    "progress": 100.0,
    **{"total_rows": 1, "created": 1, "updated": 0, "unchanged": 0, "skipped": 0},
    "duplicates_in_file": 0,
}
README = Path(__file__).parents[3] / "README.md"


def _drain(handler: http.server.BaseHTTPRequestHandler) -> None:
    # Read the upload before answering: an answer sent over an unread body can be
    # lost to the connection reset that closing such a socket sends.
    handler.rfile.read(int(handler.headers.get("Content-Length", 0)))


class _NotTheApi(http.server.BaseHTTPRequestHandler):
    """Some other web server, answering a POST as `python3 -m http.server` does."""

    def do_POST(self) -> None:
        _drain(self)
        self.send_error(501, "Unsupported method ('POST')")

    def log_message(self, *args: object) -> None:
        pass


class _AcceptsThenFails(http.server.BaseHTTPRequestHandler):
    """An API that accepts the upload, then answers its status with a plain-text 500."""

    def do_POST(self) -> None:
        _drain(self)
        self._answer(202, "application/json", json.dumps(FAKE_QUEUED).encode())

    def do_GET(self) -> None:
        self._answer(500, "text/plain", b"Internal Server Error")

    def _answer(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _AcceptsThenNeedsAToken(_AcceptsThenFails):
    def do_GET(self) -> None:
        body = json.dumps({"detail": "Missing API token."}).encode()
        self._answer(401, "application/json", body)


class _AcceptsThenUnavailable(_AcceptsThenFails):
    """An API whose database is briefly down: its status answers a 503 with Retry-After
    `unavailable_for` times, then the completed import."""

    unavailable_for = 2
    retry_after = "1"
    polls = 0

    def do_GET(self) -> None:
        type(self).polls += 1
        if self.polls <= self.unavailable_for:
            body = json.dumps({"detail": "The database cannot be reached just now."}).encode()
            self._answer(503, "application/json", body, {"Retry-After": self.retry_after})
        else:
            self._answer(200, "application/json", json.dumps(FAKE_COMPLETED).encode())


class _AcceptsThenNeverAnswers(_AcceptsThenFails):
    def do_GET(self) -> None:
        time.sleep(30)


class _Answering(_AcceptsThenFails):
    """An API that accepts the upload and answers the status polls with `answers` in
    turn (the last one again once they run out); it keeps the Authorization header of
    every request it gets."""

    answers: tuple[dict, ...] = (FAKE_COMPLETED,)
    authorizations: list[str | None]
    polls: int

    def do_POST(self) -> None:
        self.authorizations.append(self.headers.get("Authorization"))
        super().do_POST()

    def do_GET(self) -> None:
        self.authorizations.append(self.headers.get("Authorization"))
        answer = self.answers[min(self.polls, len(self.answers) - 1)]
        type(self).polls += 1
        self._answer(200, "application/json", json.dumps(answer).encode())


def _answering(*answers: dict) -> type[_Answering]:
    """A fresh `_Answering` API (its own record of requests)."""
    return type("Api", (_Answering,), {"answers": answers, "authorizations": [], "polls": 0})


class _ReadsButNeverAnswers(http.server.BaseHTTPRequestHandler):
    """A server that takes the whole upload and then keeps the client waiting."""

    upload_read = threading.Event()

    def do_POST(self) -> None:
        _drain(self)
        self.upload_read.set()
        time.sleep(60)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def _serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def _closing_during_the_upload() -> Iterator[str]:
    """A server that reads the start of a request and closes the connection, as a server
    refusing a file over its upload limit may do without its answer reaching the client."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()

    def close_the_first() -> None:
        connection, _ = sock.accept()
        connection.recv(1024)
        connection.close()

    threading.Thread(target=close_the_first, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


@contextmanager
def _never_answering(first_bytes: threading.Event) -> Iterator[str]:
    """A server that takes a connection, reads its first bytes (then sets `first_bytes`)
    and nothing more: an upload to it stalls."""
    connections: list[socket.socket] = []
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()

        def read_the_start() -> None:
            connection, _ = sock.accept()
            connections.append(connection)
            if connection.recv(1024):
                first_bytes.set()

        threading.Thread(target=read_the_start, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}"
        finally:
            for connection in connections:
                connection.close()


def _csv(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "products.csv"
    path.write_bytes(csv_bytes(*lines))
    return str(path)


def _read_until(stream: IO[bytes], marker: bytes) -> bytes:
    seen = b""
    while marker not in seen:
        byte = stream.read(1)
        assert byte, f"the command ended before {marker!r}: {seen!r}"
        seen += byte
    return seen


def _watch_started(process: subprocess.Popen[bytes]) -> tuple[str, bytes]:
    """Waits until the command shows the accepted import's progress: (id, stderr so far).
    A command that never does is killed after a minute, which ends the wait."""
    assert process.stdout is not None and process.stderr is not None
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    try:
        accepted = process.stdout.readline().decode()
        assert " accepted; follow it at " in accepted, accepted
        return accepted.split()[1], _read_until(process.stderr, b"\n[")
    finally:
        watchdog.cancel()


def _ended(process: subprocess.Popen[bytes], stderr_so_far: bytes = b"") -> str:
    """The rest of the command's stderr, once it has ended."""
    _, stderr = process.communicate(timeout=60)
    return (stderr_so_far + stderr).decode()


def _assert_messages_start_lines(stderr: str) -> None:
    """No message is glued onto a progress line (on a terminal the line is redrawn with
    carriage returns, which text mode reads as newlines: no message may follow it either)."""
    for line in stderr.split("\n"):
        for prefix in ("error:", "interrupted", "warning:"):
            assert prefix not in line or line.startswith(prefix), repr(line)


def _last_line(stderr: str) -> str:
    return stderr.strip().split("\n")[-1]


def test_a_server_that_is_not_the_api_gets_a_one_line_error(tmp_path):
    with _serving(_NotTheApi) as url:
        result = run_cli(_csv(tmp_path, "sku,name", "A-1,One"), "--url", url)
    assert result.returncode == import_command.EXIT_NOT_ACCEPTED
    assert "Traceback" not in result.stderr
    uploading, error = result.stderr.strip().split("\n")
    size = len(csv_bytes("sku,name", "A-1,One"))
    assert uploading == f"uploading products.csv ({size} bytes) to {url}"  # not "(0.0 MB)"
    assert error.startswith(f"error: {url} did not accept the upload: 501 ")
    assert '"<!DOCTYPE HTML>' in error  # an excerpt of what it answered


class _AnswersOk(http.server.BaseHTTPRequestHandler):
    """A web server that answers every POST with 200 "ok"."""

    def do_POST(self) -> None:
        _drain(self)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def test_a_server_that_answers_the_upload_without_an_import_is_said_not_to_be_the_api(
    tmp_path,
):
    with _serving(_AnswersOk) as url:
        result = run_cli(_csv(tmp_path, "sku,name", "A-1,One"), "--url", url)
    assert result.returncode == import_command.EXIT_NOT_ACCEPTED
    assert _last_line(result.stderr) == (
        f'error: {url} answered the upload 200 OK: "ok", not with an import as '
        "Product Importer's API does: is it the API's address?"
    )


def test_the_url_defaults_to_product_importer_url(tmp_path, monkeypatch):
    with _serving(_AnswersOk) as url:
        monkeypatch.setenv("PRODUCT_IMPORTER_URL", url)
        result = run_cli(_csv(tmp_path, "sku,name", "A-1,One"))
    assert _last_line(result.stderr).startswith(f"error: {url} answered the upload 200 OK")


def test_a_url_from_the_environment_is_named_as_such(tmp_path, monkeypatch):
    monkeypatch.setenv("PRODUCT_IMPORTER_URL", "bogus")
    result = run_cli(_csv(tmp_path, "sku,name", "A-1,One"))
    assert result.returncode == import_command.EXIT_USAGE
    assert _last_line(result.stderr).startswith(
        "error: PRODUCT_IMPORTER_URL 'bogus' is not an http:// or https:// URL"
    )


def test_an_empty_url_is_a_wrong_command_line_not_the_default(tmp_path, monkeypatch):
    """`--url "$UNSET"` in a script: said, not taken for the default address."""
    monkeypatch.setenv("PRODUCT_IMPORTER_URL", "http://127.0.0.1:9")
    result = run_cli(_csv(tmp_path, "sku,name", "A-1,One"), "--url", "")
    assert result.returncode == import_command.EXIT_USAGE
    assert _last_line(result.stderr).startswith("error: --url '' is not an http://")


def test_an_api_not_running_at_the_address_is_said_how_to_give_another(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    result = run_cli(_csv(tmp_path, "sku,name", "A-1,One"), "--url", url)
    assert result.returncode == import_command.EXIT_NOT_ACCEPTED
    error = _last_line(result.stderr)
    assert error.startswith(f"error: cannot reach the API at {url}: ")
    assert error.endswith("is it running there? (--url or PRODUCT_IMPORTER_URL gives its address)")


class _NeedsAToken(_NotTheApi):
    def do_POST(self) -> None:
        _drain(self)
        body = json.dumps({"detail": "Missing API token."}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.parametrize("token", [None, TOKEN])
def test_an_upload_refused_for_its_token_says_how_to_give_one(tmp_path, token):
    args = ["--token", token] if token else []
    with _serving(_NeedsAToken) as url:
        result = run_cli(_csv(tmp_path, "sku,name", "A-1,One"), "--url", url, *args)
    assert result.returncode == import_command.EXIT_NOT_ACCEPTED
    error = _last_line(result.stderr)
    assert error.startswith(f"error: {url} did not accept the upload: 401 Unauthorized: ")
    assert "Missing API token; " in error  # the API's full stop left out before more
    assert error.endswith(
        "the API token (--token or PRODUCT_IMPORTER_TOKEN) was refused"
        if token
        else "give an API token with --token or PRODUCT_IMPORTER_TOKEN"
    )
    assert TOKEN not in result.stderr


def test_an_address_with_no_api_at_it_is_said_to_have_none(live_api, tmp_path):
    wrong = f"{live_api}/docs"
    result = run_cli(_csv(tmp_path, "sku,name", "A-1,One"), "--url", wrong)
    assert result.returncode == import_command.EXIT_NOT_ACCEPTED
    assert _last_line(result.stderr) == (
        f"error: no Product Importer API at {wrong} (it answered the upload 404 Not Found: "
        "Not Found); give the address the API runs at, e.g. http://127.0.0.1:8000"
    )


def test_an_answer_that_refuses_the_token_while_watching_is_said_at_once(tmp_path):
    with _serving(_AcceptsThenNeedsAToken) as url:
        result = run_cli(_csv(tmp_path, "sku,name", "A-1,One"), "--url", url)
    status_url = f"{url}/api/v1/imports/{FAKE_ID}"
    assert result.returncode == import_command.EXIT_LOST_TRACK
    assert f"import {FAKE_ID} accepted; follow it at {status_url}" in result.stdout
    assert "Traceback" not in result.stderr
    _assert_messages_start_lines(result.stderr)
    assert _last_line(result.stderr) == (
        "error: the API answered 401 Unauthorized: Missing API token; "
        f"import {FAKE_ID} may still be running on the server: {status_url}"
    )


def test_a_server_error_while_watching_is_asked_again_then_said(tmp_path, capsys, quick_retries):
    with _serving(_AcceptsThenFails) as url:
        code = import_command.run_import_command(_csv(tmp_path, "sku,name", "A-1,One"), url)
    output = capsys.readouterr()
    assert code == import_command.EXIT_LOST_TRACK
    assert "retrying (500 Internal Server Error); giving up in " in output.err
    assert _last_line(output.err) == (
        'error: the API answered 500 Internal Server Error: "Internal Server Error", still '
        f"after retrying for 5s; import {FAKE_ID} may still be running on the server: "
        f"{url}/api/v1/imports/{FAKE_ID}"
    )


class _AcceptsThenStumbles(_AcceptsThenFails):
    """An API followed through a rate limit, a server error and a proxy's page, then
    the completed import."""

    polls = 0
    STUMBLES = (
        (429, "application/json", b'{"detail": "Too many requests"}', {"Retry-After": "1"}),
        (500, "text/plain", b"Internal Server Error", {}),
        (200, "text/html", b"<html>Bad gateway</html>", {}),
    )

    def do_GET(self) -> None:
        type(self).polls += 1
        if self.polls <= len(self.STUMBLES):
            self._answer(*self.STUMBLES[self.polls - 1])
        else:
            self._answer(200, "application/json", json.dumps(FAKE_COMPLETED).encode())


def test_a_rate_limit_a_server_error_or_a_page_not_the_api_s_are_asked_again(
    tmp_path, capsys, quick_retries
):
    """The README's exit 4 comes only after a minute of retries: a busy or briefly
    failing API, or a proxy between, does not lose track of a running import."""
    _AcceptsThenStumbles.polls = 0
    with _serving(_AcceptsThenStumbles) as url:
        code = import_command.run_import_command(_csv(tmp_path, "sku,name", "A-1,One"), url)
    output = capsys.readouterr()
    assert code == 0, output.err
    assert _AcceptsThenStumbles.polls == 4
    # Without a terminal, the first retry's line is shown (one line per phase, see below).
    assert "retrying (429 Too Many Requests); giving up in " in output.err
    assert output.out.split("\n")[1].startswith("completed: 1 row; created 1")


def test_an_import_status_the_command_does_not_know_loses_track(tmp_path, capsys):
    """Not taken for a failure: the command cannot tell what happened to the import."""
    exploded = {**FAKE_QUEUED, "status": "exploded", "phase": "exploded"}
    with _serving(_answering(exploded)) as url:
        code = import_command.run_import_command(_csv(tmp_path, "sku,name", "A-1,One"), url)
    assert code == import_command.EXIT_LOST_TRACK
    assert _last_line(capsys.readouterr().err) == (
        "error: the API answered a status this command does not know ('exploded'); "
        f"import {FAKE_ID} may still be running on the server: {url}/api/v1/imports/{FAKE_ID}"
    )


@pytest.fixture
def quick_retries(monkeypatch):
    """Polls and the window of retries shortened for a test (not the polls' timeout: a
    slow answer would be asked for again, and counted twice)."""
    monkeypatch.setattr(import_command, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(import_command, "RETRY_WINDOW_SECONDS", 5.0)


def test_a_briefly_unavailable_api_is_asked_again_as_it_says(
    tmp_path, capsys, monkeypatch, quick_retries
):
    _AcceptsThenUnavailable.polls = 0
    monkeypatch.setattr(import_command, "RETRY_WINDOW_SECONDS", 10.0)
    with _serving(_AcceptsThenUnavailable) as url:
        started = time.monotonic()
        code = import_command.run_import_command(_csv(tmp_path, "sku,name", "A-1,One"), url)
    output = capsys.readouterr()
    assert code == 0, output.err
    assert _AcceptsThenUnavailable.polls == 3
    assert time.monotonic() - started >= 2  # Retry-After: 1, twice
    assert "retrying (503 Service Unavailable); giving up in " in output.err
    _assert_messages_start_lines(output.err)
    assert output.out.split("\n")[1].startswith("completed: 1 row; created 1")


class _BusyThenAccepts(_Answering):
    """An API receiving as many uploads as it takes at once: it refuses the first
    `busy_for` uploads with 503 and Retry-After (keeping nothing), then accepts."""

    busy_for = 1
    retry_after = "1"
    uploads = 0
    detail = "As many uploads as this server receives at once (UPLOADS_MAX, 4) are arriving"

    def do_POST(self) -> None:
        type(self).uploads += 1
        if self.uploads > self.busy_for:
            super().do_POST()
            return
        _drain(self)
        body = json.dumps({"detail": self.detail}).encode()
        self._answer(503, "application/json", body, {"Retry-After": self.retry_after})


def _busy_api(**overrides: object) -> type[_BusyThenAccepts]:
    fresh = {"authorizations": [], "polls": 0, "uploads": 0}
    return type("Api", (_BusyThenAccepts,), {**fresh, **overrides})


def test_an_upload_the_api_is_too_busy_to_take_is_sent_again(tmp_path, capsys, quick_retries):
    api = _busy_api()
    with _serving(api) as url:
        code = import_command.run_import_command(_csv(tmp_path, "sku,name", "A-1,One"), url)
    output = capsys.readouterr()
    assert code == 0, output.err
    assert api.uploads == 2
    assert "the API cannot take the file just now (503 Service Unavailable: As many " in output.err
    assert "; sending it again in 1s\n" in output.err


def test_an_upload_the_api_stays_too_busy_for_is_not_accepted(tmp_path, capsys, quick_retries):
    api = _busy_api(busy_for=99)
    with _serving(api) as url:
        code = import_command.run_import_command(_csv(tmp_path, "sku,name", "A-1,One"), url)
    output = capsys.readouterr()
    assert code == import_command.EXIT_NOT_ACCEPTED
    assert api.uploads >= 2  # sent again, as the answer said, until the window ended
    assert _last_line(output.err).startswith(f"error: {url} did not accept the upload: 503")


def test_an_upload_answered_503_for_another_reason_is_not_sent_again(
    tmp_path, capsys, quick_retries
):
    """Its database out of reach as it committed, the API may have stored the file:
    sent again, it could be imported twice."""
    api = _busy_api(busy_for=99, detail="The database cannot be reached just now.")
    with _serving(api) as url:
        code = import_command.run_import_command(_csv(tmp_path, "sku,name", "A-1,One"), url)
    assert code == import_command.EXIT_NOT_ACCEPTED
    assert api.uploads == 1
    assert "database cannot be reached" in _last_line(capsys.readouterr().err)


def test_an_api_unavailable_beyond_the_retries_loses_track(tmp_path, capsys, quick_retries):
    api = type("Api", (_AcceptsThenUnavailable,), {"retry_after": "5", "polls": 0})
    with _serving(api) as url:
        code = import_command.run_import_command(_csv(tmp_path, "sku,name", "A-1,One"), url)
    output = capsys.readouterr()
    assert code == import_command.EXIT_LOST_TRACK
    assert api.polls == 2  # Retry-After: 5 s, and 5 s to retry (a third would succeed)
    assert _last_line(output.err) == (
        "error: the API was unavailable (503 Service Unavailable: The database cannot be "
        "reached just now), still after retrying for 5s; "
        f"import {FAKE_ID} may still be running on the server: {url}/api/v1/imports/{FAKE_ID}"
    )


def test_a_status_poll_the_api_never_answers_times_out(
    tmp_path, capsys, monkeypatch, quick_retries
):
    monkeypatch.setattr(import_command, "POLL_TIMEOUT_SECONDS", 0.5)
    with _serving(_AcceptsThenNeverAnswers) as url:
        code = import_command.run_import_command(_csv(tmp_path, "sku,name", "A-1,One"), url)
    output = capsys.readouterr()
    assert code == import_command.EXIT_LOST_TRACK
    assert "retrying (ReadTimeout)" in output.err
    assert _last_line(output.err).startswith(
        "error: lost the connection to the API (timed out), still after retrying for 5s; "
        f"import {FAKE_ID} may still be running on the server"
    )


async def test_an_api_restarted_while_watching_is_followed_to_the_end(client, worker, tmp_path):
    file = _csv(tmp_path, "sku,name", *[f"L-{i},Name {i}" for i in range(100)])
    with (
        MergeGate() as gate,
        api_process() as (url, api),
        cli_process(file, "--url", url) as process,
    ):
        import_id, progress = _watch_started(process)
        api.terminate()
        api.wait(timeout=20)
        assert process.stderr is not None
        progress += _read_until(process.stderr, b"retrying (ConnectError)")
        with api_process(port=int(url.rsplit(":", 1)[1])):
            gate.open()
            stderr = _ended(process, progress)
        assert process.returncode == 0, stderr
        assert "Traceback" not in stderr
        _assert_messages_start_lines(stderr)
    assert (await wait_final(client, import_id))["status"] == "completed"


async def _until_claimed(api: httpx.AsyncClient, import_id: str) -> None:
    """Until a worker runs the import (held at the merge gate, it then stays running)."""
    for _ in range(1200):
        if (await api.get(f"/api/v1/imports/{import_id}")).json()["status"] == "running":
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no worker claimed import {import_id}")


async def test_ctrl_c_while_watching_leaves_the_import_running_and_says_how_to_cancel(
    live_api, worker, tmp_path
):
    file = _csv(tmp_path, "sku,name", *[f"C-{i},Name {i}" for i in range(100)])
    async with httpx.AsyncClient(base_url=live_api) as api:
        with MergeGate(), cli_process(file, "--url", live_api) as process:
            import_id, progress = _watch_started(process)
            await _until_claimed(api, import_id)
            process.send_signal(signal.SIGINT)
            stderr = _ended(process, progress)
            assert process.returncode == import_command.EXIT_INTERRUPTED
            assert "Traceback" not in stderr
            _assert_messages_start_lines(stderr)
            status_url = f"{live_api}/api/v1/imports/{import_id}"
            assert _last_line(stderr) == (
                f"interrupted: import {import_id} continues on the server ({status_url}); "
                f"to cancel it: POST {status_url}/cancel"
            )
            assert (await api.get(status_url)).json()["status"] == "running"
            assert (await api.post(f"{status_url}/cancel")).status_code == 200
        assert (await wait_final(api, import_id))["status"] == "cancelled"


def test_ctrl_c_during_the_upload_says_nothing_was_imported(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:  # more than the sockets' buffers hold
        handle.write(b"sku,name\n")
        for _ in range(32):
            handle.write(b"U-1,Name\n" * (1 << 17))
    upload_started = threading.Event()
    with _never_answering(upload_started) as url, cli_process(str(big), "--url", url) as process:
        assert process.stderr is not None
        assert process.stderr.readline().startswith(b"uploading big.csv")
        assert upload_started.wait(timeout=60)  # which the server never reads to the end
        process.send_signal(signal.SIGINT)
        stderr = _ended(process)
    assert process.returncode == import_command.EXIT_INTERRUPTED
    assert "Traceback" not in stderr
    assert stderr.strip() == (
        "interrupted: the upload was abandoned and nothing was imported "
        "(the server keeps nothing of an unfinished upload)"
    )


def test_ctrl_c_after_the_whole_upload_says_the_import_may_exist(tmp_path):
    _ReadsButNeverAnswers.upload_read.clear()
    with (
        _serving(_ReadsButNeverAnswers) as url,
        cli_process(_csv(tmp_path, "sku,name", "A-1,One"), "--url", url) as process,
    ):
        assert _ReadsButNeverAnswers.upload_read.wait(timeout=60)
        process.send_signal(signal.SIGINT)
        stderr = _ended(process)
    assert process.returncode == import_command.EXIT_INTERRUPTED
    assert _last_line(stderr) == (
        "interrupted after the whole file was sent, before the API answered: "
        f"the import may have been accepted; see {url}/api/v1/imports"
    )


def test_an_imports_warnings_are_shown_however_it_ends(live_api, worker, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes("sku,name,price,Descriptoin", "W-1,One,9.99,Typo"))
    completed = run_cli(str(good), "--url", live_api)
    assert completed.returncode == 0, completed.stderr
    _assert_messages_start_lines(completed.stderr)
    assert "\nwarning: Unknown columns ignored: price, Descriptoin\n" in completed.stderr

    late_bad = tmp_path / "late-bad.csv"
    late_bad.write_bytes(late_failing_csv("colour"))
    failed = run_cli(str(late_bad), "--url", live_api)
    assert failed.returncode == 1
    assert "\nwarning: Unknown columns ignored: colour\n" in failed.stderr


def test_the_help_shows_the_default_url_and_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "(default: $PRODUCT_IMPORTER_URL, else http://127.0.0.1:8000)" in help_text
    codes = [
        *import_command.EXIT_CODES.values(),
        import_command.EXIT_NOT_ACCEPTED,
        import_command.EXIT_LOST_TRACK,
        import_command.EXIT_USAGE,
        import_command.EXIT_INTERRUPTED,
    ]
    exit_codes = help_text.split("exit codes:")[1]
    assert [int(code) for code in exit_codes.split() if code.isdigit()] == codes
    for code, meaning in import_command.EXIT_CODE_MEANINGS.items():
        assert f"{code} {meaning}" in exit_codes


def test_the_readme_lists_the_exit_codes_the_command_has():
    rows = README.read_text().split("| code | meaning |\n| --- | --- |\n")[1].split("\n\n")[0]
    assert rows.splitlines() == [
        f"| {code} | {meaning} |" for code, meaning in import_command.EXIT_CODE_MEANINGS.items()
    ]
    assert "the import may have been accepted" in import_command.EXIT_CODE_MEANINGS[130]


@pytest.mark.parametrize("argv", [["import"], ["import", "a.csv", "--bogus"], ["nothing"]])
def test_a_wrong_command_line_is_not_taken_for_a_cancelled_import(argv, capsys):
    with pytest.raises(SystemExit) as ended:
        main(argv)
    assert ended.value.code == import_command.EXIT_USAGE != import_command.EXIT_CODES["cancelled"]
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8000", "localhost:8000", "ftp://example.com", "http://"]
)
def test_a_url_that_is_not_http_is_said_to_be_one(tmp_path, capsys, url):
    code = import_command.run_import_command(_csv(tmp_path, "sku,name", "A-1,One"), url)
    assert code == import_command.EXIT_USAGE
    assert _last_line(capsys.readouterr().err) == (
        f"error: --url {url!r} is not an http:// or https:// URL (for example "
        "http://127.0.0.1:8000)"
    )


@pytest.mark.parametrize("port", ["99999", "0", "http"])
def test_a_url_whose_port_cannot_be_one_is_a_wrong_command_line(tmp_path, capsys, port):
    url = f"http://127.0.0.1:{port}"
    code = import_command.run_import_command(_csv(tmp_path, "sku,name", "A-1,One"), url)
    assert code == import_command.EXIT_USAGE
    assert _last_line(capsys.readouterr().err) == (
        f"error: --url {url!r} has a port that cannot be one (1 to 65535)"
    )


def test_a_directory_is_said_to_be_one(tmp_path, capsys):
    code = import_command.run_import_command(str(tmp_path), "http://127.0.0.1:9")
    assert code == import_command.EXIT_NOT_ACCEPTED
    assert capsys.readouterr().err == f"error: {tmp_path} is a directory, not a CSV file\n"


def test_an_unreadable_file_gets_a_one_line_error(tmp_path, capsys, monkeypatch):
    file = _csv(tmp_path, "sku,name", "A-1,One")
    opened = Path.open

    def denied(path: Path, *args: object, **kwargs: object) -> object:
        if str(path) == file:  # as for a user without the right to read it
            raise PermissionError(13, "Permission denied", file)
        return opened(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", denied)
    code = import_command.run_import_command(file, "http://127.0.0.1:9")
    assert code == import_command.EXIT_NOT_ACCEPTED
    assert capsys.readouterr().err == f"error: cannot read {file}: Permission denied\n"


def test_a_file_over_the_upload_limit_is_said_to_be_too_large(tmp_path, monkeypatch):
    monkeypatch.setenv("MAX_UPLOAD_BYTES", "1000")
    big = tmp_path / "big.csv"
    big.write_bytes(b"sku,name\n" + b"T-1,Name\n" * (1 << 18))  # more than the sockets hold
    with api_process() as (url, _):
        result = run_cli(str(big), "--url", url)
    assert result.returncode == import_command.EXIT_NOT_ACCEPTED
    assert "Traceback" not in result.stderr
    assert _last_line(result.stderr).startswith("error: the file is larger than the server accepts")


def test_a_connection_closed_during_the_upload_says_what_it_may_mean(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"sku,name\n" + b"T-1,Name\n" * (1 << 18))  # more than the sockets hold
    with _closing_during_the_upload() as url:
        result = run_cli(str(big), "--url", url)
    assert result.returncode == import_command.EXIT_NOT_ACCEPTED
    assert "Traceback" not in result.stderr
    error = _last_line(result.stderr)
    assert error.startswith(f"error: the server at {url} closed the connection during the upload")
    assert error.endswith(
        "a file larger than the server accepts (MAX_UPLOAD_BYTES) is refused this way"
    )


@pytest.mark.parametrize("given_in", ["--token", "PRODUCT_IMPORTER_TOKEN"])
@pytest.mark.parametrize("ending", ["\r", "\r\n", " "])
def test_a_token_read_with_its_line_ending_is_sent_without_it(
    tmp_path, monkeypatch, given_in, ending
):
    """As a token file with Windows line endings leaves it: `--token "$(cat token)"`."""
    api = _answering(FAKE_COMPLETED)
    args = [_csv(tmp_path, "sku,name", "A-1,One")]
    if given_in == "--token":
        args += ["--token", TOKEN + ending]
    else:
        monkeypatch.setenv("PRODUCT_IMPORTER_TOKEN", TOKEN + ending)
    with _serving(api) as url:
        result = run_cli(*args, "--url", url)
    assert result.returncode == 0, result.stderr
    assert api.authorizations == [f"Bearer {TOKEN}", f"Bearer {TOKEN}"]


@pytest.mark.parametrize(
    "token",
    [TOKEN[:20] + "é" + TOKEN[20:], "pi_two words", "pi_a\tb"],
)
def test_a_token_that_cannot_be_one_is_refused_before_connecting_and_never_shown(tmp_path, token):
    api = _answering(FAKE_COMPLETED)
    with _serving(api) as url:
        result = run_cli(_csv(tmp_path, "sku,name", "A-1,One"), "--url", url, "--token", token)
    assert result.returncode == import_command.EXIT_USAGE, result.stderr
    assert api.authorizations == []  # nothing was sent
    assert "Traceback" not in result.stderr and "pi_" not in result.stderr
    assert result.stderr.startswith("error: the API token (--token or PRODUCT_IMPORTER_TOKEN)")


def test_a_request_that_cannot_be_sent_never_shows_its_headers(tmp_path, quick_retries):
    """httpx refuses to send a header value it cannot (here a carriage return, which the
    command strips from a token): the message says so without the value, and not that the
    server closed the connection over the file's size."""
    path = Path(_csv(tmp_path, "sku,name", "A-1,One"))
    secret = f"Bearer {TOKEN}\r"
    with (
        _serving(_answering(FAKE_COMPLETED)) as url,
        httpx.Client(headers={"Authorization": secret}) as http,
    ):
        api = f"{url}/api/v1"
        with pytest.raises(import_command.CommandEnded) as upload:
            import_command._upload(http, api, path, url)
        with pytest.raises(import_command.LostTrack) as poll:
            import_command._poll(http, f"{api}/imports/{FAKE_ID}", lambda note: None)
    for message in (str(upload.value), str(poll.value)):
        assert TOKEN not in message and "Bearer" not in message, message
        assert "a request header could not be sent" in message, message
    assert upload.value.exit_code == import_command.EXIT_NOT_ACCEPTED
    assert "MAX_UPLOAD_BYTES" not in str(upload.value)


def _phases(stderr: str) -> list[str]:
    """The phase of each progress line: `[###...]  20.0%  parsing  …`."""
    return [line.split()[2] for line in stderr.splitlines() if line.startswith("[")]


def test_without_a_terminal_progress_is_a_line_per_phase(tmp_path):
    """A CI log or a file gets whole lines: a bar redrawn with carriage returns would be
    one endless line there."""
    running = {**FAKE_QUEUED, "status": "running"}
    parsing = {**running, "phase": "parsing", "progress": 20.0}
    merging = {**running, "phase": "merging", "progress": 70.0}
    api = _answering(*[parsing] * 6, merging, FAKE_COMPLETED)
    with _serving(api) as url:
        result = subprocess.run(
            [*CLI, _csv(tmp_path, "sku,name", "A-1,One"), "--url", url],
            capture_output=True,  # bytes: text mode would read a carriage return as a newline
            timeout=120,
        )
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "\r" not in stderr
    _assert_messages_start_lines(stderr)
    phases = _phases(stderr)
    assert [p for i, p in enumerate(phases) if phases[i - 1 : i] != [p]] == [
        "queued", "parsing", "merging", "completed"
    ]  # fmt: skip
    assert phases.count("parsing") < 6  # not a line per poll


def test_an_import_restarted_by_the_server_says_why_its_bar_went_back(tmp_path):
    first = {**FAKE_QUEUED, "status": "running", "phase": "merging", "progress": 80.0}
    again = {**first, "phase": "parsing", "progress": 1.0, "attempts": 2}
    with _serving(_answering(first, again, again, FAKE_COMPLETED)) as url:
        result = run_cli(_csv(tmp_path, "sku,name", "A-1,One"), "--url", url)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    restarted = [line for line in lines if "restarted" in line]
    assert restarted and restarted[0].endswith("  restarted after its worker stopped (attempt 2)")
    assert "parsing" in restarted[0]


def test_on_a_terminal_the_bar_is_redrawn_in_place(tmp_path):
    running = {**FAKE_QUEUED, "status": "running", "phase": "parsing", "progress": 20.0}
    terminal, its_end = pty.openpty()
    with _serving(_answering(running, FAKE_COMPLETED)) as url:
        process = subprocess.Popen(
            [*CLI, _csv(tmp_path, "sku,name", "A-1,One"), "--url", url],
            stdout=subprocess.DEVNULL,
            stderr=its_end,
        )
        os.close(its_end)
        watchdog = threading.Timer(60, process.kill)
        watchdog.start()
        shown = b""
        try:
            with suppress(OSError):  # EIO once the command has closed the terminal
                while chunk := os.read(terminal, 4096):
                    shown += chunk
            assert process.wait() == 0, shown
        finally:
            watchdog.cancel()
            os.close(terminal)
    drawn = shown.decode().split("\r[")
    assert len(drawn) == 4, shown  # queued, parsing, completed: each over the last
    assert drawn[-1].split()[2] == "completed"


@pytest.mark.parametrize("retry_after", ["²", "٣", "soon", ""])
def test_a_retry_after_that_is_no_ascii_number_waits_the_default(retry_after: str) -> None:
    answer = httpx.Response(503, headers={"Retry-After": retry_after.encode()})
    assert import_command._retry_wait(answer) == import_command.RETRY_WAIT_SECONDS


def test_a_retry_after_in_seconds_is_followed() -> None:
    assert import_command._retry_wait(httpx.Response(503, headers={"Retry-After": " 2 "})) == 2


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000?x=1", "http://127.0.0.1:8000/#top"])
def test_a_url_with_a_query_or_fragment_is_a_wrong_command_line(tmp_path, capsys, url):
    code = import_command.run_import_command(_csv(tmp_path, "sku,name", "A-1,One"), url)
    assert code == import_command.EXIT_USAGE
    assert _last_line(capsys.readouterr().err) == (
        f"error: --url {url!r} has a query or fragment: give the server's address "
        "(for example http://127.0.0.1:8000)"
    )


def test_a_url_with_a_password_is_refused_without_showing_it(tmp_path, capsys):
    url = "http://user:SECRET@127.0.0.1:8000"
    code = import_command.run_import_command(_csv(tmp_path, "sku,name", "A-1,One"), url)
    assert code == import_command.EXIT_USAGE
    err = capsys.readouterr().err
    assert "--token" in err and "SECRET" not in err
