"""`product-importer import FILE`: upload through the API and follow the import.

Exit codes: 0 completed, 1 failed, 2 cancelled, 3 not accepted (a bad file, the API
unreachable, or an answer not the API's), 4 lost track (no usable answer from the API
while the import ran: it may still be running on the server), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

EXIT_CODES = {"completed": 0, "failed": 1, "cancelled": 2}
EXIT_NOT_ACCEPTED = 3
EXIT_LOST_TRACK = 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
BAR_WIDTH = 30
EXCERPT_CHARS = 80
POLL_SECONDS = 0.5


class CommandEnded(Exception):
    """Ends the command early: the message for stderr and the exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class UnexpectedAnswer(Exception):
    """The server answered, but not with the import it was asked for."""


def _bar(body: dict[str, Any]) -> str:
    progress = float(body.get("progress") or 0)
    filled = int(BAR_WIDTH * progress / 100)
    eta = body.get("eta_seconds")
    parts = [
        f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {progress:5.1f}%",
        f"{body.get('phase', '')}",
        f"{body.get('processed_rows', 0):,} rows",
    ]
    if body.get("rows_per_second"):
        parts.append(f"{body['rows_per_second']:,.0f} rows/s")
    if eta is not None:
        parts.append(f"ETA {eta:.0f}s")
    return "  ".join(parts)


def _summary(body: dict[str, Any]) -> str:
    if body["status"] == "completed":
        return (
            f"completed: {body['total_rows']:,} rows; created {body['created']:,}, "
            f"updated {body['updated']:,}, unchanged {body['unchanged']:,}, "
            f"skipped {body['skipped']:,}, duplicates in file {body['duplicates_in_file']:,}"
        )
    return f"{body['status']}: {body.get('error') or 'nothing was applied'}"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) > EXCERPT_CHARS:
        flat = flat[:EXCERPT_CHARS] + "…"
    return f'"{flat}"' if flat else "(empty body)"


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__  # some of httpx's errors have no message


def _detail(response: httpx.Response) -> str | None:
    with contextlib.suppress(ValueError):
        body = response.json()
        if isinstance(body, dict) and body.get("detail"):
            return str(body["detail"])
    return None


def _describe(response: httpx.Response) -> str:
    """The answer's status and what it said: the API's `detail`, else a short excerpt."""
    status = f"{response.status_code} {response.reason_phrase}".rstrip()
    return f"{status}: {_detail(response) or _excerpt(response.text)}"


def _import_in(response: httpx.Response, status_code: int) -> dict[str, Any] | None:
    """The import the response describes; None when it is not the answer expected."""
    if response.status_code != status_code:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or not {"id", "status"} <= body.keys():
        return None
    return body


def _checked_file(file: str) -> Path:
    path = Path(file)
    if path.is_dir():
        raise CommandEnded(f"error: {file} is a directory, not a CSV file", EXIT_NOT_ACCEPTED)
    if not path.exists():
        raise CommandEnded(f"error: no such file: {file}", EXIT_NOT_ACCEPTED)
    if not path.is_file():
        raise CommandEnded(f"error: not a regular file: {file}", EXIT_NOT_ACCEPTED)
    return path


def _interrupted_upload(sent_whole_file: bool, api: str) -> CommandEnded:
    if sent_whole_file:  # the answer may have been on its way: the import may exist
        message = (
            "interrupted after the whole file was sent, before the API answered: "
            f"the import may have been accepted; see {api}/imports"
        )
    else:
        message = (
            "interrupted: the upload was abandoned and nothing was imported "
            "(the server keeps nothing of an unfinished upload)"
        )
    return CommandEnded(message, EXIT_INTERRUPTED)


def _upload(http: httpx.Client, api: str, path: Path, url: str) -> dict[str, Any]:
    size = path.stat().st_size
    with path.open("rb") as handle:
        try:
            print(f"uploading {path.name} ({size / 1e6:,.1f} MB) to {url}", file=sys.stderr)
            response = http.post(f"{api}/imports", files={"file": (path.name, handle, "text/csv")})
        except KeyboardInterrupt:
            raise _interrupted_upload(handle.tell() >= size, api) from None
        except httpx.HTTPError as exc:
            message = f"error: cannot reach the API at {url}: {_reason(exc)}"
            raise CommandEnded(message, EXIT_NOT_ACCEPTED) from None
    accepted = _import_in(response, 202)
    if accepted is None:
        message = f"error: {url} did not accept the upload: {_describe(response)}"
        raise CommandEnded(message, EXIT_NOT_ACCEPTED)
    return accepted


@contextlib.contextmanager
def _progress_line() -> Iterator[Callable[[dict[str, Any]], None]]:
    """Draws the bar in place on stderr, and ends its line however the watch ends, so
    that no message is printed onto the bar."""
    drawn = False

    def draw(body: dict[str, Any]) -> None:
        nonlocal drawn
        sys.stderr.write("\r" + _bar(body).ljust(100))
        sys.stderr.flush()
        drawn = True

    try:
        yield draw
    finally:
        if drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _poll(http: httpx.Client, status_url: str) -> dict[str, Any]:
    response = http.get(status_url)
    body = _import_in(response, 200)
    if body is None:
        raise UnexpectedAnswer(f"it answered {_describe(response)}")
    return body


def _follow(http: httpx.Client, api: str, accepted: dict[str, Any]) -> dict[str, Any]:
    import_id = accepted["id"]
    status_url = f"{api}/imports/{import_id}"
    try:
        print(f"import {import_id} accepted; follow it at {status_url}", flush=True)
        body = accepted
        with _progress_line() as draw:
            while body["status"] in ("queued", "running"):
                draw(body)
                time.sleep(POLL_SECONDS)
                body = _poll(http, status_url)
            draw(body)
        return body
    except KeyboardInterrupt:
        message = (
            f"interrupted: import {import_id} continues on the server ({status_url}); "
            f"to cancel it: POST {status_url}/cancel"
        )
        raise CommandEnded(message, EXIT_INTERRUPTED) from None
    except (httpx.HTTPError, UnexpectedAnswer) as exc:
        message = (
            f"error: lost the connection to the API ({_reason(exc)}); import {import_id} may "
            f"still be running on the server: {status_url}"
        )
        raise CommandEnded(message, EXIT_LOST_TRACK) from None


def _report(body: dict[str, Any], api: str) -> None:
    for warning in body.get("warnings") or []:
        print(f"warning: {warning}", file=sys.stderr)
    print(_summary(body))
    if body.get("skipped"):
        print(f"skipped rows: {api}/imports/{body['id']}/errors.csv")


def run_import_command(file: str, url: str, token: str | None = None) -> int:
    api = url.rstrip("/").removesuffix("/api/v1") + "/api/v1"  # the root, or the API's
    timeout = httpx.Timeout(30.0, write=None, read=None)
    headers = {"Authorization": f"Bearer {token}"} if token else None
    try:
        path = _checked_file(file)
        with httpx.Client(timeout=timeout, headers=headers) as http:
            final = _follow(http, api, _upload(http, api, path, url))
    except CommandEnded as end:
        print(end, file=sys.stderr)
        return end.exit_code
    _report(final, api)
    return EXIT_CODES.get(final["status"], 1)
