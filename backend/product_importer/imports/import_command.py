"""`product-importer import FILE`: upload through the API and follow the import.

How the command ends is its exit code: `EXIT_CODE_MEANINGS` below is the table of them.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from product_importer.exit_codes import EXIT_USAGE

EXIT_CODES = {"completed": 0, "failed": 1, "cancelled": 2}
EXIT_NOT_ACCEPTED = 3
EXIT_LOST_TRACK = 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_CODE_MEANINGS = {
    EXIT_CODES["completed"]: "the import completed",
    EXIT_CODES["failed"]: "the import failed (nothing was applied)",
    EXIT_CODES["cancelled"]: "the import was cancelled",
    EXIT_NOT_ACCEPTED: (
        "not accepted: a bad or unreadable file, the API unreachable or refusing the file, "
        "or an answer that is not the API's"
    ),
    EXIT_LOST_TRACK: (
        "lost track: no usable answer from the API while the import ran, even after "
        "retrying for a minute (through lost connections, 429, 500, 502-504 and pages that "
        "are not the API's), or a status this command does not know; it may still be "
        "running on the server (follow it at the status URL printed when it was accepted)"
    ),
    EXIT_USAGE: (
        "a wrong command line: a missing or unknown argument, a --url (or "
        "PRODUCT_IMPORTER_URL) that is not http(s), has no valid port, or has a user, "
        "password, query or fragment, a token that cannot be one (not visible ASCII)"
    ),
    EXIT_INTERRUPTED: (
        "interrupted (Ctrl-C): an upload cut short imports nothing; interrupted after the "
        "whole file was sent but before the API answered, the import may have been "
        "accepted (see the API's list of imports); an import already accepted continues "
        "on the server (`POST …/imports/{id}/cancel` stops it)"
    ),
}
BAR_WIDTH = 30
EXCERPT_CHARS = 80
POLL_SECONDS = 0.5
# Without a terminal (a CI log, a file) progress is a line of its own: one for each new
# phase, else one this seldom.
PLAIN_PROGRESS_SECONDS = 5.0
# The upload waits for the whole file to be stored, however long that takes; a status
# poll gets an answer at once from a working API.
UPLOAD_TIMEOUT = httpx.Timeout(30.0, write=None, read=None)
POLL_TIMEOUT_SECONDS = 30.0
# While watching, the API may be briefly unable to answer (it answers 503 with
# Retry-After when its database or Redis cannot be reached, 429 when this token or
# address sent too many requests, a proxy 502 or 504 while it restarts, or a page of its
# own): the command retries for this long before it gives up on the import.
RETRY_WINDOW_SECONDS = 60.0
RETRY_WAIT_SECONDS = 2.0
MAX_RETRY_WAIT_SECONDS = 10.0
UNAVAILABLE_STATUSES = frozenset({502, 503, 504})
RETRIED_STATUSES = UNAVAILABLE_STATUSES | {429, 500}
KNOWN_STATUSES = frozenset({"queued", "running", *EXIT_CODES})
# Named by the API's 503 to an upload that arrived while it received as many as it takes.
UPLOADS_BUSY = "UPLOADS_MAX"
# Said instead of httpx's message, which names the header value it refused to send: the
# API token, perhaps.
TOKEN_GIVEN = "the API token (--token or PRODUCT_IMPORTER_TOKEN)"
UNSENDABLE = "a request header could not be sent (its value is not valid in HTTP)"


class CommandEnded(Exception):
    """Ends the command early: the message for stderr and the exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


def _size(size: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}"
    return f"{size} byte{'' if size == 1 else 's'}"


def _bar(body: dict[str, Any]) -> str:
    progress = float(body.get("progress") or 0)
    filled = int(BAR_WIDTH * progress / 100)
    eta = body.get("eta_seconds")
    parts = [
        f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {progress:5.1f}%",
        f"{body.get('phase', '')}",
        _rows(body.get("processed_rows", 0)),
    ]
    if body.get("rows_per_second"):
        parts.append(f"{body['rows_per_second']:,.0f} rows/s")
    if eta is not None:
        parts.append(f"ETA {eta:.0f}s")
    return "  ".join(parts)


def _summary(body: dict[str, Any]) -> str:
    if body["status"] == "completed":
        return (
            f"completed: {_rows(body['total_rows'])}; created {body['created']:,}, "
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
    # Without a closing full stop: the messages go on after it.
    return f"{status}: {_detail(response) or _excerpt(response.text)}".rstrip(".")


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
    try:
        if path.is_dir():
            raise CommandEnded(f"error: {file} is a directory, not a CSV file", EXIT_NOT_ACCEPTED)
        if not path.exists():
            raise CommandEnded(f"error: no such file: {file}", EXIT_NOT_ACCEPTED)
        if not path.is_file():
            raise CommandEnded(f"error: not a regular file: {file}", EXIT_NOT_ACCEPTED)
    except OSError as exc:  # e.g. a file in a directory the user may not enter
        raise _unreadable(file, exc) from None
    return path


def _unreadable(file: str, exc: OSError) -> CommandEnded:
    return CommandEnded(f"error: cannot read {file}: {exc.strerror or exc}", EXIT_NOT_ACCEPTED)


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


def _upload_failed(exc: httpx.HTTPError, url: str) -> CommandEnded:
    if isinstance(exc, httpx.LocalProtocolError):
        message = f"error: the upload to {url} could not be sent: {UNSENDABLE}"
    elif isinstance(exc, httpx.ConnectError | httpx.TimeoutException):
        message = (
            f"error: cannot reach the API at {url}: {_reason(exc)}; is it running there? "
            "(--url or PRODUCT_IMPORTER_URL gives its address)"
        )
    else:
        # The API refuses a file over its upload limit before reading it and closes the
        # connection; its answer can be lost with the connection.
        message = (
            f"error: the server at {url} closed the connection during the upload "
            f"({_reason(exc)}); a file larger than the server accepts (MAX_UPLOAD_BYTES) "
            "is refused this way"
        )
    return CommandEnded(message, EXIT_NOT_ACCEPTED)


def _refusal(response: httpx.Response, url: str) -> CommandEnded:
    if response.status_code == 413:
        message = f"error: the file is larger than the server accepts: {_describe(response)}"
    elif response.status_code in (404, 405):  # no such path: not the API's root
        message = (
            f"error: no Product Importer API at {url} (it answered the upload "
            f"{_describe(response)}); give the address the API runs at, e.g. "
            "http://127.0.0.1:8000"
        )
    elif response.status_code == 401:
        message = f"error: {url} did not accept the upload: {_describe(response)}; " + (
            f"{TOKEN_GIVEN} was refused"
            if "authorization" in response.request.headers
            else "give an API token with --token or PRODUCT_IMPORTER_TOKEN"
        )
    elif response.is_success:
        message = (
            f"error: {url} answered the upload {_describe(response)}, not with an import "
            "as Product Importer's API does: is it the API's address?"
        )
    else:
        message = f"error: {url} did not accept the upload: {_describe(response)}"
    return CommandEnded(message, EXIT_NOT_ACCEPTED)


def _upload(http: httpx.Client, api: str, path: Path, url: str) -> dict[str, Any]:
    """The import the API accepted. Sent again while the API answers that it keeps
    nothing just now (`_busy`), for up to RETRY_WINDOW_SECONDS from its first such
    answer (a large file takes long to send before it is answered)."""
    deadline: float | None = None
    while True:
        response = _send_file(http, api, path, url)
        accepted = _import_in(response, 202)
        if accepted is not None:
            return accepted
        deadline = deadline or time.monotonic() + RETRY_WINDOW_SECONDS
        remaining = deadline - time.monotonic()
        if not _busy(response) or remaining <= 0:
            raise _refusal(response, url)
        wait = min(_retry_wait(response), remaining)
        print(
            f"the API cannot take the file just now ({_describe(response)}); sending it "
            f"again in {wait:g}s",
            file=sys.stderr,
        )
        try:
            time.sleep(wait)
        except KeyboardInterrupt:
            raise _interrupted_upload(False, api) from None


def _busy(response: httpx.Response) -> bool:
    """An answer that the API took none of the file and may take it later: too many
    requests (429, before it read the file), or as many uploads arriving as it takes at
    once (a 503 naming UPLOADS_MAX). Another 503 (its database out of reach) may come
    after the file was stored: sending it again could import it twice."""
    if response.status_code == 429:
        return True
    return response.status_code == 503 and UPLOADS_BUSY in (_detail(response) or "")


def _send_file(http: httpx.Client, api: str, path: Path, url: str) -> httpx.Response:
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        raise _unreadable(str(path), exc) from None
    with handle:
        try:
            print(f"uploading {path.name} ({_size(size)}) to {url}", file=sys.stderr)
            files = {"file": (path.name, handle, "text/csv")}
            return http.post(f"{api}/imports", files=files, timeout=UPLOAD_TIMEOUT)
        except KeyboardInterrupt:
            raise _interrupted_upload(handle.tell() >= size, api) from None
        except httpx.HTTPError as exc:
            raise _upload_failed(exc, url) from None


def _progress_lines() -> Callable[..., None]:
    """Progress as whole lines on stderr, for a log: a bar redrawn with carriage returns
    would make one endless line there."""
    shown: tuple[object, ...] = ()
    shown_at = 0.0

    def draw(body: dict[str, Any], note: str = "") -> None:
        nonlocal shown, shown_at
        now, what = time.monotonic(), (body.get("status"), body.get("phase"), bool(note))
        if what == shown and now - shown_at < PLAIN_PROGRESS_SECONDS:
            return
        shown, shown_at = what, now
        print(_bar(body) + (f"  {note}" if note else ""), file=sys.stderr, flush=True)

    return draw


@contextlib.contextmanager
def _progress_line() -> Iterator[Callable[..., None]]:
    """Draws the bar in place on stderr, with a note after it if any, and ends its line
    however the watch ends, so that no message is printed onto the bar; without a
    terminal, prints lines instead."""
    if not sys.stderr.isatty():
        yield _progress_lines()
        return
    drawn = 0  # the longest line drawn: a shorter one is padded to cover it

    def draw(body: dict[str, Any], note: str = "") -> None:
        nonlocal drawn
        line = _bar(body) + (f"  {note}" if note else "")
        width, drawn = drawn, max(drawn, len(line))  # before writing: Ctrl-C may come next
        sys.stderr.write("\r" + line.ljust(width))
        sys.stderr.flush()

    try:
        yield draw
    finally:
        if drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()


class LostTrack(Exception):
    """No usable answer about the import: what went wrong, for the message."""


def _retry_wait(response: httpx.Response | None) -> float:
    """How long to wait before asking again: the answer's Retry-After (in seconds), if
    it has one, within bounds."""
    retry_after = response.headers.get("Retry-After", "").strip() if response is not None else ""
    # isascii(): str.isdigit() also takes digits float() refuses, such as '²'.
    seconds = (
        float(retry_after)
        if retry_after.isascii() and retry_after.isdigit()
        else RETRY_WAIT_SECONDS
    )
    return min(max(seconds, 0.1), MAX_RETRY_WAIT_SECONDS)


def _poll(http: httpx.Client, status_url: str, retrying: Callable[[str], None]) -> dict[str, Any]:
    """The import's status, asked again for up to RETRY_WINDOW_SECONDS while the API
    cannot be reached or gives an answer that may be a passing one."""
    deadline = time.monotonic() + RETRY_WINDOW_SECONDS
    while True:
        response = None
        try:
            response = http.get(status_url, timeout=POLL_TIMEOUT_SECONDS)
        except httpx.LocalProtocolError:  # refused by this side: asking again won't help
            raise LostTrack(UNSENDABLE) from None
        except httpx.TransportError as exc:  # timeouts included
            cause, failure = type(exc).__name__, f"lost the connection to the API ({_reason(exc)})"
        except httpx.HTTPError as exc:  # an answer that cannot be read: asking again won't help
            raise LostTrack(f"the API's answer could not be read ({_reason(exc)})") from None
        else:
            body = _import_in(response, 200)
            if body is not None:
                return body
            failure = _unusable(response)
            if not (response.is_success or response.status_code in RETRIED_STATUSES):
                raise LostTrack(failure)  # a token refused, the import gone: for good
            cause = f"{response.status_code} {response.reason_phrase}".rstrip()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LostTrack(f"{failure}, still after retrying for {RETRY_WINDOW_SECONDS:.0f}s")
        retrying(f"retrying ({cause}); giving up in {remaining:.0f}s")
        time.sleep(min(_retry_wait(response), remaining))


def _unusable(response: httpx.Response) -> str:
    if response.status_code in UNAVAILABLE_STATUSES:
        return f"the API was unavailable ({_describe(response)})"
    return f"the API answered {_describe(response)}"


def _restart_note(body: dict[str, Any]) -> str:
    """Why the bar went back to the start: the import's worker stopped, and it runs again
    from the start (its earlier attempt applied nothing)."""
    attempts = body.get("attempts") or 0
    return f"restarted after its worker stopped (attempt {attempts})" if attempts > 1 else ""


def _follow(http: httpx.Client, api: str, accepted: dict[str, Any]) -> dict[str, Any]:
    import_id = accepted["id"]
    status_url = f"{api}/imports/{import_id}"
    try:
        print(f"import {import_id} accepted; follow it at {status_url}", flush=True)
        body = accepted
        with _progress_line() as draw:
            while body["status"] in ("queued", "running"):
                draw(body, _restart_note(body))
                time.sleep(POLL_SECONDS)
                body = _poll(http, status_url, functools.partial(draw, body))
            draw(body)
        if body["status"] not in KNOWN_STATUSES:
            raise LostTrack(
                f"the API answered a status this command does not know ({body['status']!r})"
            )
        return body
    except KeyboardInterrupt:
        message = (
            f"interrupted: import {import_id} continues on the server ({status_url}); "
            f"to cancel it: POST {status_url}/cancel"
        )
        raise CommandEnded(message, EXIT_INTERRUPTED) from None
    except LostTrack as exc:
        message = (
            f"error: {exc}; import {import_id} may still be running on the server: {status_url}"
        )
        raise CommandEnded(message, EXIT_LOST_TRACK) from None


def _report(body: dict[str, Any], api: str) -> None:
    for warning in body.get("warnings") or []:
        print(f"warning: {warning}", file=sys.stderr)
    print(_summary(body))
    if body.get("skipped"):
        print(f"skipped rows: {api}/imports/{body['id']}/errors.csv")


def _checked_url(url: str, named: str) -> None:
    """`url` as given in `named` (`--url` or `PRODUCT_IMPORTER_URL`): refused unless it is
    an API's address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CommandEnded(
            f"error: {named} {url!r} is not an http:// or https:// URL (for example "
            "http://127.0.0.1:8000)",
            EXIT_USAGE,
        )
    try:
        port_is_valid = parts.port != 0
    except ValueError:
        port_is_valid = False
    if not port_is_valid:
        message = f"error: {named} {url!r} has a port that cannot be one (1 to 65535)"
        raise CommandEnded(message, EXIT_USAGE)
    if parts.username is not None or parts.password is not None:
        # Never repeated: it may hold a password, which every message would show.
        message = f"error: {named} has a user or password: give the API token with --token"
        raise CommandEnded(message, EXIT_USAGE)
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise CommandEnded(
            f"error: {named} {url!r} has a query or fragment: give the server's address "
            "(for example http://127.0.0.1:8000)",
            EXIT_USAGE,
        )


def _checked_token(token: str | None) -> str | None:
    """The token without the whitespace around it (a token file with Windows line
    endings leaves a carriage return); refused, never shown, unless it is visible ASCII."""
    token = (token or "").strip()
    if token and not all("!" <= char <= "~" for char in token):
        raise CommandEnded(
            f"error: {TOKEN_GIVEN} has characters no token has (only visible ASCII ones, "
            "without spaces): check that it was copied whole and alone",
            EXIT_USAGE,
        )
    return token or None


def run_import_command(
    file: str, url: str, token: str | None = None, url_named: str = "--url"
) -> int:
    """Upload `file` to the API at `url` (given in `url_named`) and follow the import to
    its end: the exit code says how it ended."""
    api = url.rstrip("/").removesuffix("/api/v1") + "/api/v1"  # the root, or the API's
    try:
        _checked_url(url, url_named)
        token = _checked_token(token)
        headers = {"Authorization": f"Bearer {token}"} if token else None
        path = _checked_file(file)
        with httpx.Client(headers=headers) as http:
            final = _follow(http, api, _upload(http, api, path, url))
    except CommandEnded as end:
        print(end, file=sys.stderr)
        return end.exit_code
    _report(final, api)
    return EXIT_CODES[final["status"]]
