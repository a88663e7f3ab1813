"""Read one file field of a multipart/form-data request as a stream of bytes.

Starlette's form parser spools whole files to disk before the handler runs; an
import must instead check the header while the upload streams and store it in
constant memory, so the request body is parsed here, chunk by chunk.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request


class BadUpload(ValueError):
    """The request is not a multipart upload with the expected file field."""


class _FilePartCollector:
    def __init__(self, field_name: str) -> None:
        self.field_name = field_name
        self.filename: str | None = None
        self.found = False
        self.again = False  # a second part of the same name
        self.ended = False  # the closing boundary was read
        self.pending: list[bytes] = []
        self._in_field = False
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""

    def on_part_begin(self) -> None:
        self._in_field = False
        self._disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        name = options.get(b"name", b"").decode("utf-8", errors="replace")
        if name == self.field_name and self.found:
            self.again = True
        elif name == self.field_name:
            self._in_field = True
            self.found = True
            raw = options.get(b"filename")
            self.filename = raw.decode("utf-8", errors="replace") if raw is not None else None

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_field:
            self.pending.append(data[start:end])

    def on_part_end(self) -> None:
        self._in_field = False

    def on_end(self) -> None:
        self.ended = True

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_end": self.on_end,
        }


class MultipartFile:
    """The bytes of field `field_name`, in order, as they arrive."""

    def __init__(self, request: Request, field_name: str = "file") -> None:
        content_type = request.headers.get("content-type", "")
        kind, params = parse_options_header(content_type)
        if kind != b"multipart/form-data" or b"boundary" not in params:
            raise BadUpload(
                f"Upload the CSV as multipart/form-data in a field named '{field_name}'."
            )
        self._request = request
        self._collector = _FilePartCollector(field_name)
        self._parser = MultipartParser(params[b"boundary"], self._collector.callbacks())  # type: ignore[arg-type]
        self.field_name = field_name
        self._body_read = False

    @property
    def filename(self) -> str | None:
        return self._collector.filename

    async def chunks(self) -> AsyncIterator[bytes]:
        async for body in self._request.stream():
            try:
                self._parser.write(body)
            except MultipartParseError as exc:
                raise BadUpload(
                    f"The request is not a valid multipart/form-data body ({exc})."
                ) from None
            if self._collector.again:
                raise BadUpload(
                    f"The request has more than one file field named '{self.field_name}': "
                    "upload one CSV per import."
                )
            if self._collector.pending:
                data = b"".join(self._collector.pending)
                self._collector.pending.clear()
                yield data
        self._body_read = True
        if not self._collector.found:
            raise BadUpload(f"The request has no file field named '{self.field_name}'.")
        if not self._collector.ended:
            # The parser does not check it: a body cut short would be a truncated file.
            raise BadUpload(
                "The upload ended before the end of the multipart body (no closing "
                "boundary), so the file may be cut short; nothing was kept."
            )

    async def drain(self) -> None:
        """Read and discard the rest of the body, so the client reliably gets our answer."""
        if self._body_read:
            return
        self._body_read = True
        try:
            async for _ in self._request.stream():
                pass
        except RuntimeError:  # "Stream consumed": its last part was read already
            return
